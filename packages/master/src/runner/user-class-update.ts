/**
 * The master's side of `update_user_class` (spec §3.12): which keys of a `POST /user` body
 * change the master's description of a user class. Every other key (`host`, wait-time settings,
 * …) only matters to the workers, which receive the whole map.
 */
import type { UserClassDescription } from '@locust-ts/protocol';
import type { UserClassUpdate } from '../web/runner-view.js';

/** A `POST /user` the master refuses: one line for the HTTP answer and the log. */
export class UserClassUpdateError extends Error {
  override readonly name = 'UserClassUpdateError';
}

function nonNegativeNumber(key: string, value: unknown, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new UserClassUpdateError(`${key} must be a ${integer ? 'whole ' : ''}number >= 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Validate everything first, then change `cls` in place (the dispatcher reads the same object,
 * as Locust's dispatcher reads the class attributes). Returns a summary for the log.
 */
export function applyUserClassUpdate(
  cls: UserClassDescription | undefined,
  update: UserClassUpdate,
  known: string[],
  originalTasks: Record<string, number> | undefined,
): string {
  if (!cls) {
    throw new UserClassUpdateError(`Unknown user class '${String(update.user_class_name)}' (known: ${known.join(', ')})`);
  }
  const changes: string[] = [];
  let weight: number | undefined;
  let fixedCount: number | undefined;
  let tasks: string[] | undefined;
  if ('weight' in update) weight = nonNegativeNumber('weight', update.weight, false);
  if ('fixed_count' in update) fixedCount = nonNegativeNumber('fixed_count', update.fixed_count, true);
  if ('tasks' in update) {
    const value = update.tasks;
    if (!Array.isArray(value) || !value.every((t): t is string => typeof t === 'string')) {
      throw new UserClassUpdateError(`tasks must be a list of task names, got ${JSON.stringify(value)}`);
    }
    tasks = value;
  }
  if (weight !== undefined) {
    cls.weight = weight;
    changes.push(`weight ${weight}`);
  }
  if (fixedCount !== undefined) {
    cls.fixedCount = fixedCount;
    changes.push(`fixed_count ${fixedCount}`);
  }
  if (tasks !== undefined && originalTasks) {
    // Locust keeps the class's original tasks whose names are listed (so one removed may come back)
    const keep = new Set(tasks);
    cls.tasks = Object.fromEntries(Object.entries(originalTasks).filter(([name]) => keep.has(name)));
    changes.push(`tasks ${Object.keys(cls.tasks).join(', ') || '(none)'}`);
  }
  const others = Object.keys(update).filter((k) => !['user_class_name', 'weight', 'fixed_count', 'tasks'].includes(k));
  if (others.length) changes.push(`${others.join(', ')} (workers only)`);
  return changes.join('; ') || 'nothing to change';
}
