/**
 * Arrival rate (open model, issue 9 part 5) through real processes against the real Fastify
 * target, which records every request it serves: the achieved rate is counted at the target,
 * dropped iterations are checked against what the target served, and the latency of late
 * iterations is read from the master's merged stats. No figure here is the test's own clock.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killAll, startBin } from '@locust-ts/test-support/process';
import { loadLocustfile } from '@locust-ts/worker';
import { type CountingTarget, startCountingTarget } from '@locust-ts/test-support/counting-target';
import { TS_LOCUSTFILE, TestSwarm, startTsWorker } from '@locust-ts/test-support/swarm';

const scratch = mkdtempSync(join(tmpdir(), 'arrival-rate-'));
let target: CountingTarget | undefined;
let swarm: TestSwarm | undefined;

afterEach(async () => {
  await swarm?.stop();
  swarm = undefined;
  await target?.close();
  target = undefined;
});
afterAll(() => {
  killAll();
  rmSync(scratch, { recursive: true, force: true });
});

/** Requests that reached the target in [from, from + ms). */
function arrivedBetween(t: CountingTarget, from: number, ms: number): number {
  return t.arrivals.filter((a) => a >= from && a < from + ms).length;
}

/** Row `row` of a CSV file as a column → cell map. */
function csvRecord(path: string, match: (cells: string[]) => boolean): Record<string, string> {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
  const row = rows.find(match);
  if (!row) throw new Error(`no matching row in ${path}`);
  return Object.fromEntries(header!.map((h, i) => [h, row[i]!]));
}

