/**
 * Mixed swarm: one locust-ts worker process and one real Python Locust 2.12.1 worker under the
 * TS master. Both get users, both report, and the master's stats are the sum of both reports.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type MasterHandle, runMaster } from '../packages/master/src/index.js';
import { CaptureSink, type Proc, type Target, killAll, startPythonWorker, startTarget, startTsWorker, waitFor, writePythonLocustfile } from './master-helpers.js';

describe('mixed swarm', () => {
  let target: Target | undefined;
  let master: MasterHandle | undefined;
  const workers: Proc[] = [];

  afterAll(async () => {
    await master?.quit();
    await killAll(workers);
    await target?.close();
  });

  it('merges stats from a TS worker and a Python worker', async () => {
    target = await startTarget();
    const sink = new CaptureSink();
    master = await runMaster({
      userClassNames: ['SimpleUser'], // explicit classes: no locustfile on the master
      masterBindHost: '127.0.0.1',
      masterBindPort: 0,
      headless: true,
      users: 6,
      spawnRate: 6,
      runTime: 30,
      expectWorkers: 2,
      host: target.url,
      onlySummary: true,
      handleSignals: false,
      logSink: sink,
    });
    workers.push(startTsWorker(master.port), startPythonWorker(writePythonLocustfile(), master.port));
    const runner = master.runner;
    await waitFor(() => runner.state === 'running' && runner.userCount === 6, 30_000, '6 running users');
    expect(runner.workers().map((w) => w.userCount)).toEqual([3, 3]);

    // both kinds of worker report (every 3 s); while running every merged request came from them
    await waitFor(() => runner.registry.all().every((n) => n.numRequests > 5), 15_000, 'reports from both workers');
    const nodes = runner.registry.all();
    const perWorker = nodes.map((n) => n.numRequests);
    const merged = runner.stats.total.numRequests;
    expect(merged).toBe(perWorker[0]! + perWorker[1]!);
    expect(runner.stats.get('/hello', 'GET').numFailures).toBe(0);
    const versions = nodes.map((n) => n.version).sort();
    expect(versions).toContain(''); // the Debian Python worker

    const code = await master.quit();
    expect(code).toBe(0);
    console.log(`mixed swarm: users 3,3; requests per worker ${perWorker.join(' + ')} = ${merged} merged mid-run; final ${runner.stats.total.numRequests}`);
  });
});
