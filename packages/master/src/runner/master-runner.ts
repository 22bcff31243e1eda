/**
 * The master runner: registers workers, drives the dispatcher, keeps workers alive or declares
 * them missing, merges their stats, and runs the master state machine of spec §7.3.
 *
 * Messages flow one way: socket → codec → typed message → handler table (handlers.ts) → this
 * runner's state. The web layer reads it through {@link MasterRunnerView}.
 *
 * Where Locust is known to fail, this runner does better (each spot says so):
 * messages from unknown ids never break it, a missing worker's users are moved to the others at
 * once but at the spawn rate, and a worker deleted after going missing does not trigger a
 * redistribution from zero.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  type BadFrame,
  type CustomMessage,
  EDGE_ACK_MESSAGE,
  type HeartbeatReplyData,
  type SpawnEdge,
  HEARTBEAT_DEAD_INTERNAL,
  HEARTBEAT_INTERVAL,
  LOCUST_TS_VERSION,
  type LoadShape,
  type MasterSocket,
  RequestStats,
  type UserClassDescription,
  type WorkerMessage,
  type WorkerMessageMap,
  isCustom,
} from '@locust-ts/protocol';
import { UsersDispatcher, pacedTransition, type UsersOnWorkers } from '../dispatch/index.js';
import type { EdgesView } from '../edges/edge-report.js';
import { EdgeSync } from '../edges/edge-sync.js';
import { MasterLogger } from '../log/master-logger.js';
import { currentResponseTimePercentile } from '../report/percentiles.js';
import type {
  ExceptionView,
  HistoryPoint,
  IntendedLoad,
  MasterRunnerView,
  MasterState,
  SwarmRequest,
  UserClassUpdate,
  WorkerView,
} from '../web/runner-view.js';
import { ArrivalRateController, ArrivalRateError, type ArrivalRateView } from './arrival-rate.js';
import { ExceptionTable } from './exceptions.js';
import { MasterEnvironment, type MasterEnvironmentOptions } from './master-environment.js';
import { applyUserClassUpdate } from './user-class-update.js';
import { type HandlerContext, MASTER_HANDLERS, type WorkerMessageMapReply } from './handlers.js';
import { LivenessGuard } from './liveness-guard.js';
import { ShapeDriver } from './shape-driver.js';
import { Sleeper } from './sleeper.js';
import { STOPPED_WORKER_EXTRA_GRACE_SECONDS, UnknownSenders } from './unknown-senders.js';
import { SpawnClock } from './spawn-clock.js';
import { WORKER_STATE, type WorkerNode, WorkerRegistry } from './worker-registry.js';

/** Locust waits this long after a ramp for workers to report the new counts (spec §4). */
export const DEFAULT_REPORT_WAIT_AFTER_RAMP = 1.0;
/** Locust gives workers `stop_timeout` + this many seconds to stop their users (spec §3.9). */
export const STOP_WAIT_EXTRA_SECONDS = 60;
/**
 * After `quit`, wait for every worker's final stats and `quit` at most `stop_timeout` + this.
 * Locust sleeps a fixed 0.5 s; waiting for the replies loses no final report.
 */
export const QUIT_REPLY_WAIT_SECONDS = 3;
/** History sampling period for charts and reports, seconds. */
export const HISTORY_INTERVAL_SECONDS = 1;
/** History kept: one point a second for a day. */
const HISTORY_POINTS_KEPT = 86_400;

export interface MasterRunnerOptions extends MasterEnvironmentOptions {
  /** The user classes the workers run (names must match the workers' classes). */
  userClasses: UserClassDescription[];
  /** `--host`: sent to workers in every `spawn` (null = the classes' own host). */
  host?: string | null;
  /** the locustfile path (web UI, report names; served to `-f -` workers if it is a .py file) */
  locustfile?: string;
  /** `--stop-timeout` seconds, sent in `spawn` (null = Locust's default: stop users at once) */
  stopTimeout?: number | null;
  /** Locust's `vars(options)`: sent as `parsed_options` in `spawn` (custom locustfile arguments travel here). */
  parsedOptions?: Record<string, unknown>;
  /** Reply `heartbeat` to worker heartbeats (newest protocol). Default true; 2.12.1 workers log each as unknown. */
  heartbeatReplies?: boolean;
  /** `--reset-stats`: reset the stats once a ramp completes. */
  resetStats?: boolean;
  /** Headless: the last worker quitting ends the run (Locust quits then). */
  headless?: boolean;
  /** Seconds to wait after a ramp for reports (`LOCUST_WAIT_FOR_WORKERS_REPORT_AFTER_RAMP_UP`). */
  reportWaitAfterRamp?: number;
  /** The version compared with workers' `client_ready` versions (first 4 characters). */
  version?: string;
  logger?: MasterLogger;
  /** Called when a `runTime` given to {@link MasterRunner.start} expires; default: stop (web) / quit (headless). */
  onRunTimeLimit?: () => void;
  /** A load shape (Locust's LoadTestShape): {@link MasterRunner.startShape} runs the test from it. */
  shape?: LoadShape | null;
  /** Called when the shape ends the test (its tick answered null); default: stop (web) / quit (headless). */
  onShapeEnd?: () => void;
  /** `--max-users`: the pool of an arrival rate set by a load shape with `unit=rps` (default: follows the rate). */
  maxUsers?: number | null;
  /** `--csv PREFIX`: `PREFIX_edges.csv`, the synchronized-edge report */
  edgesCsvPath?: string | null;
}

