/**
 * Compare decoded wire values with Python's view of them: numeric map keys compared numerically
 * ("130.0", "130" and 130 are one key), ints and floats equal (JS has one number type), Dates as
 * Locust's `{"__datetime__": true, "as_str": …}` map.
 */
import { formatLocustDatetime } from '@locust-ts/protocol';

const NUMERIC_KEY = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

function normalKey(key: unknown): string {
  if (typeof key === 'number') return `#${key}`;
  if (typeof key === 'string' && NUMERIC_KEY.test(key)) return `#${Number(key)}`;
  return String(key);
}

/** A plain, JSON-like form of `value` that `toEqual` can compare across the two views. */
export function comparable(value: unknown): unknown {
  if (value instanceof Date) return { __datetime__: true, as_str: formatLocustDatetime(value) };
  if (Array.isArray(value)) return value.map(comparable);
  // fromEntries defines own properties, so even a `__proto__` key is compared as data.
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [normalKey(k), comparable(v)]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [normalKey(k), comparable(v)]));
  }
  return value;
}
