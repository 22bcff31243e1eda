/** Percentile math exactly as Locust's `stats.py` does it (spec §5.4). */

/** Locust's default percentiles for the console table and CSV (spec §8). */
export const PERCENTILES_TO_REPORT = [0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0] as const;

/** Window of the "current" percentiles, seconds. */
export const CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW = 10;

function sortedKeys(m: Map<number, number>, descending: boolean): number[] {
  const keys = [...m.keys()];
  keys.sort(descending ? (a, b) => b - a : (a, b) => a - b);
  return keys;
}

/**
 * The response time that `percent` of the requests finished within; `int(n × p)` with the
 * same double multiplication and truncation as Python (e.g. int(100 × 0.29) is 28).
 */
export function calculateResponseTimePercentile(responseTimes: Map<number, number>, numRequests: number, percent: number): number {
  const target = Math.trunc(numRequests * percent);
  let processed = 0;
  for (const t of sortedKeys(responseTimes, true)) {
    processed += responseTimes.get(t) ?? 0;
    if (numRequests - processed <= target) return t;
  }
  return 0;
}

/** Locust's `median_from_dict`: the last key when the counts run out. */
export function medianFromDict(total: number, counts: Map<number, number>): number {
  let pos = (total - 1) / 2;
  let last = 0;
  for (const k of sortedKeys(counts, false)) {
    const c = counts.get(k) ?? 0;
    if (pos < c) return k;
    pos -= c;
    last = k;
  }
  return last;
}

/** Key-wise difference, zero diffs dropped (Locust's `diff_response_time_dicts`). */
export function diffResponseTimes(latest: Map<number, number>, old: Map<number, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [t, c] of latest) {
    const d = c - (old.get(t) ?? 0);
    if (d) out.set(t, d);
  }
  return out;
}
