/**
 * Synchronized edges, measured at the target (issue 9): a square pulse 0 → 1,000 users × 2 cycles
 * (3 s on, 3 s off, constant(0.2) wait, "instant" spawn rate) over 4 locust-ts worker processes,
 * each in its own network-namespace pod, against the Fastify target writing an access log. Every
 * figure comes from timestamps the processes recorded: the target's log (each user's first
 * request, each user's stop request from onStop) and the master's PREFIX_edges.csv — never from
 * how long the test took. Then the same with one worker's clock shifted by 4 s (faketime).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePulse, readPulse } from './edges-fixtures/pulse-analysis.js';
import { PodNetwork } from './helpers/netns.js';
import { REPO_ROOT, TSX } from './helpers/paths.js';
import { type ChildHandle, killAllChildren, spawnChild } from './helpers/process.js';

const LOCUSTFILE = join(REPO_ROOT, 'test/edges-fixtures/pulse-locustfile.ts');
const BIN = join(REPO_ROOT, 'packages/cli/bin/locust-ts.mjs');
const TARGET_MAIN = join(REPO_ROOT, 'packages/target-server/src/main.ts');
const WORKERS = ['w1', 'w2', 'w3', 'w4'];
const PEAK = 1000;
/** issue 9: a rising edge reaches the target within this, and stages last 3.0 s ± 0.1 s */
const EDGE_SPREAD_LIMIT_MS = 50;
const STAGE_SECONDS = 3;
const STAGE_TOLERANCE_SECONDS = 0.1;
/** guards against hangs only: the run takes ≈ 13 s of pulse after the workers connected */
const RUN_LIMIT_MS = 150_000;

let net: PodNetwork;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'edges-pulse-'));
  net = await PodNetwork.create({
    prefix: 'lt9e',
    subnet: '10.209.0',
    pods: ['master', 'target', ...WORKERS],
    hosts: { 'locust-master': 'master', 'fastapi-service': 'target' },
  });
});

afterAll(async () => {
  await killAllChildren();
  await net?.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

interface PulseRun {
  accessLog: string;
  csvPrefix: string;
  master: ChildHandle;
  workers: ChildHandle[];
}

/** One whole pulse run in the pods; `clockShift` runs that worker under faketime. */
async function runPulse(name: string, clockShift?: { pod: string; offset: string }): Promise<PulseRun> {
  const accessLog = join(scratch, `${name}-access.log`);
  const csvPrefix = join(scratch, name);
  const [tc, ta] = net.command('target', TSX, [TARGET_MAIN, '--port', '8000', '--access-log', accessLog]);
  const target = spawnChild(tc, ta);
  await target.waitForLine(/listening on/, 60_000);
  const env = { ...process.env, PULSE_PEAK: String(PEAK) };
  const [mc, ma] = net.command('master', process.execPath, [
    BIN, '--master', '--headless', '-f', LOCUSTFILE, '--expect-workers', String(WORKERS.length),
    '-H', 'http://fastapi-service:8000', '--csv', csvPrefix, '--only-summary',
  ]);
  const master = spawnChild(mc, ma, { env });
  const workers = WORKERS.map((pod) => {
    const args = [BIN, '--worker', '-f', LOCUSTFILE, '--master-host', 'locust-master', '-L', 'DEBUG'];
    const [wc, wa] = clockShift?.pod === pod
      ? net.command(pod, 'faketime', ['-f', clockShift.offset, process.execPath, ...args])
      : net.command(pod, process.execPath, args);
    return spawnChild(wc, wa, { env });
  });
  const exit = await master.waitForExit(RUN_LIMIT_MS);
  expect(exit.code, master.output).toBe(0);
  await target.stop(); // flushes the access log
  await Promise.all(workers.map((w) => w.waitForExit(30_000)));
  return { accessLog, csvPrefix, master, workers };
}

/** The edges CSV's rows as [planned instant, target users, workers, spread ms, late workers]. */
function edgeRows(csvPrefix: string): string[][] {
  const lines = readFileSync(`${csvPrefix}_edges.csv`, 'utf8').trim().split('\n');
  expect(lines[0]).toBe('Timestamp,Target Users,Workers,Spread ms,Late Worker');
  return lines.slice(1).map((l) => l.split(','));
}

function checkPulse(run: PulseRun, label: string): void {
  const pulse = readPulse(run.accessLog);
  const rows = edgeRows(run.csvPrefix);
  const workerLines = run.workers.flatMap((w, i) => w.output.split('\n').filter((l) => /Edge \d+:/.test(l)).map((l) => `w${i + 1} ${l.replace(/^.*locust.runners: /, '')}`));
  console.log(`${label}: at the target ${describePulse(pulse)}\n${label}: PREFIX_edges.csv\n${rows.map((r) => r.join(',')).join('\n')}\n${workerLines.join('\n')}`);

  // the master's report: 4 edges (2 up, 2 down) over the 4 locust-ts workers; on the rising
  // edges the workers' acknowledged starts (their own clocks, mapped to the master's) agree
  expect(rows.map((r) => `${r[1]},${r[2]}`)).toEqual(['1000,4', '0,4', '1000,4', '0,4']);
  for (const row of [rows[0]!, rows[2]!]) expect(Number(row[3])).toBeLessThanOrEqual(EDGE_SPREAD_LIMIT_MS);

  // what reached the target: 2 rising edges of 1,000 new users, and each of the 4 pods' first
  // user arrived within the limit of the others' (the workers fired together, whatever clock
  // they keep); the target's own intake of 1,000 new connections is the printed spread
  expect(pulse.rising.map((e) => e.users)).toEqual([PEAK, PEAK]);
  expect(pulse.falling.map((e) => e.users)).toEqual([PEAK, PEAK]);
  for (const edge of pulse.rising) expect(edge.podSpreadMs).toBeLessThanOrEqual(EDGE_SPREAD_LIMIT_MS);
  // stages, from the first arrival of each edge at the target
  for (const seconds of [...pulse.onStages, ...pulse.offStages]) {
    expect(Math.abs(seconds - STAGE_SECONDS)).toBeLessThanOrEqual(STAGE_TOLERANCE_SECONDS);
  }
}

describe('a square pulse over 4 locust-ts worker pods', () => {
  it('0 → 1,000 users × 2: every rising edge reaches the target within 50 ms, stages last 3.0 ± 0.1 s', async () => {
    checkPulse(await runPulse('synced'), 'pulse');
  }, RUN_LIMIT_MS + 60_000);

  it('holds with one worker whose clock is 4 s ahead: it estimates the offset and starts on the master instant', async () => {
    const run = await runPulse('shifted', { pod: 'w4', offset: '+4s' });
    // the shifted worker measured the master's clock about 4 s behind its own
    const line = await run.workers[3]!.waitForLine(/Clock offset to the master: /);
    const offsetMs = Number(/Clock offset to the master: (-?[\d.]+) ms/.exec(line)![1]);
    expect(Math.abs(offsetMs + 4000)).toBeLessThan(250);
    checkPulse(run, 'pulse, one clock +4 s');
  }, RUN_LIMIT_MS + 60_000);
});
