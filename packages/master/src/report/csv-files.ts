/**
 * Locust's `StatsCSV` (newest version's columns, spec §8), the only CSV writer of the master:
 * the web downloads (`/stats/requests/csv`, `/stats/failures/csv`, `/exceptions/csv`) use these
 * functions too, so a file and a download never differ.
 *
 * `--csv PREFIX`: Locust's four files, `PREFIX_stats.csv`, `PREFIX_failures.csv`,
 * `PREFIX_exceptions.csv` (rewritten each time) and `PREFIX_stats_history.csv` (one row per
 * interval appended; with `--csv-full-history` a row per entry too), columns as Locust's
 * `StatsCSVFileWriter` writes them, rows as Python's `csv.writer` does (CRLF, minimal quoting).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { PERCENTILES_TO_REPORT, type RequestStats, type StatsEntry, nowSeconds } from '@locust-ts/protocol';
import type { ExceptionView } from '../runner/runner-view.js';
import { currentResponseTimePercentile, responseTimePercentile } from './percentiles.js';
import { formatUtcTimestamp, pyFixed, pyFloat, pyNumber, readablePercentile } from './py-format.js';
import { parseError, sortedErrors } from './stats-errors.js';
import { type ArrivalRateSource, arrivalRateCsv } from './arrival-rate-report.js';

/** Locust's `CSV_STATS_INTERVAL_SEC`. */
export const CSV_STATS_INTERVAL_SECONDS = 1;

type Cell = string | number;

/** One row as Python's `csv.writer` writes it. */
export function csvRow(cells: Cell[]): string {
  const quoted = cells.map((cell) => {
    const s = typeof cell === 'number' ? pyNumber(cell) : cell;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  });
  // Python quotes a lone empty field so the row is not mistaken for a blank line
  if (quoted.length === 1 && quoted[0] === '') return '""\r\n';
  return `${quoted.join(',')}\r\n`;
}

const PERCENTILE_COLUMNS = PERCENTILES_TO_REPORT.map(readablePercentile);

export const REQUESTS_CSV_COLUMNS = [
  'Type',
  'Name',
  'Request Count',
  'Failure Count',
  'Median Response Time',
  'Average Response Time',
  'Min Response Time',
  'Max Response Time',
  'Average Content Size',
  'Requests/s',
  'Failures/s',
  ...PERCENTILE_COLUMNS,
];

/** The newest Locust's columns; 2.12.1 had only the first four (`First Seen`/`Last Seen` since 2.44). */
export const FAILURES_CSV_COLUMNS = ['Method', 'Name', 'Error', 'Occurrences', 'First Seen', 'Last Seen'];
export const EXCEPTIONS_CSV_COLUMNS = ['Count', 'Message', 'Traceback', 'Nodes'];
export const STATS_HISTORY_CSV_COLUMNS = [
  'Timestamp',
  'User Count',
  'Type',
  'Name',
  'Requests/s',
  'Failures/s',
  ...PERCENTILE_COLUMNS,
  'Total Request Count',
  'Total Failure Count',
  'Total Median Response Time',
  'Total Average Response Time',
  'Total Min Response Time',
  'Total Max Response Time',
  'Total Average Content Size',
];

function percentileCells(entry: StatsEntry, current: boolean, now: number): Cell[] {
  if (!entry.numRequests) return PERCENTILES_TO_REPORT.map(() => 'N/A');
  return PERCENTILES_TO_REPORT.map((p) =>
    Math.trunc((current ? currentResponseTimePercentile(entry, p, now) : responseTimePercentile(entry, p)) ?? 0),
  );
}

/** Python's `total_content_length / num_requests`: a float, or int 0 without requests. */
function avgContentLength(entry: StatsEntry): Cell {
  return entry.numRequests ? pyFloat(entry.avgContentLength) : 0;
}

/** Request/failure counts and response-time summary: the same seven cells in both CSV kinds. */
function summaryCells(e: StatsEntry): Cell[] {
  return [
    e.numRequests,
    e.numFailures,
    e.medianResponseTime,
    pyFloat(e.avgResponseTime),
    e.minResponseTime ?? 0,
    e.maxResponseTime,
    avgContentLength(e),
  ];
}

