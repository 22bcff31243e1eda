/**
 * One convention for numbers and files, the newest Locust's (spec §8, §9 #10), in every output:
 * percentiles over num_requests − num_none_requests (console, `--csv`, web JSON/CSV, HTML report),
 * the failures CSV with `First Seen,Last Seen` from ONE writer for the `--csv` file and the
 * download, column sets equal to Locust's `StatsCSV`, and no "current" percentile before any
 * request.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestStats } from '@locust-ts/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXCEPTIONS_CSV_COLUMNS,
  FAILURES_CSV_COLUMNS,
  REQUESTS_CSV_COLUMNS,
  STATS_HISTORY_CSV_COLUMNS,
  StatsCsvFileWriter,
  percentileSummary,
  reportTemplateArgs,
  requestsCsv,
} from '@locust-ts/master';
import { startWebUi, type WebUiHandle } from '../../packages/master/src/web/index.js';
import { requestStatsJson } from '../../packages/master/src/web/stats-json.js';
import { CAPTURES_DIR } from '@locust-ts/test-support/paths';
import { runPythonJson } from '@locust-ts/test-support/python';
import { FakeRunner } from '@locust-ts/test-support/fake-runner';

/** Seconds before now at which the simulated requests happen (old enough for "current" numbers). */
const REQUESTS_AGO = 5;
/** The test's run started this long ago: its reset snapshot is the "≈10 s ago" one. */
const RUN_STARTED_AGO = 15;
const ERROR_TEXT = 'ConnectionError(<urllib3.connection.HTTPConnection object at 0x7f3a2c1b9e10>)';
/** parse_error's rewrite of the address above */
const ERROR_SHOWN = 'ConnectionError(<urllib3.connection.HTTPConnection object at 0x....>)';

/**
 * GET /mixed: 19 requests of 10 ms, one of 100 ms, and 20 without a response time (None). The 95th
 * percentile is 100 over the 20 timed requests (newest Locust) but 10 over all 40 (2.12.1).
 */
function mixedRun(runner: FakeRunner, now = Date.now() / 1000): number {
  runner.stats.clearAll(now - RUN_STARTED_AGO);
  runner.startTime = now - RUN_STARTED_AGO;
  const t = now - REQUESTS_AGO;
  for (let i = 0; i < 19; i++) runner.stats.logRequest('GET', '/mixed', 10, 5, t);
  runner.stats.logRequest('GET', '/mixed', 100, 5, t);
  for (let i = 0; i < 20; i++) runner.stats.logRequest('GET', '/mixed', null, 0, t);
  runner.stats.logError('GET', '/mixed', ERROR_TEXT, t);
  return t;
}

const NEWEST_P95 = 100;

function capturedCsvHeader(path: string): string {
  const line = readFileSync(`${CAPTURES_DIR}/head-webui.web.jsonl`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { path: string; text?: string })
    .find((r) => r.path === path);
  return line!.text!.split('\r\n')[0]!;
}

describe('percentiles: num_requests − num_none_requests everywhere', () => {
  const runner = new FakeRunner();
  beforeAll(() => mixedRun(runner));

  it('console percentile table', () => {
    const lines = percentileSummary(runner.stats, 20);
    const header = lines[1]!.split(/\s+/);
    const row = lines.find((l) => l.startsWith('GET'))!.split(/\s+/);
    // Type, Name, 50%, 66%, … : the 95% column
    expect(row[header.indexOf('95%')]).toBe(String(NEWEST_P95));
    expect(row.at(-1)).toBe('40'); // "# reqs" counts every request
  });

  it('--csv requests file and /stats/requests/csv (one writer)', () => {
    const lines = requestsCsv(runner.stats).split('\r\n');
    const header = lines[0]!.split(',');
    const row = lines[1]!.split(',');
    expect(row.slice(0, 3)).toEqual(['GET', '/mixed', '40']);
    expect(row[header.indexOf('95%')]).toBe(String(NEWEST_P95));
  });

  it('web JSON: whole-run and current percentiles', () => {
    const body = requestStatsJson(runner) as {
      stats: Record<string, unknown>[];
      current_response_time_percentiles: Record<string, number | null>;
    };
    expect(body.stats[0]!['response_time_percentile_0.95']).toBe(NEWEST_P95);
    // the only snapshot is the reset one ≈15 s ago: "current" covers every request
    expect(body.current_response_time_percentiles['response_time_percentile_0.95']).toBe(NEWEST_P95);
  });

  it('HTML report', () => {
    const args = reportTemplateArgs(runner, { showDownloadLink: false }) as { response_time_statistics: Record<string, unknown>[] };
    const row = args.response_time_statistics.find((r) => r.name === '/mixed');
    expect(row?.['0.95']).toBe(NEWEST_P95);
  });
});

