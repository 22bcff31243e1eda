/**
 * `kill -9` of one of 3 real Python workers mid-run: within 5 s the master marks it missing and
 * the two others carry the full user count (Locust would wait ≈60 s without --enable-rebalancing).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writePythonLocustfile } from './helpers/locustfiles.js';
import { TestSwarm, startPythonWorker, waitFor } from './master-helpers.js';

/** Missing on the 5th liveness tick after the last heartbeat (spec §4): ≤ 5 s, plus tick jitter. */
const MISSING_WITHIN_MS = 6_000;

describe('a worker killed mid-run', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('is marked missing and its users move to the other workers', async () => {
    const locustfile = writePythonLocustfile();
    const { sink, processes: workers } = swarm;
    const { master } = await swarm.startHeadless({
      locustfile,
      users: 9,
      spawnRate: 9,
      runTime: 60,
      expectWorkers: 3,
      onlySummary: true,
    });
    for (let i = 0; i < 3; i++) workers.push(startPythonWorker(locustfile, master.port));
    const runner = master.runner;
    await waitFor(() => runner.state === 'running' && runner.userCount === 9, 20_000, '9 running users');
    expect(runner.workers().map((w) => w.userCount)).toEqual([3, 3, 3]);

    const victim = workers[0]!;
    const killedAt = Date.now();
    victim.signal('SIGKILL');
    await victim.exited;
    await waitFor(() => runner.workers().some((w) => w.state === 'missing'), MISSING_WITHIN_MS, 'a missing worker');
    const missingAfter = Date.now() - killedAt;
    const carried = (): number => runner.workers().filter((w) => w.state !== 'missing').reduce((n, w) => n + w.userCount, 0);
    // the ramp ends (state running) just after the last report arrives: wait for both
    await waitFor(() => carried() === 9 && runner.state === 'running', 3_000, 'the others to carry 9 users');
    const carriedAfter = Date.now() - killedAt;
    const table = runner.workers();
    expect(table.filter((w) => w.state === 'missing')).toHaveLength(1);
    expect(table.filter((w) => w.state === 'missing')[0]!.userCount).toBe(0);
    const others = table.filter((w) => w.state !== 'missing').map((w) => w.userCount);
    expect(others.sort()).toEqual([4, 5]);
    expect(runner.state).toBe('running');
    expect(runner.workerCount()).toBe(2);
    expect(sink.text).toContain('failed to send heartbeat, setting state to missing');

    const code = await master.quit();
    expect(code).toBe(0);
    console.log(`kill -9: missing after ${missingAfter} ms, 9 users on ${others.join('+')} after ${carriedAfter} ms`);
  });
});
