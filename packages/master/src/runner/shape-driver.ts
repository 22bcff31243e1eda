/**
 * Drives a test from a load shape (Locust's `shape_worker`): tick the shape about once a second
 * with the seconds since it started, start a new target whenever the answer changes, end the
 * test when it answers null.
 *
 * Better than Locust: a new target never waits for the previous ramp to finish (Locust's
 * `start()` blocks the shape loop, so a stage shorter than its ramp is skipped — the TODO in its
 * `shape_worker`); the new target replaces the unfinished ramp, as a new `/swarm` does. A tick
 * that throws or answers nonsense ends the shape test with one error line instead of killing
 * the loop.
 */
import type { LoadShape, LoadShapeTick } from '@locust-ts/protocol';
import type { MasterLogger } from '../log/master-logger.js';

/** The shape loop period, seconds (Locust's is 1 s: a 3 s stage would last up to 4 s). */
export const SHAPE_TICK_INTERVAL_SECONDS = 0.1;

export interface ShapeTarget {
  /** Ramp to this target; false when it could not start (no worker yet): the tick is retried. */
  apply(users: number, spawnRate: number, userClasses: string[] | undefined): boolean;
  /** The shape answered null (`done`) or failed (`error`): stop the test (web) or quit (headless). */
  end(reason: 'done' | 'error'): void;
  readonly log: MasterLogger;
}

/** The class name a locustfile gave its shape, as Locust names it in messages. */
export function shapeName(shape: LoadShape): string {
  const name = (shape as object).constructor?.name;
  return name && name !== 'Object' ? name : 'LoadShape';
}

/** Why a tick's answer cannot be used, or null when it can. */
function invalidTick(tick: LoadShapeTick): string | null {
  if (!Array.isArray(tick) || tick.length < 2) return 'expected [users, spawnRate, userClasses?] or null';
  const [users, spawnRate, classes] = tick;
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
  private startedAt = 0;
  /** the grid slot of the next tick (slot n is due n × SHAPE_TICK_INTERVAL_SECONDS after the start) */
  private slot = 0;
  /** the last applied answer (Locust's `shape_last_tick`): an equal answer changes nothing */
  private lastTick: string | null = null;
  /** the last answer announced in the log (a retried one is not announced every second) */
  private lastAnnounced: string | null = null;

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

  /** Start ticking (run time from 0). A second start while running is refused, as in Locust. */
  start(): boolean {
    if (this.active) {
      this.target.log.info('There is an ongoing shape test running. Editing is disabled');
      return false;
    }
    this.target.log.info('Shape test starting.');
    this.active = true;
    this.lastTick = null;
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private tick(): void {
    if (!this.active) return;
    const began = performance.now();
    const runTime = (began - this.startedAt) / 1000;
    let answer: LoadShapeTick | null;
    try {
      answer = this.shape.tick(runTime);
    } catch (err) {
      this.fail(`Load shape ${this.name}.tick(${runTime.toFixed(1)}) failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (answer === null || answer === undefined) {
      this.target.log.info('Shape test stopping');
      this.finish('done');
      return;
    }
    const problem = invalidTick(answer);
    if (problem) {
      this.fail(`Load shape ${this.name}.tick(${runTime.toFixed(1)}) returned ${JSON.stringify(answer)}: ${problem}`);
      return;
    }
    const key = JSON.stringify(answer);
    if (key !== this.lastTick) {
      const [users, spawnRate, classes] = answer;
      if (key !== this.lastAnnounced) this.target.log.info(`Shape test updating to ${users} users at ${spawnRate.toFixed(2)} spawn rate`);
      this.lastAnnounced = key;
      if (this.target.apply(users, spawnRate, classes ? [...classes] : undefined)) this.lastTick = key;
    }
    if (!this.active) return; // apply() may have ended the test
    // the next tick on a fixed grid from the start: late timers do not add up, so stages keep their length
    // (a timer may fire a fraction of a ms early: count the slots rather than derive them from the time)
    const intervalMs = SHAPE_TICK_INTERVAL_SECONDS * 1000;
    this.slot = Math.max(this.slot + 1, Math.floor((performance.now() - this.startedAt) / intervalMs) + 1);
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.startedAt + this.slot * intervalMs - performance.now()));
  }

  private fail(line: string): void {
    this.target.log.error(`${line}; stopping the shape test`);
    this.finish('error');
  }

  private finish(reason: 'done' | 'error'): void {
    this.stop();
    this.target.end(reason);
  }
}
