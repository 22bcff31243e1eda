/**
 * TS master + 4 locust-ts workers over real ZeroMQ: 10 users end up 3,3,2,2, read from the
 * master's own worker table; every request the target saw is in the master's stats.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TestSwarm, waitFor } from '@locust-ts/test-support/swarm';

describe('TS master with 4 TS workers', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('10 users over 4 workers are 3,3,2,2 in the master worker table', async () => {
    const { sink } = swarm;
    const { target, master } = await swarm.startHeadlessWithTsWorkers(4, { users: 10, spawnRate: 10, runTime: 30, expectWorkers: 4, onlySummary: true });
    const runner = master.runner;
    await waitFor(() => runner.state === 'running' && runner.userCount === 10, 45_000, '10 running users');
    const table = runner.workers();
    expect(table).toHaveLength(4);
    expect(table.map((w) => w.userCount).sort().reverse()).toEqual([3, 3, 2, 2]);
    expect(table.map((w) => w.index).sort()).toEqual([0, 1, 2, 3]);
    expect(table.every((w) => w.state === 'running')).toBe(true);
    expect(runner.userClassesCount()).toEqual({ SimpleUser: 10 });

    // requests flow and are merged (workers report every 3 s)
    await waitFor(() => runner.stats.total.numRequests > 20, 45_000, 'merged requests');
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
