import { HEARTBEAT_LIVENESS } from '@locust-ts/protocol';
import { describe, expect, it } from 'vitest';
import { MasterLogger } from '../log/master-logger.js';
import { Liveness } from './liveness.js';
import { LivenessGuard } from './liveness-guard.js';
import { WORKER_STATE, type WorkerNode, WorkerRegistry } from './worker-registry.js';

const quiet = { write: () => true };

/** A registry with the given workers, and a liveness that records who went missing. */
function setUp(ids: string[], utilization = () => 0) {
  const registry = new WorkerRegistry();
  for (const id of ids) registry.register(id, '2.46.0');
  const missing: string[] = [];
  const liveness = new Liveness(registry, new MasterLogger('ERROR', quiet), { missing: (n: WorkerNode) => missing.push(n.id) }, new LivenessGuard(utilization));
  return { registry, missing, liveness };
}

/** Locust's `heartbeat_worker` arithmetic (runners.py): credit 3 per heartbeat, one tick a second. */
describe('worker liveness', () => {
  it('marks a silent worker missing on the 5th tick, not before, and tells the runner once', () => {
    const { registry, missing, liveness } = setUp(['a']);
    for (let tick = 1; tick <= 4; tick++) liveness.tick();
    expect(registry.get('a')!.state).toBe(WORKER_STATE.ready);
    expect(missing).toEqual([]);
    liveness.tick();
    expect(registry.get('a')!.state).toBe(WORKER_STATE.missing);
    liveness.tick();
    expect(missing).toEqual(['a']);
  });

  it('keeps a worker whose heartbeats arrive, and forgets the users of one that went missing', () => {
    const { registry, missing, liveness } = setUp(['alive', 'silent']);
    registry.get('silent')!.userClassesCount = { User: 3 };
    for (let tick = 1; tick <= 20; tick++) {
      registry.get('alive')!.heartbeat = HEARTBEAT_LIVENESS;
      liveness.tick();
    }
    expect(missing).toEqual(['silent']);
    expect(registry.get('alive')!.state).toBe(WORKER_STATE.ready);
    expect(registry.get('silent')!.userCount).toBe(0);
  });

  it('removes a worker missing for about a minute (credit down to HEARTBEAT_DEAD_INTERNAL)', () => {
    const { registry, liveness } = setUp(['a']);
    for (let tick = 1; tick <= 64; tick++) liveness.tick();
    expect(registry.has('a')).toBe(true);
    liveness.tick();
    expect(registry.has('a')).toBe(false);
  });

  it('takes no credit on a tick where the master itself was too busy to read heartbeats', () => {
    const { registry, missing, liveness } = setUp(['a'], () => 1);
    // the guard allows 10 skipped ticks in a row: none of them counts
    for (let tick = 1; tick <= 10; tick++) expect(liveness.tick()).toBe(false);
    expect(registry.get('a')!.heartbeat).toBe(HEARTBEAT_LIVENESS);
    expect(missing).toEqual([]);
  });
});
