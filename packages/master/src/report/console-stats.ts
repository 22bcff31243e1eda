/**
 * The console tables Locust prints (its `stats.py`: `print_stats`, `print_percentile_stats`,
 * `print_error_report`), with the same widths: a name column of 80 characters unless stdout is a
 * terminal narrower than 160 columns.
 */
import { PERCENTILES_TO_REPORT, type RequestStats, type StatsEntry, type StatsError } from '@locust-ts/protocol';
import { responseTimePercentile } from './percentiles.js';
import { left, pyFixed, pyInt, readablePercentile, right } from './py-format.js';

/** Locust's `STATS_TYPE_WIDTH`. */
export const STATS_TYPE_WIDTH = 8;
/** Locust's `STATS_NAME_WIDTH` when not on a terminal. */
export const DEFAULT_STATS_NAME_WIDTH = 80;
/** Locust's `CONSOLE_STATS_INTERVAL_SEC`. */
export const CONSOLE_STATS_INTERVAL_SECONDS = 2;

/** `max(min(columns − 80, 80), 0)` on a terminal, 80 otherwise (Locust's auto-resize rule). */
export function statsNameWidth(columns: number | undefined = process.stdout.isTTY ? process.stdout.columns : undefined): number {
  if (columns === undefined) return DEFAULT_STATS_NAME_WIDTH;
  return Math.max(Math.min(columns - 80, 80), 0);
}

function sortedEntries(stats: RequestStats): StatsEntry[] {
  return stats.sortedEntries();
}

function entryLine(entry: StatsEntry, total: StatsEntry, current: boolean, nameWidth: number): string {
  const nameColumn = nameWidth - STATS_TYPE_WIDTH + 4;
  const rps = current ? entry.currentRps(total) : entry.totalRps(total);
  const failPerSec = current ? entry.currentFailPerSec(total) : entry.totalFailPerSec(total);
  const fails = `${Math.trunc(entry.numFailures)}(${pyFixed(entry.failRatio * 100, 2)}%)`;
  return (
    `${left(entry.method ? `${entry.method} ` : '', STATS_TYPE_WIDTH)} ${left(entry.name, nameColumn)} ` +
    `${pyInt(entry.numRequests, 7)} ${right(fails, 12)} |` +
    `${pyInt(entry.avgResponseTime, 7)} ${pyInt(entry.minResponseTime ?? 0, 7)} ${pyInt(entry.maxResponseTime, 7)}` +
    `${pyInt(entry.medianResponseTime, 7)} | ${right(pyFixed(rps || 0, 2), 7)} ${right(pyFixed(failPerSec || 0, 2), 11)}`
  );
}

/** The requests table (`current`: last ≈10 s rates, as printed every 2 s; else whole-run rates). */
export function statsSummary(stats: RequestStats, current = true, nameWidth = statsNameWidth()): string[] {
  const nameColumn = nameWidth - STATS_TYPE_WIDTH + 4;
  const header =
    `${left('Type', STATS_TYPE_WIDTH)} ${left('Name', nameColumn)} ${right('# reqs', 7)} ${right('# fails', 12)} |` +
    `${right('Avg', 7)} ${right('Min', 7)} ${right('Max', 7)}${right('Med', 7)} | ${right('req/s', 7)} ${right('failures/s', 11)}`;
  const separator = [STATS_TYPE_WIDTH, nameColumn, 7, 13, 7, 7, 7, 7, 8, 11].map((n) => '-'.repeat(n)).join('|');
  const lines = [header, separator];
  for (const e of sortedEntries(stats)) lines.push(entryLine(e, stats.total, current, nameWidth));
  lines.push(separator, entryLine(stats.total, stats.total, current, nameWidth));
  return lines;
}

function percentileLine(entry: StatsEntry, nameWidth: number): string {
  const [first, ...rest] = PERCENTILES_TO_REPORT.map((p) => responseTimePercentile(entry, p));
  return (
    `${left(entry.method ?? '', STATS_TYPE_WIDTH)} ${left(entry.name, nameWidth)} ${pyInt(first!, 8)} ` +
    [...rest, entry.numRequests].map((v) => pyInt(v, 6)).join(' ')
  );
}

/** "Response time percentiles (approximated)" table of the final summary. */
export function percentileSummary(stats: RequestStats, nameWidth = statsNameWidth()): string[] {
  const labels = [...PERCENTILES_TO_REPORT.map(readablePercentile), '# reqs'];
  const [firstLabel, ...restLabels] = labels;
  const header =
    `${left('Type', STATS_TYPE_WIDTH)} ${left('Name', nameWidth)} ${right(firstLabel!, 8)} ` + restLabels.map((l) => right(l, 6)).join(' ');
  const separator = `${'-'.repeat(STATS_TYPE_WIDTH)}|${'-'.repeat(nameWidth)}|${'-'.repeat(8)}|${`${'-'.repeat(6)}|`.repeat(PERCENTILES_TO_REPORT.length)}`.slice(0, -1);
  const lines = ['Response time percentiles (approximated)', header, separator];
  for (const e of sortedEntries(stats)) if (e.responseTimes.size) lines.push(percentileLine(e, nameWidth));
  lines.push(separator);
  if (stats.total.responseTimes.size) lines.push(percentileLine(stats.total, nameWidth));
  return lines;
}

/**
 * Locust's `StatsError.to_name`: a master unwraps `CatchResponseError(…)` texts that arrived from
 * workers to `'msg'`; Locust 2.12.1's local runner (`standalone`) prints the error's repr whole,
 * `CatchResponseError('account locked')`.
 */
export function errorName(error: StatsError, standalone = false): string {
  const prefix = 'CatchResponseError(';
  const text = !standalone && error.error.startsWith(prefix) ? error.error.slice(prefix.length, -1) : error.error;
  return `${error.method} ${error.name}: ${text}`;
}

/** "Error report" table; empty when there was no failure. `standalone`: a local run (see errorName). */
export function errorReport(stats: RequestStats, nameWidth = statsNameWidth(), standalone = false): string[] {
  if (stats.errors.size === 0) return [];
  const separator = `${'-'.repeat(18)}|${'-'.repeat(80 + nameWidth - 19)}`;
  const lines = ['Error report', `${left('# occurrences', 18)} ${left('Error', 100)}`, separator];
  for (const e of stats.errors.values()) lines.push(`${left(String(e.occurrences), 18)} ${left(errorName(e, standalone), 100)}`);
  lines.push(separator, '');
  return lines;
}
