/**
 * Which cluster the tool talks to, and the guard that keeps it on minikube unless told otherwise.
 * client-node's loadFromDefault() quietly falls back to localhost:8080 when no kubeconfig exists,
 * so the file is located and checked here first.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { DeployError } from './errors.js';
import { DEFAULT_NAMESPACE, SAFE_CONTEXT } from './constants.js';

export interface ClusterTarget {
  readonly kubeConfig: KubeConfig;
  readonly context: string;
  readonly namespace: string;
  /** The API server URL, for messages. */
  readonly server: string;
}

export interface TargetOptions {
  readonly kubeconfig?: string;
  /** Named explicitly on the command line: the only way past the minikube guard. */
  readonly context?: string;
  readonly namespace?: string;
}

export function kubeconfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  const fromEnv = env.KUBECONFIG?.split(delimiter).find((p) => p.length > 0);
  return fromEnv ?? join(homedir(), '.kube', 'config');
}

export function resolveTarget(options: TargetOptions): ClusterTarget {
  const path = kubeconfigPath(options.kubeconfig);
  if (!existsSync(path)) {
    throw new DeployError(`no kubeconfig at ${path}: start the cluster first (minikube start) or pass --kubeconfig PATH`);
  }
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(path);
  } catch (error) {
    throw new DeployError(`cannot load kubeconfig ${path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
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
  return { kubeConfig, context, namespace, server: cluster.server };
}
