/**
 * Wait times between tasks, as Locust's `locust.wait_time` offers them. A wait time is a
 * function of the user (or task set) returning seconds; the runtime sleeps that long after
 * every task.
 */
import { WaitTimeError } from './errors.js';
import { nowSeconds } from '@locust-ts/protocol';

/** Seconds to wait after a task; `owner` is the user or task set that ran it. */
export type WaitTime = (owner: object) => number;

function checkSeconds(what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new WaitTimeError(`${what} must be a number of seconds >= 0, got ${String(value)}`);
  }
}

/** A random time between `min` and `max` seconds (uniform). */
export function between(min: number, max: number): WaitTime {
  checkSeconds('between(min, max): min', min);
  checkSeconds('between(min, max): max', max);
  if (min > max) throw new WaitTimeError(`between(${min}, ${max}): min must not exceed max`);
  const span = max - min;
  return () => min + Math.random() * span;
}

/** Always the same time. */
export function constant(seconds: number): WaitTime {
  checkSeconds('constant(seconds)', seconds);
  return () => seconds;
}

interface PacingState {
  lastRun: number;
  lastWait: number;
}

/**
 * Start a task every `seconds` at most: waits `seconds` minus the time the last task took
 * (Locust's `constant_pacing`). State is per owner, kept outside the user object.
 */
export function constantPacing(seconds: number): WaitTime {
  checkSeconds('constantPacing(seconds)', seconds);
  const states = new WeakMap<object, PacingState>();
  return (owner) => {
    const now = nowSeconds();
    let state = states.get(owner);
    if (!state) {
      // Like Locust: the first call sees "a very long run" and does not wait.
      state = { lastRun: 0, lastWait: 0 };
      states.set(owner, state);
    }
    const runTime = now - state.lastRun - state.lastWait;
    state.lastWait = Math.max(0, seconds - runTime);
    state.lastRun = now;
    return state.lastWait;
  };
}

/** At most `tasksPerSecond` task runs per second per user (Locust's `constant_throughput`). */
export function constantThroughput(tasksPerSecond: number): WaitTime {
  if (typeof tasksPerSecond !== 'number' || !(tasksPerSecond > 0) || !Number.isFinite(tasksPerSecond)) {
    throw new WaitTimeError(`constantThroughput(tasksPerSecond) must be a number > 0, got ${String(tasksPerSecond)}`);
  }
  return constantPacing(1 / tasksPerSecond);
}
