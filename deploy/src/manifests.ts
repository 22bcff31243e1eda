/**
 * Reads the manifests the way `kubectl apply -k` would for our simple kustomizations: each
 * directory's kustomization.yaml lists its `resources` (files or other directories), in order.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { DeployError } from './errors.js';
import { KIND_ORDER } from './constants.js';

export interface Manifest extends KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  readonly spec?: Record<string, unknown>;
}

/** A manifest and the file it came from (for messages). */
export interface SourcedManifest {
  readonly object: Manifest;
  readonly file: string;
}

const KUSTOMIZATION = 'kustomization.yaml';
/** Keys of kustomization.yaml this loader understands; anything else needs real kustomize. */
const SUPPORTED_KUSTOMIZE_KEYS = new Set(['apiVersion', 'kind', 'resources']);

/** All objects of a kustomization directory (following `../base`-style directory resources). */
export function loadManifests(dir: string): SourcedManifest[] {
  const kustomization = join(dir, KUSTOMIZATION);
  const config = readYamlDocuments(kustomization)[0];
  if (!isRecord(config) || !Array.isArray(config.resources)) {
    throw new DeployError(`${kustomization} has no resources list`);
  }
  for (const key of Object.keys(config)) {
    if (!SUPPORTED_KUSTOMIZE_KEYS.has(key)) {
      throw new DeployError(`${kustomization}: "${key}" needs kustomize itself: use kubectl apply -k ${dir}`);
    }
  }
  const manifests: SourcedManifest[] = [];
  for (const resource of config.resources) {
    const path = join(dir, String(resource));
    if (isDirectory(path)) manifests.push(...loadManifests(path));
    else manifests.push(...readManifestFile(path));
  }
  return manifests;
}

/** Raw YAML documents of a file, nothing dropped (unknown fields stay for the strict check). */
export function readYamlDocuments(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new DeployError(`cannot read ${file}`);
  }
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return [];
  const values: unknown[] = [];
  for (const document of documents) {
    if (document.errors.length > 0) {
      throw new DeployError(`${file}: invalid YAML: ${document.errors[0].message.split('\n')[0]}`);
    }
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

function readManifestFile(file: string): SourcedManifest[] {
  return readYamlDocuments(file).map((value, index) => {
    if (!isManifest(value)) {
      throw new DeployError(`${relative(process.cwd(), file)} document ${index + 1}: not a Kubernetes object (apiVersion, kind, metadata.name)`);
    }
    return { object: value, file };
  });
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

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
