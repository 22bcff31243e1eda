/**
 * The worker's side of `update_user_class` (spec §3.12, newest Locust's web UI "edit user
 * class"): the master sends `{ user_class_name, <attribute>: value, … }`. Locust sets every key
 * but `tasks` as a class attribute and keeps the class's own tasks whose names are listed in
 * `tasks`. Here the Python attribute names map to the TS ones; a value that cannot work is
 * refused as a whole, with one line, before anything changes.
 */
import {
  type UpdateUserClassData,
  UserClassUpdateError,
  userClassUpdateNumber,
  userClassUpdateTaskNames,
} from '@locust-ts/protocol';
import { weightedTaskList } from '../task.js';
import { type WaitTime, between, constant } from '../wait-time.js';
import type { UserClassInfo } from './user-class-info.js';

/** An update this worker cannot apply: one line for the log (the master refuses the same values). */
export { UserClassUpdateError };

/** The keys this worker understands (Locust's attribute names). */
const KNOWN_KEYS = new Set(['user_class_name', 'weight', 'fixed_count', 'host', 'wait_time', 'tasks']);

/** `wait_time`: seconds (`constant`) or `[min, max]` (`between`) — the forms that fit in JSON. */
function waitTimeFrom(value: unknown): { waitTime: WaitTime; shown: string } {
  if (typeof value === 'number') {
    return { waitTime: constant(userClassUpdateNumber('wait_time', value, false)), shown: `constant(${value})` };
  }
  if (Array.isArray(value) && value.length === 2) {
    const [min, max] = value.map((v) => userClassUpdateNumber('wait_time', v, false)) as [number, number];
    if (min > max) throw new UserClassUpdateError(`wait_time [${min}, ${max}]: min must not exceed max`);
    return { waitTime: between(min, max), shown: `between(${min}, ${max})` };
  }
  throw new UserClassUpdateError(`wait_time must be seconds or [min, max], got ${JSON.stringify(value)}`);
}

export interface UserClassUpdateResult {
  /** what changed, for the log, e.g. `weight 2`, `tasks a, b` */
  changes: string[];
  /** keys ignored or task names unknown: worth a warning, not a refusal */
  warnings: string[];
}

/** Validate the whole update, then apply it to `info` (and its class's statics, as Locust does). */
export function applyUserClassUpdate(info: UserClassInfo, update: UpdateUserClassData): UserClassUpdateResult {
  const warnings: string[] = [];
  const weight = 'weight' in update ? userClassUpdateNumber('weight', update.weight, false) : undefined;
  const fixedCount = 'fixed_count' in update ? userClassUpdateNumber('fixed_count', update.fixed_count, true) : undefined;
  // null or '' (an emptied form field) drops an earlier override: the class's own host again
  let host: string | null | undefined;
  if ('host' in update) {
    if (update.host === null || update.host === '') host = null;
    else if (typeof update.host === 'string' && /^https?:\/\/[^/]/i.test(update.host)) host = update.host;
    else throw new UserClassUpdateError(`host must be a URL like http://10.21.32.33, got ${JSON.stringify(update.host)}`);
  }
  const wait = 'wait_time' in update ? waitTimeFrom(update.wait_time) : undefined;
  let tasks: UserClassInfo['tasks'] | undefined;
  if ('tasks' in update) {
    const names = userClassUpdateTaskNames(update.tasks);
    const keep = new Set(names);
    tasks = info.allTasks.filter((t) => keep.has(t.name));
    const unknown = names.filter((n) => !info.allTasks.some((t) => t.name === n));
    if (unknown.length) warnings.push(`unknown task(s) ${unknown.join(', ')} (${info.name} has ${info.allTasks.map((t) => t.name).join(', ')})`);
    if (weightedTaskList(tasks).length === 0) {
      throw new UserClassUpdateError(`tasks ${JSON.stringify(names)} would leave ${info.name} without a task to run`);
    }
  }
  const ignored = Object.keys(update).filter((k) => !KNOWN_KEYS.has(k));
  if (ignored.length) warnings.push(`ignored attribute(s) ${ignored.join(', ')}`);

  const changes: string[] = [];
  const statics = info.cls as { weight?: number; fixedCount?: number };
  if (weight !== undefined) {
    statics.weight = weight;
    changes.push(`weight ${weight}`);
  }
  if (fixedCount !== undefined) {
    statics.fixedCount = fixedCount;
    changes.push(`fixed_count ${fixedCount}`);
  }
  if (host === null) {
    delete info.overrides.host;
    changes.push(`host (the class's own)`);
  } else if (host !== undefined) {
    info.overrides.host = host;
    changes.push(`host ${host}`);
  }
  if (wait) {
    info.overrides.waitTime = wait.waitTime;
    changes.push(`wait_time ${wait.shown}`);
  }
  if (tasks) {
    info.tasks = tasks;
    info.pickList = weightedTaskList(tasks);
    changes.push(`tasks ${tasks.map((t) => t.name).join(', ')}`);
  }
  return { changes, warnings };
}
