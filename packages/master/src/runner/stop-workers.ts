/**
 * The stop of a test for the workers: every one is told to `stop`, and the master waits until no
 * worker reports users. Locust sends `stop` once; a `stop` lost on the way (a ROUTER drops what it
 * cannot route, e.g. while a worker's connection is being replaced) would leave that worker's users
 * running and the master `stopping` for a minute. So a worker that still reports `running` or
 * `spawning` well after its stop should have ended is told again: a worker that got the first
 * `stop` has long left those states by then, so the repeat never reaches one that is stopping.
 */
import type { MasterLogger } from '../log/master-logger.js';
import type { Outbox } from './outbox.js';
import type { Sleeper } from './sleeper.js';
import { WORKER_STATE, type WorkerRegistry } from './worker-registry.js';

/** Locust gives workers `stop_timeout` + this many seconds to stop their users (spec §3.9). */
export const STOP_WAIT_EXTRA_SECONDS = 60;
/**
 * A worker still `running` this long after `stop_timeout` is told to stop again. Workers end
 * their users' grace 1 s after `stop_timeout` and report their state each second.
 */
export const STOP_REPEAT_SECONDS = 5;

/** Send `stop` to every worker and wait (at most `stop_timeout` + 60 s) until none has users; true if none has. */
export async function stopWorkers(
  parts: { registry: WorkerRegistry; outbox: Outbox; log: MasterLogger; sleeper: Sleeper },
  stopTimeout: number,
  userCount: () => number,
): Promise<boolean> {
  const { registry, outbox, log, sleeper } = parts;
  for (const node of registry.all()) outbox.post(node.id, 'stop', null);
  const repeatAfter = stopTimeout + STOP_REPEAT_SECONDS;
  let left = stopTimeout + STOP_WAIT_EXTRA_SECONDS;
  while (left > 0) {
    const wait = Math.min(repeatAfter, left);
    if (await sleeper.waitFor(() => userCount() === 0, wait)) return true;
    left -= wait;
    if (left <= 0 || sleeper.isCancelled) break;
    for (const node of registry.all()) {
      if (node.state !== WORKER_STATE.running && node.state !== WORKER_STATE.spawning) continue;
      log.warning(`Worker ${node.id} still reports ${node.state} ${repeatAfter}s after the stop message: sending stop again`);
      outbox.post(node.id, 'stop', null);
    }
  }
  return userCount() === 0;
}
