/**
 * Which cluster the scale watch talks to, as kubectl picks it: inside a pod the service account
 * (KUBERNETES_SERVICE_HOST/PORT + the token and CA files), else KUBECONFIG (a list of files merged
 * in order) or ~/.kube/config; `--kube-context` and `--kube-namespace` override the context.
 */
import { existsSync, readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeConfigError } from '@locust-ts/protocol';
import { existingKubeconfigFiles, kubeconfigFiles, loadKubeconfigFiles } from './kubeconfig-files.js';

/** Where Kubernetes mounts a pod's service-account credentials. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/**
 * Test-only: a directory prefix put before {@link SERVICE_ACCOUNT_DIR} (client-node's
 * `loadFromCluster(pathPrefix)`), so tests can offer a fake token and CA without root paths.
 */
export const SERVICE_ACCOUNT_PREFIX_ENV = 'LOCUST_TS_TEST_SERVICEACCOUNT_PREFIX';

export interface ClusterChoice {
  context?: string | null;
  namespace?: string | null;
}

export interface ResolvedCluster {
  kubeConfig: KubeConfig;
  namespace: string;
  server: string;
  /** `in-cluster service account` or `context "minikube"` */
  source: string;
}

export { KubeConfigError };

export function resolveCluster(choice: ClusterChoice): ResolvedCluster {
  const env = process.env;
  const prefix = env[SERVICE_ACCOUNT_PREFIX_ENV] ?? '';
  const inCluster = Boolean(env.KUBERNETES_SERVICE_HOST) && existsSync(`${prefix}${SERVICE_ACCOUNT_DIR}/token`) && !choice.context;
  if (inCluster) {
    const kc = new KubeConfig();
    kc.loadFromCluster(prefix);
    const nsFile = `${prefix}${SERVICE_ACCOUNT_DIR}/namespace`;
    const podNamespace = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : '';
    return {
      kubeConfig: kc,
      namespace: choice.namespace || podNamespace || 'default',
      server: kc.getCurrentCluster()?.server ?? '',
      source: 'in-cluster service account',
    };
  }
  const files = existingKubeconfigFiles(kubeconfigFiles(null, env));
  if (files.length === 0) {
    throw new KubeConfigError(`no kubeconfig (${env.KUBECONFIG ? `none of KUBECONFIG's files exist` : 'KUBECONFIG unset, no ~/.kube/config'}) and not inside a pod`);
  }
  const kc = loadKubeconfigFiles(files);
  if (choice.context) {
    if (!kc.getContextObject(choice.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeConfigError(`no context "${choice.context}" in the kubeconfig (contexts: ${known.join(', ') || 'none'})`);
    }
    kc.setCurrentContext(choice.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster || !kc.getCurrentContext()) {
    throw new KubeConfigError('no current context in the kubeconfig (KUBECONFIG or ~/.kube/config): pass --kube-context or run inside a pod');
  }
  const context = kc.getContextObject(kc.getCurrentContext());
  return {
    kubeConfig: kc,
    namespace: choice.namespace || context?.namespace || 'default',
    server: cluster.server,
    source: `context "${kc.getCurrentContext()}"`,
  };
}
