/**
 * A `stop` that never reached a worker (a ROUTER drops what it cannot route, e.g. while the worker's
 * connection is replaced) must not leave its users running and the master `stopping` for a minute:
 * a worker still reporting `running` after the stop's grace is told to stop again. The scripted
 * worker here loses its first `stop`; the other answers at once, as Locust's workers do.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TestSwarm, waitFor } from '@locust-ts/test-support/swarm';

describe('stop repeated to a worker that did not stop', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('the worker that lost its stop gets another, and the master reaches stopped', async () => {
    const master = await swarm.startMaster({ userClasses: [{ name: 'SimpleUser', weight: 1, fixedCount: 0 }], headless: false, webPort: 0, webHost: '127.0.0.1' });
    const [lossy, healthy] = await swarm.registerScriptedWorkers(2);
    lossy!.dropStops = 1;
    await master.runner.start({ userCount: 4, spawnRate: 100 });
    await waitFor(() => master.runner.userCount === 4, 30_000, '4 users on 2 workers');

    await master.runner.stop();

    expect(master.runner.state).toBe('stopped');
    expect(master.runner.userCount).toBe(0);
    expect(lossy!.received.filter((m) => m.type === 'stop')).toHaveLength(2);
    expect(healthy!.received.filter((m) => m.type === 'stop')).toHaveLength(1);
    expect(swarm.sink.text).toMatch(new RegExp(`Worker ${lossy!.id} still reports running \\d+s after the stop message: sending stop again`));
  }, 90_000);
});
