/**
 * The end of a run for the workers: every one is told to `quit`, and the master waits for their
 * final stats and `quit` replies instead of Locust's fixed 0.5 s pause, so no final report is lost.
 */
import type { MasterLogger } from '../log/master-logger.js';
import type { Outbox } from './outbox.js';
import type { Sleeper } from './sleeper.js';
import { WORKER_STATE, type WorkerRegistry } from './worker-registry.js';

/**
 * After `quit`, wait for every worker's final stats and `quit` at most `stop_timeout` + this.
 * Locust sleeps a fixed 0.5 s; waiting for the replies loses no final report.
 */
export const QUIT_REPLY_WAIT_SECONDS = 3;

export async function quitWorkers(
  parts: { registry: WorkerRegistry; outbox: Outbox; log: MasterLogger; sleeper: Sleeper },
  /** workers between `client_stopped` and their next `client_ready` (they have no record) */
  stoppedIds: ReadonlySet<string>,
  stopTimeout: number,
): Promise<void> {
  const { registry, outbox, log } = parts;
  const waiting = new Set(registry.all().filter((n) => n.state !== WORKER_STATE.missing).map((n) => n.id));
  for (const node of registry.all()) {
    log.debug(() => `Sending quit message to worker ${node.id} (index ${node.index})`);
    outbox.post(node.id, 'quit', null);
  }
  // better than Locust: a worker still waiting out its stop timeout after `stop` has no record,
  // but is told to quit too (and its final stats waited for), instead of being left behind
  for (const id of stoppedIds) outbox.post(id, 'quit', null);
  // a worker's `quit` comes after its final stats: wait for those instead of a fixed pause
  const timeout = stopTimeout + QUIT_REPLY_WAIT_SECONDS;
  await parts.sleeper.waitFor(() => [...waiting].every((id) => !registry.has(id)) && stoppedIds.size === 0, timeout);
}
