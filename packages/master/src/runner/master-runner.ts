/**
 * The master runner: the master state machine of spec §7.3 and the control API (start, stop,
 * quit, arrival rate, load shape, user-class updates). Its parts each do one job:
 *
 *   socket → router.ts → handlers.ts (typed table) → worker-events.ts → this runner's state
 *   ramp.ts (paced spawns)   liveness.ts (heartbeats, missing workers)   outbox.ts (sends)
 *   history.ts (charts)      runner-view.ts (what the web layer reads)
 *
 * Where Locust is known to fail, this runner does better (each spot says so):
 * messages from unknown ids never break it, a missing worker's users are moved to the others at
 * once but at the spawn rate, and a worker deleted after going missing does not trigger a
 * redistribution from zero.
 */
import {
  Closers,
  EDGE_ACK_MESSAGE,
  EDGE_REQUESTS_MESSAGE,
  HEARTBEAT_INTERVAL,
  type LoadShape,
  type MasterSocket,
  type UserClassDescription,
  isCustom,
  nowSeconds,
} from '@locust-ts/protocol';
import { EdgeSync } from '../edges/edge-sync.js';
import { ArrivalRateController } from './arrival-rate.js';
import { HISTORY_INTERVAL_SECONDS } from './history.js';
import { Liveness } from './liveness.js';
import type { MasterRunnerOptions } from './master-options.js';
import { MasterEnvironment } from './master-environment.js';
import { Outbox } from './outbox.js';
import { quitWorkers } from './quit-workers.js';
import { RunTimeLimit } from './run-time-limit.js';
import { DEFAULT_REPORT_WAIT_AFTER_RAMP, Ramp } from './ramp.js';
import { type CustomMessageHandler, MessageRouter } from './router.js';
import type { MasterRunnerView, MasterState, SwarmRequest, UserClassUpdate } from './runner-view.js';
import { ShapeControl } from './shape-control.js';
import { Sleeper } from './sleeper.js';
import { stopWorkers } from './stop-workers.js';
import { applyUserClassUpdate } from './user-class-update.js';
import { formatCounts } from './user-counts.js';
import { WorkerEvents } from './worker-events.js';
import { MasterView } from './view.js';
import { WORKER_STATE } from './worker-registry.js';

export type { MasterRunnerOptions } from './master-options.js';
export type { CustomMessageHandler } from './router.js';
export { DEFAULT_REPORT_WAIT_AFTER_RAMP, type UnknownUserClass } from './ramp.js';
export { HISTORY_INTERVAL_SECONDS } from './history.js';

export { QUIT_REPLY_WAIT_SECONDS } from './quit-workers.js';

export class MasterRunner extends MasterView implements MasterRunnerView {
  /** the locustfile API: `environment`, `environment.runner`, events */
  readonly locust: MasterEnvironment;

  private selectedClasses: UserClassDescription[] | undefined;
  protected readonly shape: ShapeControl;
  protected readonly edgeSync: EdgeSync;
  /** the arrival-rate (open model) test, when one runs instead of a user count */
  protected readonly arrival: ArrivalRateController;
  private readonly outbox: Outbox;
  protected readonly ramp: Ramp;
  private readonly events: WorkerEvents;
  private readonly router: MessageRouter;
  private readonly liveness: Liveness;
  private readonly runTime = new RunTimeLimit(() => this.runTimeReached());

  private readonly sleeper = new Sleeper();
  /** what {@link quit} closes, newest first (registered where each is opened) */
  private readonly closers: Closers;
  private quitting: Promise<void> | null = null;
  private listening: Promise<void> | null = null;
  private resolveQuitted!: () => void;
  /** Resolves once {@link quit} finished (workers told to quit, socket closed). */
  readonly quitted = new Promise<void>((resolve) => (this.resolveQuitted = resolve));

