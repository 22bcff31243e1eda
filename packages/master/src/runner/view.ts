/**
 * The master's read side: the records the web layer, reports and the headless summary read
 * (runner-view.ts' {@link MasterRunnerView} getters). The runner (master-runner.ts) extends it
 * and is the only writer.
 */
import { RequestStats, type UserClassDescription, type WorkerNodeInfo } from '@locust-ts/protocol';
import type { EdgesView } from '../edges/edge-report.js';
import type { EdgeSync } from '../edges/edge-sync.js';
import { MasterLogger } from '../log/master-logger.js';
import type { ArrivalRateController, ArrivalRateView } from './arrival-rate.js';
import { ExceptionTable } from './exceptions.js';
import { History } from './history.js';
import type { Ramp, UnknownUserClass } from './ramp.js';
import type { ExceptionView, HistoryPoint, IntendedLoad, MasterState, WorkerView } from './runner-view.js';
import type { ShapeControl } from './shape-control.js';
import { WorkerRegistry } from './worker-registry.js';

export interface MasterViewOptions {
  userClasses: UserClassDescription[];
  host?: string | null;
  locustfile?: string;
  logger?: MasterLogger;
}

export abstract class MasterView {
  readonly registry = new WorkerRegistry();
  readonly stats = new RequestStats(true);
  readonly locustfile: string;

  protected readonly log: MasterLogger;
  protected currentState: MasterState = 'ready';
  protected currentHost: string | null;
  /** epoch seconds of the current test's start */
  protected testStartTime: number | null = null;
  /** the master's own copies of the user classes (`POST /user` changes them) */
  protected readonly classes: UserClassDescription[];
  protected readonly exceptionTable = new ExceptionTable();
  protected readonly workerLogs = new Map<string, string[]>();
  protected readonly historyPoints = new History();
  /** the runner's parts the view reads (the runner makes them) */
  protected abstract readonly ramp: Ramp;
  protected abstract readonly edgeSync: EdgeSync;
  protected abstract readonly arrival: ArrivalRateController;
  protected abstract readonly shape: ShapeControl;

  constructor(options: MasterViewOptions) {
    if (options.userClasses.length === 0) throw new Error('the master needs at least one user class');
    // own copies: `POST /user` changes weights here, never in the caller's objects
    this.classes = options.userClasses.map((c) => ({ ...c, ...(c.tasks ? { tasks: { ...c.tasks } } : {}) }));
    this.currentHost = options.host ?? null;
    this.locustfile = options.locustfile ?? '';
    this.log = options.logger ?? new MasterLogger();
  }

  get state(): MasterState {
    return this.currentState;
  }

  get host(): string | null {
    return this.currentHost;
  }

  /** Sum of every known worker's last reported user count. */
  get userCount(): number {
    let n = 0;
    for (const node of this.registry.all()) n += node.userCount;
    return n;
  }

  get startTime(): number | null {
    return this.testStartTime;
  }

  /** Worker table rows (missing workers included), sorted by worker index. */
  workers(): WorkerView[] {
    return this.registry
      .all()
      .map((n) => n.view())
      .sort((a, b) => a.index - b.index);
  }

  workerCount(): number {
    return this.registry.activeCount();
  }

  /** Locust's `target_user_count`: what the last start asked for (set before its ramp). */
  get targetUserCount(): number {
    return this.ramp.target.userCount;
  }

  /** Locust's master `spawn_rate`: the last start's (0 before one). */
  get spawnRate(): number {
    return this.ramp.target.spawnRate;
  }

  /** Locust's `target_user_classes_count`: users per class of the last ramp's final dispatch. */
  get targetUserClassesCount(): Record<string, number> {
    return { ...this.ramp.targetUserClassesCount };
  }

  /** Every worker record, missing ones too (Locust's `runner.clients`). */
  workerNodes(): WorkerNodeInfo[] {
    return this.registry.all().map((n) => ({
      id: n.id,
      state: n.state,
      userCount: n.userCount,
      userClassesCount: { ...n.userClassesCount },
      heartbeat: n.heartbeat,
      cpuUsage: n.cpuUsage,
      memoryUsage: n.memoryUsage,
      workerIndex: n.index,
    }));
  }

  exceptions(): ExceptionView[] {
    return this.exceptionTable.list();
  }

  userClasses(): UserClassDescription[] {
    return [...this.classes];
  }

  history(): HistoryPoint[] {
    return this.historyPoints.list();
  }

  logs(): { master: string[]; workers: Record<string, string[]> } {
    return { master: this.log.recent(), workers: Object.fromEntries(this.workerLogs) };
  }

  /** Running users per class, summed over the workers' last reports. */
  userClassesCount(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.classes) out[c.name] = 0;
    for (const node of this.registry.active()) {
      for (const [name, n] of Object.entries(node.userClassesCount)) out[name] = (out[name] ?? 0) + n;
    }
    return out;
  }

  /** Classes the master dispatched to a worker that does not have them (reported once each). */
  unknownUserClasses(): UnknownUserClass[] {
    return this.ramp.unknownUserClasses();
  }

  /** The synchronized edges so far (`GET /edges`). */
  edges(): EdgesView {
    return this.edgeSync.view();
  }

  /** The arrival-rate test's figures, or null when the test runs by user count. */
  arrivalRate(): ArrivalRateView | null {
    return this.arrival.view();
  }

  /** The load shape's class name, or null when the test is driven by user count and spawn rate. */
  get shapeName(): string | null {
    return this.shape.name;
  }

  /** The shape keeps its users / spawn rate / run time in the web form (Locust's `use_common_options`). */
  get shapeUsesCommonOptions(): boolean {
    return this.shape.usesCommonOptions;
  }

  /** What the running shape intends now (the chart's intended line), or null without a shape test. */
  intendedLoad(): IntendedLoad | null {
    return this.shape.intended();
  }
}
