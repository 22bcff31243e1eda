/**
 * Worker liveness (spec §4): every heartbeat interval each worker's credit drops by one; a worker
 * out of credit is marked missing, and one missing until the credit reaches
 * `HEARTBEAT_DEAD_INTERNAL` (≈60 s) is removed. What a missing worker means for the test is the
 * runner's business ({@link LivenessHooks.missing}).
 */
import { HEARTBEAT_DEAD_INTERNAL, nowSeconds } from '@locust-ts/protocol';
import type { MasterLogger } from '../log/master-logger.js';
import { LivenessGuard } from './liveness-guard.js';
import { WORKER_STATE, type WorkerNode, type WorkerRegistry } from './worker-registry.js';

export interface LivenessHooks {
  /** a worker was just marked missing (its users are gone from the counts) */
  missing(node: WorkerNode): void;
}

export class Liveness {
  constructor(
    private readonly registry: WorkerRegistry,
    private readonly log: MasterLogger,
    private readonly hooks: LivenessHooks,
    private readonly guard = new LivenessGuard(),
  ) {}

  /** One tick; false when skipped because the master itself is behind (liveness-guard.ts). */
  tick(): boolean {
    // an overloaded master may not have read the heartbeats yet: no credit taken then
    if (!this.guard.tickCounts()) return false;
    const toDelete: WorkerNode[] = [];
    for (const node of this.registry.all()) {
      if (node.state === WORKER_STATE.missing && node.heartbeat <= HEARTBEAT_DEAD_INTERNAL) toDelete.push(node);
      if (node.heartbeat < 0 && node.state !== WORKER_STATE.missing) this.markMissing(node);
      else node.heartbeat--;
    }
    for (const node of toDelete) {
      // its users were already moved when it went missing: no redistribution from zero (Locust does one)
      this.registry.delete(node.id);
      this.log.info(`Worker ${node.id} (index ${node.index}) was missing for too long and has been removed.`);
    }
    return true;
  }

  private markMissing(node: WorkerNode): void {
    this.log.info(`Worker ${node.id} failed to send heartbeat, setting state to missing.`);
    node.state = WORKER_STATE.missing;
    node.missingAt = nowSeconds();
    node.userClassesCount = {};
    this.hooks.missing(node);
  }
}