  constructor(
    private readonly socket: MasterSocket,
    private readonly options: MasterRunnerOptions,
  ) {
    super(options);
    const log = this.log;
    const registry = this.registry;
    const stopTimeout = options.stopTimeout ?? 0;
    const closers = (this.closers = new Closers((name, err) => log.error(`Closing ${name} failed: ${(err as Error).message}`)));
    closers.add('socket', async () => {
      await socket.close();
      await this.listening?.catch(() => undefined);
    });
    this.outbox = new Outbox(socket, log);
    // let queued sends (the quits) leave before the socket closes
    closers.add('sends', () => this.outbox.settle());
    this.edgeSync = new EdgeSync(log, options.edgesCsvPath ?? null, options.local ?? false);
    closers.add('edges', () => this.edgeSync.close());
    closers.add('waits', () => this.sleeper.cancelAll());
    closers.add('run time', () => this.runTime.cancel());
    this.arrival = new ArrivalRateController({
      registry,
      log,
      dispatchedClasses: () => this.selectedClasses ?? this.classes,
      host: () => this.currentHost,
      sendMessage: (type, data, clientId) => this.sendMessage(type, data, clientId),
    });
    this.shape = new ShapeControl(options.shape ?? null, {
      log,
      maxUsers: options.maxUsers ?? null,
      quitting: () => this.quitting !== null,
      activeWorkers: () => this.registry.active().length,
      setHost: (host) => (this.currentHost = host),
      start: (request) => this.start(request),
      startArrivalRate: (rate, rateOptions) => this.startArrivalRate(rate, rateOptions),
      scheduleRunTime: (seconds) => this.runTime.set(seconds),
      end: () => {
        if (options.onShapeEnd) options.onShapeEnd();
        else if (options.headless) void this.quit();
        else void this.stop();
      },
    });
    this.locust = new MasterEnvironment(this, options, log);
    this.ramp = new Ramp({
      registry,
      log,
      outbox: this.outbox,
      sleeper: this.sleeper,
      edgeSync: this.edgeSync,
      stopTimeout,
      reportWaitAfterRamp: options.reportWaitAfterRamp ?? DEFAULT_REPORT_WAIT_AFTER_RAMP,
      spawnSettings: () => ({ host: this.currentHost, parsedOptions: this.locust.environment.parsedOptions }),
      userCount: () => this.userCount,
      quitting: () => this.quitting !== null,
      completed: (target, reported) => this.rampCompleted(target, reported),
      local: options.local ?? false,
    });
    this.events = new WorkerEvents({
      registry,
      log,
      local: options.local ?? false,
      heartbeatReplies: options.heartbeatReplies ?? true,
      outbox: this.outbox,
      locust: this.locust,
      edgeSync: this.edgeSync,
      ramp: this.ramp,
      arrival: this.arrival,
      stats: this.stats,
      exceptionTable: this.exceptionTable,
      workerLogs: this.workerLogs,
      locustfile: this.locustfile,
      stopTimeout,
      headless: options.headless ?? false,
      quitting: () => this.quitting !== null,
      testStarted: () => this.testStarted(),
      redispatch: () => this.redispatch(),
      stop: () => this.stop(),
      quit: () => this.quit(),
    });
    this.router = new MessageRouter(this.events, this.outbox, (message) => {
      if (!isCustom(message) && (message.type === 'stats' || message.type === 'spawning_complete')) this.ramp.checkWorkerClasses(message.nodeId);
      this.checkStopped();
    });
    this.registerMessage(EDGE_ACK_MESSAGE, (m) => this.edgeSync.onAck(m.nodeId, m.data));
    this.registerMessage(EDGE_REQUESTS_MESSAGE, (m) => this.edgeSync.onRequests(m.nodeId, m.data));
    this.liveness = new Liveness(registry, log, { missing: (node) => this.events.workerGone(node, 'missing') });
  }

  /** Start receiving and the 1 s liveness and history ticks. */
  listen(): Promise<void> {
    if (this.quitting) return this.listening ?? Promise.resolve();
    this.listening ??= this.socket.listen({
      onMessage: (message, identity) => this.router.route(message, identity),
      onBadFrame: (bad) => this.router.badFrame(bad),
    });
    const liveness = setInterval(() => this.livenessTick(), HEARTBEAT_INTERVAL * 1000);
    const history = setInterval(() => this.sampleHistory(), HISTORY_INTERVAL_SECONDS * 1000);
    this.closers.add('ticks', () => {
      clearInterval(liveness);
      clearInterval(history);
    });
    return this.listening;
  }

