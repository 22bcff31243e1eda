/**
 * The built-in load shapes (`--shape`, the web form's shape picker): square pulses, steps, a
 * spike and k6-style linear stages. Each is a timeline of segments — hold a level, or move
 * linearly from one level to another — played once or `cycles` times; the shape answers null
 * (the test ends) after the last segment.
 */
import type { LoadShape, LoadShapeTick } from '@locust-ts/protocol';

export type ShapeUnit = 'users' | 'rps';
export type ShapeKind = 'square' | 'steps' | 'spike' | 'stages';

/** `seconds` long, going linearly from `from` to `to` (equal for a held level; a 0 s segment is a jump). */
export interface ShapeSegment {
  seconds: number;
  from: number;
  to: number;
}

export interface BuiltinShapeOptions {
  kind: ShapeKind;
  /** the spec it was parsed from (logs, the web UI) */
  spec: string;
  unit: ShapeUnit;
  segments: ShapeSegment[];
  /** how often the segments are played (Infinity: until `-t` or a stop) */
  repeat: number;
  /** `rate=`: the spawn rate of every target change; null = instant */
  spawnRate: number | null;
}

/** Rates of `unit=rps` shapes are sent with this many decimals (a linear ramp changes every tick anyway). */
const RATE_DECIMALS = 2;

export class BuiltinShape implements LoadShape {
  readonly kind: ShapeKind;
  readonly spec: string;
  readonly unit: ShapeUnit;
  readonly useCommonOptions = false;
  /**
   * The spawn rate of each tick. "Instant" is the highest level of the shape: no target change
   * can be larger, so the dispatcher always sends a change to every worker in one step (no
   * paced 1 s iterations), and an edge is recognisable as `spawnRate >= |change|`.
   */
  readonly spawnRate: number;
  /** seconds until the shape ends (Infinity when it repeats forever) */
  readonly duration: number;
  private readonly segments: ShapeSegment[];
  /** `rate=`, when given */
  private readonly explicitRate: number | null;
  private readonly cycleSeconds: number;

  constructor(options: BuiltinShapeOptions) {
    this.kind = options.kind;
    this.spec = options.spec;
    this.unit = options.unit;
    this.segments = options.segments;
    this.cycleSeconds = options.segments.reduce((sum, s) => sum + s.seconds, 0);
    this.duration = this.cycleSeconds * options.repeat;
    const highest = Math.max(1, ...options.segments.flatMap((s) => [s.from, s.to]));
    this.spawnRate = options.spawnRate ?? highest;
    this.explicitRate = options.spawnRate;
  }

  /** The intended users (or rate) at `runTime`, unrounded; after the end, the last level. */
  intended(runTime: number): number {
    return this.levelAt(runTime) ?? this.segments[this.segments.length - 1]!.to;
  }

  /**
   * Users: a held level at the instant spawn rate; a linear ramp (stages) as its end target at
   * the ramp's own slope, so the dispatcher paces the ramp — one dispatch per stage instead of one
   * per user. Rates (`unit=rps`) follow the line tick by tick.
   */
  tick(runTime: number): LoadShapeTick | null {
    const at = this.segmentAt(runTime);
    if (at === null) return null;
    const { segment, level } = at;
    if (this.unit === 'rps') return [Number(level.toFixed(RATE_DECIMALS)), this.spawnRate];
    if (segment.from === segment.to) return [Math.round(level), this.spawnRate];
    const slope = Math.abs(segment.to - segment.from) / segment.seconds;
    return [Math.round(segment.to), this.explicitRate ?? slope];
  }

  /**
   * The run time of the next change after `runTime` (a segment boundary or the end), so the driver
   * can tick exactly then and not up to a tick period later; null when none comes.
   */
  nextChangeAfter(runTime: number): number | null {
    const t = Math.max(0, runTime);
    if (t >= this.duration || this.cycleSeconds <= 0) return null;
    const cycleStart = Math.floor(t / this.cycleSeconds) * this.cycleSeconds;
    let boundary = cycleStart;
    for (const segment of this.segments) {
      boundary += segment.seconds;
      if (boundary > t) return Math.min(boundary, this.duration);
    }
    return Math.min(cycleStart + this.cycleSeconds, this.duration);
  }

  private levelAt(runTime: number): number | null {
    return this.segmentAt(runTime)?.level ?? null;
  }

  private segmentAt(runTime: number): { segment: ShapeSegment; level: number } | null {
    const t = Math.max(0, runTime);
    if (t >= this.duration || this.cycleSeconds <= 0) return null;
    let inCycle = t % this.cycleSeconds;
    for (const segment of this.segments) {
      if (inCycle < segment.seconds) return { segment, level: segment.from + ((segment.to - segment.from) * inCycle) / segment.seconds };
      inCycle -= segment.seconds;
    }
    // float rounding at the very end of a cycle: the cycle's last level
    const last = this.segments[this.segments.length - 1]!;
    return { segment: last, level: last.to };
  }
}

/** True for the shapes built here (they know their unit and intended line); false for locustfile shapes. */
export function isBuiltinShape(shape: LoadShape | null | undefined): shape is BuiltinShape {
  return shape instanceof BuiltinShape;
}
