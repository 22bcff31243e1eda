/**
 * `--shape` specs (also the web form's `shape` field): `kind:key=value,key=value,…`
 *
 *   square:base=0,peak=1000,on=30s,off=60s,cycles=3   peak for `on`, base for `off` (off = on, cycles forever by default)
 *   steps:start=10,step=10,every=30s,max=200         start, +step every `every` up to max; max held one period
 *   spike:base=20,peak=500,at=60s,hold=10s           base until `at`, peak for `hold`, base for `after` (= at)
 *   stages:30s=100,60s=100,10s=0                      k6-style: linear from the previous target (0 first), ramped at its slope
 *
 * Every shape also takes `unit=users|rps` (levels are users, or iterations/s for the arrival
 * rate) and `rate=<users/s>` (the spawn rate of each change; default: instant).
 */
import { BuiltinShape, type ShapeKind, type ShapeSegment, type ShapeUnit } from './builtin-shape.js';
import { ShapeSpecError, countValue, durationValue, levelValue, parseDuration, rateValue } from './spec-values.js';

/** Keys every shape takes. */
const COMMON_KEYS = ['unit', 'rate'] as const;

const KEYS: Readonly<Record<ShapeKind, readonly string[]>> = {
  square: ['base', 'peak', 'on', 'off', 'cycles'],
  steps: ['start', 'step', 'every', 'max'],
  spike: ['base', 'peak', 'at', 'hold', 'after'],
  stages: [],
};

export const SHAPE_KINDS = Object.keys(KEYS) as ShapeKind[];

export const SHAPE_EXAMPLES: Readonly<Record<ShapeKind, string>> = {
  square: 'square:base=0,peak=1000,on=30s,off=60s,cycles=3',
  steps: 'steps:start=10,step=10,every=30s,max=200',
  spike: 'spike:base=20,peak=500,at=60s,hold=10s',
  stages: 'stages:30s=100,60s=100,10s=0',
};

/** A steps shape with more levels than this is surely a typo (and would be a long array). */
const MAX_STEPS = 100_000;

/** The `key=value` pairs of a spec, in order; stages keep theirs as an ordered list. */
type Pairs = Array<[key: string, value: string]>;

function splitPairs(kind: ShapeKind, body: string): Pairs {
  const pairs: Pairs = [];
  const seen = new Set<string>();
  for (const item of body.split(',')) {
    const text = item.trim();
    if (text === '') throw new ShapeSpecError(`${kind}: empty item between commas`);
    const eq = text.indexOf('=');
    if (eq <= 0 || eq === text.length - 1) throw new ShapeSpecError(`${kind}: '${text}' is not key=value`);
    const key = text.slice(0, eq).trim();
    const value = text.slice(eq + 1).trim();
    const isStage = kind === 'stages' && !(COMMON_KEYS as readonly string[]).includes(key);
    if (!isStage && seen.has(key)) throw new ShapeSpecError(`${kind}: ${key}= is given twice`);
    seen.add(key);
    pairs.push([key, value]);
  }
  return pairs;
}

class Fields {
  private readonly values = new Map<string, string>();
  constructor(
    private readonly kind: ShapeKind,
    pairs: Pairs,
    readonly unit: ShapeUnit,
  ) {
    for (const [key, value] of pairs) {
      if ((COMMON_KEYS as readonly string[]).includes(key)) continue;
      if (!KEYS[kind].includes(key)) {
        throw new ShapeSpecError(`${kind} has no key '${key}' (keys: ${[...KEYS[kind], ...COMMON_KEYS].join(', ')})`);
      }
      this.values.set(key, value);
    }
  }
  private text(key: string): string {
    const value = this.values.get(key);
    if (value === undefined) throw new ShapeSpecError(`${this.kind} needs ${key}= (e.g. ${SHAPE_EXAMPLES[this.kind]})`);
    return value;
  }
  has(key: string): boolean {
    return this.values.has(key);
  }
  level(key: string, fallback?: number): number {
    return !this.has(key) && fallback !== undefined ? fallback : levelValue(key, this.text(key), this.unit);
  }
  duration(key: string, fallback?: number): number {
    return !this.has(key) && fallback !== undefined ? fallback : durationValue(key, this.text(key), true);
  }
  count(key: string): number {
    return countValue(key, this.text(key));
  }
}

const hold = (seconds: number, level: number): ShapeSegment => ({ seconds, from: level, to: level });