  /**
   * Resolves once `count` workers are ready, or with false when `cancelled` settles first (a
   * headless run waiting for `--expect-workers`: woken by each `client_ready`, not a poll).
   */
  async whenWorkersReady(count: number, cancelled: Promise<unknown>): Promise<boolean> {
    const ready = (): boolean => this.registry.inState(WORKER_STATE.ready).length >= count;
    if (ready()) return true;
    let listener!: () => void;
    const reached = new Promise<true>((resolve) => {
      listener = () => {
        if (ready()) resolve(true);
      };
      this.events.readyListeners.add(listener);
    });
    try {
      return await Promise.race([reached, cancelled.then(() => false)]);
    } finally {
      this.events.readyListeners.delete(listener);
    }
  }

  /** Called with each synchronized edge's planned instant (epoch s, master clock): the scale watch counts from the first. */
  onEdgePlanned(listener: (startAt: number) => void): void {
    this.ramp.onEdgePlanned(listener);
  }

  /** The user counts when the test began to stop (Locust's final_user_classes_count, for the report). */
  readonly finalUserClassesCount = (): Record<string, number> => this.locust.finalUserClassesCount;

  // ---------------------------------------------------------------- control API

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
    this.ramp.setTarget(request.userCount, request.spawnRate);
    if (request.runTime !== undefined && request.runTime > 0) this.runTime.set(request.runTime);
    await this.dispatchToTarget();
  }

  async stop(): Promise<void> {
    this.shape.stop();
    if (this.currentState === 'ready' || this.currentState === 'stopped' || this.currentState === 'stopping') return;
    this.log.debug('Stopping...');
    // the state is `stopping` at once (no second stop); the workers hear of it after the listeners
    const stopping = this.locust.testStopping();
    this.endTest();
    await stopping;
    const stopped = await stopWorkers(this.workerParts(), this.options.stopTimeout ?? 0, () => this.userCount);
    if (!stopped && !this.quitting) this.log.error('Timeout waiting for all workers to stop');
    this.checkStopped();
    await this.locust.testStop();
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
    if (!this.testStarted()) {
      this.beginTest();
      // Locust fires test_start for every test, whatever starts it (its listeners run meanwhile:
      // this call stays synchronous so that a shape may change the rate every tick)
      this.locust.testStart().catch((err: unknown) => this.log.error(`test_start listener: ${(err as Error).message}`));
    }
    // a running user-count test ends here: its ramp gives up, locust-ts workers swap their users,
    // and Python workers (no part in an arrival rate) stop theirs
    for (const node of this.registry.active()) if (!node.dialect.locustTs && node.userCount > 0) this.outbox.post(node.id, 'stop', null);
    this.ramp.abandon();
    this.setState('running');
    if (options.runTime !== undefined && options.runTime > 0) this.runTime.set(options.runTime);
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
    this.router.register(type, handler);
  }

  /** Send a (custom) message to one worker, or to every known worker (missing ones included, as Locust). */
  sendMessage(type: string, data: unknown, clientId?: string): void {
    const targets = clientId ? [clientId] : this.registry.all().map((n) => n.id);
    for (const id of targets) this.outbox.postCustom(id, type, data);
  }

  // ---------------------------------------------------------------- load shape

  /**
   * Run the test from the load shape (Locust's `start_shape`): ticked every 100 ms until it
   * answers null. `shape` replaces the configured one (a built-in shape from the web form);
   * `runTime` caps the run (built-in shapes). Refused (logged, false) while a shape test runs;
   * throws without any shape.
   */
  startShape(request: { host?: string; shape?: LoadShape; runTime?: number } = {}): boolean {
    return this.shape.start(request);
  }

  // ---------------------------------------------------------------- dispatch and state (spec §7.3)

  private testStarted(): boolean {
    return this.currentState === 'spawning' || this.currentState === 'running';
  }

  /**
   * Re-dispatch after the worker set changed. During a ramp the dispatcher folds the change into
   * its next iteration; otherwise a new dispatch to the current target starts now.
   */
  private redispatch(): void {
    if (this.quitting || !this.testStarted() || this.ramp.walking) return;
    void this.dispatchToTarget();
  }

  /** The last dispatch to a target (Locust's `spawning_greenlet` of a local run): settles when it is done. */
  spawning: Promise<void> | null = null;

  private dispatchToTarget(): Promise<void> {
    const dispatch = this.dispatchToTargetNow();
    this.spawning = dispatch;
    return dispatch;
  }

  private async dispatchToTargetNow(): Promise<void> {
    const active = this.registry.active();
    if (active.length === 0) {
      this.log.warning("You can't start a distributed test before at least one worker processes has connected");
      return;
    }
    this.ramp.prepare(
      active.map((n) => n.id),
      this.classes,
    );
    this.log.info(this.ramp.describe(active.length));
    const starting = !this.testStarted();
    const before = this.currentState;
    if (starting) this.beginTest();
    this.setState('spawning');
    if (starting) {
      await this.locust.testStart(before);
      // a stop or quit while async testStart listeners ran wins
      if (this.currentState !== 'spawning' || this.quitting) return;
    }
    await this.ramp.run(active, this.selectedClasses);
  }

  /** The ramp reached its target: the test runs (the ramp names lagging workers after this). */
  private rampCompleted(target: number, reported: boolean): void {
    this.setState('running');
    this.locust.spawningComplete(target);
    // newest Locust: workers fire their own spawning_complete event on this; 2.12 workers do not know it (K4)
    for (const node of this.registry.all()) {
      if (node.dialect.protocol === 'newest') this.outbox.post(node.id, 'spawning_complete', { user_count: target });
    }
    if (this.options.resetStats) {
      this.log.info('Resetting stats');
      this.stats.resetAll();
    }
    const prefix = reported
      ? 'All users spawned'
      : 'Spawning is complete and report waittime is expired, but not all reports received from workers';
    this.log.info(`${prefix}: ${formatCounts(this.userClassesCount())}`);
  }

  /** A new test: clear stats and exceptions (Locust's `test_start`). */
  private beginTest(): void {
    this.stats.clearAll();
    this.exceptionTable.clear();
    this.ramp.beginTest();
    this.historyPoints.clear();
    this.arrival.resetDropped();
    this.testStartTime = nowSeconds();
    this.edgeSync.beginTest(this.testStartTime);
  }

  /** What the stop and quit of the workers use. */
  private workerParts() {
    return { registry: this.registry, outbox: this.outbox, log: this.log, sleeper: this.sleeper };
  }

  private setState(state: MasterState): void {
    if (state !== this.currentState) this.log.debug(() => `Updating state to '${state}', old state was '${this.currentState}'`);
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
    this.ramp.abandon();
    this.runTime.cancel();
  }

  private runTimeReached(): void {
    if (this.options.onRunTimeLimit) this.options.onRunTimeLimit();
    else if (this.options.headless) {
      this.log.info('--run-time limit reached, shutting down');
      void this.quit();
    } else {
      this.log.info('--run-time limit reached, stopping test');
      void this.stop();
    }
  }

  /** Every heartbeat interval (spec §4); skipped while quitting. */
  private livenessTick(): void {
    if (this.quitting || !this.liveness.tick()) return;
    this.checkStopped();
  }

  private sampleHistory(): void {
    if (this.testStartTime === null || this.currentState === 'stopped' || this.currentState === 'ready') return;
    this.historyPoints.sample(this.stats, this.userCount, this.intendedLoad());
  }

  private async doQuit(): Promise<void> {
    this.shape.stop();
    if (this.currentState !== 'ready' && this.currentState !== 'stopped' && this.currentState !== 'stopping') {
      const stopping = this.locust.testStopping();
      this.endTest();
      await stopping;
    }
    await quitWorkers(this.workerParts(), this.events.stoppedIds, this.options.stopTimeout ?? 0);
    this.setState('stopped');
    await this.locust.testStop();
    await this.closers.close();
    this.resolveQuitted();
  }
}
