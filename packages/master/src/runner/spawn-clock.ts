import { nowSeconds } from '@locust-ts/protocol';
/**
 * `spawn` timestamps: a worker discards a spawn whose timestamp is not greater than the last one
 * it accepted, for its whole life (spec §10.8). `Date.now()/1000` can repeat within a millisecond,
 * so each timestamp is bumped past the previous one.
 */

/** Smallest step between two spawn timestamps, seconds (well above float64 resolution at epoch scale). */
const MIN_STEP_SECONDS = 0.001;

export class SpawnClock {
  private last = 0;

  next(now = nowSeconds()): number {
    this.last = now > this.last ? now : this.last + MIN_STEP_SECONDS;
    return this.last;
  }
}
