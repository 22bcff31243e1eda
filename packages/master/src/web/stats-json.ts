/**
 * The JSON bodies of the newest Locust's read-only endpoints (spec §8, HEAD column), derived from
 * the master's merged `RequestStats` with the Locust math in `@locust-ts/protocol`.
 */
import { properRound, type StatsEntry, type StatsError } from '@locust-ts/protocol';
import { currentResponseTimePercentile, responseTimePercentile } from '../report/percentiles.js';
import { parseError } from '../report/stats-errors.js';
import { arrivalRateStatsJson } from './arrival-rate-ui.js';
import type { ExceptionView, IntendedLoad, MasterRunnerView } from '../runner/runner-view.js';

/** Percentiles in each stats row (Locust's `PERCENTILES_TO_STATISTICS`). */
export const PERCENTILES_TO_STATISTICS = [0.95, 0.99] as const;
/** Percentiles charted and reported as "current" (Locust's `PERCENTILES_TO_CHART`). */
export const PERCENTILES_TO_CHART = [0.5, 0.95] as const;
/** Rows beyond this make the UI crawl; Locust truncates stats and errors alike (the total stays). */
export const MAX_ROWS = 500;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `response_time_percentile_0.95` — Python's `str(0.95)` equals JS's. */
export function percentileKey(p: number): string {
  return `response_time_percentile_${p}`;
}

/** One row of `stats` (Locust's `StatsEntry.to_dict`, newest version). */
export function statsEntryJson(entry: StatsEntry, total: StatsEntry): Record<string, Json> {
  const row: Record<string, Json> = {
    method: entry.method ?? '',
    name: entry.name,
    num_requests: entry.numRequests,
    num_failures: entry.numFailures,
    min_response_time: entry.minResponseTime === null ? 0 : properRound(entry.minResponseTime),
    max_response_time: properRound(entry.maxResponseTime),
    current_rps: entry.currentRps(total),
    current_fail_per_sec: entry.currentFailPerSec(total),
    avg_response_time: entry.avgResponseTime,
    median_response_time: entry.medianResponseTime,
    total_rps: entry.totalRps(total),
    total_fail_per_sec: entry.totalFailPerSec(total),
  };
  for (const p of PERCENTILES_TO_STATISTICS) row[percentileKey(p)] = responseTimePercentile(entry, p);
  row.avg_content_length = entry.avgContentLength;
  return row;
}

export function statsErrorJson(error: StatsError): Record<string, Json> {
  return {
    method: error.method,
    name: error.name,
    error: parseError(error.error),
    occurrences: error.occurrences,
    first_seen: error.firstSeen,
    last_seen: error.lastSeen,
  };
}

/** The key of a load shape's intended line in `/stats/requests` and the history: users or arrival rate. */
export function intendedKey(intended: IntendedLoad): 'intended_users' | 'intended_rps' {
  return intended.unit === 'rps' ? 'intended_rps' : 'intended_users';
}

/** `GET /stats/requests` (newest Locust, master runner). */
export function requestStatsJson(runner: MasterRunnerView): Record<string, Json> {
  const stats = runner.stats;
  const total = stats.total;
  const rows = stats
    .sortedEntries()
    .slice(0, MAX_ROWS)
    .map((e) => statsEntryJson(e, total));
  const totalRow = statsEntryJson(total, total);
  rows.push(totalRow);
  const currentPercentiles: Record<string, Json> = {};
  for (const p of PERCENTILES_TO_CHART) currentPercentiles[percentileKey(p)] = currentResponseTimePercentile(total, p);
  return {
    stats: rows,
    errors: [...stats.errors.values()].slice(0, MAX_ROWS).map(statsErrorJson),
    current_rps: totalRow.current_rps,
    current_fail_per_sec: totalRow.current_fail_per_sec,
    total_rps: totalRow.total_rps,
    total_fail_per_sec: totalRow.total_fail_per_sec,
    fail_ratio: total.failRatio,
    current_response_time_percentiles: currentPercentiles,
    workers: runner.workers().map((w) => ({
      id: w.id,
      state: w.state,
      user_count: w.userCount,
      cpu_usage: w.cpuUsage,
      memory_usage: w.memoryUsage,
    })),
    worker_count: runner.workerCount(),
    state: runner.state,
    user_count: runner.userCount,
    // only while a load shape runs (locust-ts; the UI draws it as the intended line)
    ...intendedJson(runner.intendedLoad?.() ?? null),
    ...(arrivalRateStatsJson(runner.arrivalRate?.() ?? null) as Record<string, Json>),
  };
}

function intendedJson(intended: IntendedLoad | null): Record<string, number> {
  return intended ? { [intendedKey(intended)]: Math.round(intended.value * 100) / 100 } : {};
}

/** `GET /exceptions`: the newest Locust no longer HTML-escapes; nodes are joined with ", ". */
export function exceptionsJson(exceptions: ExceptionView[]): { exceptions: Record<string, Json>[] } {
  return {
    exceptions: exceptions.map((e) => ({ count: e.count, msg: e.msg, traceback: e.traceback, nodes: e.nodes.join(', ') })),
  };
}

interface ClassRatio {
  ratio: number;
  tasks: Record<string, { ratio: number }>;
}

/**
 * `GET /tasks` (Locust's `get_ratio`): each class's share of the running users (or of `counts`),
 * and each task's share within the class (`per_class`) or of everything (`total`). Task weights count like
 * Locust's repeated task list entries.
 */
export function tasksJson(
  runner: MasterRunnerView,
  counts?: Record<string, number>,
): { per_class: Record<string, ClassRatio>; total: Record<string, ClassRatio> } {
  const spawned: Record<string, number> = { ...counts };
  if (!counts) {
    for (const w of runner.workers()) {
      for (const [name, n] of Object.entries(w.userClassesCount)) spawned[name] = (spawned[name] ?? 0) + n;
    }
  }
  const userCount = Object.values(spawned).reduce((a, b) => a + b, 0) || 1;
  const build = (total: boolean): Record<string, ClassRatio> => {
    const out: Record<string, ClassRatio> = {};
    for (const uc of runner.userClasses()) {
      const ratio = (spawned[uc.name] ?? 0) / userCount;
      const weights = uc.tasks ?? {};
      const weightSum = Object.values(weights).reduce((a, b) => a + b, 0);
      const tasks: Record<string, { ratio: number }> = {};
      for (const [task, weight] of Object.entries(weights)) {
        tasks[task] = { ratio: weightSum === 0 ? 0 : ((total ? ratio : 1) * weight) / weightSum };
      }
      out[uc.name] = { ratio, tasks };
    }
    return out;
  };
  return { per_class: build(false), total: build(true) };
}
