/**
 * `pyproject.toml` as a Locust config file (newest Locust): the `[tool.locust]` table, read with a
 * TOML parser, as `key = value` entries in the text form locust.conf lines have, so both go
 * through the same option conversion.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';

/** `[tool.locust]` entries as `[key, text]`; lists are comma-joined, booleans `true`/`false`. */
export function pyprojectEntries(path: string): Array<[string, string]> {
  let doc: Record<string, unknown>;
  try {
    doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const table = (doc.tool as Record<string, unknown> | undefined)?.locust;
  if (table === undefined || table === null || typeof table !== 'object') return [];
  return Object.entries(table as Record<string, unknown>).map(([key, value]) => [key, Array.isArray(value) ? value.map(String).join(',') : String(value)]);
}
