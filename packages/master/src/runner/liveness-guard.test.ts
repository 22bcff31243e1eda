import { describe, expect, it } from 'vitest';
import { BUSY_UTILIZATION, LivenessGuard } from './liveness-guard.js';

/** A guard fed a scripted utilisation per tick; returns which ticks counted. */
function run(utilizations: number[], maxDeferred = 3): boolean[] {
  let i = 0;
  const guard = new LivenessGuard(() => utilizations[i++]!, maxDeferred);
  return utilizations.map(() => guard.tickCounts());
}

describe('liveness guard', () => {
  it('counts every tick while the master keeps up', () => {
    expect(run([0.1, 0.5, BUSY_UTILIZATION - 0.01, 0.2])).toEqual([true, true, true, true]);
  });

  it('skips ticks while the event loop never waited for input', () => {
    expect(run([0.2, 1, 0.99, 0.3])).toEqual([true, false, false, true]);
  });

  it('takes credit anyway after the bounded number of skipped ticks, then may skip again', () => {
    expect(run([1, 1, 1, 1, 1, 1, 1, 1], 3)).toEqual([false, false, false, true, false, false, false, true]);
  });
});
