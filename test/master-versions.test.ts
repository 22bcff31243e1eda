/**
 * K4: the master speaks the protocol each worker announced. Locust 2.12.x (and Debian's packaged
 * Locust, which announces "") has no master `heartbeat` and no `spawning_complete` broadcast — a
 * 2.12.1 worker logs "Unknown message type received" for each; workers announcing a newer version
 * get both, as the newest Locust master sends them (runners.py: `heartbeat` reply per heartbeat,
 * `spawning_complete` to every worker after a ramp).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writePythonLocustfile } from './helpers/locustfiles.js';
import { TestSwarm, startPythonWorker, waitFor } from './master-helpers.js';
import { ScriptedWorker } from './master-scripted-worker.js';

describe('version-aware master', () => {
  const swarms: TestSwarm[] = [];
  afterAll(() => Promise.all(swarms.map((s) => s.stop())));

  it('no heartbeat replies or spawning_complete to 2.12 workers; newest workers get both', async () => {
    const swarm = new TestSwarm();
    swarms.push(swarm);
    const master = await swarm.startMaster({ userClasses: [{ name: 'SimpleUser', weight: 1, fixedCount: 0 }], headless: false, webPort: 0, webHost: '127.0.0.1' });
    const newest = new ScriptedWorker(master.port, null, '2.46.3');
    const debian = new ScriptedWorker(master.port, null, '');
    const old = new ScriptedWorker(master.port, null, '2.12.1');
    swarm.scripted.push(newest, debian, old);
    for (const w of swarm.scripted) await w.register();
    await master.runner.start({ userCount: 3, spawnRate: 100 });
    await newest.next('spawning_complete');
    // the 2.12 workers beat as often as the newest one: by its second reply after the broadcast they had their chance
    await newest.next('heartbeat');
    await newest.next('heartbeat');
    for (const w of [debian, old]) {
      const types = w.received.map((m) => m.type);
      expect(types).toContain('spawn');
      expect(types).not.toContain('heartbeat');
      expect(types).not.toContain('spawning_complete');
    }
    expect(master.runner.workers().map((w) => w.userCount)).toEqual([1, 1, 1]);
  });

  it('a real Python 2.12.1 worker runs users and never logs an unknown message type', async () => {
    const swarm = new TestSwarm();
    swarms.push(swarm);
    const locustfile = writePythonLocustfile();
    const { master } = await swarm.startHeadless({ locustfile, users: 2, spawnRate: 10, runTime: 4, expectWorkers: 1 });
    const worker = startPythonWorker(locustfile, master.port);
    swarm.processes.push(worker);
    await waitFor(() => master.runner.state === 'running' && master.runner.userCount === 2, 30_000, '2 users on the Python worker');
    expect(await master.done).toBe(0);
    await worker.waitForLine(/Got quit message from master/, 10_000);
    expect(master.runner.stats.get('/hello', 'GET').numRequests).toBeGreaterThan(0);
    expect(worker.output).not.toContain('Unknown message type received');
  });
});
