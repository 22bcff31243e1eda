/**
 * Error rows as every output shows them (console, `--csv`, web JSON/CSV, HTML report): Locust's
 * `StatsError.parse_error` text, in Locust's `sort_stats` order.
 */
import type { RequestStats, StatsError } from '@locust-ts/protocol';

const ADDRESS_MARK = 'object at 0x';

/** Locust's `StatsError.parse_error`: hide `object at 0x…` addresses so equal errors read alike. */
export function parseError(error: string): string {
  const at = error.indexOf(ADDRESS_MARK);
  if (at < 0) return error;
  const start = at + ADDRESS_MARK.length - 2;
  const end = error.indexOf('>', start);
  return end < 0 ? error : `${error.slice(0, start)}0x....${error.slice(end)}`;
}

/** Error rows in Locust's order (its `sort_stats` sorts by key, the sha256 of the error). */
export function sortedErrors(stats: RequestStats): StatsError[] {
  return [...stats.errors.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}
