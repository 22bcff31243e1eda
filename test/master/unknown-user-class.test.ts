/**
 * A class the master dispatches but a worker lacks is reported once, clearly: a real locust-ts
 * worker whose locustfile has only `SimpleUser` gets `GhostUser` users too; the master logs one
 * error line naming the worker and the class, and `runner.unknownUserClasses()` lists it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TestSwarm, waitFor } from '@locust-ts/test-support/swarm';

/** Two worker stats reports (every 3 s): the error must not repeat on each. */
const TWO_REPORTS_MS = 6_500;

describe('a user class the worker lacks', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('is reported once with one clear error line and listed by unknownUserClasses()', async () => {
    const { sink } = swarm;
    // the worker's locustfile (test/master/fixtures/locustfile.ts) has SimpleUser only
    const { master } = await swarm.startHeadlessWithTsWorkers(1, {
      userClasses: [
        { name: 'GhostUser', weight: 1, fixedCount: 0 },
        { name: 'SimpleUser', weight: 1, fixedCount: 0 },
      ],
      users: 4,
      spawnRate: 10,
      runTime: 30,
      expectWorkers: 1,
      onlySummary: true,
    });
    const runner = master.runner;
    await waitFor(() => runner.unknownUserClasses().length > 0, 45_000, 'the unknown class to be reported');
    const workerId = runner.workers()[0]!.id;
    expect(runner.unknownUserClasses()).toEqual([{ workerId, userClass: 'GhostUser' }]);
    // the known class runs: 2 SimpleUsers on the worker, the 2 GhostUsers cannot start
    await waitFor(() => runner.userClassesCount().SimpleUser === 2, 45_000, '2 SimpleUsers');
    expect(runner.userCount).toBe(2);

    await new Promise((r) => setTimeout(r, TWO_REPORTS_MS));
    const lines = sink.text.split('\n').filter((l) => l.includes("does not have user class 'GhostUser'"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ERROR/);
    expect(lines[0]).toContain(`Worker ${workerId} (index 0) does not have user class 'GhostUser' (it has: SimpleUser)`);
    expect(lines[0]).toContain('Run the workers with the same locustfile as the master.');
    expect(runner.unknownUserClasses()).toHaveLength(1);
    expect(runner.state).toBe('running'); // the master carries on with what can run
    console.log(`unknown user class: ${lines[0]!.replace(/^.*ERROR[^:]*: /, '')}`);
  });
});
