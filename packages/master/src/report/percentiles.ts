/**
 * The master's one convention for response-time percentiles, used by every output (console
 * tables, `--csv` files, web JSON/CSV, HTML report, chart history): the newest Locust's
 * arithmetic (spec §9 #10), over `num_requests − num_none_requests` — requests reported without a
 * response time are not in the buckets, so counting them would shift every percentile down.
 */
import type { StatsEntry } from '@locust-ts/protocol';

/** Newest Locust: percentiles leave untimed (`None`) requests out of the count. */
const EXCLUDE_UNTIMED_REQUESTS = true;

/** Requests that have a response time (the ones in the buckets). */
export function timedRequests(entry: StatsEntry): number {
  return entry.numRequests - entry.numNoneRequests;
}

/** Percentile over the whole run (0 without timed requests, as Locust). */
export function responseTimePercentile(entry: StatsEntry, percent: number): number {
  return entry.getResponseTimePercentile(percent, EXCLUDE_UNTIMED_REQUESTS);
}

/**
 * Percentile over roughly the last 10 s. Null until a snapshot old enough exists (Locust) and,
 * unlike Locust (which answers 0 from 2 s after a reset on), null as long as there has been no
 * timed request: a percentile of nothing is "no data", not 0 ms.
 */
export function currentResponseTimePercentile(entry: StatsEntry, percent: number, now?: number): number | null {
  if (timedRequests(entry) <= 0) return null;
  return entry.getCurrentResponseTimePercentile(percent, now, EXCLUDE_UNTIMED_REQUESTS);
}
