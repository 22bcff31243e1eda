/**
 * A class the master dispatches but a worker lacks is reported once, clearly: a real locust-ts
 * worker whose locustfile has only `SimpleUser` gets `GhostUser` users too; the master logs one
 * error line naming the worker and the class, and `runner.unknownUserClasses()` lists it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type MasterHandle, runMaster } from '../packages/master/src/index.js';
import { type WorkerHandle, loadLocustfile, runWorker, silentLogger } from '../packages/worker/src/index.js';
import { CaptureSink, TS_LOCUSTFILE, type Target, startTarget, waitFor } from './master-helpers.js';

/** Two worker stats reports (every 3 s): the error must not repeat on each. */
const TWO_REPORTS_MS = 6_500;

describe('a user class the worker lacks', () => {
  let target: Target | undefined;
  let master: MasterHandle | undefined;
  let worker: WorkerHandle | undefined;

  afterAll(async () => {
    await master?.quit();
    if (worker) await Promise.race([worker.done, new Promise((r) => setTimeout(r, 3000))]);
    await worker?.quit().catch(() => undefined);
    await target?.close();
  });

  it('is reported once with one clear error line and listed by unknownUserClasses()', async () => {
    target = await startTarget();
    const lf = await loadLocustfile(TS_LOCUSTFILE); // has SimpleUser only
    const sink = new CaptureSink();
    master = await runMaster({
      userClasses: [
        { name: 'GhostUser', weight: 1, fixedCount: 0 },
        { name: 'SimpleUser', weight: 1, fixedCount: 0 },
      ],
      masterBindHost: '127.0.0.1',
      masterBindPort: 0,
      headless: true,
      users: 4,
      spawnRate: 10,
      runTime: 30,
      expectWorkers: 1,
      host: target.url,
      onlySummary: true,
      handleSignals: false,
      logSink: sink,
    });
    worker = runWorker({ userClasses: lf.userClasses, masterHost: '127.0.0.1', masterPort: master.port, logger: silentLogger });
    const runner = master.runner;
    await waitFor(() => runner.unknownUserClasses().length > 0, 10_000, 'the unknown class to be reported');
    const workerId = runner.workers()[0]!.id;
    expect(runner.unknownUserClasses()).toEqual([{ workerId, userClass: 'GhostUser' }]);
    // the known class runs: 2 SimpleUsers on the worker, the 2 GhostUsers cannot start
    await waitFor(() => runner.userClassesCount().SimpleUser === 2, 5_000, '2 SimpleUsers');
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
