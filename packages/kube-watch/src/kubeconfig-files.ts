/**
 * KUBECONFIG as kubectl reads it, for the scale watch and the deploy tool alike: the files in
 * kubectl's order, merged as kubectl merges them. The first file to set current-context, or to
 * define a cluster, user or context of a given name, wins (client-node's own merge throws on a
 * name defined twice, which kubectl accepts); a listed file that does not exist is skipped; file
 * paths inside a kubeconfig are relative to that file's directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeConfigError } from '@locust-ts/protocol';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

/** The kubeconfig files in kubectl's order: `--kubeconfig`, else every $KUBECONFIG entry, else ~/.kube/config. */
export function kubeconfigFiles(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit) return [explicit];
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.length > 0);
  return listed.length > 0 ? listed : [join(env.HOME ?? homedir(), '.kube', 'config')];
}

type Json = Record<string, unknown>;
/** Per kind of entry, the fields naming files (relative to the kubeconfig that holds them). */
const FILE_FIELDS: Record<string, [string, string[]]> = {
  clusters: ['cluster', ['certificate-authority']],
  users: ['user', ['client-certificate', 'client-key', 'tokenFile']],
};

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

/**
 * The files of a KUBECONFIG list that exist (kubectl skips the others). Callers say in their own
 * words what to do when none does.
 */
export function existingKubeconfigFiles(files: readonly string[]): string[] {
  return files.filter((p) => existsSync(p));
}

/** `existing` (see {@link existingKubeconfigFiles}) merged into one KubeConfig; throws {@link KubeConfigError} (one line naming the file). */
export function loadKubeconfigFiles(existing: readonly string[]): KubeConfig {
  const merged: Json = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
  for (const path of existing) {
    let doc: Json;
    try {
      doc = (parseYaml(readFileSync(path, 'utf8')) ?? {}) as Json;
    } catch (error) {
      throw new KubeConfigError(`cannot load kubeconfig ${path}: ${firstLine(error)}`);
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
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromString(stringifyYaml(merged));
  } catch (error) {
    throw new KubeConfigError(`cannot load kubeconfig ${existing.join(delimiter)}: ${firstLine(error)}`);
  }
  return kubeConfig;
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
