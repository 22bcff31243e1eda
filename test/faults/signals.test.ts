/**
 * Fault matrix — ends of a run, all through the real CLI: `--run-time` ends on its mark (read from
 * the master's own log stamps), SIGTERM and SIGINT to a headless master, a web master and a worker
 * end everything with the final CSV/HTML written and Locust's exit codes, and failed requests give
 * exit code 1 (or `--exit-code-on-error N`). `pnpm dev`'s SIGINT is in dev-swarm.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Started, startBin, startProcess } from '@locust-ts/test-support/process';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { writePythonLocustfile } from '@locust-ts/test-support/locustfiles';
import { loggedAt } from '@locust-ts/test-support/log-time';
import { LOCUST_BIN } from '@locust-ts/test-support/paths';
import { freePort } from '@locust-ts/test-support/ports';

const LOCUSTFILE = 'examples/locustfile.ts';
const runs = useBinRuns('lt13-signals-');
/** `-t` of the timed run, and how far past it the master may end (issue 13: within one second). */
const RUN_TIME_SECONDS = 3;
const RUN_TIME_SLACK_SECONDS = 1;
const WAIT_MS = 45_000;

/** Request and failure counts of the Aggregated row of a `_stats.csv`. */
function aggregated(csvPrefix: string): { requests: number; failures: number } {
  const rows = readFileSync(`${csvPrefix}_stats.csv`, 'utf8').trim().split('\n').map((l) => l.split(','));
  const row = rows.find((r) => r[1] === 'Aggregated')!;
  return { requests: Number(row[rows[0]!.indexOf('Request Count')]), failures: Number(row[rows[0]!.indexOf('Failure Count')]) };
}

function master(masterPort: number, extra: string[]): Started {
  return startBin(['-f', LOCUSTFILE, '--master', '-u', '2', '-r', '10', '-H', runs.targetUrl, '--master-bind-host', '127.0.0.1',
    '--master-bind-port', String(masterPort), ...extra]);
}

function tsWorker(masterPort: number): Started {
  return startBin(['-f', LOCUSTFILE, '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)]);
}

describe('fault matrix: run time, signals, exit codes', () => {
  it(`-t ${RUN_TIME_SECONDS}s ends within a second of its mark on the master's clock; TS and Python workers quit with it`, async () => {
    const masterPort = await freePort();
    const csv = join(runs.scratch, 'timed');
    const html = join(runs.scratch, 'timed.html');
    const m = master(masterPort, ['--headless', '-t', `${RUN_TIME_SECONDS}s`, '--expect-workers', '2', '--csv', csv, '--html', html]);
    const py = startProcess(LOCUST_BIN, ['-f', writePythonLocustfile(), '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)]);
    const ts = tsWorker(masterPort);
    expect(await m.exited).toBe(0);
    const ran = loggedAt(m.output(), /--run-time limit reached/) - loggedAt(m.output(), /Run time limit set to 3 seconds/);
    expect(ran).toBeGreaterThanOrEqual(RUN_TIME_SECONDS - 0.002);
    expect(ran).toBeLessThanOrEqual(RUN_TIME_SECONDS + RUN_TIME_SLACK_SECONDS);
    expect(await ts.exited).toBe(0);
    expect(await py.exited).toBe(0);
    expect(py.output()).toContain('Got quit message from master');
    expect(aggregated(csv).requests).toBeGreaterThan(0);
    expect(readFileSync(html, 'utf8')).toContain('Aggregated');
    console.log(`run time: -t ${RUN_TIME_SECONDS}s ended ${ran.toFixed(3)} s after it was set (master's log)`);
  });

  // (SIGTERM to a headless master: flood.test.ts)
  it.each(['SIGINT'] as const)('%s to a headless master: final CSV and HTML written, the worker told to quit, exit 0', async (signal) => {
    const masterPort = await freePort();
    const csv = join(runs.scratch, `headless-${signal}`);
    const html = `${csv}.html`;
    const m = master(masterPort, ['--headless', '-t', '5m', '--csv', csv, '--html', html]);
    const w = tsWorker(masterPort);
    await m.waitFor(/All users spawned/, WAIT_MS);
    // at least one stats report with requests reached the master (its table is printed every 2 s)
    await m.waitFor(/GET\s+\/hello\s+[1-9]/, WAIT_MS);
    m.child.kill(signal);
    expect(await m.exited).toBe(0);
    expect(await w.exited).toBe(0);
    expect(w.output()).toMatch(/Got quit message from master/);
    expect(m.output()).toContain(`Got ${signal} signal`);
    expect(aggregated(csv).requests).toBeGreaterThan(0);
    expect(existsSync(html)).toBe(true);
  });

  it('SIGTERM to a web master: final CSV written, the worker told to quit, exit 0', async () => {
    const masterPort = await freePort();
    const csv = join(runs.scratch, 'web');
    const m = master(masterPort, ['--autostart', '--web-host', '127.0.0.1', '--web-port', String(await freePort()), '--csv', csv]);
    const w = tsWorker(masterPort);
    await m.waitFor(/All users spawned/, WAIT_MS);
    m.child.kill('SIGTERM');
    expect(await m.exited).toBe(0);
    expect(await w.exited).toBe(0);
    expect(existsSync(`${csv}_stats.csv`)).toBe(true);
  });

  it('SIGTERM to a worker: it quits (exit 0) and the master sees it leave', async () => {
    const masterPort = await freePort();
    const m = master(masterPort, ['--headless', '-t', '5m']);
    const w = tsWorker(masterPort);
    await m.waitFor(/All users spawned/, WAIT_MS);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    await m.waitFor(/quit\. 0 workers ready/, WAIT_MS);
    // the last worker leaving ends a headless run, as in Locust
    expect(await m.exited).toBe(0);
  });

  it('failed requests: exit 1, or the --exit-code-on-error value', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const local = (extra: string[]) => startBin(['-f', LOCUSTFILE, '--headless', '-u', '1', '-r', '1', '-t', '2s', '-H', closed, ...extra]);
    const [plain, custom] = [local([]), local(['--exit-code-on-error', '3'])];
    expect(await plain.exited).toBe(1);
    expect(await custom.exited).toBe(3);
    expect(plain.output()).toContain("ConnectionRefusedError(111, 'Connection refused')");
  });
});
