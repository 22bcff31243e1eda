/**
 * Loading a locustfile (`-f path.ts|.mts|.js|.mjs|.cjs`): Node imports it through our module
 * hooks (api-link.ts, hooks.mjs), which compile it and its sibling modules to ES modules with
 * source maps and cache the result; then its user classes are found and checked, so a broken
 * file fails before any master sees this worker. Every failure is a {@link LocustfileError}
 * with one line the CLI prints before exiting 1, naming the file's own `path:line:column`
 * (load-errors.ts). A second load of the same path in one process returns the module of the
 * first, as a second `import` would.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type UserClassDescription, createEnvironment } from '@locust-ts/protocol';
import type * as api from '../api.js';
import { LocustfileError, WaitTimeError } from '../errors.js';
import { HttpPools } from '../http/pools.js';
import { silentLogger } from '../logger.js';
import { StatsRecorder } from '../runtime/stats-recorder.js';
import { taskWeights } from '../task.js';
import { fixedCountOf, isConcreteUserClass, type UserClass, waitTimeOf, weightOf } from '../user.js';
import { tasksOf } from '../runtime/user-class-info.js';
import { isConcreteLoadTestShapeClass, type LoadTestShapeClass } from '../shape.js';
import { installLocustfileHooks } from './api-link.js';
import { firstLine, importErrorLine, shownPath } from './load-errors.js';

const LOCUSTFILE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);
/** hooks.mjs knows a locustfile by this query on its URL (and strips it). */
const ENTRY_QUERY = 'locust-ts-locustfile';

/** `import()` through Node's own loader and the hooks, also under a test runner (see the file). */
const nativeImport = createRequire(import.meta.url)('./native-import.cjs') as (url: string) => Promise<Record<string, unknown>>;

export interface Locustfile {
  /** Absolute path. */
  path: string;
  /** Concrete user classes, by name (a module namespace lists its exports sorted). */
  userClasses: UserClass[];
  /** The classes as the master dispatches them (name, weight, fixedCount, tasks). */
  describeUserClasses(): UserClassDescription[];
  /** The locustfile's concrete `LoadTestShape` subclass (at most one), or null. */
  shapeClass: LoadTestShapeClass | null;
}

/** The module's exports, and those of a CommonJS module's `module.exports` object. */
function exportedValues(mod: Record<string, unknown>): unknown[] {
  const values = Object.values(mod);
  const commonJs = mod.default;
  if (commonJs && typeof commonJs === 'object') values.push(...Object.values(commonJs));
  return values;
}

/** A throwaway environment to construct one user per class for checks; opens nothing. */
function probeEnvironment(): api.UserEnvironment {
  return { ...createEnvironment(), http: { pools: new HttpPools(), stats: new StatsRecorder() }, logger: silentLogger };
}

/** Check one class: tasks, weight, fixedCount, wait time. Returns a one-line problem or null. */
function checkUserClass(cls: UserClass): string | null {
  const name = cls.name;
  let tasks;
  try {
    tasks = tasksOf(cls).tasks;
  } catch (err) {
    return (err as Error).message;
  }
  if (tasks.length === 0) return `${name} has no tasks: add @task() methods or 'static tasks = { method: weight }'`;
  const weight = weightOf(cls);
  const fixedCount = fixedCountOf(cls);
  if (!Number.isInteger(weight) || weight < 0) return `${name}.weight must be an integer >= 0, got ${String(weight)}`;
  if (!Number.isInteger(fixedCount) || fixedCount < 0) return `${name}.fixedCount must be an integer >= 0, got ${String(fixedCount)}`;
  let user: api.User;
  try {
    user = new cls(probeEnvironment());
  } catch (err) {
    if (err instanceof WaitTimeError) return `bad wait time: ${err.message}`;
    return `${name} could not be constructed: ${firstLine((err as Error).message ?? String(err))}`;
  }
  const waitTime: unknown = waitTimeOf(user);
  if (waitTime === undefined) return null;
  const hint = 'use between(min, max), constant(s), constantPacing(s) or constantThroughput(n)';
  if (typeof waitTime !== 'function') return `bad wait time: ${name}.waitTime is ${typeof waitTime} ${String(waitTime)}; ${hint}`;
  let seconds: unknown;
  try {
    seconds = (waitTime as (owner: object) => unknown)(user);
  } catch (err) {
    return `bad wait time: ${name}.waitTime threw ${firstLine((err as Error).message ?? String(err))}`;
  }
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    return `bad wait time: ${name}.waitTime returned ${String(seconds)}, not seconds >= 0; ${hint}`;
  }
  return null;
}

/** Import a locustfile and return its concrete, checked user classes. */
export async function loadLocustfile(path: string): Promise<Locustfile> {
  const abs = resolvePath(path);
  const shown = shownPath(abs);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new LocustfileError(`Could not find locustfile '${path}'`);
  if (!LOCUSTFILE_EXTENSIONS.has(extname(abs))) {
    throw new LocustfileError(`${shown}: a locustfile must be a .ts or .js file (got '${extname(abs) || 'no extension'}')`);
  }
  installLocustfileHooks();
  let values: unknown[];
  try {
    values = exportedValues(await nativeImport(`${pathToFileURL(abs).href}?${ENTRY_QUERY}`));
  } catch (err) {
    throw new LocustfileError(importErrorLine(shown, err));
  }
  const userClasses: UserClass[] = [];
  for (const value of values) {
    if (isConcreteUserClass(value) && !userClasses.includes(value)) userClasses.push(value);
  }
  if (userClasses.length === 0) {
    throw new LocustfileError(`${shown}: no user class found; export a class extending HttpUser or User (e.g. export class MyUser extends HttpUser)`);
  }
  for (const cls of userClasses) {
    const problem = checkUserClass(cls);
    if (problem) throw new LocustfileError(`${shown}: ${problem}`);
  }
  const shapeClass = findShapeClass(values, shown);
  return { path: abs, userClasses, describeUserClasses: () => describeUserClasses(userClasses), shapeClass };
}

/** The one concrete load shape class of a locustfile, checked to construct and to have a tick(). */
function findShapeClass(values: readonly unknown[], shown: string): LoadTestShapeClass | null {
  const shapes: LoadTestShapeClass[] = [];
  for (const value of values) {
    if (isConcreteLoadTestShapeClass(value) && !shapes.includes(value)) shapes.push(value);
  }
  if (shapes.length === 0) return null;
  if (shapes.length > 1) {
    throw new LocustfileError(
      `${shown}: more than one load shape class (${shapes.map((s) => s.name).join(', ')}); a locustfile can use only one LoadTestShape (mark bases with 'static abstract = true')`,
    );
  }
  const cls = shapes[0]!;
  try {
    const shape = new (cls as unknown as new () => { tick?: unknown })();
    if (typeof shape.tick !== 'function') return shapeProblem(shown, `${cls.name} has no tick() method`);
  } catch (err) {
    return shapeProblem(shown, `${cls.name} could not be constructed: ${firstLine((err as Error).message ?? String(err))}`);
  }
  return cls;
}

function shapeProblem(shown: string, problem: string): never {
  throw new LocustfileError(`${shown}: ${problem}`);
}

/** What the master needs to dispatch these classes (spec §6); the CLI hands it over. */
export function describeUserClasses(userClasses: readonly UserClass[]): UserClassDescription[] {
  return userClasses.map((cls) => ({
    name: cls.name,
    weight: weightOf(cls),
    fixedCount: fixedCountOf(cls),
    tasks: taskWeights(tasksOf(cls).tasks),
  }));
}
