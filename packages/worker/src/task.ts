/**
 * Tasks and their weights. Two ways to declare them, both reading like Locust:
 *
 *   @task(3) async hello() { ... }          // TS 5 standard decorator (.ts locustfiles via tsx)
 *   static tasks = { hello: 3, bye: 1 };      // plain JS as well
 *
 * A task is a method name, a function `(user) => ...`, or a TaskSet class (a nested behaviour).
 */

/** A free-standing task function; called with the user (or task set) as `this` and argument. */
export type TaskFunction = (owner: never) => unknown;

/** Marker a TaskSet class carries, so task collection can tell it from a plain function. */
export const TASK_SET_MARK = Symbol.for('locust-ts.taskset');

/** How a task set picks its next task: weighted random (default), in order, or a Markov chain. */
export const TASK_PICKER = Symbol.for('locust-ts.taskPicker');
export type TaskPickerKind = 'random' | 'sequential' | 'markov';

/** Where `scheduleTask()` queues tasks on a user or task set instance. */
export const TASK_QUEUE = Symbol.for('locust-ts.taskQueue');

/** Anything constructible that is marked as a TaskSet (see task-set.ts). */
export interface TaskSetLike {
  readonly [TASK_SET_MARK]: true;
  readonly name: string;
}

export type TaskRef = string | TaskFunction | TaskSetLike;

/** The `static tasks` forms: `{ method: weight }` or a list of refs / `[ref, weight]` pairs. */
export type TaskSpec = Readonly<Record<string, number>> | ReadonlyArray<TaskRef | readonly [TaskRef, number]>;

export type TaskTarget =
  | { kind: 'method'; method: string }
  | { kind: 'function'; fn: TaskFunction }
  | { kind: 'taskSet'; taskSet: TaskSetLike };

export interface TaskEntry {
  name: string;
  weight: number;
  target: TaskTarget;
}

const TASKS_KEY = Symbol.for('locust-ts.tasks');
/** Where decorators keep per-class metadata: the standard symbol, or esbuild's fallback. */
const METADATA_SYMBOL: symbol = (Symbol as { metadata?: symbol }).metadata ?? Symbol.for('Symbol.metadata');

type Metadata = Record<PropertyKey, unknown>;

function record(metadata: Metadata, method: string, weight: number): void {
  // Subclass metadata inherits from the parent's by prototype: copy before adding, so a
  // subclass's tasks never leak into its parent.
  if (!Object.prototype.hasOwnProperty.call(metadata, TASKS_KEY)) {
    const inherited = (metadata[TASKS_KEY] as Array<[string, number]> | undefined) ?? [];
    metadata[TASKS_KEY] = [...inherited];
  }
  (metadata[TASKS_KEY] as Array<[string, number]>).push([method, weight]);
}

type MethodDecorator = (value: unknown, context: ClassMethodDecoratorContext) => void;

/**
 * Mark a method as a task: `@task()` / `@task` (weight 1) or `@task(3)`.
 * Needs TS 5 standard decorators (tsx/esbuild); in plain JS use `static tasks`.
 */
export function task(weight?: number): MethodDecorator;
export function task(value: unknown, context: ClassMethodDecoratorContext): void;
export function task(weightOrValue: unknown = 1, context?: ClassMethodDecoratorContext): MethodDecorator | void {
  if (context !== undefined) {
    decorate(1, context);
    return;
  }
  const weight = weightOrValue as number;
  return (_value, ctx) => decorate(weight, ctx);
}

function decorate(weight: number, context: ClassMethodDecoratorContext): void {
  if (context.kind !== 'method' || context.static || context.private) {
    throw new TypeError('@task() applies to public instance methods');
  }
  if (!context.metadata) throw new TypeError('@task() needs decorator metadata (TS 5.2+ standard decorators)');
  record(context.metadata as Metadata, String(context.name), weight);
}

function isTaskSetLike(v: unknown): v is TaskSetLike {
  return typeof v === 'function' && (v as unknown as Record<symbol, unknown>)[TASK_SET_MARK] === true;
}

export function entryOf(ref: TaskRef, weight: number): TaskEntry {
  if (typeof ref === 'string') return { name: ref, weight, target: { kind: 'method', method: ref } };
  if (isTaskSetLike(ref)) return { name: ref.name, weight, target: { kind: 'taskSet', taskSet: ref } };
  if (typeof ref === 'function') return { name: ref.name || 'task', weight, target: { kind: 'function', fn: ref } };
  throw new TypeError(`a task must be a method name, a function or a TaskSet class, got ${typeof ref}`);
}

/**
 * All tasks of a user or task set class: decorated methods (inherited included) followed by
 * `static tasks`. Throws a TypeError with a one-line reason for anything malformed.
 */
export function collectTasks(cls: { readonly name: string; prototype: object }): TaskEntry[] {
  const entries: TaskEntry[] = [];
  const metadata = (cls as unknown as Record<symbol, Metadata | undefined>)[METADATA_SYMBOL];
  const decorated = (metadata?.[TASKS_KEY] as Array<[string, number]> | undefined) ?? [];
  for (const [method, weight] of decorated) entries.push(entryOf(method, weight));

  const spec = (cls as unknown as { tasks?: unknown }).tasks;
  if (Array.isArray(spec)) {
    for (const item of spec) {
      if (Array.isArray(item)) entries.push(entryOf(item[0] as TaskRef, item[1] as number));
      else entries.push(entryOf(item as TaskRef, 1));
    }
  } else if (spec !== undefined && spec !== null) {
    if (typeof spec !== 'object') throw new TypeError(`${cls.name}.tasks must be { method: weight } or a list of tasks`);
    for (const [method, weight] of Object.entries(spec as Record<string, unknown>)) entries.push(entryOf(method, weight as number));
  }

  for (const e of entries) {
    if (typeof e.weight !== 'number' || !Number.isInteger(e.weight) || e.weight < 0) {
      throw new TypeError(`${cls.name}: task '${e.name}' has weight ${String(e.weight)}; a weight must be an integer >= 0`);
    }
    if (e.target.kind === 'method' && typeof (cls.prototype as Record<string, unknown>)[e.target.method] !== 'function') {
      throw new TypeError(`${cls.name}: task '${e.name}' is not a method of the class`);
    }
  }
  return entries;
}

/**
 * The weighted pick list Locust builds: every task repeated `weight` times, so one random
 * index picks a task with the right probability and no per-pick arithmetic.
 */
export function weightedTaskList(entries: readonly TaskEntry[]): TaskEntry[] {
  const list: TaskEntry[] = [];
  for (const e of entries) for (let i = 0; i < e.weight; i++) list.push(e);
  return list;
}

/** Task name → summed weight, for `UserClassDescription.tasks` (the master's `/tasks`). */
export function taskWeights(entries: readonly TaskEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) out[e.name] = (out[e.name] ?? 0) + e.weight;
  return out;
}

/** `scheduleTask(task, first)` of users and task sets: queued before the next pick. */
export function scheduleOn(owner: object, task: TaskRef, first: boolean): void {
  const o = owner as { [TASK_QUEUE]?: TaskEntry[] };
  const queue = (o[TASK_QUEUE] ??= []);
  const entry = entryOf(task, 1);
  if (first) queue.unshift(entry);
  else queue.push(entry);
}

/** The picker kind of a task set class (inherited from SequentialTaskSet / MarkovTaskSet). */
export function pickerKindOf(cls: unknown): TaskPickerKind {
  return ((cls as Record<symbol, TaskPickerKind | undefined>)[TASK_PICKER]) ?? 'random';
}
