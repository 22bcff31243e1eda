/**
 * `-T/--tags` and `-E/--exclude-tags` on this worker, as Locust's `Environment._filter_tasks_by_tags`
 * (once per process, at the first test start, with the master's tags when it sent any). User
 * classes get filtered task lists in their runtime record; nested task sets get theirs here, read
 * by {@link taskSetTasks}.
 */
import type { Logger } from '../logger.js';
import { entryTags } from '../tags.js';
import { type TaskEntry, type TaskSetLike, weightedTaskList } from '../task.js';
import { type UserClassInfo, tasksOf } from './user-class-info.js';

export interface TaskList {
  tasks: readonly TaskEntry[];
  pickList: readonly TaskEntry[];
}

const filteredTaskSets = new Map<object, TaskList>();

/** The tasks a task set class runs (filtered by tags when a filter was applied). */
export function taskSetTasks(cls: { readonly name: string; prototype: object }): TaskList {
  return filteredTaskSets.get(cls) ?? tasksOf(cls);
}

function tagList(value: unknown): Set<string> | null {
  if (!Array.isArray(value)) return null;
  return new Set(value.map(String));
}

/**
 * Locust's `filter_tasks_by_tags` for one holder. `inherited` are tags of enclosing tagged task
 * sets (Locust's `@tag` on a TaskSet tags each of its tasks).
 */
function filterHolder(
  holder: { readonly name: string; prototype: object },
  entries: readonly TaskEntry[],
  inherited: ReadonlySet<string>,
  tags: Set<string> | null,
  exclude: Set<string> | null,
  checked: Map<unknown, boolean>,
  logger: Logger,
): TaskEntry[] {
  const kept: TaskEntry[] = [];
  const holderTags = entryTags({ name: '', weight: 0, target: { kind: 'function', fn: holder as never } }, holder, inherited);
  for (const entry of entries) {
    const key = entry.target.kind === 'method' ? `${holder.name}.${entry.target.method}` : entry.target.kind === 'function' ? entry.target.fn : entry.target.taskSet;
    const seen = checked.get(key);
    if (seen !== undefined) {
      if (seen) kept.push(entry);
      continue;
    }
    let passing = true;
    if (entry.target.kind === 'taskSet') {
      const set = entry.target.taskSet as TaskSetLike & { prototype: object };
      const sub = filterHolder(set, tasksOf(set).tasks, holderTags, tags, exclude, checked, logger);
      filteredTaskSets.set(set, { tasks: sub, pickList: weightedTaskList(sub) });
      passing = sub.length > 0;
    } else {
      const own = entryTags(entry, holder, holderTags);
      if (tags !== null) passing &&= [...own].some((t) => tags.has(t));
      if (exclude !== null) passing &&= ![...own].some((t) => exclude.has(t));
    }
    if (passing) kept.push(entry);
    checked.set(key, passing);
  }
  if (kept.length === 0) logger.warning(`${holder.name} had no tasks left after filtering, instantiating it will fail!`);
  return kept;
}

let filtered = false;

/** Filter every class once per process; `tags`/`excludeTags` are the option values (lists or null). */
export function filterTasksByTags(classes: readonly UserClassInfo[], tagsOption: unknown, excludeOption: unknown, logger: Logger): void {
  if (filtered) return;
  filtered = true;
  const tags = tagList(tagsOption);
  const exclude = tagList(excludeOption);
  if (tags === null && exclude === null) return;
  const checked = new Map<unknown, boolean>();
  for (const info of classes) {
    const kept = filterHolder(info.cls, info.tasks, new Set(), tags, exclude, checked, logger);
    info.tasks = kept;
    info.pickList = weightedTaskList(kept);
  }
}
