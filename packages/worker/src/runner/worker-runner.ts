/**
 * The worker side of Locust's distributed mode (spec §3, §4, §7.1): spawns and stops the users.
 * Messages flow one way: socket → master-link.ts → typed message → one handler per type
 * (worker-handlers.ts) → this runner → users.
 *
 * `spawn` is applied at once; `stop` → `client_stopped` + `client_ready`; `quit` → final stats +
 * `quit`. If the link drops and comes back (a restarted master), the worker rejoins with a
 * fresh `client_ready` (master-link.ts).
 */
import {
  Closers,
  CPU_WARNING_THRESHOLD,
  type CustomMessage,
  EDGE_ACK_MESSAGE,
  EDGE_REQUESTS_MESSAGE,
  LOCUST_TS_RATE,
  LOCUST_TS_WORKER_VERSION,
  type MasterMessage,
  type SpawnData,
  type WorkerMessageMap,
  isCustom,
  makeClientId,
  errorLine,
  formatTraceback,
} from '@locust-ts/protocol';
import { pythonMasterTexts } from '../http/error-text.js';
import { HttpPools } from '../http/pools.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { UserClassInfo } from '../runtime/user-class-info.js';
import { StatsRecorder } from '../runtime/stats-recorder.js';
import { exceptionData } from '../runtime/traceback.js';
import { userClassInfo } from '../runtime/user-class-info.js';
import { type SpawnResult, UserPool } from '../runtime/user-pool.js';
import { ArrivalRateLink } from './arrival-link.js';
import { EdgeSpawner } from './edge-spawn.js';
import { InOrder } from './in-order.js';
import { SpawnProgress } from './spawn-progress.js';
import { DEFAULT_TIMING, MasterLink, type WorkerTiming } from './master-link.js';
import { ProcessMonitor } from './process-monitor.js';
import type { UserClass, UserEnvironment } from '../user.js';
import { WORKER_HANDLERS, type WorkerHandlerContext } from './worker-handlers.js';
import { WorkerEnvironment, type WorkerEnvironmentOptions } from './worker-environment.js';

export type { WorkerTiming } from './master-link.js';

/** The state a worker reports in its heartbeats (spec §7.1). */
export type WorkerRunnerState = 'ready' | 'spawning' | 'running' | 'stopped';

export interface WorkerOptions extends WorkerEnvironmentOptions {
  /** Concrete user classes, e.g. `(await loadLocustfile(path)).userClasses`. */
  userClasses: readonly UserClass[];
  /** `--master-host`, default 127.0.0.1. */
  masterHost?: string;
  /** `--master-port`, default 5557. */
  masterPort?: number;
  /** `-H/--host`: used when the master's spawn carries no host; wins over the classes' own. */
  host?: string;
  logger?: Logger;
  /** ZeroMQ identity and node_id; default `<hostname>_<uuid hex>`. */
  clientId?: string;
  /** Version announced in `client_ready` (any non-empty string is accepted by Locust masters). */
  version?: string;
  /** `client_ready` attempts before giving up (Locust: 60 × 5 s); Infinity waits forever. */
  connectRetries?: number;
  /** Timing overrides, seconds; tests shorten them, production keeps Locust's. */
  timing?: Partial<WorkerTiming>;
  /**
   * The in-process worker of a local run: to the person watching this is Locust's LocalRunner,
   * so the link's own lines (connecting, connected, quit by the master) are debug lines.
   */
  local?: boolean;
}

/** Extra wait between `client_stopped` and `client_ready`, like Locust's env variable. */
const ADDITIONAL_WAIT_ENV = 'LOCUST_WORKER_ADDITIONAL_WAIT_BEFORE_READY_AFTER_STOP';

/** Why a worker ended; `exitCode` is what a CLI should exit with. */
export interface WorkerExit {
  reason: 'master-quit' | 'quit' | 'master-heartbeat-timeout' | 'connect-failed';
  exitCode: number;
  message: string;
}

export type CustomMessageHandler = (data: unknown, runner: WorkerRunner) => void;

export class WorkerRunner {
  readonly clientId: string;
  readonly stats = new StatsRecorder();
  state: WorkerRunnerState = 'ready';
  /** Assigned by the master's `ack` (spec §3.1); -1 until then. */
  workerIndex = -1;
  /** Locust's worker `target_user_count` / `target_user_classes_count`: the last spawn's, set as it is applied. */
  targetUserCount = 0;
  targetUserClassesCount: Record<string, number> = {};
  private readonly spawnProgress = new SpawnProgress();
  private readonly messages = new InOrder<MasterMessage | CustomMessage>(
    (m) => this.handleMessage(m),
    (err) => this.logger.error(`Handling a message from the master failed: ${(err as Error).stack ?? String(err)}`),
  );

