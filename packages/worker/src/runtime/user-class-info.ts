/**
 * What the runtime keeps per user class: its tasks, the weighted pick list, and the settings an
 * `update_user_class` from the master changed (spec §3.12). Running users read `pickList` and
 * the wait-time override at every task, so a task list or wait time edited in the web UI takes
 * effect at once, as in Locust (whose users read the class attributes live).
 */
import { collectTasks, type TaskEntry, weightedTaskList } from '../task.js';
import type { UserClass } from '../user.js';
import type { WaitTime } from '../wait-time.js';

/** Settings set by `update_user_class` that win over the class's own. */
export interface UserClassOverrides {
  /** base URL of users started from now on (`-H`/the master's host still wins, as in Locust) */
  host?: string;
  waitTime?: WaitTime;
}

export interface UserClassInfo {
  readonly cls: UserClass;
  readonly name: string;
  /** every task the class declares (what `update_user_class` filters from) */
  readonly allTasks: readonly TaskEntry[];
  /** the tasks in use */
  tasks: readonly TaskEntry[];
  /** Each task in use repeated by its weight; one random index picks a task. */
  pickList: readonly TaskEntry[];
  readonly overrides: UserClassOverrides;
}

const cache = new WeakMap<object, { tasks: TaskEntry[]; pickList: TaskEntry[] }>();

/** Tasks of a user or task set class, computed once. */
export function tasksOf(cls: { readonly name: string; prototype: object }): { tasks: TaskEntry[]; pickList: TaskEntry[] } {
  let hit = cache.get(cls);
  if (!hit) {
    const tasks = collectTasks(cls);
    hit = { tasks, pickList: weightedTaskList(tasks) };
    cache.set(cls, hit);
  }
  return hit;
}

/** A fresh per-worker record for `cls` (its overrides belong to this worker only). */
export function userClassInfo(cls: UserClass): UserClassInfo {
  const { tasks, pickList } = tasksOf(cls);
  return { cls, name: cls.name, allTasks: tasks, tasks, pickList, overrides: {} };
}
