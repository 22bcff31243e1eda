/**
 * Whole runs through the real `locust-ts` bin against the real target server: a local headless
 * run, a headless master with two `--worker` processes, and `--processes 2 --worker`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Started, descendants, isAlive, startBin } from '@locust-ts/test-support/process';
import { waitFor } from '@locust-ts/test-support/wait';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { freePort } from '@locust-ts/test-support/ports';

const LOCUSTFILE = 'examples/locustfile.ts';
const runs = useBinRuns('cli-run-');
const { scratch } = runs;

/** `GET /hello` request and failure counts from a Locust `_stats.csv`. */
function helloCounts(csvPrefix: string): { requests: number; failures: number } {
  const rows = readFileSync(`${csvPrefix}_stats.csv`, 'utf8').trim().split('\n').map((l) => l.split(','));
  const header = rows[0]!;
  const hello = rows.find((r) => r[0] === 'GET' && r[1] === '/hello');
  if (!hello) throw new Error(`no GET /hello row in ${csvPrefix}_stats.csv`);
  return { requests: Number(hello[header.indexOf('Request Count')]), failures: Number(hello[header.indexOf('Failure Count')]) };
}

/** `--master --headless --expect-workers 2`, 4 users at 4/s for `runTime`, CSV files under `csvPrefix`. */
function startHeadlessMaster(masterPort: number, runTime: string, csvPrefix: string): Started {
  return startBin([
    '-f', LOCUSTFILE, '--master', '--headless', '--expect-workers', '2', '-u', '4', '-r', '4', '-t', runTime, '-H', runs.targetUrl,
    '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort), '--csv', csvPrefix,
  ]);
}

describe('locust-ts runs', () => {
  it('local mode: --headless -u 4 -r 4 -t 4s exits 0 with requests in the CSV and the summary', async () => {
    const csv = join(scratch, 'local');
    const run = startBin(['-f', LOCUSTFILE, '--headless', '-u', '4', '-r', '4', '-t', '4s', '-H', runs.targetUrl, '--csv', csv]);
    expect(await run.exited).toBe(0);
    const counts = helloCounts(csv);
    expect(counts.requests).toBeGreaterThan(0);
    expect(counts.failures).toBe(0);
    expect(run.output()).toMatch(/Response time percentiles/);
    expect(run.output()).toMatch(/GET\s+\/hello\s+\d+/);
    expect(run.output()).toContain('Shutting down (exit code 0)');
  });

  it('--master --headless --expect-workers 2 with two --worker processes', async () => {
    const masterPort = await freePort();
    const csv = join(scratch, 'distributed');
    const master = startHeadlessMaster(masterPort, '4s', csv);
    const workers = [1, 2].map(() => startBin(['-f', LOCUSTFILE, '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)]));
    expect(await master.exited).toBe(0);
    expect(master.output()).toMatch(/2 workers connected|Sending spawn jobs of 4 users at 4\.00 spawn rate to 2 ready workers/);
    // the master's quit ends both workers
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    expect(helloCounts(csv).requests).toBeGreaterThan(0);
  });

  it('--processes 2 --worker forks two workers that a master sees and that quit with it', async () => {
    const masterPort = await freePort();
    const csv = join(scratch, 'processes');
    const master = startHeadlessMaster(masterPort, '3s', csv);
    const parent = startBin(['-f', LOCUSTFILE, '--worker', '--processes', '2', '--master-port', String(masterPort)]);
    await parent.waitFor(/Started 2 worker processes \(pids (\d+), (\d+)\)/, 30_000);
    const children = descendants(parent.child.pid!);
    expect(children.length).toBeGreaterThanOrEqual(2);
    expect(await master.exited).toBe(0);
    expect(master.output()).toMatch(/to 2 ready workers/);
    expect(await parent.exited).toBe(0);
    await waitFor(() => children.every((pid) => !isAlive(pid)), 5_000, 'worker processes to exit');
    expect(helloCounts(csv).requests).toBeGreaterThan(0);
  });

  it('local web mode: --autostart -t stops the test, --autoquit quits, --html writes the report', async () => {
    const html = join(scratch, 'report.html');
    const run = startBin([
      '-f', LOCUSTFILE, '--autostart', '-u', '2', '-r', '2', '-t', '2s', '--autoquit', '1', '--web-host', '127.0.0.1', '--web-port', '0',
      '-H', runs.targetUrl, '--html', html, '--only-summary', '--web-base-path', '/locust',
    ]);
    const [, url] = await run.waitFor(/Starting web interface at (http:\/\/127\.0\.0\.1:\d+\/locust)/);
    // --web-base-path reaches the web UI: its routes live under the prefix
    const stats = await fetch(`${url}/stats/requests`);
    expect(stats.status).toBe(200);
    expect(await stats.json()).toHaveProperty('user_count');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('--run-time limit reached, stopping test');
    expect(run.output()).toContain('--autoquit time reached, shutting down');
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, 'utf8')).toContain('/hello');
  });
});
