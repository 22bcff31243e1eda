/**
 * Drives a test from a load shape (Locust's `shape_worker`): tick the shape every 100 ms with the
 * seconds since it started, start a new target whenever the answer changes, end the test when
 * it answers null.
 *
 * Better than Locust:
 * - Ticks every {@link SHAPE_TICK_INTERVAL_SECONDS} (Locust: 1 s, so a 3 s stage lasts 3–4 s),
 *   scheduled against the shape's start time: tick k runs at start + k × 0.1 s, so late timers
 *   never add up (a tick that is more than a period late is skipped, not replayed).
 * - A new target never waits for the previous ramp to finish (Locust's `start()` blocks the shape
 *   loop, so a stage shorter than its ramp is skipped — the TODO in its `shape_worker`); the new
 *   target replaces the unfinished ramp, as a new `/swarm` does.
 * - A tick that throws or answers nonsense ends the shape test with one error line instead of
 *   killing the loop.
 * - Shapes whose unit is `rps` (built-in `unit=rps`) set an arrival rate through
 *   {@link ShapeTarget.applyRate} instead of users.
 */
import { type LoadShape, type LoadShapeTick, errorReport } from '@locust-ts/protocol';
import type { MasterLogger } from '../log/master-logger.js';
import { isBuiltinShape } from '../shapes/index.js';

/** The shape loop period, seconds (Locust: 1 s). */
export const SHAPE_TICK_INTERVAL_SECONDS = 0.1;
/** A rate shape's "Shape test updating to …" is logged at INFO at most this often, the rest at DEBUG (a rate ramp changes every tick). */
const ANNOUNCE_INTERVAL_SECONDS = 1;

export interface ShapeTarget {
  /** Ramp to this target; false when it could not start (no worker yet): the tick is retried. */
  apply(users: number, spawnRate: number, userClasses: string[] | undefined): boolean;
  /**
   * Set the arrival rate (iterations/s over the whole swarm) for shapes with `unit=rps`; false
   * when it could not be set (the tick is retried). Absent: such shapes end with one error line.
   */
  applyRate?(rate: number): boolean;
  /** The shape answered null (`done`) or failed (`error`): stop the test (web) or quit (headless). */
  end(reason: 'done' | 'error'): void;
  readonly log: MasterLogger;
}

/** The class name a locustfile gave its shape, as Locust names it in messages; a built-in shape's spec. */
export function shapeName(shape: LoadShape): string {
  if (isBuiltinShape(shape)) return shape.spec;
  const name = (shape as object).constructor?.name;
  return name && name !== 'Object' ? name : 'LoadShape';
}