describe('--arrival-rate', () => {
  it('200/s against a 100 ms endpoint stays within 5% of 200/s for 10 s, counted at the target', async () => {
    target = await startCountingTarget({ latencyMs: 100 });
    const csv = join(scratch, 'rate');
    const run = startBin(['-f', 'examples/locustfile.ts', '--headless', '--arrival-rate', '200', '-t', '14s', '-H', target.url, '--csv', csv, '--only-summary']);
    expect(await run.exited).toBe(0);
    const first = target.arrivals[0]!;
    // the 10 s after the first two (the pool and its connections grow then), as the target saw them
    const served = arrivedBetween(target, first + 2000, 10_000);
    const seen = `${served} requests at the target in 10 s (${(served / 10).toFixed(1)}/s; ${target.arrivals.length} in all; load average ${loadavg()[0]!.toFixed(1)})`;
    console.log(`arrival rate 200/s, 100 ms endpoint: ${seen}`);
    expect(served, seen).toBeGreaterThanOrEqual(1900);
    expect(served, seen).toBeLessThanOrEqual(2100);
    // a slow target does not cost iterations while users remain: none was dropped
    expect(csvRecord(`${csv}_arrival_rate.csv`, () => true)).toEqual({ 'Arrival Rate': '200.00', 'Max Users': '2000', Workers: '1', 'Dropped Iterations': '0' });
    expect(run.output()).toMatch(/Arrival rate: 200\.00 iterations\/s over 1 locust-ts worker\(s\), at most 2000 users; dropped iterations: 0/);
    // the master counted what the target served (the last requests in flight at quit are not counted)
    const hello = csvRecord(`${csv}_stats.csv`, (r) => r[1] === '/hello');
    expect(Number(hello['Request Count'])).toBeGreaterThan(target.arrivals.length - 40);
    expect(Number(hello['Request Count'])).toBeLessThanOrEqual(target.arrivals.length);
  });

  it('--max-users too small: iterations without an idle user are dropped, and served + dropped = the rate', async () => {
    target = await startCountingTarget({ latencyMs: 100 });
    swarm = new TestSwarm();
    const master = await swarm.startMaster({
      userClasses: (await loadLocustfile(TS_LOCUSTFILE)).describeUserClasses(),
      headless: true,
      host: target.url,
      arrivalRate: 200,
      maxUsers: 5,
      runTime: 5,
      expectWorkers: 2,
      onlySummary: true,
    });
    swarm.processes.push(startTsWorker(master.port), startTsWorker(master.port));
    expect(await master.done).toBe(0);
    const view = master.runner.arrivalRate()!;
    expect(view).toMatchObject({ rate: 200, maxUsers: 5, workers: 2 });
    const served = target.arrivals.length;
    const span = (target.arrivals.at(-1)! - target.arrivals[0]!) / 1000;
    const intended = 200 * span;
    console.log(
      `arrival rate 200/s, max 5 users, 100 ms endpoint: served ${served}, dropped ${view.droppedIterations}, ` +
        `intended ${intended.toFixed(0)} over ${span.toFixed(2)} s at the target; most in flight ${target.maxInFlight}`,
    );
    // 5 users can never have more than 5 requests at the target, whatever the rate asks
    expect(target.maxInFlight).toBeLessThanOrEqual(5);
    // each user serves at most one 100 ms request at a time: most iterations had no idle user
    expect(view.droppedIterations).toBeGreaterThan(served);
    // every intended iteration was either served or dropped
    expect(served + view.droppedIterations).toBeGreaterThan(intended * 0.9);
    expect(served + view.droppedIterations).toBeLessThan(intended * 1.1 + 50);
    expect(swarm.sink.text).toMatch(/dropped iterations: \d+/);
  });

  it('measures latency from the intended start: iterations started late by a blocked event loop report the delay', async () => {
    target = await startCountingTarget();
    swarm = new TestSwarm();
    // the 20th iteration (1 s in) blocks its worker's event loop for 2 s after its requests
    const locustfile = join(scratch, 'blocker.ts');
    writeFileSync(
      locustfile,
      `import { HttpUser, task } from 'locust-ts';
let iterations = 0;
export class Blocker extends HttpUser {
  @task() async go() {
    await this.client.get('/hello', { name: 'first' });
    await this.client.get('/hello', { name: 'second' });
    if (++iterations === 20) {
      const end = Date.now() + 2000;
      while (Date.now() < end) { /* blocked */ }
    }
  }
}
`,
    );
    const master = await swarm.startMaster({
      userClasses: [{ name: 'Blocker', weight: 1, fixedCount: 0 }],
      headless: true,
      host: target.url,
      arrivalRate: 20,
      runTime: 5,
      expectWorkers: 1,
      onlySummary: true,
    });
    swarm.processes.push(startTsWorker(master.port, locustfile));
    expect(await master.done).toBe(0);
    const stats = master.runner.stats;
    const first = stats.get('first', 'GET');
    const second = stats.get('second', 'GET');
    const slow = (name: string) => [...stats.get(name, 'GET').responseTimes].filter(([ms]) => ms >= 1000).reduce((n, [, c]) => n + c, 0);
    const targetSlow = target.serviceTimes.filter((ms) => ms >= 1000).length;
    const extra = first.totalResponseTime - second.totalResponseTime;
    console.log(
      `blocked 2 s at 20/s: first requests >= 1 s: ${slow('first')}, second requests >= 1 s: ${slow('second')}, ` +
        `target service >= 1 s: ${targetSlow}; first max ${first.maxResponseTime.toFixed(0)} ms; ` +
        `first - second total ${(extra / 1000).toFixed(1)} s (expected ~40 s of lateness)`,
    );
    // 40 iterations were due during the block, late by 2000, 1950, …, 50 ms: half of them by 1 s or more
    expect(slow('first')).toBeGreaterThanOrEqual(15);
    expect(first.maxResponseTime).toBeGreaterThanOrEqual(1900);
    // together ~40 s of lateness, carried by the iterations' first requests only
    expect(extra).toBeGreaterThanOrEqual(20_000);
    expect(slow('second')).toBeLessThanOrEqual(3);
    // the target itself was never that slow
    expect(targetSlow).toBe(0);
  });
});
