/**
 * What the master needs to know about a user class to dispatch it (spec §6): shared by the
 * locustfile loader (worker side) and the dispatcher (master side), so neither imports the other.
 */
import { UserClassUpdateError } from './errors.js';

export interface UserClassDescription {
  name: string;
  /** Relative weight; ignored when `fixedCount` > 0. */
  weight: number;
  /** Exact number of users of this class, served before weighted classes (0 = weighted). */
  fixedCount: number;
  /** Task names with their weights, for `/tasks` (optional: Python locustfiles may not tell). */
  tasks?: Record<string, number>;
}

/** What one tick of a load shape asks for: total users, spawn rate, optionally the user classes to run. */
export type LoadShapeTick = readonly [users: number, spawnRate: number, userClasses?: readonly string[] | null];

/**
 * Locust's `LoadTestShape`, structurally: the master calls {@link LoadShape.tick} about once a
 * second with the seconds since the shape started; the answer sets the target users and spawn
 * rate (and optionally the classes), `null` ends the test (headless: quit; web UI: stop).
 * A `LoadTestShape` base class for locustfiles belongs to the worker's user API; the master
 * accepts any object of this shape.
 */
export interface LoadShape {
  tick(runTimeSeconds: number): LoadShapeTick | null;
  /** Locust's `use_common_options`: keep users / spawn rate / run time in the web form (default false). */
  readonly useCommonOptions?: boolean;
}


/** A number of an `update_user_class` map (`weight`, `fixed_count`, `wait_time` seconds): >= 0, whole if `integer`. */
export function userClassUpdateNumber(key: string, value: unknown, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new UserClassUpdateError(`${key} must be a ${integer ? 'whole ' : ''}number >= 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `tasks` of an `update_user_class` map: the names of the class's own tasks to keep. */
export function userClassUpdateTaskNames(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((t): t is string => typeof t === 'string')) {
    throw new UserClassUpdateError(`tasks must be a list of task names, got ${JSON.stringify(value)}`);
  }
  return value;
}
