/** Per-class user counts (`user_classes_count`), summed and written as Locust logs them. */
import type { UserClassesCount } from '@locust-ts/protocol';

export function sumCounts(counts: UserClassesCount): number {
  let n = 0;
  for (const c of Object.values(counts)) n += c;
  return n;
}

/** `{"A": 3, "B": 2} (5 total users)` in class-name order — Locust's `_format_user_classes_count_for_log`. */
export function formatCounts(counts: UserClassesCount): string {
  const names = Object.keys(counts).sort();
  return `{${names.map((n) => `"${n}": ${counts[n]}`).join(', ')}} (${sumCounts(counts)} total users)`;
}

/** The same counts with the keys in class-name order (the order Locust's `spawn` carries). */
export function sortedCounts(counts: UserClassesCount): UserClassesCount {
  const out: UserClassesCount = {};
  for (const name of Object.keys(counts).sort()) out[name] = counts[name]!;
  return out;
}
