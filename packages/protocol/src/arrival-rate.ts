/**
 * The arrival-rate (open model) extension between a locust-ts master and locust-ts workers
 * (contract K3; `docs` in README "Pulse load"). Python workers never get it.
 *
 * master → worker `locust_ts_rate`: this worker's share of the swarm's iteration rate, the size
 * its pool of users may grow to, and the class mix of that pool. `rate: 0` stops the iterations.
 * worker → master: iterations it could not start ride in its `stats` report as
 * `locust_ts_dropped` (see `StatsReportData`), so they are counted exactly once with the stats.
 */
import { MessageValidationError } from './errors.js';
import type { UserClassesCount } from './messages.js';

/** The custom message type a locust-ts master sends to locust-ts workers. */
export const LOCUST_TS_RATE = 'locust_ts_rate';

export interface ArrivalRateData {
  /** iterations per second this worker starts (0 = none: stop the iterations) */
  rate: number;
  /** the most users this worker's pool may hold (an iteration with none idle is dropped) */
  max_users: number;
  /**
   * the pool split over classes, as the dispatcher would split `max_users` users: each class's
   * share of the iterations and its own cap. Absent: every class this worker has, by weight.
   */
  user_classes_count?: UserClassesCount;
  /** increases with every message: an older (reordered) one is ignored */
  timestamp: number;
  /** the host users send to (as `spawn`'s `host`; null: the classes' own) */
  host?: string | null;
}

function fail(detail: string): never {
  throw new MessageValidationError(LOCUST_TS_RATE, detail);
}

function nonNegative(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`'${key}' must be a number >= 0`);
  return v;
}

/** Validate a `locust_ts_rate` payload at the wire's edge; throws {@link MessageValidationError}. */
export function parseArrivalRateData(data: unknown): ArrivalRateData {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('data must be a map');
  const o = data as Record<string, unknown>;
  const out: ArrivalRateData = {
    rate: nonNegative(o, 'rate'),
    max_users: Math.floor(nonNegative(o, 'max_users')),
    timestamp: nonNegative(o, 'timestamp'),
  };
  if (typeof o.host === 'string' || o.host === null) out.host = o.host;
  const counts = o.user_classes_count;
  if (counts !== undefined && counts !== null) {
    if (typeof counts !== 'object' || Array.isArray(counts)) fail("'user_classes_count' must be a map");
    const parsed: UserClassesCount = {};
    for (const [name, n] of Object.entries(counts as Record<string, unknown>)) {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail(`'user_classes_count.${name}' must be a whole number >= 0`);
      parsed[name] = n;
    }
    out.user_classes_count = parsed;
  }
  return out;
}
