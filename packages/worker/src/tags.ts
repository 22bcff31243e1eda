/**
 * `@tag('a', 'b')` on tasks and task sets (Locust's `locust.tag`), and the filter `-T/--tags` and
 * `-E/--exclude-tags` apply (locust/user/task.py `filter_tasks_by_tags`): with tags, a task runs
 * only if it has one of them; with exclude tags, only if it has none of them; a task set stays if
 * any of its tasks stays. Tagging a task set tags every task in it, as Locust's decorator does.
 */
import type { TaskEntry } from './task.js';

const TAGS = Symbol.for('locust-ts.tags');

type Tagged = { [TAGS]?: Set<string> };

function addTags(target: object, tags: readonly string[]): void {
  const t = target as Tagged;
  if (!Object.prototype.hasOwnProperty.call(t, TAGS)) {
    Object.defineProperty(t, TAGS, { value: new Set(t[TAGS] ?? []), enumerable: false });
  }
  for (const name of tags) t[TAGS]!.add(name);
}

type TagDecorator = <T extends object>(value: T, context?: ClassMethodDecoratorContext | ClassDecoratorContext) => void;

/**
 * Tag a task method, a task function or a TaskSet class: `@tag('checkout') @task() buy() {}`.
 * Plain JS: `tag('a')(fn)`, or `tag('a')(MyTaskSet)`.
 */
export function tag(...tags: string[]): TagDecorator {
  if (tags.length === 0 || tags.some((t) => typeof t !== 'string')) throw new TypeError('@tag() needs one or more tag names');
  return (value) => {
    addTags(value, tags);
  };
}

/** A task function's or class's own tags (Locust's `locust_tag_set`). */
export function tagsOf(target: unknown): ReadonlySet<string> | undefined {
  if (target === null || (typeof target !== 'function' && typeof target !== 'object')) return undefined;
  return (target as Tagged)[TAGS];
}

/** The tags of one entry of `owner`'s tasks: the function's own plus the enclosing task sets'. */
export function entryTags(entry: TaskEntry, owner: { prototype: object }, inherited: ReadonlySet<string>): Set<string> {
  const out = new Set(inherited);
  const target = entry.target;
  const fn =
    target.kind === 'method'
      ? (owner.prototype as Record<string, unknown>)[target.method]
      : target.kind === 'function'
        ? target.fn
        : undefined;
  for (const t of tagsOf(fn) ?? []) out.add(t);
  return out;
}