/** A master-side handler for a custom message type (Locust's `register_message`). */
export type CustomMessageHandler = (message: { type: string; data: unknown; nodeId: string }) => void;

/** A worker that does not have a class the master dispatches to it. */
export interface UnknownUserClass {
  workerId: string;
  userClass: string;
}

function sum(counts: Record<string, number>): number {
  let n = 0;
  for (const c of Object.values(counts)) n += c;
  return n;
}

/** `A: 3, B: 2` in class-name order — Locust's `_format_user_classes_count_for_log` shape. */
function formatCounts(counts: Record<string, number>): string {
  const names = Object.keys(counts).sort();
  return `{${names.map((n) => `"${n}": ${counts[n]}`).join(', ')}} (${sum(counts)} total users)`;
}

function sortedCounts(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(counts).sort()) out[name] = counts[name]!;
  return out;
}

export class MasterRunner implements MasterRunnerView, HandlerContext {
  readonly registry = new WorkerRegistry();
  private readonly inFlight = new Set<Promise<unknown>>();
  readonly log: MasterLogger;
  readonly version: string;
  readonly heartbeatReplies: boolean;
  readonly stats = new RequestStats(true);
  readonly locustfile: string;

  private currentState: MasterState = 'ready';
  private currentHost: string | null;
  private readonly classes: UserClassDescription[];
  private selectedClasses: UserClassDescription[] | undefined;
  private readonly exceptionTable = new ExceptionTable();
  private readonly workerLogs = new Map<string, string[]>();
  private historyPoints: HistoryPoint[] = [];
  private readonly customHandlers = new Map<string, CustomMessageHandler>();
  /** the configured shape (`--shape`, a locustfile's), or one started from the web form's `shape` field */
  private shapeDriver: ShapeDriver | null = null;
  /** "no worker yet" is logged once per shape run, not at every retried tick */
  private shapeWaitLogged = false;
  private readonly unknownClasses = new Map<string, UnknownUserClass>();
  private readonly edgeSync: EdgeSync;
  /** the edge the next spawns belong to (set when a target change is an edge) */
  private nextEdge: SpawnEdge | null = null;
  private readonly edgeListeners = new Set<(startAt: number) => void>();
  /** the instant (epoch s) of the edge the current ramp's spawns carried, until the ramp completes */
  private pendingEdgeStart: number | null = null;
  /** the arrival-rate (open model) test, when one runs instead of a user count */
  private readonly arrival: ArrivalRateController;
  private readonly unknownSenders = new UnknownSenders();
  /** workers between `client_stopped` and their next `client_ready` (no record, but still ours) */
  private readonly stoppedIds = new Set<string>();
  /** the locustfile API: `environment`, `environment.runner`, events */
  readonly locust: MasterEnvironment;

  private dispatcher: UsersDispatcher | null = null;
  /** what each worker was last told to run (the start point of a paced rebalance) */
  private readonly lastSent: UsersOnWorkers = new Map();
  private targetUserCount = 0;
  private spawnRate = 1;
  private targetUserClassesCount: Record<string, number> = {};
  /** bumped by every start/stop/quit: an older ramp sees it and gives up */
  private rampGeneration = 0;
  /** the dispatcher's iteration is being walked (a join/leave is then folded into it) */
  private iterating = false;
  private spawningCompleted = false;
  private testStartTime: number | null = null;
  private runTimeTimer: NodeJS.Timeout | null = null;

  private readonly spawnClock = new SpawnClock();
  private readonly livenessGuard = new LivenessGuard();
  private readonly sleeper = new Sleeper();
  private readonly timers: NodeJS.Timeout[] = [];
  private quitting: Promise<void> | null = null;
  private listening: Promise<void> | null = null;
  private resolveQuitted!: () => void;
  /** Resolves once {@link quit} finished (workers told to quit, socket closed). */
  readonly quitted = new Promise<void>((resolve) => (this.resolveQuitted = resolve));

  constructor(
    private readonly socket: MasterSocket,
    private readonly options: MasterRunnerOptions,
  ) {
    if (options.userClasses.length === 0) throw new Error('the master needs at least one user class');
    // own copies: `POST /user` changes weights here, never in the caller's objects
    this.classes = options.userClasses.map((c) => ({ ...c, ...(c.tasks ? { tasks: { ...c.tasks } } : {}) }));
    this.currentHost = options.host ?? null;
    this.locustfile = options.locustfile ?? '';
    this.log = options.logger ?? new MasterLogger();
    this.version = options.version ?? LOCUST_TS_VERSION;
    this.heartbeatReplies = options.heartbeatReplies ?? true;
    this.edgeSync = new EdgeSync(this.log, options.edgesCsvPath ?? null);
    this.registerMessage(EDGE_ACK_MESSAGE, (m) => this.edgeSync.onAck(m.nodeId, m.data));
    this.arrival = new ArrivalRateController({
      registry: this.registry,
      log: this.log,
      dispatchedClasses: () => this.selectedClasses ?? this.classes,
      host: () => this.currentHost,
      sendMessage: (type, data, clientId) => this.sendMessage(type, data, clientId),
    });
    if (options.shape) this.shapeDriver = this.newShapeDriver(options.shape);
    this.locust = new MasterEnvironment(this, options, this.log);
  }