  /** The last spawn (Locust's `spawning_greenlet`): settles once its users are spawned, or it is superseded or stopped. */
  get spawning(): Promise<void> | null {
    return this.spawnProgress.current;
  }
  readonly done: Promise<WorkerExit>;

  private readonly logger: Logger;
  private readonly link: MasterLink;
  private readonly pools = new HttpPools();
  private readonly pool: UserPool;
  /** arrival-rate (open model) users, when the master sends `locust_ts_rate` */
  private readonly arrival: ArrivalRateLink;
  private readonly environment: UserEnvironment;
  /** the locustfile API: `environment`, `environment.runner`, events */
  readonly locust: WorkerEnvironment;
  private readonly hostOverride: string | undefined;
  private readonly version: string;
  private readonly customHandlers = new Map<string, CustomMessageHandler>();
  private readonly warnedTypes = new Set<string>();
  private readonly handlerContext: WorkerHandlerContext;
  private resolveDone!: (exit: WorkerExit) => void;

  private lastSpawnTimestamp = -Infinity;
  /** the Locust release whose texts a locust-ts master asked for (`locust_ts_texts`), once it did */
  private textsVersion: string | null = null;
  /** the options of a Python master's last spawn: they tell its release apart (pythonMasterTexts) */
  private masterOptions: Record<string, unknown> = {};
  private stopTimeout = 0;
  private finished = false;
  private readonly monitor: ProcessMonitor;
  private readonly edges: EdgeSpawner;
  /** what {@link quit} closes once the users stopped, newest first (registered where each is made) */
  private readonly closers: Closers;

  constructor(options: WorkerOptions) {
    if (options.userClasses.length === 0) throw new Error('a worker needs at least one user class');
    this.clientId = options.clientId ?? makeClientId();
    const logger = (this.logger = options.logger ?? consoleLogger());
    const timing = { ...DEFAULT_TIMING, ...options.timing };
    const closers = (this.closers = new Closers((name, err) => logger.warning(`Closing ${name} failed: ${(err as Error).message}`)));
    closers.add('HTTP pools', () => this.pools.close());
    this.hostOverride = options.host;
    this.version = options.version ?? LOCUST_TS_WORKER_VERSION;
    this.link = new MasterLink(
      {
        clientId: this.clientId,
        ...(options.masterHost !== undefined ? { masterHost: options.masterHost } : {}),
        ...(options.masterPort !== undefined ? { masterPort: options.masterPort } : {}),
        version: this.version,
        ...(options.connectRetries !== undefined ? { connectRetries: options.connectRetries } : {}),
        timing,
        logger,
        local: options.local ?? false,
      },
      {
        message: (m) => this.onMessage(m),
        lost: () => void this.masterLost(),
        back: () => void this.rejoin(),
        heartbeat: () => this.heartbeatData(),
        report: () => this.takeReport(),
        fail: (reason, message) => void this.quit(reason, message),
      },
    );
    closers.add('master link', () => this.link.close());
    // the master counts the last requests and lets this worker go (spec §3.10)
    closers.add('goodbye', async () => {
      if (!this.link.everRegistered) return;
      await this.link.send('stats', this.takeReport()).catch(() => undefined);
      await this.link.send('quit', null).catch(() => undefined);
    });
    // failure texts of the Locust release the master's Python workers run (see LocustTexts)
    const self = this;
    const texts = {
      get version(): string {
        return self.textsVersion ?? pythonMasterTexts(self.locust.masterSpeaksNewest, self.masterOptions);
      },
    };
    const http = { pools: this.pools, stats: this.stats, texts };
    this.locust = new WorkerEnvironment(this, options, { http, logger, stats: this.stats, host: options.host });
    this.environment = this.locust.environment;
    const classInfos = options.userClasses.map(userClassInfo);
    this.pool = new UserPool(classInfos, this.environment, {
      onException: (err, user) => this.onUserException(err, user),
      onGreenletError: (err, user) => this.logger.error(`${user.info.name} died of an uncaught ${(err as Error).name}: ${exceptionData(err).traceback}`),
      onExit: () => undefined,
      onUserError: (err, owner) => this.locust.userError(err, owner),
      onStopTest: (err) => this.locust.stopTestRaised(err),
    });
    this.edges = new EdgeSpawner({
      logger,
      sendAck: (ack) => void this.sendMessage(EDGE_ACK_MESSAGE, ack).catch(() => undefined),
      sendFirstRequests: (data) => void this.sendMessage(EDGE_REQUESTS_MESSAGE, data).catch(() => undefined),
      userCount: () => this.pool.userCount,
      sameClock: options.local ?? false,
    });
    this.arrival = new ArrivalRateLink(classInfos, this.environment, logger, {
      onException: (err, user) => this.onUserException(err, user),
      starting: () => this.startArrivalTest(),
    });
    this.customHandlers.set(LOCUST_TS_RATE, (data) => this.arrival.onRate(data));
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.monitor = new ProcessMonitor({
      intervalSeconds: timing.cpuMonitorInterval,
      onHighCpu: (percent) =>
        logger.warning(
          `CPU usage above ${CPU_WARNING_THRESHOLD}% (${percent.toFixed(0)}%)! This may constrain your throughput and may even give inconsistent response time measurements!`,
        ),
      onSample: (percent) => this.locust.usageSample(percent, this.monitor.memoryBytes()),
    });
    closers.add('process monitor', () => this.monitor.stop());
    closers.add('heartbeats and reports', () => this.link.stopLoops());
    // the handlers' view of this runner (worker-handlers.ts); nothing else reaches these
    const runner = this;
    this.handlerContext = {
      logger,
      local: options.local ?? false,
      link: this.link,
      edges: this.edges,
      locust: this.locust,
      pool: this.pool,
      get workerIndex() {
        return runner.workerIndex;
      },
      set workerIndex(index: number) {
        runner.workerIndex = index;
      },
      spawn: (data) => this.onSpawn(data),
      stop: () => this.onStop(),
      quitByMaster: () => void this.quit('master-quit', 'quit by master'),
    };
  }

