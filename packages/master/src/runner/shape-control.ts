/**
 * The master's side of a load shape (Locust's `start_shape`): which shape runs, and what its
 * ticks do to the test — a new user target, a new arrival rate, or the end of the test. The
 * ticking itself is shape-driver.ts.
 */
import type { LoadShape } from '@locust-ts/protocol';
import type { MasterLogger } from '../log/master-logger.js';
import { ArrivalRateError } from './arrival-rate.js';
import type { IntendedLoad, SwarmRequest } from './runner-view.js';
import { ShapeDriver } from './shape-driver.js';

export interface ShapeControlDeps {
  log: MasterLogger;
  /** `--max-users`: the pool of an arrival rate set by a `unit=rps` shape */
  maxUsers: number | null;
  quitting(): boolean;
  activeWorkers(): number;
  setHost(host: string): void;
  start(request: SwarmRequest): Promise<void>;
  startArrivalRate(rate: number, options: { maxUsers?: number }): void;
  scheduleRunTime(seconds: number): void;
  /** the shape answered null: end the test (stop in the web UI, quit headless) */
  end(): void;
}

export class ShapeControl {
  /** the configured shape (`--shape`, a locustfile's), or one started from the web form's `shape` field */
  private driver: ShapeDriver | null = null;
  /** "no worker yet" is logged once per shape run, not at every retried tick */
  private waitLogged = false;

  constructor(
    private readonly configured: LoadShape | null,
    private readonly deps: ShapeControlDeps,
  ) {
    if (configured) this.driver = this.newDriver(configured);
  }

  private newDriver(shape: LoadShape): ShapeDriver {
    return new ShapeDriver(shape, {
      log: this.deps.log,
      apply: (users, spawnRate, userClasses) => this.applyTick(users, spawnRate, userClasses),
      applyRate: (rate) => this.applyRate(rate),
      end: () => this.deps.end(),
    });
  }

  /** The load shape's class name, or null when the test is driven by user count and spawn rate. */
  get name(): string | null {
    return this.driver?.name ?? null;
  }

  /** The shape keeps its users / spawn rate / run time in the web form (Locust's `use_common_options`). */
  get usesCommonOptions(): boolean {
    return this.driver?.shape.useCommonOptions ?? false;
  }

  /** See `MasterRunner.startShape`. */
  start(request: { host?: string; shape?: LoadShape; runTime?: number }): boolean {
    const shape = request.shape ?? this.configured;
    if (shape && shape !== this.driver?.shape && !this.driver?.running) this.driver = this.newDriver(shape);
    if (!this.driver) throw new Error('This master has no load shape');
    if (this.deps.quitting()) return false;
    if (request.host !== undefined) this.deps.setHost(request.host);
    this.waitLogged = false;
    const started = this.driver.start();
    if (started && request.runTime !== undefined && request.runTime > 0) this.deps.scheduleRunTime(request.runTime);
    return started;
  }

  stop(): void {
    this.driver?.stop();
  }

  /** What the running shape intends now (the chart's intended line), or null without a shape test. */
  intended(): IntendedLoad | null {
    const value = this.driver?.intended() ?? null;
    return value === null ? null : { unit: this.driver!.unit, value };
  }

  private applyTick(users: number, spawnRate: number, userClasses: string[] | undefined): boolean {
    if (this.deps.quitting()) return false;
    if (this.deps.activeWorkers() === 0) {
      if (!this.waitLogged) this.deps.log.warning('The load shape waits for a worker to connect before it starts users');
      this.waitLogged = true;
      return false;
    }
    // a new target replaces an unfinished ramp (Locust would block here until the ramp ends)
    this.deps.start({ userCount: users, spawnRate, ...(userClasses ? { userClasses } : {}) }).catch((err: unknown) =>
      this.deps.log.error(`The load shape's target could not start: ${err instanceof Error ? err.message : String(err)}`),
    );
    return true;
  }

  /** A `unit=rps` shape's new rate: the arrival rate follows it (retried while no locust-ts worker is there). */
  private applyRate(rate: number): boolean {
    if (this.deps.quitting()) return false;
    try {
      const maxUsers = this.deps.maxUsers;
      this.deps.startArrivalRate(rate, maxUsers ? { maxUsers } : {});
      return true;
    } catch (err) {
      if (!(err instanceof ArrivalRateError)) throw err;
      if (!this.waitLogged) this.deps.log.warning(`The load shape's arrival rate waits: ${err.message}`);
      this.waitLogged = true;
      return false;
    }
  }
}
