/**
 * Keeps an overloaded master from declaring healthy workers missing. A worker's heartbeat credit
 * is only taken when the master has read its messages: while the event loop never waited for
 * input during the last tick (its utilisation was at the top), heartbeats may sit unread in the
 * ROUTER's queues, and taking credit then would mark workers missing for the master's own delay —
 * which moves their users and makes the overload worse. A Python master cannot do this either
 * (its liveness greenlet starves instead). Deferral is bounded, so a master that stays saturated
 * still finds dead workers, only later.
 */
import { performance } from 'node:perf_hooks';

/** Event-loop utilisation over a tick at or above which the master counts as behind. */
export const BUSY_UTILIZATION = 0.95;
/** Ticks in a row that may be skipped before credit is taken anyway (seconds of extra grace). */
export const MAX_DEFERRED_TICKS = 10;

/** Event-loop utilisation since the previous call (0..1). */
export function eventLoopUtilizationMeter(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, last);
    last = now;
    return delta.utilization;
  };
}

export class LivenessGuard {
  private deferred = 0;

  constructor(
    private readonly utilization: () => number = eventLoopUtilizationMeter(),
    private readonly maxDeferred = MAX_DEFERRED_TICKS,
  ) {}

  /** Call once per liveness tick: true when this tick may take heartbeat credit. */
  tickCounts(): boolean {
    const busy = this.utilization() >= BUSY_UTILIZATION;
    if (busy && this.deferred < this.maxDeferred) {
      this.deferred++;
      return false;
    }
    this.deferred = 0;
    return true;
  }
}