describe('current percentiles before any request', () => {
  it('are null in /stats/requests, also once a reset snapshot is old enough', () => {
    const runner = new FakeRunner();
    runner.stats.clearAll(Date.now() / 1000 - RUN_STARTED_AGO);
    const body = requestStatsJson(runner) as { current_response_time_percentiles: Record<string, unknown> };
    expect(body.current_response_time_percentiles).toEqual({
      'response_time_percentile_0.5': null,
      'response_time_percentile_0.95': null,
    });
  });
});

describe('failures CSV: one writer for --csv and /stats/failures/csv', () => {
  const runner = new FakeRunner();
  let web: WebUiHandle;
  let errorAt = 0;
  beforeAll(async () => {
    errorAt = mixedRun(runner);
    web = await startWebUi(runner, { host: '127.0.0.1', port: 0, log: () => {} });
  });
  afterAll(async () => {
    await web?.close();
  });

  it('the file and the download are the same bytes, with First Seen / Last Seen in ISO-8601 UTC', async () => {
    const prefix = join(mkdtempSync(join(tmpdir(), 'master-csv-')), 'run');
    const writer = new StatsCsvFileWriter(runner, prefix);
    writer.write();
    const file = readFileSync(`${prefix}_failures.csv`, 'utf8');
    const download = await (await fetch(`${web.url}/stats/failures/csv`)).text();
    expect(download).toBe(file);
    const lines = file.split('\r\n');
    expect(lines[0]).toBe(capturedCsvHeader('/stats/failures/csv'));
    const seen = new Date(Math.trunc(errorAt) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(lines[1]).toBe(`GET,/mixed,${ERROR_SHOWN},1,${seen},${seen}`);
    // the other files match their downloads too
    expect(await (await fetch(`${web.url}/stats/requests/csv`)).text()).toBe(readFileSync(`${prefix}_stats.csv`, 'utf8'));
    expect(await (await fetch(`${web.url}/exceptions/csv`)).text()).toBe(readFileSync(`${prefix}_exceptions.csv`, 'utf8'));
  });

  it('errors without times (2.12.1 workers) leave the two cells empty', () => {
    const stats = new RequestStats(true);
    stats.mergeReport({
      stats: [],
      stats_total: stats.total.serialize(),
      errors: { k: { name: '/x', method: 'GET', error: 'boom', occurrences: 2 } },
      user_classes_count: {},
    });
    const runner = new FakeRunner();
    runner.stats = stats;
    const prefix = join(mkdtempSync(join(tmpdir(), 'master-csv-')), 'run');
    new StatsCsvFileWriter(runner, prefix).write();
    expect(readFileSync(`${prefix}_failures.csv`, 'utf8').split('\r\n')[1]).toBe('GET,/x,boom,2,,');
  });
});

describe('CSV column sets are Locust StatsCSV columns', () => {
  it('requests, exceptions and history as real Locust 2.12.1 writes them; failures as the newest (HEAD capture)', async () => {
    const script = [
      'import json, os, sys, tempfile',
      'from locust.stats import StatsCSVFileWriter, PERCENTILES_TO_REPORT',
      'class Env: stats = None; runner = None',
      'w = StatsCSVFileWriter(Env(), PERCENTILES_TO_REPORT, os.path.join(tempfile.mkdtemp(), "x"))',
      'print(json.dumps({"requests": w.requests_csv_columns, "failures": w.failures_columns,',
      '  "exceptions": w.exceptions_columns, "history": w.stats_history_csv_columns}))',
      'w.close_files()',
    ].join('\n');
    const py = await runPythonJson<Record<string, string[]>>(script, null);
    expect(REQUESTS_CSV_COLUMNS).toEqual(py.requests);
    expect(EXCEPTIONS_CSV_COLUMNS).toEqual(py.exceptions);
    expect(STATS_HISTORY_CSV_COLUMNS).toEqual(py.history);
    // 2.12.1 stops at Occurrences; the newest Locust adds First Seen, Last Seen
    expect(FAILURES_CSV_COLUMNS.slice(0, 4)).toEqual(py.failures);
    expect(FAILURES_CSV_COLUMNS.join(',')).toBe(capturedCsvHeader('/stats/failures/csv'));
    expect(REQUESTS_CSV_COLUMNS.join(',')).toBe(capturedCsvHeader('/stats/requests/csv'));
    expect(EXCEPTIONS_CSV_COLUMNS.join(',')).toBe(capturedCsvHeader('/exceptions/csv'));
  });
});
