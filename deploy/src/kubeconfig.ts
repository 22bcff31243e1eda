/**
 * Which cluster the tool talks to, and the guard that keeps it on minikube unless told otherwise.
 * client-node's loadFromDefault() quietly falls back to localhost:8080 when no kubeconfig exists,
 * so the file is located and checked here first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
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

/** The kubeconfig files in kubectl's order: --kubeconfig, else every $KUBECONFIG entry, else ~/.kube/config. */
export function kubeconfigPaths(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit) return [explicit];
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.length > 0);
  return fromEnv.length > 0 ? fromEnv : [join(homedir(), '.kube', 'config')];
}

type Json = Record<string, unknown>;
/** Per kind of entry, the fields naming files (relative to the kubeconfig that holds them). */
const FILE_FIELDS: Record<string, [string, string[]]> = {
  clusters: ['cluster', ['certificate-authority']],
  users: ['user', ['client-certificate', 'client-key', 'tokenFile']],
};

/**
 * kubectl's merge of a KUBECONFIG list: for each named cluster, user and context, and for
 * current-context, the first file that sets it wins; missing files are skipped (an error only if
 * none exists). Relative file paths stay relative to the file they came from.
 */
function mergedKubeconfig(paths: readonly string[]): { yaml: string; source: string } {
  const existing = paths.filter((p) => existsSync(p));
  if (existing.length === 0) {
    throw new DeployError(`no kubeconfig at ${paths.join(delimiter)}: start the cluster first (minikube start) or pass --kubeconfig PATH`);
  }
  const merged: Json = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
  for (const path of existing) {
    let doc: Json;
    try {
      doc = (parseYaml(readFileSync(path, 'utf8')) ?? {}) as Json;
    } catch (error) {
      throw new DeployError(`cannot load kubeconfig ${path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    if (!merged['current-context'] && doc['current-context']) merged['current-context'] = doc['current-context'];
    for (const kind of ['clusters', 'users', 'contexts']) {
      const into = merged[kind] as Json[];
      for (const entry of (Array.isArray(doc[kind]) ? doc[kind] : []) as Json[]) {
        if (into.some((e) => e.name === entry.name)) continue;
        into.push(absolutePaths(kind, entry, dirname(resolve(path))));
      }
    }
  }
  return { yaml: stringifyYaml(merged), source: existing.join(delimiter) };
}

function absolutePaths(kind: string, entry: Json, dir: string): Json {
  const fields = FILE_FIELDS[kind];
  if (!fields) return entry;
  const [key, names] = fields;
  const body = { ...((entry[key] ?? {}) as Json) };
  for (const name of names) {
    const value = body[name];
    if (typeof value === 'string' && value && !isAbsolute(value)) body[name] = resolve(dir, value);
  }
  return { ...entry, [key]: body };
}

export function resolveTarget(options: TargetOptions): ClusterTarget {
  const { yaml, source: path } = mergedKubeconfig(kubeconfigPaths(options.kubeconfig));
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromString(yaml);
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
  return { kubeConfig, context, namespace, server: cluster.server, kubeconfigFiles: path };
}