  /** Connect and announce this worker; returns at once (watch {@link done}). */
  start(): void {
    // the CPU baseline is taken here, after the locustfile was loaded (spec §4)
    this.monitor.start();
    this.link.connect();
  }

  /** Handle a message type the master sends that Locust does not define (spec §3.15). */
  registerMessage(type: string, handler: CustomMessageHandler): void {
    this.customHandlers.set(type, handler);
  }

  /** Send a custom message to the master. */
  sendMessage(type: string, data: unknown): Promise<void> {
    return this.link.sendRaw(type, data);
  }

  /** Running users per class (arrival-rate users included). */
  userClassesCount(): Record<string, number> {
    return this.arrival.addCounts(this.pool.counts());
  }

  get userCount(): number {
    return this.pool.userCount + this.arrival.userCount;
  }

  /** Stop all users here, without telling the master (it will see 0 users in the next report). */
  async stopUsers(): Promise<void> {
    this.edges.cancel();
    this.spawnProgress.settle();
    await Promise.all([this.pool.stopAll(this.stopTimeout), this.arrival.stop()]);
    if (this.state !== 'stopped') this.state = 'ready';
  }

  /** Leave: stop users, send the final stats and `quit`, close everything (Ctrl-C, SIGTERM). */
  async quit(reason: WorkerExit['reason'] = 'quit', message = 'worker quit'): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.link.beginQuit();
    this.edges.cancel();
    this.spawnProgress.settle();
    await this.locust.stopping();
    await Promise.all([this.pool.stopAll(this.stopTimeout), this.arrival.stop()]);
    await this.locust.stopped();
    this.state = 'stopped';
    await this.closers.close();
    this.resolveDone({ reason, exitCode: reason === 'connect-failed' || reason === 'master-heartbeat-timeout' ? 1 : 0, message });
  }

  // ---------------------------------------------------------------------------
  // the link's events

  /**
   * No master accounts for our users any more: stop them now rather than load the target for
   * nobody (a restarted master starts its own test), then flush their stats in a last report —
   * the same master, back after a blip, counts it; a new one discards an unregistered sender's.
   */
  private async masterLost(): Promise<void> {
    const users = this.pool.userCount;
    if (users === 0) return;
    await this.pool.stopAll();
    if (this.finished) return;
    this.state = 'ready';
    this.link.report();
    this.logger.warning(`Stopped ${users} users: no master accounts for them`);
  }

  private async rejoin(): Promise<void> {
    this.edges.cancel();
    await Promise.all([this.pool.stopAll(), this.arrival.stop()]);
    this.state = 'ready';
    this.lastSpawnTimestamp = -Infinity;
    this.link.announce();
  }

  private heartbeatData(): WorkerMessageMap['heartbeat'] {
    return {
      state: this.state === 'stopped' ? 'ready' : this.state,
      current_cpu_usage: this.monitor.cpuPercent(),
      current_memory_usage: this.monitor.memoryBytes(),
      ...this.edges.heartbeatKeys(),
    };
  }

  private takeReport(): WorkerMessageMap['stats'] {
    return this.locust.report(this.arrival.addDropped(this.stats.takeReport(this.userClassesCount(), this.userCount)));
  }

  /** The first `locust_ts_rate` of a test: closed-model users stop, stats start from zero (as a first `spawn`). */
  private startArrivalTest(): void {
    if (this.pool.userCount > 0) void this.pool.stopAll();
    if (this.state !== 'spawning' && this.state !== 'running') this.stats.clear();
    this.state = 'running';
  }

  // ---------------------------------------------------------------------------
  // messages from the master

  private onMessage(message: MasterMessage | CustomMessage): void {
    this.messages.push(message);
  }

  private handleMessage(message: MasterMessage | CustomMessage): void | Promise<void> {
    if (this.finished) return;
    if (isCustom(message)) {
      const handler = this.customHandlers.get(message.type);
      if (handler) handler(message.data, this);
      else this.unknownType(message.type);
      return;
    }
    // the table is keyed by the message type, so the handler matches the data's type
    const handler = WORKER_HANDLERS[message.type] as (ctx: WorkerHandlerContext, data: unknown) => void | Promise<void>;
    return handler(this.handlerContext, message.data);
  }

  private unknownType(type: string): void {
    if (this.warnedTypes.has(type)) {
      this.logger.debug(() => `Unknown message type received: ${type}`);
      return;
    }
    this.warnedTypes.add(type);
    this.logger.warning(`Unknown message type received: ${type} (ignored)`);
  }

  private onSpawn(data: SpawnData): void | Promise<void> {
    void this.link.send('spawning', null);
    if (data.timestamp <= this.lastSpawnTimestamp) {
      this.logger.info('Discard spawn message with older or equal timestamp than timestamp of previous spawn message');
      return;
    }
    this.lastSpawnTimestamp = data.timestamp;
    this.environment.host = data.host ?? this.hostOverride;
    this.stopTimeout = data.stop_timeout ?? 0;
    if (typeof data.locust_ts_texts === 'string') this.textsVersion = data.locust_ts_texts;
    else this.masterOptions = data.parsed_options;
    const starting = this.state !== 'spawning' && this.state !== 'running';
    if (starting) this.stats.clear();
    const testStarted = this.locust.spawn(data.parsed_options, this.pool.classInfos(), starting);
    this.state = 'spawning';
    // only a test's first spawn fires testStart: the others apply at once
    if (!starting) return this.applySpawn(data);
    return testStarted.then(() => {
      // a stop, quit or reconnect while the listeners ran wins
      if (!this.finished && this.state === 'spawning' && data.timestamp === this.lastSpawnTimestamp) this.applySpawn(data);
    });
  }

  private applySpawn(data: SpawnData): void {
    this.targetUserClassesCount = { ...data.user_classes_count };
    this.targetUserCount = Object.values(data.user_classes_count).reduce((n, c) => n + c, 0);
    this.spawnProgress.begin();
    this.locust.spawnApplied();
    this.edges.cancel();
    if (this.arrival.userCount > 0) void this.arrival.stop();
    if (data.locust_ts_edge) {
      const prepared = this.pool.prepare(data.user_classes_count);
      if (this.environment.host) this.pools.preconnect(this.environment.host, prepared.starting, this.edges.msUntil(data.locust_ts_edge));
      this.edges.schedule(data.locust_ts_edge, prepared, this.stopTimeout, () => this.spawned(prepared));
      return;
    }
    this.pool.spawnPaced(data.user_classes_count, this.stopTimeout, (result) => this.spawned(result));
  }

  private spawned({ unknownClasses }: SpawnResult): void {
    this.spawnProgress.settle();
    this.locust.spawned();
    if (unknownClasses.length > 0) {
      this.logger.error(`Master asked for user classes this worker does not have: ${unknownClasses.join(', ')} (known: ${this.pool.classNames.join(', ')})`);
    }
    const counts = this.pool.counts();
    this.logger.debug(() => `Spawned users: ${JSON.stringify(counts)}`);
    void this.link.send('spawning_complete', { user_classes_count: counts, user_count: this.pool.userCount });
    this.state = 'running';
  }

  private async onStop(): Promise<void> {
    this.edges.cancel();
    this.spawnProgress.settle();
    // graceful within the spawn's stop_timeout, as Locust's worker `stop()` (spec §3.4, §3.9)
    await this.locust.stopping();
    await Promise.all([this.pool.stopAll(this.stopTimeout), this.arrival.stop()]);
    await this.locust.stopped();
    this.state = 'ready';
    await this.link.send('client_stopped', null);
    const extra = Number(process.env[ADDITIONAL_WAIT_ENV] ?? 0) || 0;
    const wait = (this.stopTimeout + extra) * 1000;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (this.finished) return;
    await this.link.send('client_ready', this.version);
  }

  private onUserException(err: unknown, user: { readonly info: UserClassInfo }): void {
    const data = exceptionData(err);
    // as Locust logs it: the message, the frames (the user's first), then `TypeError: message`
    this.logger.error(`Unhandled error in ${user.info.name}: ${data.msg}\n${formatTraceback(err)}${errorLine(err)}`);
    void this.link.send('exception', data);
  }
}