  private newShapeDriver(shape: LoadShape): ShapeDriver {
    return new ShapeDriver(shape, {
      log: this.log,
      apply: (users, spawnRate, userClasses) => this.applyShapeTick(users, spawnRate, userClasses),
      applyRate: (rate) => this.applyShapeRate(rate),
      end: () => this.endShapeTest(),
    });
  }

  /** Start receiving and the 1 s liveness and history ticks. */
  listen(): Promise<void> {
    this.listening ??= this.socket.listen({
      onMessage: (message, identity) => this.onMessage(message, identity),
      onBadFrame: (bad) => this.onBadFrame(bad),
    });
    this.timers.push(setInterval(() => this.livenessTick(), HEARTBEAT_INTERVAL * 1000));
    this.timers.push(setInterval(() => this.sampleHistory(), HISTORY_INTERVAL_SECONDS * 1000));
    return this.listening;
  }

  // ---------------------------------------------------------------- MasterRunnerView

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

  exceptions(): ExceptionView[] {
    return this.exceptionTable.list();
  }

  userClasses(): UserClassDescription[] {
    return [...this.classes];
  }

  history(): HistoryPoint[] {
    return [...this.historyPoints];
  }

  logs(): { master: string[]; workers: Record<string, string[]> } {
    return { master: this.log.recent(), workers: Object.fromEntries(this.workerLogs) };
  }

