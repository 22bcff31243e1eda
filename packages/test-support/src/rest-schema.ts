/**
 * The newest Locust's REST shapes from the HEAD web capture (`head-webui.web.jsonl`): a schema
 * learned from every captured response of an endpoint (key sets, JSON types, recursively) and the
 * differences of a response from it — values differ, shapes must not.
 */
import { readFileSync } from 'node:fs';
import { CAPTURES_DIR } from './paths.js';

export interface WebRecord {
  method: string;
  path: string;
  status: number;
  json?: unknown;
  text?: string;
}

const records: WebRecord[] = readFileSync(`${CAPTURES_DIR}/head-webui.web.jsonl`, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as WebRecord);

export function captured(method: string, path: string): WebRecord[] {
  const found = records.filter((r) => r.method === method && r.path === path);
  if (found.length === 0) throw new Error(`no capture of ${method} ${path}`);
  return found;
}

/** Objects whose keys are data (worker ids, class and task names), not part of the schema. */
const MAP_PATHS = [/^\.workers$/, /^\.(per_class|total)$/, /^\.(per_class|total)\.\*\.tasks$/];

export type Schema = { types: Set<string>; keys?: Map<string, Schema>; items?: Schema; map?: Schema };

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** The union of the shapes of all samples: key sets per object, element shapes per array. */
export function learn(samples: unknown[], path = ''): Schema {
  const schema: Schema = { types: new Set(samples.map(jsonType)) };
  const arrays = samples.filter(Array.isArray) as unknown[][];
  if (arrays.length) schema.items = learn(arrays.flat(), `${path}[]`);
  const objects = samples.filter((s) => jsonType(s) === 'object') as Record<string, unknown>[];
  if (objects.length && MAP_PATHS.some((re) => re.test(path))) {
    schema.map = learn(objects.flatMap((o) => Object.values(o)), `${path}.*`);
  } else if (objects.length) {
    schema.keys = new Map();
    const names = new Set(objects.flatMap((o) => Object.keys(o)));
    for (const k of names) schema.keys.set(k, learn(objects.filter((o) => k in o).map((o) => o[k]), `${path}.${k}`));
  }
  return schema;
}

/** Differences between a response and the learned schema, as readable paths. */
export function mismatches(value: unknown, schema: Schema, path = '$'): string[] {
  const t = jsonType(value);
  if (!schema.types.has(t)) return [`${path}: ${t}, captured ${[...schema.types].join('|')}`];
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => mismatches(v, schema.items!, `${path}[${i}]`)) : [];
  if (t !== 'object') return [];
  const obj = value as Record<string, unknown>;
  if (schema.map) return Object.entries(obj).flatMap(([k, v]) => mismatches(v, schema.map!, `${path}.${k}`));
  const out: string[] = [];
  const expected = [...(schema.keys?.keys() ?? [])].sort();
  const actual = Object.keys(obj).sort();
  if (expected.join() !== actual.join()) out.push(`${path}: keys [${actual}] vs captured [${expected}]`);
  for (const [k, sub] of schema.keys ?? []) if (k in obj) out.push(...mismatches(obj[k], sub, `${path}.${k}`));
  return out;
}

