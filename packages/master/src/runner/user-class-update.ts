/**
 * The master's side of `update_user_class` (spec §3.12): which keys of a `POST /user` body
 * change the master's description of a user class. Every other key (`host`, wait-time settings,
 * …) only matters to the workers, which receive the whole map.
 */
import {
  type UserClassDescription,
  UserClassUpdateError,
  userClassUpdateNumber,
  userClassUpdateTaskNames,
} from '@locust-ts/protocol';
import type { UserClassUpdate } from './runner-view.js';

/** A `POST /user` the master refuses (the worker refuses the same values with the same text). */
export { UserClassUpdateError };

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
  if ('weight' in update) weight = userClassUpdateNumber('weight', update.weight, false);
  if ('fixed_count' in update) fixedCount = userClassUpdateNumber('fixed_count', update.fixed_count, true);
  if ('tasks' in update) tasks = userClassUpdateTaskNames(update.tasks);
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