  readonly finalUserClassesCount = (): Record<string, number> => this.locust.finalUserClassesCount;
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
    return [...this.unknownClasses.values()];
  }

  async start(request: SwarmRequest): Promise<void> {
    if (this.quitting) return;
    if (request.host !== undefined) this.currentHost = request.host;
    if (request.userClasses?.length) {
      const wanted = new Set(request.userClasses);
      const unknown = request.userClasses.filter((n) => !this.classes.some((c) => c.name === n));
      if (unknown.length) this.log.warning(`Unknown user class(es) ignored: ${unknown.join(', ')}`);
      this.selectedClasses = this.classes.filter((c) => wanted.has(c.name));
    }
    this.arrival.halt();
    this.targetUserCount = request.userCount;
    this.spawnRate = request.spawnRate;
    if (request.runTime !== undefined && request.runTime > 0) this.scheduleRunTime(request.runTime);
    await this.dispatchToTarget();
  }

  async stop(): Promise<void> {
    this.shapeDriver?.stop();
    if (this.currentState === 'ready' || this.currentState === 'stopped' || this.currentState === 'stopping') return;
    this.log.debug('Stopping...');
    this.locust.testStopping();
    this.endTest();
    for (const node of this.registry.all()) this.send(node.id, 'stop', null);
    const timeout = (this.options.stopTimeout ?? 0) + STOP_WAIT_EXTRA_SECONDS;
    const stopped = await this.sleeper.waitFor(() => this.userCount === 0, timeout);
    if (!stopped && !this.quitting) this.log.error('Timeout waiting for all workers to stop');
    this.checkStopped();
    this.locust.testStop();
  }

  resetStats(): void {
    this.locust.resetStats(); // before the reset, as Locust's web route: listeners may read the stats
    this.stats.resetAll();
    this.exceptionTable.clear();
    this.arrival.resetDropped();
  }

  /**
   * Run the test as an arrival rate (open model, contract K3): `rate` iterations per second over
   * the locust-ts workers, each from a pool of at most `maxUsers` users over the swarm (default
   * 10 × rate). Calling it again while it runs changes the rate (cheap: a shape may do it every
   * tick). Throws {@link ArrivalRateError} (one line) when it cannot start: bad values, or no
   * locust-ts worker connected. Python workers get no users (the log says so).
   */
  startArrivalRate(rate: number, options: { maxUsers?: number; runTime?: number; host?: string } = {}): void {
    if (this.quitting) return;
    if (options.host !== undefined) this.currentHost = options.host;
    this.arrival.start(rate, options.maxUsers);
    if (!this.testStarted()) this.beginTest();
    // a running user-count test ends here: its ramp gives up, locust-ts workers swap their users,
    // and Python workers (no part in an arrival rate) stop theirs
    for (const node of this.registry.active()) if (!node.dialect.locustTs && node.userCount > 0) this.sendRaw(node.id, 'stop', null);
    this.rampGeneration++;
    this.iterating = false;
    this.dispatcher = null;
    this.lastSent.clear();
    this.setState('running');
    this.spawningCompleted = true;
    if (options.runTime !== undefined && options.runTime > 0) this.scheduleRunTime(options.runTime);
  }

  /** The arrival-rate test's figures, or null when the test runs by user count. */
  arrivalRate(): ArrivalRateView | null {
    return this.arrival.view();
  }

  /**
   * `POST /user` (newest Locust, spec §3.12): broadcast `update_user_class` to every known worker
   * (missing ones included, as Locust's `send_message`), and apply `weight`, `fixed_count` and
   * `tasks` to the master's own description of the class. As in Locust, a new weight is used
   * from the next dispatcher on (next test, or a worker joining/leaving); a new fixed count at
   * the next ramp. Unlike Locust (a KeyError, HTTP 500, after the broadcast), an unknown class or
   * an invalid value is refused before anything is sent: throws {@link UserClassUpdateError}.
   */
  updateUserClass(update: UserClassUpdate): void {
    const cls = this.classes.find((c) => c.name === update.user_class_name);
    const applied = applyUserClassUpdate(
      cls,
      update,
      this.classes.map((c) => c.name),
      this.options.userClasses.find((c) => c.name === update.user_class_name)?.tasks,
    );
    this.sendMessage('update_user_class', update);
    this.log.info(`Updated user class ${update.user_class_name}: ${applied} (sent to ${this.registry.all().length} worker(s))`);
  }

  /** The load shape's class name, or null when the test is driven by user count and spawn rate. */
  get shapeName(): string | null {
    return this.shapeDriver?.name ?? null;
  }

  /** The shape keeps its users / spawn rate / run time in the web form (Locust's `use_common_options`). */
  get shapeUsesCommonOptions(): boolean {
    return this.shapeDriver?.shape.useCommonOptions ?? false;
  }

  /**
   * Run the test from the load shape (Locust's `start_shape`): ticked every 100 ms until it
   * answers null. `shape` replaces the configured one (a built-in shape from the web form);
   * `runTime` caps the run (built-in shapes). Refused (logged, false) while a shape test runs;
   * throws without any shape.
   */
  startShape(request: { host?: string; shape?: LoadShape; runTime?: number } = {}): boolean {
    const shape = request.shape ?? this.options.shape;
    if (shape && shape !== this.shapeDriver?.shape && !this.shapeDriver?.running) this.shapeDriver = this.newShapeDriver(shape);
    if (!this.shapeDriver) throw new Error('This master has no load shape');
    if (this.quitting) return false;
    if (request.host !== undefined) this.currentHost = request.host;
    this.shapeWaitLogged = false;
    const started = this.shapeDriver.start();
    if (started && request.runTime !== undefined && request.runTime > 0) this.scheduleRunTime(request.runTime);
    return started;
  }

  /** What the running shape intends now (the chart's intended line), or null without a shape test. */
  intendedLoad(): IntendedLoad | null {
    const value = this.shapeDriver?.intended() ?? null;
    return value === null ? null : { unit: this.shapeDriver!.unit, value };
  }

  private applyShapeTick(users: number, spawnRate: number, userClasses: string[] | undefined): boolean {
    if (this.quitting) return false;
    if (this.registry.active().length === 0) {
      if (!this.shapeWaitLogged) this.log.warning('The load shape waits for a worker to connect before it starts users');
      this.shapeWaitLogged = true;
      return false;
    }
    // a new target replaces an unfinished ramp (Locust would block here until the ramp ends)
    this.start({ userCount: users, spawnRate, ...(userClasses ? { userClasses } : {}) }).catch((err: unknown) =>
      this.log.error(`The load shape's target could not start: ${err instanceof Error ? err.message : String(err)}`),
    );
    return true;
  }

  /** A `unit=rps` shape's new rate: the arrival rate follows it (retried while no locust-ts worker is there). */
  private applyShapeRate(rate: number): boolean {
    if (this.quitting) return false;
    try {
      const maxUsers = this.options.maxUsers;
      this.startArrivalRate(rate, maxUsers ? { maxUsers } : {});
      return true;
    } catch (err) {
      if (!(err instanceof ArrivalRateError)) throw err;
      if (!this.shapeWaitLogged) this.log.warning(`The load shape's arrival rate waits: ${err.message}`);
      this.shapeWaitLogged = true;
      return false;
    }
  }

  private endShapeTest(): void {
    if (this.options.onShapeEnd) this.options.onShapeEnd();
    else if (this.options.headless) void this.quit();
    else void this.stop();
  }

  // ---------------------------------------------------------------- more public API

  /**
   * End the run: `quit` to every worker, wait for their final stats and `quit` replies, close the
   * socket. Idempotent; {@link quitted} resolves when done.
   */
  quit(): Promise<void> {
    this.quitting ??= this.doQuit();
    return this.quitting;
  }

  /** Register a handler for a custom message type from workers (spec §3.15). */
  registerMessage(type: string, handler: CustomMessageHandler): void {
    if (this.customHandlers.has(type)) throw new Error(`A message handler for '${type}' is already registered`);
    if (Object.prototype.hasOwnProperty.call(MASTER_HANDLERS, type)) throw new Error(`'${type}' is a Locust message type`);
    this.customHandlers.set(type, handler);
  }

  /** Send a (custom) message to one worker, or to every known worker (missing ones included, as Locust). */
  sendMessage(type: string, data: unknown, clientId?: string): void {
    const targets = clientId ? [clientId] : this.registry.all().map((n) => n.id);
    for (const id of targets) this.sendRaw(id, type, data);
  }

  /** The per-class totals of the last dispatch (what the workers should be running). */
  get targetUserClasses(): Record<string, number> {
    return { ...this.targetUserClassesCount };
  }

  /** The synchronized edges so far (`GET /edges`). */
  edges(): EdgesView {
    return this.edgeSync.view();
  }

  // ---------------------------------------------------------------- HandlerContext

  heartbeatReply(node: WorkerNode, data: WorkerMessageMap['heartbeat']): HeartbeatReplyData | null {
    return this.edgeSync.heartbeatReply(node, data);
  }

  send(clientId: string, type: string, data: unknown): void {
    if (type === 'heartbeat') this.locust.heartbeatSent(clientId);
    this.sendRaw(clientId, type, data);
  }

  workerReady(node: WorkerNode, alreadyKnown: boolean): void {
    this.unknownSenders.forget(node.id);
    this.stoppedIds.delete(node.id);
    this.lastSent.delete(node.id);
    this.arrival.workersChanged(node.id);
    this.locust.workerConnect(node.id);
    const connected = this.registry.activeCount();
    this.log.info(
      `${node.id} (index ${node.index}) reported as ready${alreadyKnown ? ' (duplicate message)' : ''}. ${connected} workers connected.`,
    );
    if (this.dispatcher) {
      this.dispatcher.addWorker(node.id);
      // a worker joining a running test gets users at once (with or without --enable-rebalancing)
      this.redispatch();
    }
  }

  unknownSender(nodeId: string, type: 'heartbeat' | 'stats'): void {
    // a worker of this master that stopped registers again by itself after its stop timeout
    const grace = this.registry.wasRegistered(nodeId) ? (this.options.stopTimeout ?? 0) + STOPPED_WORKER_EXTRA_GRACE_SECONDS : undefined;
    if (this.quitting || !this.unknownSenders.shouldAsk(nodeId, grace)) return;
    this.log.info(`Worker ${nodeId} is not registered here but sends ${type} (its master restarted?): asking it to stop its users and register again`);
    this.send(nodeId, 'stop', null);
  }

  workerHealed(node: WorkerNode): void {
    this.arrival.workersChanged(node.id);
    if (this.dispatcher) {
      this.dispatcher.addWorker(node.id);
      this.redispatch();
    }
  }

  stoppedWorkerQuit(nodeId: string): void {
    this.stoppedIds.delete(nodeId);
  }

  workerGone(node: WorkerNode, reason: 'stopped' | 'quit'): void {
    if (reason === 'stopped') this.stoppedIds.add(node.id);
    this.lastSent.delete(node.id);
    this.arrival.workersChanged(node.id);
    if (this.dispatcher) {
      this.dispatcher.removeWorker(node.id);
      this.redispatch();
    }
    if (reason === 'quit' && !this.quitting && this.workerCount() <= 0 && this.testStarted()) {
      this.log.info('The last worker quit, stopping test.');
      void this.stop().then(() => {
        if (this.options.headless) void this.quit();
      });
    }
  }

  mergeStats(nodeId: string, data: WorkerMessageMap['stats']): void {
    this.stats.mergeReport(data);
    this.arrival.addDropped(data.locust_ts_dropped);
    this.locust.workerReport(nodeId, data);
  }

  logException(nodeId: string, msg: string, traceback: string): void {
    this.exceptionTable.log(nodeId, msg, traceback);
  }

  storeLogs(workerId: string, lines: string[]): void {
    this.workerLogs.set(workerId, lines);
  }

  locustfileReply(): WorkerMessageMapReply {
    const file = this.locustfile;
    if (file.endsWith('.py') && existsSync(file)) {
      return { locustfiles: [{ filename: basename(file), contents: readFileSync(file, 'utf8') }] };
    }
    return { error: `locustfile must be a full path to a single Python locustfile for file distribution to work (was '${file}')` };
  }

  // ---------------------------------------------------------------- messages

  private onMessage(message: WorkerMessage | CustomMessage, identity: string): void {
    if (isCustom(message)) this.onCustomMessage(message);
    else {
      // the table is keyed by the message type, so the handler matches the data's type
      const handler = MASTER_HANDLERS[message.type] as (ctx: HandlerContext, data: unknown, nodeId: string, identity: string) => void;
      handler(this, message.data, message.nodeId, identity);
      if (message.type === 'stats' || message.type === 'spawning_complete') this.checkWorkerClasses(message.nodeId);
    }
    this.checkStopped();
  }

  private onCustomMessage(message: CustomMessage): void {
    const handler = this.customHandlers.get(message.type);
    if (!handler) {
      const node = this.registry.get(message.nodeId);
      this.log.warning(`Unknown message type received from worker ${message.nodeId} (index ${node?.index ?? '?'}): ${message.type}`);
      return;
    }
    if (this.log.isEnabledFor('DEBUG')) this.log.debug(`Received ${message.type} message from worker ${message.nodeId}`);
    try {
      handler({ type: message.type, data: message.data, nodeId: message.nodeId });
    } catch (err) {
      this.log.error(`Uncaught exception in handler for ${message.type}: ${(err as Error).stack ?? String(err)}`);
    }
  }

  /** Undecodable frames: a known sender is told to `reconnect` (spec §3.11); nothing else happens. */
  private onBadFrame(bad: BadFrame): void {
    const known = bad.identity !== '' && this.registry.has(bad.identity);
    if (bad.corrupt && known) {
      this.log.error(`ZMQ interrupted or corrupted message from ${bad.identity}: ${bad.error.message}. Will reset client ${bad.identity}.`);
      this.send(bad.identity, 'reconnect', null);
      return;
    }
    const from = bad.identity ? ` from ${JSON.stringify(bad.identity)}` : '';
    this.log.error(`Unrecognized message detected${from}: ${bad.error.message}`);
  }

  private sendRaw(clientId: string, type: string, data: unknown): void {
    this.socket.post(clientId, type, data, (err) => this.log.error(`Error sending ${type} message to worker ${clientId}: ${err.message}`));
  }

  /** Keep a send in flight until it settles, so {@link quit} can let every send leave before closing. */
  private track(send: Promise<void>, errorText: string): Promise<void> {
    const p = send.catch((err: unknown) => this.log.error(`${errorText}: ${(err as Error).message}`));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  // ---------------------------------------------------------------- dispatch

  private testStarted(): boolean {
    return this.currentState === 'spawning' || this.currentState === 'running';
  }

  /**
   * Re-dispatch after the worker set changed. During a ramp the dispatcher folds the change into
   * its next iteration; otherwise a new dispatch to the current target starts now.
   */
  private redispatch(): void {
    if (this.quitting || !this.testStarted() || this.iterating) return;
    void this.dispatchToTarget();
  }

  private async dispatchToTarget(): Promise<void> {
    const active = this.registry.active();
    if (active.length === 0) {
      this.log.warning("You can't start a distributed test before at least one worker processes has connected");
      return;
    }
    this.dispatcher ??= new UsersDispatcher(
      active.map((n) => n.id),
      this.classes,
    );
    const dispatcher = this.dispatcher;
    this.log.info(
      `Sending spawn jobs of ${this.targetUserCount} users at ${this.spawnRate.toFixed(2)} spawn rate to ${active.length} ready workers`,
    );
    const starting = !this.testStarted();
    if (starting) this.beginTest();
    this.setState('spawning');
    if (starting) {
      await this.locust.testStart();
      // a stop or quit while async testStart listeners ran wins
      if (this.currentState !== 'spawning' || this.quitting) return;
    }
    this.spawningCompleted = false;
    dispatcher.newDispatch(this.targetUserCount, this.spawnRate, this.selectedClasses);
    this.nextEdge = this.planEdge(active);
    const generation = ++this.rampGeneration;
    await this.ramp(generation, dispatcher);
  }

  /** An edge when the spawn rate covers the whole change in one step (edge-sync.ts). */
  private planEdge(active: WorkerNode[]): SpawnEdge | null {
    let current = 0;
    for (const counts of this.lastSent.values()) current += sum(counts);
    const change = Math.abs(this.targetUserCount - current);
    if (change === 0 || this.spawnRate < change) return null;
    const edge = this.edgeSync.begin(this.targetUserCount, active, change);
    if (edge) for (const listener of this.edgeListeners) listener(edge.start_at);
    return edge;
  }

  /** Called with each synchronized edge's planned instant (epoch s, master clock): the scale watch counts from the first. */
  onEdgePlanned(listener: (startAt: number) => void): void {
    this.edgeListeners.add(listener);
  }

  /** A new test: clear stats and exceptions (Locust's `test_start`). */
  private beginTest(): void {
    this.stats.clearAll();
    this.exceptionTable.clear();
    this.unknownClasses.clear();
    this.historyPoints = [];
    this.arrival.resetDropped();
    this.testStartTime = Date.now() / 1000;
    this.edgeSync.beginTest(this.testStartTime);
  }

  private superseded(generation: number): boolean {
    return generation !== this.rampGeneration || this.quitting !== null;
  }

  private async ramp(generation: number, dispatcher: UsersDispatcher): Promise<void> {
    let last: UsersOnWorkers | null = null;
    this.iterating = true;
    try {
      for (const step of dispatcher.iterate()) {
        if (this.superseded(generation)) return;
        if (step.kind === 'wait') {
          await this.sleeper.sleep(step.seconds);
          continue;
        }
        if (step.rebalance) await this.sendRebalance(generation, dispatcher, step.usersOnWorkers);
        else await this.sendSpawns(step.usersOnWorkers);
        last = step.usersOnWorkers;
      }
    } finally {
      if (generation === this.rampGeneration) this.iterating = false;
    }
    if (this.superseded(generation) || !last) return;
    await this.completeRamp(generation, last);
  }

  /**
   * Send a rebalanced distribution. Locust sends it at once; here the users a worker must newly
   * start arrive at the spawn rate (surplus users stop at once).
   */
  private async sendRebalance(generation: number, dispatcher: UsersDispatcher, target: UsersOnWorkers): Promise<void> {
    const steps = pacedTransition(this.lastSent, target, dispatcher.userCountPerIteration);
    for (let i = 0; i < steps.length; i++) {
      if (i > 0) {
        await this.sleeper.sleep(dispatcher.secondsBetweenIterations);
        if (this.superseded(generation)) return;
      }
      await this.sendSpawns(steps[i]!);
    }
  }

  private async sendSpawns(users: UsersOnWorkers): Promise<void> {
    const sends: Promise<void>[] = [];
    // Locust sends `vars(environment.parsed_options)`: what listeners and the web form changed
    const parsedOptions = this.locust.environment.parsedOptions;
    const edge = this.nextEdge;
    this.nextEdge = null;
    if (edge) this.pendingEdgeStart = edge.start_at;
    for (const [id, counts] of users) {
      const userClassesCount = sortedCounts(counts);
      this.lastSent.set(id, { ...userClassesCount });
      const spawn = this.socket.send(id, 'spawn', {
        timestamp: this.spawnClock.next(),
        user_classes_count: userClassesCount,
        host: this.currentHost,
        stop_timeout: this.options.stopTimeout ?? 0,
        parsed_options: parsedOptions,
        ...(edge && this.registry.get(id)?.dialect.locustTs ? { locust_ts_edge: edge } : {}),
      });
      sends.push(this.track(spawn, `Error sending spawn message to worker ${id}`));
    }
    if (this.log.isEnabledFor('DEBUG')) {
      this.log.debug(`Sending spawn messages for ${[...users.values()].reduce((n, c) => n + sum(c), 0)} total users to ${users.size} worker(s)`);
    }
    await Promise.all(sends);
  }

  private async completeRamp(generation: number, last: UsersOnWorkers): Promise<void> {
    const totals: Record<string, number> = {};
    for (const counts of last.values()) for (const [name, n] of Object.entries(counts)) totals[name] = (totals[name] ?? 0) + n;
    this.targetUserClassesCount = totals;
    const target = sum(totals);
    // an edge's users start at its instant, not when the spawns leave: the report wait counts from there
    const untilEdge = this.pendingEdgeStart === null ? 0 : Math.max(0, this.pendingEdgeStart - Date.now() / 1000);
    this.pendingEdgeStart = null;
    const wait = (this.options.reportWaitAfterRamp ?? DEFAULT_REPORT_WAIT_AFTER_RAMP) + untilEdge;
    const reported = await this.sleeper.waitFor(() => this.userCount === target, wait, 0.01);
    if (this.superseded(generation)) return;
    this.setState('running');
    this.spawningCompleted = true;
    this.locust.spawningComplete(target);
    // newest Locust: workers fire their own spawning_complete event on this; 2.12 workers do not know it (K4)
    for (const node of this.registry.all()) {
      if (node.dialect.protocol === 'newest') this.sendRaw(node.id, 'spawning_complete', { user_count: target });
    }
    if (this.options.resetStats) {
      this.log.info('Resetting stats');
      this.stats.resetAll();
    }
    const prefix = reported
      ? 'All users spawned'
      : 'Spawning is complete and report waittime is expired, but not all reports received from workers';
    this.log.info(`${prefix}: ${formatCounts(this.userClassesCount())}`);
    if (!reported) this.logLaggingWorkers();
  }

  /** After a ramp, name the workers whose reported users differ from what they were sent. */
  private logLaggingWorkers(): void {
    for (const [id, sent] of this.lastSent) {
      const node = this.registry.get(id);
      if (!node || node.userCount === sum(sent)) continue;
      this.log.warning(`Worker ${id} (index ${node.index}, state ${node.state}) reports ${formatCounts(node.userClassesCount)} but was sent ${formatCounts(sent)}`);
    }
  }

  /**
   * A class dispatched to a worker but absent from the counts it reports is a class the worker
   * does not have (a Python worker's spawn job then fails with KeyError and never completes).
   */
  private checkWorkerClasses(nodeId: string): void {
    const node = this.registry.get(nodeId);
    const sent = this.lastSent.get(nodeId);
    if (!node || !sent) return;
    const reported = Object.keys(node.userClassesCount);
    if (reported.length === 0) return;
    for (const [name, n] of Object.entries(sent)) {
      if (n <= 0 || name in node.userClassesCount) continue;
      const key = `${nodeId}\u0000${name}`;
      if (this.unknownClasses.has(key)) continue;
      this.unknownClasses.set(key, { workerId: nodeId, userClass: name });
      this.log.error(
        `Worker ${nodeId} (index ${node.index}) does not have user class '${name}' (it has: ${reported.sort().join(', ')}); ` +
          `its ${n} user(s) of that class cannot start. Run the workers with the same locustfile as the master.`,
      );
    }
  }

  // ---------------------------------------------------------------- liveness

  /** Every second (spec §4): missing on the 5th tick without heartbeat, deleted ≈60 s later. */
  private livenessTick(): void {
    // an overloaded master may not have read the heartbeats yet: no credit taken then
    if (this.quitting || !this.livenessGuard.tickCounts()) return;
    const toDelete: WorkerNode[] = [];
    for (const node of this.registry.all()) {
      if (node.state === WORKER_STATE.missing && node.heartbeat <= HEARTBEAT_DEAD_INTERNAL) toDelete.push(node);
      if (node.heartbeat < 0 && node.state !== WORKER_STATE.missing) this.markMissing(node);
      else node.heartbeat--;
    }
    for (const node of toDelete) {
      // its users were already moved when it went missing: no redistribution from zero (Locust does one)
      this.registry.delete(node.id);
      this.log.info(`Worker ${node.id} (index ${node.index}) was missing for too long and has been removed.`);
    }
    this.checkStopped();
  }

  private markMissing(node: WorkerNode): void {
    this.log.info(`Worker ${node.id} failed to send heartbeat, setting state to missing.`);
    node.state = WORKER_STATE.missing;
    node.missingAt = Date.now() / 1000;
    node.userClassesCount = {};
    this.lastSent.delete(node.id);
    this.arrival.workersChanged(node.id);
    if (this.dispatcher) {
      this.dispatcher.removeWorker(node.id);
      // better than Locust: the lost users are started on the other workers now (at the spawn rate)
      this.redispatch();
    }
    if (this.workerCount() <= 0 && this.testStarted()) {
      this.log.info('The last worker went missing, stopping test.');
      void this.stop();
    }
  }

  // ---------------------------------------------------------------- state

  private setState(state: MasterState): void {
    if (state !== this.currentState) this.log.debug(`Updating state to '${state}', old state was '${this.currentState}'`);
    this.currentState = state;
  }

  /**
   * Spec §7.3 after every message: stopped when stopping and every worker is ready again, or when
   * no worker is connected. Not before the first test: a master waiting for workers stays `ready`.
   */
  private checkStopped(): void {
    if (this.currentState === 'ready' || this.currentState === 'stopped') return;
    // runs after every message: the registry answers without copying its records
    const registry = this.registry;
    if ((this.currentState === 'stopping' && registry.allInState(WORKER_STATE.ready)) || !registry.someActive()) {
      this.setState('stopped');
    }
  }

  /** Leave the test: no more dispatching (Locust discards the dispatcher on stop). */
  private endTest(): void {
    this.setState('stopping');
    this.arrival.stop();
    this.rampGeneration++;
    this.iterating = false;
    this.dispatcher = null;
    this.lastSent.clear();
    if (this.runTimeTimer) clearTimeout(this.runTimeTimer);
    this.runTimeTimer = null;
  }

  private scheduleRunTime(seconds: number): void {
    if (this.runTimeTimer) clearTimeout(this.runTimeTimer);
    this.runTimeTimer = setTimeout(() => {
      this.runTimeTimer = null;
      if (this.options.onRunTimeLimit) this.options.onRunTimeLimit();
      else if (this.options.headless) {
        this.log.info('--run-time limit reached, shutting down');
        void this.quit();
      } else {
        this.log.info('--run-time limit reached, stopping test');
        void this.stop();
      }
    }, seconds * 1000);
  }

  private sampleHistory(): void {
    if (this.testStartTime === null || this.currentState === 'stopped' || this.currentState === 'ready') return;
    const total = this.stats.total;
    const now = Date.now() / 1000;
    this.historyPoints.push({
      time: now,
      userCount: this.userCount,
      currentRps: total.currentRps(total),
      currentFailPerSec: total.currentFailPerSec(total),
      currentResponseTimePercentile50: currentResponseTimePercentile(total, 0.5, now),
      currentResponseTimePercentile95: currentResponseTimePercentile(total, 0.95, now),
      totalAvgResponseTime: total.avgResponseTime,
      intended: this.intendedLoad(),
    });
    if (this.historyPoints.length > HISTORY_POINTS_KEPT) this.historyPoints.shift();
  }

  private async doQuit(): Promise<void> {
    this.shapeDriver?.stop();
    if (this.currentState !== 'ready' && this.currentState !== 'stopped' && this.currentState !== 'stopping') {
      this.locust.testStopping();
      this.endTest();
    }
    const waiting = new Set(this.registry.all().filter((n) => n.state !== WORKER_STATE.missing).map((n) => n.id));
    for (const node of this.registry.all()) {
      if (this.log.isEnabledFor('DEBUG')) this.log.debug(`Sending quit message to worker ${node.id} (index ${node.index})`);
      this.send(node.id, 'quit', null);
    }
    // better than Locust: a worker still waiting out its stop timeout after `stop` has no record,
    // but is told to quit too (and its final stats waited for), instead of being left behind
    for (const id of this.stoppedIds) this.send(id, 'quit', null);
    // a worker's `quit` comes after its final stats: wait for those instead of a fixed pause
    const timeout = (this.options.stopTimeout ?? 0) + QUIT_REPLY_WAIT_SECONDS;
    await this.sleeper.waitFor(() => [...waiting].every((id) => !this.registry.has(id)) && this.stoppedIds.size === 0, timeout);
    this.setState('stopped');
    this.locust.testStop();
    for (const timer of this.timers) clearInterval(timer);
    if (this.runTimeTimer) clearTimeout(this.runTimeTimer);
    this.sleeper.cancelAll();
    this.edgeSync.close();
    // let queued sends (the quits) leave before the socket closes
    await Promise.allSettled([...this.inFlight]);
    await this.socket.close();
    await this.listening?.catch(() => undefined);
    this.resolveQuitted();
  }
}
