/**
 * The objects a kustomization renders to, by the real kustomize (`kubectl kustomize`, built into
 * kubectl), then checked field by field against the Kubernetes schema before anything is sent:
 * client-node drops fields it does not know, so a typo would otherwise vanish silently.
 */
import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { DeployError } from './errors.js';
import { KIND_ORDER } from './constants.js';
import { checkFields } from './schema.js';

export interface Manifest extends KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  readonly spec?: Record<string, unknown>;
}

/** kubectl renders the kustomization; KUBECTL names another binary. */
export function kubectlBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.KUBECTL || 'kubectl';
}

/** `kubectl kustomize DIR`, parsed; every object checked against the schema (one line per failure). */
export function renderManifests(dir: string): Manifest[] {
  let text: string;
  try {
    // Rendering is offline; without an empty kubeconfig kubectl would ask the cluster for its version.
    const env = { ...process.env, KUBECONFIG: '/dev/null' };
    text = execFileSync(kubectlBinary(), ['kustomize', dir], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new DeployError(`kubectl not found: it renders the manifests (kubectl kustomize); install it or set KUBECTL`);
    const reason = String(e.stderr ?? e.message).trim().split('\n').pop() ?? '';
    throw new DeployError(`kubectl kustomize ${shown(dir)} failed: ${reason.replace(/^error: /, '')}`);
  }
  const objects: Manifest[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new DeployError(`${shown(dir)}: kustomize output is not YAML: ${document.errors[0].message.split('\n')[0]}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isManifest(value)) throw new DeployError(`${shown(dir)}: kustomize rendered something that is not a Kubernetes object`);
    const problems = checkFields(value);
    if (problems.length > 0) {
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      throw new DeployError(`${shown(dir)}: ${objectRef(value)} ${problems[0].path}: ${problems[0].message}${more}; nothing was applied`);
    }
    objects.push(value);
  }
  return objects;
}

/** Objects sorted so that dependencies are applied first (stable within a kind). */
export function inApplyOrder(manifests: readonly Manifest[]): Manifest[] {
  const rank = (m: Manifest): number => {
    const index = KIND_ORDER.indexOf(m.kind);
    return index === -1 ? KIND_ORDER.length : index;
  };
  return [...manifests].sort((a, b) => rank(a) - rank(b));
}

/** `deployment/locust-worker` — kubectl's way of naming an object. */
export function objectRef(m: Pick<Manifest, 'kind' | 'metadata'>): string {
  return `${m.kind.toLowerCase()}/${m.metadata.name}`;
}

/** A copy of a Deployment with its replica count set; other objects unchanged. */
export function withReplicas(m: Manifest, replicas: number): Manifest {
  return { ...m, spec: { ...(m.spec ?? {}), replicas } };
}

function shown(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') ? rel : dir;
}

function isManifest(value: unknown): value is Manifest {
  return (
    isRecord(value) &&
    typeof value.apiVersion === 'string' &&
    typeof value.kind === 'string' &&
    isRecord(value.metadata) &&
    typeof value.metadata.name === 'string'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
