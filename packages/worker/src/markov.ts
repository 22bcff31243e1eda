/**
 * `@transition('name', weight)` / `@transitions({...} | [...])` for `MarkovTaskSet` (the newest
 * Locust's locust/user/markov_taskset.py): each Markov task names the tasks that may follow it
 * and their weights; the chain starts at the first Markov task declared.
 */
import { LocustfileError } from './errors.js';
import { tagsOf } from './tags.js';

const TRANSITIONS = Symbol.for('locust-ts.transitions');
const MARKOV_TASKS = Symbol.for('locust-ts.markovTasks');
const METADATA_SYMBOL: symbol = (Symbol as { metadata?: symbol }).metadata ?? Symbol.for('Symbol.metadata');

type WithTransitions = { [TRANSITIONS]?: Record<string, number> };
type MethodDecorator = (value: unknown, context: ClassMethodDecoratorContext) => void;

function record(value: unknown, context: ClassMethodDecoratorContext, add: Record<string, number>): void {
  if (context.kind !== 'method' || context.static || context.private) throw new TypeError('@transition() applies to public instance methods');
  const fn = value as WithTransitions;
  if (!Object.prototype.hasOwnProperty.call(fn, TRANSITIONS)) Object.defineProperty(fn, TRANSITIONS, { value: {}, enumerable: false });
  Object.assign(fn[TRANSITIONS]!, add);
  const metadata = context.metadata as Record<PropertyKey, unknown> | undefined;
  if (!metadata) throw new TypeError('@transition() needs decorator metadata (TS 5.2+ standard decorators)');
  if (!Object.prototype.hasOwnProperty.call(metadata, MARKOV_TASKS)) metadata[MARKOV_TASKS] = [];
  const names = metadata[MARKOV_TASKS] as string[];
  // decorators of one method run bottom-up: record the method once, where it is declared
  if (!names.includes(String(context.name))) names.push(String(context.name));
}

/** One transition from the decorated Markov task to `funcName` with `weight` (default 1). */
export function transition(funcName: string, weight = 1): MethodDecorator {
  return (value, context) => record(value, context, { [funcName]: weight });
}

/** Several transitions at once: `{ checkout: 1, browse: 3 }` or `['index', ['browse', 2]]`. */
export function transitions(weights: Readonly<Record<string, number>> | ReadonlyArray<string | readonly [string, number]>): MethodDecorator {
  const add: Record<string, number> = {};
  if (Array.isArray(weights)) {
    for (const item of weights as ReadonlyArray<string | readonly [string, number]>) {
      if (typeof item === 'string') add[item] = 1;
      else add[item[0]] = item[1];
    }
  } else Object.assign(add, weights);
  return (value, context) => record(value, context, add);
}

export interface MarkovChain {
  first: string;
  /** task name → the names that may follow, each repeated by its weight */
  next: ReadonlyMap<string, readonly string[]>;
}

const chains = new WeakMap<object, MarkovChain>();

/** The checked chain of a MarkovTaskSet class (Locust's metaclass checks, as one-line errors). */
export function markovChain(cls: { readonly name: string; prototype: object }): MarkovChain {
  const hit = chains.get(cls);
  if (hit) return hit;
  const metadata = (cls as unknown as Record<symbol, Record<PropertyKey, unknown> | undefined>)[METADATA_SYMBOL];
  const names = (metadata?.[MARKOV_TASKS] as string[] | undefined) ?? [];
  if (names.length === 0) throw new LocustfileError(`No Markov tasks defined in class ${cls.name}. Use the @transition(s) decorators to define some.`);
  const proto = cls.prototype as Record<string, WithTransitions | undefined>;
  const next = new Map<string, string[]>();
  for (const name of names) {
    const fn = proto[name]!;
    if (tagsOf(fn)) throw new LocustfileError(`Tags are unsupported for MarkovTaskSet since they can make the markov chain invalid. Tags detected on ${cls.name}.${name}`);
    const list: string[] = [];
    for (const [dest, weight] of Object.entries(fn[TRANSITIONS] ?? {})) {
      const target = proto[dest];
      if (typeof target !== 'function') throw new LocustfileError(`Transition to ${dest} from ${name} is invalid since no such element exists on class ${cls.name}`);
      if (!(target as WithTransitions)[TRANSITIONS]) {
        throw new LocustfileError(`${cls.name}.${dest} cannot be used as a target for a transition since it does not define any transitions of its own. Used as a transition from ${name}.`);
      }
      for (let i = 0; i < weight; i++) list.push(dest);
    }
    next.set(name, list);
  }
  const chain = { first: names[0]!, next };
  chains.set(cls, chain);
  return chain;
}