/** Why a tick's answer cannot be used, or null when it can. */
function invalidTick(tick: LoadShapeTick, unit: 'users' | 'rps'): string | null {
  if (!Array.isArray(tick) || tick.length < 2) return 'expected [users, spawnRate, userClasses?] or null';
  const [users, spawnRate, classes] = tick;
  if (unit === 'rps') return typeof users === 'number' && Number.isFinite(users) && users >= 0 ? null : 'the rate must be a number >= 0';
  if (!Number.isInteger(users) || users < 0) return 'users must be a whole number >= 0';
  if (typeof spawnRate !== 'number' || !Number.isFinite(spawnRate) || spawnRate <= 0) return 'spawnRate must be a number > 0';
  if (classes != null && (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string'))) {
    return 'userClasses must be a list of user class names';
  }
  return null;
}

export class ShapeDriver {
  private timer: NodeJS.Timeout | null = null;
  private active = false;
  /** performance.now() at the start: tick k is due at startedAt + k × period */
  private startedAt = 0;
  /** the grid slot of the next regular tick (slot n is due n × SHAPE_TICK_INTERVAL_SECONDS after the start) */
  private slot = 0;
  /** the last applied answer (Locust's `shape_last_tick`): an equal answer changes nothing */
  private lastTick: string | null = null;
  /** the last answer announced in the log (a retried one is not announced every tick) */
  private lastAnnounced: string | null = null;
  private lastInfoAt = -Infinity;
  /** users (or rate) of the last applied answer: the intended line of shapes that cannot tell theirs */
  private lastValue: number | null = null;

  constructor(
    readonly shape: LoadShape,
    private readonly target: ShapeTarget,
  ) {}

  get name(): string {
    return shapeName(this.shape);
  }

  get running(): boolean {
    return this.active;
  }

  /** `users` or, for a built-in shape with `unit=rps`, an arrival rate. */
  get unit(): 'users' | 'rps' {
    return isBuiltinShape(this.shape) ? this.shape.unit : 'users';
  }

  /** Seconds since the shape started. */
  get runTime(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  /**
   * What the shape intends now (users or rate): a built-in shape's exact line, else the last
   * target applied; null when no shape test runs.
   */
  intended(): number | null {
    if (!this.active) return null;
    return isBuiltinShape(this.shape) ? this.shape.intended(this.runTime) : this.lastValue;
  }

  /** Start ticking (run time from 0). A second start while running is refused, as in Locust. */
  start(): boolean {
    if (this.active) {
      this.target.log.info('There is an ongoing shape test running. Editing is disabled');
      return false;
    }
    this.target.log.info('Shape test starting.');
    this.active = true;
    this.lastTick = null;
    this.lastValue = null;
    this.startedAt = performance.now();
    this.slot = 0;
    this.tick();
    return true;
  }

  /** Stop ticking (the test is stopping or quitting). */
  stop(): void {
    this.active = false;
    this.lastTick = null;
    this.lastAnnounced = null;
    this.lastInfoAt = -Infinity;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private tick(): void {
    if (!this.active) return;
    const runTime = this.runTime;
    let answer: LoadShapeTick | null;
    try {
      answer = this.shape.tick(runTime);
    } catch (err) {
      // the traceback names the shape's own file:line:column, as Locust's greenlet error does
      this.fail(`Load shape ${this.name}.tick(${runTime.toFixed(1)}) failed`, err);
      return;
    }
    if (answer === null || answer === undefined) {
      this.target.log.info('Shape test stopping');
      this.finish('done');
      return;
    }
    const problem = invalidTick(answer, this.unit);
    if (problem) {
      this.fail(`Load shape ${this.name}.tick(${runTime.toFixed(1)}) returned ${JSON.stringify(answer)}: ${problem}`);
      return;
    }
    const key = JSON.stringify(answer);
    if (key !== this.lastTick && !this.applyAnswer(answer, key, runTime)) return;
    if (!this.active) return; // apply() may have ended the test
    this.scheduleNext();
  }

  /** Apply a changed answer; false when the shape test ended instead. */
  private applyAnswer(answer: LoadShapeTick, key: string, runTime: number): boolean {
    const [value, spawnRate, classes] = answer;
    if (key !== this.lastAnnounced) {
      const line = this.unit === 'rps' ? `Shape test updating to ${value} iterations/s` : `Shape test updating to ${value} users at ${spawnRate.toFixed(2)} spawn rate`;
      const infoDue = this.unit === 'users' || runTime - this.lastInfoAt >= ANNOUNCE_INTERVAL_SECONDS;
      if (infoDue) this.lastInfoAt = runTime;
      this.target.log.log(infoDue ? 'INFO' : 'DEBUG', line);
    }
    this.lastAnnounced = key;
    let applied: boolean;
    if (this.unit === 'rps') {
      if (!this.target.applyRate) {
        this.fail(`Load shape ${this.name} sets an arrival rate (unit=rps), which this master cannot run`);
        return false;
      }
      applied = this.target.applyRate(value);
    } else applied = this.target.apply(value, spawnRate, classes ? [...classes] : undefined);
    if (applied) {
      this.lastTick = key;
      this.lastValue = value;
    }
    return true;
  }

  /**
   * The next tick at start + k × period (ticks already past are skipped, never run in a burst),
   * or earlier at a built-in shape's next change, so an edge is on time whatever its spec says.
   */
  private scheduleNext(): void {
    const period = SHAPE_TICK_INTERVAL_SECONDS * 1000;
    const elapsed = performance.now() - this.startedAt;
    // count the grid's slots rather than derive them from the time alone: a timer may fire a
    // fraction of a ms early, and `floor(elapsed / period)` would then give the same slot twice
    this.slot = Math.max(this.slot + 1, Math.floor(elapsed / period) + 1);
    let due = this.slot * period;
    const change = isBuiltinShape(this.shape) ? this.shape.nextChangeAfter(elapsed / 1000) : null;
    if (change !== null) due = Math.min(due, change * 1000);
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.startedAt + due - performance.now()));
  }

  private fail(line: string, err?: unknown): void {
    this.target.log.error(`${line}; stopping the shape test${err === undefined ? '' : `\n${errorReport(err)}`}`);
    this.finish('error');
  }

  private finish(reason: 'done' | 'error'): void {
    this.stop();
    this.target.end(reason);
  }
}
