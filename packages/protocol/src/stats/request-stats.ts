/**
 * All stats entries of a run plus the "Aggregated" total and the error rows
 * (Locust's `RequestStats`). The worker fills one and ships deltas; the master merges them.
 */
import type { StatsErrorData, StatsReportData, UserClassesCount } from '../messages.js';
import { StatsEntry, nowSeconds } from './stats-entry.js';
import { StatsError, statsErrorKey } from './stats-error.js';

export const AGGREGATED_NAME = 'Aggregated';

export class RequestStats {
  readonly entries = new Map<string, StatsEntry>();
  errors = new Map<string, StatsError>();
  total: StatsEntry;

  /** `useResponseTimesCache`: true on the master (current percentiles), false on workers. */
  constructor(private readonly useResponseTimesCache = false) {
    this.total = new StatsEntry(AGGREGATED_NAME, '', useResponseTimesCache);
  }

  /** Find or create the entry for (name, method). */
  get(name: string, method: string): StatsEntry {
    const key = `${method}\u0000${name}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = new StatsEntry(name, method, this.useResponseTimesCache);
      this.entries.set(key, entry);
    }
    return entry;
  }

  logRequest(method: string, name: string, responseTime: number | null, contentLength: number, now = nowSeconds()): void {
    this.total.log(responseTime, contentLength, now);
    this.get(name, method).log(responseTime, contentLength, now);
  }

  /** `error` is the text Locust would show, e.g. `HTTPError('500 Server Error: …')`. */
  logError(method: string, name: string, error: string, now = nowSeconds()): void {
    this.total.logError(now);
    this.get(name, method).logError(now);
    const key = statsErrorKey(method, name, error);
    let row = this.errors.get(key);
    if (!row) {
      row = new StatsError(method, name, error);
      this.errors.set(key, row);
    }
    row.occurred(now);
  }

  /** Entries sorted as Locust lists them: by (name, method). */
  sortedEntries(): StatsEntry[] {
    return [...this.entries.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : (a.method ?? '') < (b.method ?? '') ? -1 : (a.method ?? '') > (b.method ?? '') ? 1 : 0,
    );
  }

  resetAll(now = nowSeconds()): void {
    this.total.reset(now);
    this.errors = new Map();
    for (const e of this.entries.values()) e.reset(now);
  }

  /** Clear everything (a new test). */
  clearAll(now = nowSeconds()): void {
    this.entries.clear();
    this.errors = new Map();
    this.total = new StatsEntry(AGGREGATED_NAME, '', this.useResponseTimesCache, now);
  }

  /**
   * The worker's `stats` report: entries with activity since the last report, the total, the
   * errors; then everything is reset so the next report is again a delta (spec §5.1).
   */
  takeReport(userClassesCount: UserClassesCount, userCount: number, now = nowSeconds()): StatsReportData {
    const stats = [];
    for (const e of this.entries.values()) {
      if (e.numRequests > 0 || e.numFailures > 0) stats.push(e.serialize());
    }
    const errors: Record<string, StatsErrorData> = {};
    for (const [k, e] of this.errors) errors[k] = e.serialize();
    const report: StatsReportData = {
      stats,
      stats_total: this.total.serialize(),
      errors,
      user_classes_count: userClassesCount,
      user_count: userCount,
    };
    this.resetAll(now);
    return report;
  }

  /** Merge one worker report (Locust's master-side `on_worker_report`). */
  mergeReport(report: StatsReportData): void {
    for (const data of report.stats) this.get(data.name, data.method ?? '').extend(data);
    this.total.extend(report.stats_total);
    for (const [key, data] of Object.entries(report.errors)) {
      let row = this.errors.get(key);
      if (!row) {
        row = new StatsError(data.method, data.name, data.error);
        this.errors.set(key, row);
      }
      row.extend(data);
    }
  }
}