export function requestsCsv(stats: RequestStats): string {
  let out = csvRow(REQUESTS_CSV_COLUMNS);
  for (const e of [...stats.sortedEntries(), stats.total]) {
    out += csvRow([
      e.method ?? '',
      e.name,
      ...summaryCells(e),
      pyFloat(e.totalRps(stats.total)),
      pyFloat(e.totalFailPerSec(stats.total)),
      ...percentileCells(e, false, 0),
    ]);
  }
  return out;
}

/** Times of errors from 2.12.1 workers are unknown (their StatsError has none): empty cells, as Locust. */
function seenCell(epochSeconds: number | null): string {
  return epochSeconds === null ? '' : formatUtcTimestamp(epochSeconds);
}

export function failuresCsv(stats: RequestStats): string {
  let out = csvRow(FAILURES_CSV_COLUMNS);
  for (const e of sortedErrors(stats)) {
    out += csvRow([e.method, e.name, parseError(e.error), e.occurrences, seenCell(e.firstSeen), seenCell(e.lastSeen)]);
  }
  return out;
}

export function exceptionsCsv(exceptions: ExceptionView[]): string {
  let out = csvRow(EXCEPTIONS_CSV_COLUMNS);
  for (const e of exceptions) out += csvRow([e.count, e.msg, e.traceback, e.nodes.join(', ')]);
  return out;
}

/** History rows for one instant: the total (and every entry first with full history). */
export function statsHistoryRows(stats: RequestStats, userCount: number, fullHistory: boolean, now: number): string {
  const entries = fullHistory ? [...stats.sortedEntries(), stats.total] : [stats.total];
  let out = '';
  for (const e of entries) {
    out += csvRow([
      Math.trunc(now),
      userCount,
      e.method ?? '',
      e.name,
      pyFixed(e.currentRps(stats.total), 6),
      pyFixed(e.currentFailPerSec(stats.total), 6),
      // Locust uses the current (≈10 s) percentiles only with --csv-full-history
      ...percentileCells(e, fullHistory, now),
      ...summaryCells(e),
    ]);
  }
  return out;
}

export interface CsvSource extends ArrivalRateSource {
  readonly stats: RequestStats;
  readonly userCount: number;
  exceptions(): ExceptionView[];
}

/** Writes the four files every {@link CSV_STATS_INTERVAL_SECONDS} and once more at the end. */
export class StatsCsvFileWriter {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly source: CsvSource,
    readonly basePath: string,
    private readonly fullHistory = false,
  ) {}

  get files(): { stats: string; failures: string; exceptions: string; history: string; arrivalRate: string } {
    return {
      stats: `${this.basePath}_stats.csv`,
      failures: `${this.basePath}_failures.csv`,
      exceptions: `${this.basePath}_exceptions.csv`,
      history: `${this.basePath}_stats_history.csv`,
      arrivalRate: `${this.basePath}_arrival_rate.csv`,
    };
  }

  /** Create the files with their headers and start the periodic writes. */
  start(): void {
    writeFileSync(this.files.history, csvRow(STATS_HISTORY_CSV_COLUMNS));
    this.write();
    this.timer = setInterval(() => this.write(), CSV_STATS_INTERVAL_SECONDS * 1000);
  }

  write(now = nowSeconds()): void {
    const { stats } = this.source;
    const files = this.files;
    writeFileSync(files.stats, requestsCsv(stats));
    writeFileSync(files.failures, failuresCsv(stats));
    writeFileSync(files.exceptions, exceptionsCsv(this.source.exceptions()));
    appendFileSync(files.history, statsHistoryRows(stats, this.source.userCount, this.fullHistory, now));
    const arrival = arrivalRateCsv(this.source, csvRow);
    if (arrival !== null) writeFileSync(files.arrivalRate, arrival);
  }

  /** Stop the periodic writes and write the final state. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.write();
  }
}