function square(f: Fields): { segments: ShapeSegment[]; repeat: number } {
  const base = f.level('base', 0);
  const peak = f.level('peak');
  const on = f.duration('on');
  const off = f.duration('off', on);
  return { segments: [hold(on, peak), hold(off, base)], repeat: f.has('cycles') ? f.count('cycles') : Infinity };
}

function steps(f: Fields): { segments: ShapeSegment[]; repeat: number } {
  const step = f.level('step');
  if (step <= 0) throw new ShapeSpecError('steps: step= must be more than 0');
  const start = f.level('start', step);
  const max = f.level('max');
  if (max < start) throw new ShapeSpecError(`steps: max=${max} is below start=${start}`);
  const every = f.duration('every');
  if ((max - start) / step > MAX_STEPS) throw new ShapeSpecError(`steps: more than ${MAX_STEPS} steps from start=${start} to max=${max}`);
  const segments: ShapeSegment[] = [];
  for (let level = start; level < max; level += step) segments.push(hold(every, level));
  segments.push(hold(every, max));
  return { segments, repeat: 1 };
}

function spike(f: Fields): { segments: ShapeSegment[]; repeat: number } {
  const base = f.level('base', 0);
  const peak = f.level('peak');
  const at = f.duration('at');
  const holdFor = f.duration('hold');
  const after = f.duration('after', at);
  return { segments: [hold(at, base), hold(holdFor, peak), hold(after, base)], repeat: 1 };
}

function stages(kind: ShapeKind, pairs: Pairs, unit: ShapeUnit): { segments: ShapeSegment[]; repeat: number } {
  const segments: ShapeSegment[] = [];
  let previous = 0;
  for (const [key, value] of pairs) {
    if ((COMMON_KEYS as readonly string[]).includes(key)) continue;
    const seconds = parseDuration(key);
    if (seconds === null) throw new ShapeSpecError(`${kind}: '${key}=${value}' is not <duration>=<target> (e.g. ${SHAPE_EXAMPLES.stages})`);
    const target = levelValue(key, value, unit);
    segments.push({ seconds, from: previous, to: target });
    previous = target;
  }
  if (segments.length === 0) throw new ShapeSpecError(`stages needs at least one <duration>=<target> (e.g. ${SHAPE_EXAMPLES.stages})`);
  if (segments.every((s) => s.seconds === 0)) throw new ShapeSpecError('stages: the stages last 0 s in total');
  return { segments, repeat: 1 };
}

/** Parse a `--shape` spec; throws {@link ShapeSpecError} naming the bad part. */
export function parseShapeSpec(spec: string): BuiltinShape {
  const text = spec.trim();
  if (text === '') throw new ShapeSpecError(`empty spec (e.g. ${SHAPE_EXAMPLES.square})`);
  const colon = text.indexOf(':');
  const kindText = (colon === -1 ? text : text.slice(0, colon)).trim().toLowerCase();
  if (!(SHAPE_KINDS as string[]).includes(kindText)) {
    throw new ShapeSpecError(`unknown shape '${kindText}' (use one of: ${SHAPE_KINDS.join(', ')}; e.g. ${SHAPE_EXAMPLES.square})`);
  }
  const kind = kindText as ShapeKind;
  if (colon === -1 || text.slice(colon + 1).trim() === '') throw new ShapeSpecError(`${kind} needs key=value settings (e.g. ${SHAPE_EXAMPLES[kind]})`);
  const pairs = splitPairs(kind, text.slice(colon + 1));
  const common = new Map(pairs.filter(([k]) => (COMMON_KEYS as readonly string[]).includes(k)));
  const unitText = common.get('unit') ?? 'users';
  if (unitText !== 'users' && unitText !== 'rps') throw new ShapeSpecError(`unit=${unitText} must be users or rps`);
  const unit: ShapeUnit = unitText;
  const rateText = common.get('rate');
  if (rateText !== undefined && unit === 'rps') throw new ShapeSpecError('rate= (a spawn rate of users) does not apply to unit=rps');
  const spawnRate = rateText === undefined ? null : rateValue('rate', rateText);

  const timeline = kind === 'stages' ? stages(kind, pairs, unit) : { square, steps, spike }[kind](new Fields(kind, pairs, unit));
  return new BuiltinShape({ kind, spec: text, unit, spawnRate, ...timeline });
}
