/**
 * The deploy tool's strict field check (deploy/src/schema.ts, read from client-node's attribute
 * maps) against a second reading of the Kubernetes schema: kubernetes-models' declarations
 * (test/k8s/declared-fields.ts). On every object the real `kubectl kustomize` renders, a field
 * slipped in at any depth must be reported at the same path by both, and nothing else.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { checkFields } from '../../deploy/src/schema.js';
import { undeclaredFields } from './declared-fields.js';
import { REPO_ROOT } from './api/harness.js';

type Json = Record<string, unknown>;
const run = promisify(execFile);
const TYPO = 'zzTypo';

async function render(name: string): Promise<Json[]> {
  const { stdout } = await run('/usr/bin/kubectl', ['kustomize', join(REPO_ROOT, 'deploy/manifests', name)], { env: { ...process.env, KUBECONFIG: '/dev/null' } });
  return parseAllDocuments(stdout).map((d) => d.toJS() as Json);
}

const rendered = (await Promise.all(['base', 'python-workers', 'pulse-job'].map(render))).flat();
const objects = [...new Map(rendered.map((o) => [JSON.stringify(o), o])).values()];

/** Every mapping inside an object (lists entered), with its path as the checkers print it. */
function mappings(value: unknown, path = ''): { path: string; at: (root: Json) => Json }[] {
  const out: { path: string; at: (root: Json) => Json }[] = [];
  const visit = (node: unknown, p: string, steps: (string | number)[]): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${p}[${i}]`, [...steps, i]));
    if (typeof node !== 'object' || node === null) return;
    out.push({ path: p, at: (root) => steps.reduce<any>((n, s) => n[s], root) as Json });
    for (const [k, v] of Object.entries(node)) visit(v, `${p}.${k}`, [...steps, k]);
  };
  visit(value, path, []);
  return out;
}

const undeclaredByTool = (o: Json): string[] => checkFields(o).filter((p) => p.message === 'field not declared in schema').map((p) => p.path);

describe('the strict field check reads the Kubernetes schema as kubernetes-models declares it', { timeout: 120_000 }, () => {
  it('every rendered object is clean for both', () => {
    expect(objects.length).toBeGreaterThanOrEqual(12);
    for (const o of objects) {
      const name = `${String(o.kind)}/${String((o.metadata as Json).name)}`;
      expect(undeclaredFields(o), name).toEqual([]);
      expect(checkFields(o), name).toEqual([]);
    }
  });

  it('a field slipped into any mapping of any object is reported at the same path by both (and maps take any key)', () => {
    let typos = 0;
    let mapKeys = 0;
    for (const o of objects) {
      for (const { path, at } of mappings(o)) {
        const copy = structuredClone(o);
        at(copy)[TYPO] = 1;
        const declared = undeclaredFields(copy);
        expect(undeclaredByTool(copy), `${String(o.kind)} ${path}.${TYPO}`).toEqual(declared);
        if (declared.length > 0) {
          expect(declared).toEqual([`${path}.${TYPO}`]);
          typos += 1;
        } else {
          mapKeys += 1; // labels, selectors, data, resource lists: free-form keys
        }
      }
    }
    // Both kinds of mapping were met, many times (the shipped objects have well over a hundred nested mappings).
    expect(typos).toBeGreaterThan(100);
    expect(mapKeys).toBeGreaterThan(20);
  });
});
