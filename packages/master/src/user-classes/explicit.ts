/**
 * User classes given by hand when the master cannot read the locustfile (no Python, a remote
 * locustfile, or a custom set-up):
 *
 * - `--user-classes-json '[{"name":"WebsiteUser","weight":3},{"name":"Admin","fixed_count":1}]'`
 *   (or `@path/to/classes.json`);
 * - positional class names, Locust style (`locust-ts --master WebsiteUser ApiUser`), weight 1 each,
 *   optionally with `--class-weights WebsiteUser=3,ApiUser=1,Admin=fixed:1`.
 */
import { readFileSync } from 'node:fs';
import type { UserClassDescription } from '@locust-ts/protocol';
import { UserClassLoadError } from './python-loader.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonNegative(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new UserClassLoadError(`${what} must be a number ≥ 0`);
  return v;
}

/** Parse `--user-classes-json` (JSON text, or `@file`). Accepts `fixed_count` or `fixedCount`. */
export function parseUserClassesJson(text: string): UserClassDescription[] {
  const source = text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (err) {
    throw new UserClassLoadError(`--user-classes-json is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new UserClassLoadError('--user-classes-json must be a non-empty JSON list');
  return parsed.map((item, i) => {
    if (!isRecord(item) || typeof item.name !== 'string' || !item.name) {
      throw new UserClassLoadError(`--user-classes-json item ${i} needs a "name"`);
    }
    const fixedCount = nonNegative(item.fixed_count ?? item.fixedCount, `${item.name}.fixed_count`);
    const weight = item.weight === undefined ? 1 : nonNegative(item.weight, `${item.name}.weight`);
    const tasks = isRecord(item.tasks) ? (item.tasks as Record<string, number>) : undefined;
    return tasks ? { name: item.name, weight, fixedCount, tasks } : { name: item.name, weight, fixedCount };
  });
}

/** Apply `--class-weights Name=3,Other=fixed:2` to a class list (unknown names are an error). */
export function applyClassWeights(classes: UserClassDescription[], spec: string): UserClassDescription[] {
  const out = classes.map((c) => ({ ...c }));
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([^=]+)=(fixed:)?(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) throw new UserClassLoadError(`--class-weights: '${part}' is not Name=weight or Name=fixed:count`);
    const target = out.find((c) => c.name === m[1]!.trim());
    if (!target) throw new UserClassLoadError(`--class-weights: unknown user class '${m[1]}'`);
    if (m[2]) target.fixedCount = Math.trunc(Number(m[3]));
    else target.weight = Number(m[3]);
  }
  return out;
}

/** Classes from bare names: weight 1 each (then `--class-weights`). */
export function classesFromNames(names: string[]): UserClassDescription[] {
  return names.map((name) => ({ name, weight: 1, fixedCount: 0 }));
}
