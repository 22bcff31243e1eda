/**
 * TS master + 4 locust-ts workers over real ZeroMQ: 10 users end up 3,3,2,2, read from the
 * master's own worker table; every request the target saw is in the master's stats.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type MasterHandle, runMaster } from '../packages/master/src/index.js';
import { type WorkerHandle, loadLocustfile, runWorker, silentLogger } from '../packages/worker/src/index.js';
import { CaptureSink, type Target, startTarget, waitFor } from './master-helpers.js';

const LOCUSTFILE = new URL('./master-fixtures/locustfile.ts', import.meta.url).pathname;

describe('TS master with 4 TS workers', () => {
  let target: Target | undefined;
  let master: MasterHandle | undefined;
  const workers: WorkerHandle[] = [];

  afterAll(async () => {
    await master?.quit();
    await Promise.all(workers.map((w) => Promise.race([w.done, new Promise((r) => setTimeout(r, 3000))])));
    await Promise.all(workers.map((w) => w.quit().catch(() => undefined)));
    await target?.close();
  });

  it('10 users over 4 workers are 3,3,2,2 in the master worker table', async () => {
    target = await startTarget();
    const lf = await loadLocustfile(LOCUSTFILE);
    const sink = new CaptureSink();
    master = await runMaster({
      userClasses: lf.describeUserClasses(),
      masterBindHost: '127.0.0.1',
      masterBindPort: 0,
      headless: true,
      users: 10,
      spawnRate: 10,
      runTime: 30,
      expectWorkers: 4,
      host: target.url,
      onlySummary: true,
      handleSignals: false,
      logSink: sink,
    });
    for (let i = 0; i < 4; i++) {
      workers.push(runWorker({ userClasses: lf.userClasses, masterHost: '127.0.0.1', masterPort: master.port, logger: silentLogger }));
    }
    const runner = master.runner;
    await waitFor(() => runner.state === 'running' && runner.userCount === 10, 15_000, '10 running users');
    const table = runner.workers();
    expect(table).toHaveLength(4);
    expect(table.map((w) => w.userCount).sort().reverse()).toEqual([3, 3, 2, 2]);
    expect(table.map((w) => w.index).sort()).toEqual([0, 1, 2, 3]);
    expect(table.every((w) => w.state === 'running')).toBe(true);
    expect(runner.userClassesCount()).toEqual({ SimpleUser: 10 });

    // requests flow and are merged (workers report every 3 s)
    await waitFor(() => runner.stats.total.numRequests > 20, 10_000, 'merged requests');
    const code = await master.quit();
    expect(code).toBe(0);
    expect(runner.state).toBe('stopped');
    const get = runner.stats.get('/hello', 'GET');
    expect(get.numRequests).toBeGreaterThan(20);
    expect(get.numFailures).toBe(0);
    expect(get.numRequests).toBeLessThanOrEqual(target.requests());
    expect(sink.text).toContain('All users spawned: {"SimpleUser": 10} (10 total users)');
    expect(sink.text).toContain('Response time percentiles (approximated)');
    console.log(`4 TS workers: users ${table.map((w) => w.userCount).join(',')}; GET /hello ${get.numRequests} requests, target saw ${target.requests()}`);
  });
});
