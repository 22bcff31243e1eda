/**
 * Which cluster the tool talks to, and the guard that keeps it on minikube unless told otherwise.
 * client-node's loadFromDefault() quietly falls back to localhost:8080 when no kubeconfig exists,
 * so the file is located and checked here first.
 */
import { delimiter } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { existingKubeconfigFiles, kubeconfigFiles, loadKubeconfigFiles } from '@locust-ts/kube-watch';
import { DeployError } from './errors.js';
import { DEFAULT_NAMESPACE, SAFE_CONTEXT } from './constants.js';

export interface ClusterTarget {
  readonly kubeConfig: KubeConfig;
  readonly context: string;
  readonly namespace: string;
  /** The API server URL, for messages. */
  readonly server: string;
  /** The kubeconfig files read (a KUBECONFIG-style list): what kubectl must read too, e.g. for port-forward. */
  readonly kubeconfigFiles: string;
}

export interface TargetOptions {
  readonly kubeconfig?: string;
  /** Named explicitly on the command line: the only way past the minikube guard. */
  readonly context?: string;
  readonly namespace?: string;
}

export function resolveTarget(options: TargetOptions): ClusterTarget {
  const files = kubeconfigFiles(options.kubeconfig);
  const existing = existingKubeconfigFiles(files);
  if (existing.length === 0) throw new DeployError(`no kubeconfig at ${files.join(delimiter)}: start the cluster first (minikube start) or pass --kubeconfig PATH`);
  const path = existing.join(delimiter);
  let kubeConfig: KubeConfig;
  try {
    kubeConfig = loadKubeconfigFiles(existing);
  } catch (error) {
    throw new DeployError((error as Error).message);
  }

  const current = kubeConfig.getCurrentContext();
  if (options.context !== undefined) {
    if (!kubeConfig.getContextObject(options.context)) {
      const known = kubeConfig.getContexts().map((c) => c.name).join(', ') || 'none';
      throw new DeployError(`context "${options.context}" is not in ${path} (contexts: ${known})`);
    }
    kubeConfig.setCurrentContext(options.context);
  } else if (current !== SAFE_CONTEXT) {
    throw new DeployError(
      `current context is "${current || '(none)'}", not "${SAFE_CONTEXT}": refusing to touch it; ` +
        `run \`kubectl config use-context ${SAFE_CONTEXT}\` or pass --context ${current || 'NAME'} to deploy there on purpose`,
    );
  }

  const context = kubeConfig.getCurrentContext();
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new DeployError(`context "${context}" in ${path} names no cluster`);
  const namespace = options.namespace ?? kubeConfig.getContextObject(context)?.namespace ?? DEFAULT_NAMESPACE;
  return { kubeConfig, context, namespace, server: cluster.server, kubeconfigFiles: path };
}
