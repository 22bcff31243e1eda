/**
 * The worker's side of Locust's RequestStats: counts every request into the entry for
 * (name, method) and the "Aggregated" total. Entries are cached per name and method so the
 * per-request path does no string building (RequestStats.get would build a key each time).
 */
import { RequestStats, type StatsEntry, type StatsReportData, type UserClassesCount, nowSeconds } from '@locust-ts/protocol';

export class StatsRecorder {
  /** Worker stats keep no response-times cache (that is for the master's current percentiles). */
  readonly stats = new RequestStats(false);
  private entryCache = new Map<string, Map<string, StatsEntry>>();

  private entry(method: string, name: string): StatsEntry {
    let byMethod = this.entryCache.get(name);
    if (!byMethod) {
      byMethod = new Map();
      this.entryCache.set(name, byMethod);
    }
    let entry = byMethod.get(method);
    if (!entry) {
      entry = this.stats.get(name, method);
      byMethod.set(method, entry);
    }
    return entry;
  }

  /** One finished request; `responseTime` in ms (float), `contentLength` in bytes. */
  logRequest(method: string, name: string, responseTime: number | null, contentLength: number): void {
    const now = nowSeconds();
    this.stats.total.log(responseTime, contentLength, now);
    this.entry(method, name).log(responseTime, contentLength, now);
  }

  /** One failure; `error` is the text Locust would show, e.g. `HTTPError('404 …')`. */
  logError(method: string, name: string, error: string): void {
    this.stats.logError(method, name, error);
  }

  /** The delta since the last report (spec §5.1); counters start again from zero. */
  takeReport(userClassesCount: UserClassesCount, userCount: number): StatsReportData {
    return this.stats.takeReport(userClassesCount, userCount);
  }

  /** A new test: forget every entry and error. */
  clear(): void {
    this.stats.clearAll();
    this.entryCache = new Map();
  }
}
