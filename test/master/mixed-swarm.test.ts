/**
 * Mixed swarm: one locust-ts worker process and one real Python Locust 2.12.1 worker under the
 * TS master. Both get users, both report, and the master's stats are the sum of both reports.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writePythonLocustfile } from '@locust-ts/test-support/locustfiles';
import { TestSwarm, startPythonWorker, startTsWorker, waitFor } from '@locust-ts/test-support/swarm';

describe('mixed swarm', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('merges stats from a TS worker and a Python worker', async () => {
    const { master } = await swarm.startHeadless({
      userClassNames: ['SimpleUser'], // explicit classes: no locustfile on the master
      users: 6,
      spawnRate: 6,
      runTime: 30,
      expectWorkers: 2,
      onlySummary: true,
    });
    swarm.processes.push(startTsWorker(master.port), startPythonWorker(writePythonLocustfile(), master.port));
    const runner = master.runner;
    await waitFor(() => runner.state === 'running' && runner.userCount === 6, 30_000, '6 running users');
    expect(runner.workers().map((w) => w.userCount)).toEqual([3, 3]);

    // both kinds of worker report (every 3 s); while running every merged request came from them
    await waitFor(() => runner.registry.all().every((n) => n.numRequests > 5), 45_000, 'reports from both workers');
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
