/**
 * Loading a locustfile (`-f path.ts|.js`) with tsx's ESM API, finding its user classes and
 * checking them, so a broken file fails before any master sees this worker. Every failure is
 * a {@link LocustfileError} with one line the CLI prints before exiting 1.
 */
import { existsSync, statSync } from 'node:fs';
import Module, { register } from 'node:module';
import { extname, relative, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type UserClassDescription, createEnvironment } from '@locust-ts/protocol';
import { tsImport } from 'tsx/esm/api';
import * as api from '../api.js';
import { LocustfileError, WaitTimeError } from '../errors.js';
import { HttpPools } from '../http/pools.js';
import { silentLogger } from '../logger.js';
import { StatsRecorder } from '../runtime/stats-recorder.js';
import { taskWeights } from '../task.js';
import { fixedCountOf, isConcreteUserClass, type UserClass, waitTimeOf, weightOf } from '../user.js';
import { tasksOf } from '../runtime/user-class-info.js';
import { isConcreteLoadTestShapeClass, type LoadTestShapeClass } from '../shape.js';

const LOCUSTFILE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);
const API_GLOBAL = Symbol.for('locust-ts.api');
/** The names a locustfile imports the API by. */
const API_SPECIFIERS = new Set(['locust-ts', '@locust-ts/worker']);

type ResolveFilename = (request: string, ...rest: unknown[]) => string;

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

let hookInstalled = false;

/** Make `import ... from 'locust-ts'` resolve to this worker's API, once per process. */
export function installApiResolver(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  (globalThis as Record<symbol, unknown>)[API_GLOBAL] = api;
  const names = Object.keys(api);
  const source =
    `const api = globalThis[Symbol.for('locust-ts.api')];\n` + names.map((n) => `export const ${n} = api.${n};`).join('\n');
  const shimUrl = `data:text/javascript,${encodeURIComponent(source)}`;
  register(new URL('./resolve-hook.mjs', import.meta.url), { data: { shimUrl } });
  // tsx compiles a .ts file outside an ESM package to CommonJS: catch its require() as well.
  const cjsShim = fileURLToPath(new URL('./api-shim.cjs', import.meta.url));
  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const previous = loader._resolveFilename;
  loader._resolveFilename = function resolveLocustApi(this: unknown, request: string, ...rest: unknown[]): string {
    return API_SPECIFIERS.has(request) ? cjsShim : previous.call(this, request, ...rest);
  };
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? text;
}

/** One line for an error thrown while importing: esbuild's syntax errors, or the module's own throw. */
function importErrorLine(shownPath: string, err: unknown): string {
  if (err instanceof WaitTimeError) return `${shownPath}: bad wait time: ${err.message}`;
  const e = err as { message?: unknown; name?: unknown; errors?: Array<{ text?: string; location?: { line?: number; column?: number } }> };
  const message = typeof e.message === 'string' ? e.message : String(err);
  const syntax = e.errors?.[0];
  if (syntax?.text) {
    const where = syntax.location ? `:${syntax.location.line}:${syntax.location.column}` : '';
    return `${shownPath}${where}: syntax error: ${syntax.text}`;
  }
  const m = /ERROR: (.*)/.exec(message);
  if (m) {
    const loc = /:(\d+):(\d+): ERROR/.exec(message);
    return `${shownPath}${loc ? `:${loc[1]}:${loc[2]}` : ''}: syntax error: ${m[1]}`;
  }
  if (err instanceof SyntaxError) return `${shownPath}: syntax error: ${firstLine(message)}`;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  return `${shownPath}: ${name}: ${firstLine(message)}`;
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
    seconds = (waitTime as (this: object, owner: object) => unknown).call(user, user);
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
  const shown = relative(process.cwd(), abs) || abs;
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new LocustfileError(`Could not find locustfile '${path}'`);
  if (!LOCUSTFILE_EXTENSIONS.has(extname(abs))) {
    throw new LocustfileError(`${shown}: a locustfile must be a .ts or .js file (got '${extname(abs) || 'no extension'}')`);
  }
  installApiResolver();
  let mod: Record<string, unknown>;
  try {
    mod = (await tsImport(pathToFileURL(abs).href, import.meta.url)) as Record<string, unknown>;
  } catch (err) {
    throw new LocustfileError(importErrorLine(shown, err));
  }
  const userClasses: UserClass[] = [];
  for (const value of Object.values(mod)) {
    if (isConcreteUserClass(value) && !userClasses.includes(value)) userClasses.push(value);
  }
  if (userClasses.length === 0) {
    throw new LocustfileError(`${shown}: no user class found; export a class extending HttpUser or User (e.g. export class MyUser extends HttpUser)`);
  }
  for (const cls of userClasses) {
    const problem = checkUserClass(cls);
    if (problem) throw new LocustfileError(`${shown}: ${problem}`);
  }
  const shapeClass = findShapeClass(mod, shown);
  return { path: abs, userClasses, describeUserClasses: () => describeUserClasses(userClasses), shapeClass };
}

/** The one concrete load shape class of a locustfile, checked to construct and to have a tick(). */
function findShapeClass(mod: Record<string, unknown>, shown: string): LoadTestShapeClass | null {
  const shapes: LoadTestShapeClass[] = [];
  for (const value of Object.values(mod)) {
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
