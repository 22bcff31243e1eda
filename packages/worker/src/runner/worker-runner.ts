/**
 * The worker side of Locust's distributed mode (spec §3, §4, §7.1). Messages flow one way:
 * socket → typed message → one handler per type (the table below) → runner state → users.
 *
 * Life: send `client_ready` until the master answers `ack` (re-sent every CONNECT_TIMEOUT,
 * with progress in the log), then heartbeat every second and report stats every 3 s.
 * `spawn` is applied at once; `stop` → `client_stopped` + `client_ready`; `quit` → final
 * stats + `quit`. If the link drops and comes back (a restarted master), the worker rejoins
 * with a fresh `client_ready`.
 */
import {
  CONNECT_RETRY_COUNT,
  CONNECT_TIMEOUT,
  CPU_MONITOR_INTERVAL,
  CPU_WARNING_THRESHOLD,
  type CustomMessage,
  EDGE_ACK_MESSAGE,
  DEFAULT_MASTER_PORT,
  HEARTBEAT_INTERVAL,
  LOCUST_TS_RATE,
  LOCUST_TS_WORKER_VERSION,
  MASTER_HEARTBEAT_TIMEOUT,
  type MasterMessage,
  type MasterMessageMap,
  type SpawnData,
  type UpdateUserClassData,
  WORKER_REPORT_INTERVAL,
  type WorkerMessageMap,
  WorkerSocket,
  isCustom,
  makeClientId,
} from '@locust-ts/protocol';
import { HttpPools } from '../http/pools.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { UserClassInfo } from '../runtime/user-class-info.js';
import { StatsRecorder } from '../runtime/stats-recorder.js';
import { exceptionData } from '../runtime/traceback.js';
import { userClassInfo } from '../runtime/user-class-info.js';
import { UserClassUpdateError, applyUserClassUpdate } from '../runtime/user-class-update.js';
import { type PreparedSpawn, UserPool } from '../runtime/user-pool.js';
import { ArrivalRateLink } from './arrival-link.js';
import { EdgeSpawner } from './edge-spawn.js';
import { ProcessMonitor } from './process-monitor.js';
import type { UserClass, UserEnvironment } from '../user.js';
import { WorkerEnvironment, type WorkerEnvironmentOptions } from './worker-environment.js';

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
}

export interface WorkerTiming {
  connectTimeout: number;
  heartbeatInterval: number;
  reportInterval: number;
  masterHeartbeatTimeout: number;
  /** seconds between CPU samples (spec §4) */
  cpuMonitorInterval: number;
}

const DEFAULT_TIMING: WorkerTiming = {
  connectTimeout: CONNECT_TIMEOUT,
  heartbeatInterval: HEARTBEAT_INTERVAL,
  reportInterval: WORKER_REPORT_INTERVAL,
  masterHeartbeatTimeout: MASTER_HEARTBEAT_TIMEOUT,
  cpuMonitorInterval: CPU_MONITOR_INTERVAL,
};

/** Extra wait between `client_stopped` and `client_ready`, like Locust's env variable. */
const ADDITIONAL_WAIT_ENV = 'LOCUST_WORKER_ADDITIONAL_WAIT_BEFORE_READY_AFTER_STOP';

/** Why a worker ended; `exitCode` is what a CLI should exit with. */
export interface WorkerExit {
  reason: 'master-quit' | 'quit' | 'master-heartbeat-timeout' | 'connect-failed';
  exitCode: number;
  message: string;
}

type Handlers = { [K in keyof MasterMessageMap]: (data: MasterMessageMap[K]) => void };
export type CustomMessageHandler = (data: unknown, runner: WorkerRunner) => void;

export class WorkerRunner {
  readonly clientId: string;
  readonly stats = new StatsRecorder();
  state: WorkerRunnerState = 'ready';
  /** Assigned by the master's `ack` (spec §3.1); -1 until then. */
  workerIndex = -1;
  readonly done: Promise<WorkerExit>;

  private readonly logger: Logger;
  private readonly socket: WorkerSocket;
  private readonly pools = new HttpPools();
  private readonly pool: UserPool;
  /** arrival-rate (open model) users, when the master sends `locust_ts_rate` */
  private readonly arrival: ArrivalRateLink;
  private readonly timing: WorkerTiming;
  private readonly environment: UserEnvironment;
  /** the locustfile API: `environment`, `environment.runner`, events */
  readonly locust: WorkerEnvironment;
  private readonly hostOverride: string | undefined;
  private readonly masterAddress: string;
  private readonly version: string;
  private readonly connectRetries: number;
  private readonly customHandlers = new Map<string, CustomMessageHandler>();
  private readonly warnedTypes = new Set<string>();
  private resolveDone!: (exit: WorkerExit) => void;

  /** `ack` seen for the current registration. */
  private registered = false;
  private everRegistered = false;
  private connectAttempts = 0;
  private lastSpawnTimestamp = -Infinity;
  private stopTimeout = 0;
  private lastMasterHeartbeat: number | null = null;
  private linkUp = false;
  private linkLost = false;
  /** Set while `reconnect` recreates the socket: its link events are not a new master. */
  private resetting = false;
  private finished = false;
  private timers: NodeJS.Timeout[] = [];
  private connectTimer: NodeJS.Timeout | null = null;
  private readonly monitor: ProcessMonitor;
  private readonly edges: EdgeSpawner;

  constructor(options: WorkerOptions) {
    if (options.userClasses.length === 0) throw new Error('a worker needs at least one user class');
    this.clientId = options.clientId ?? makeClientId();
    this.logger = options.logger ?? consoleLogger();
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.hostOverride = options.host;
    this.version = options.version ?? LOCUST_TS_WORKER_VERSION;
    this.connectRetries = options.connectRetries ?? CONNECT_RETRY_COUNT;
    const masterHost = options.masterHost ?? '127.0.0.1';
    const masterPort = options.masterPort ?? DEFAULT_MASTER_PORT;
    this.masterAddress = `${masterHost}:${masterPort}`;
    this.socket = new WorkerSocket({ masterHost, masterPort, clientId: this.clientId });
    const http = { pools: this.pools, stats: this.stats };
    this.locust = new WorkerEnvironment(this, options, { http, logger: this.logger, stats: this.stats, host: options.host });
    this.environment = this.locust.environment;
    const classInfos = options.userClasses.map(userClassInfo);
    this.pool = new UserPool(classInfos, this.environment, {
      onException: (err, user) => this.onUserException(err, user),
      onExit: () => undefined,
      onUserError: (err, owner) => this.locust.userError(err, owner),
      onStopTest: (err) => this.locust.stopTestRaised(err),
    });
    this.edges = new EdgeSpawner({
      logger: this.logger,
      sendAck: (ack) => void this.sendMessage(EDGE_ACK_MESSAGE, ack).catch(() => undefined),
      userCount: () => this.pool.userCount,
    });
    this.arrival = new ArrivalRateLink(classInfos, this.environment, this.logger, {
      onException: (err, user) => this.onUserException(err, user),
      starting: () => this.startArrivalTest(),
    });
    this.customHandlers.set(LOCUST_TS_RATE, (data) => this.arrival.onRate(data));
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.monitor = new ProcessMonitor({
      intervalSeconds: this.timing.cpuMonitorInterval,
      onHighCpu: (percent) =>
        this.logger.warn(
          `CPU usage above ${CPU_WARNING_THRESHOLD}% (${percent.toFixed(0)}%)! This may constrain your throughput and may even give inconsistent response time measurements!`,
        ),
      onSample: (percent) => this.locust.usageSample(percent, this.monitor.memoryBytes()),
    });
  }

  /** Connect and announce this worker; returns at once (watch {@link done}). */
  start(): void {
    // the CPU baseline is taken here, after the locustfile was loaded (spec §4)
    this.monitor.start();
    this.socket.connect({
      onMessage: (m) => this.onMessage(m),
      onBadFrame: (bad) => this.logger.warn(`Ignoring a bad message from master: ${bad.error.message}`),
      onConnection: (event) => this.onConnection(event),
    });
    this.logger.info(`Connecting to master at ${this.masterAddress} as ${this.clientId}; waiting for it to acknowledge`);
    this.announce();
  }

  /** Handle a message type the master sends that Locust does not define (spec §3.15). */
  registerMessage(type: string, handler: CustomMessageHandler): void {
    this.customHandlers.set(type, handler);
  }

  /** Send a custom message to the master. */
  sendMessage(type: string, data: unknown): Promise<void> {
    return this.socket.sendRaw(type, data);
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
    await Promise.all([this.pool.stopAll(this.stopTimeout), this.arrival.stop()]);
    if (this.state !== 'stopped') this.state = 'ready';
  }

  /** Leave: stop users, send the final stats and `quit`, close everything (Ctrl-C, SIGTERM). */
  async quit(reason: WorkerExit['reason'] = 'quit', message = 'worker quit'): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.edges.cancel();
    this.locust.stopping();
    await Promise.all([this.pool.stopAll(this.stopTimeout), this.arrival.stop()]);
    this.locust.stopped();
    this.state = 'stopped';
    this.clearTimers();
    this.monitor.stop();
    if (this.everRegistered) {
      await this.send('stats', this.takeReport()).catch(() => undefined);
      await this.send('quit', null).catch(() => undefined);
    }
    this.socket.close();
    await this.pools.close();
    this.resolveDone({ reason, exitCode: reason === 'connect-failed' || reason === 'master-heartbeat-timeout' ? 1 : 0, message });
  }

  // ---------------------------------------------------------------------------
  // joining the master

  /** Send `client_ready` and re-send every CONNECT_TIMEOUT until `ack` (spec §3.1). */
  private announce(): void {
    this.registered = false;
    this.connectAttempts = 0;
    void this.send('client_ready', this.version);
    this.scheduleConnectCheck();
  }

  private scheduleConnectCheck(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => this.connectCheck(), this.timing.connectTimeout * 1000);
  }

  private connectCheck(): void {
    this.connectTimer = null;
    if (this.registered || this.finished) return;
    this.connectAttempts++;
    if (this.connectAttempts >= this.connectRetries) {
      const message = `Failed to connect to the Locust master at ${this.masterAddress}: no answer after ${this.connectAttempts} attempts`;
      this.logger.error(message);
      void this.quit('connect-failed', message);
      return;
    }
    const limit = Number.isFinite(this.connectRetries) ? `/${this.connectRetries}` : '';
    const seconds = this.connectAttempts * this.timing.connectTimeout;
    this.logger.warn(
      `Still waiting for the master at ${this.masterAddress} (${seconds}s, attempt ${this.connectAttempts + 1}${limit}); ${this.linkUp ? 'it does not answer' : 'it is not reachable'}, re-sending client_ready`,
    );
    void this.send('client_ready', this.version);
    this.scheduleConnectCheck();
  }

  private onConnection(event: 'handshake' | 'disconnect'): void {
    if (this.finished) return;
    if (event === 'disconnect') {
      this.linkUp = false;
      if (this.resetting) return;
      if (!this.linkLost && this.everRegistered) {
        this.logger.warn(`Lost the connection to the master at ${this.masterAddress}; waiting for it to come back`);
        void this.masterLost();
      }
      this.linkLost = true;
      return;
    }
    this.linkUp = true;
    if (this.resetting) {
      this.resetting = false;
      return;
    }
    if (this.linkLost && this.everRegistered) {
      // The master may be a new process that does not know us: stop the old test's users and
      // register again; a master running a test hands us users right away (spec §3.1 step 5).
      this.linkLost = false;
      this.logger.info(`The master at ${this.masterAddress} is back; rejoining with client_ready`);
      void this.rejoin();
    }
    this.linkLost = false;
  }

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
    this.report();
    this.logger.warn(`Stopped ${users} users: no master accounts for them`);
  }

  private async rejoin(): Promise<void> {
    this.edges.cancel();
    await Promise.all([this.pool.stopAll(), this.arrival.stop()]);
    this.state = 'ready';
    this.lastSpawnTimestamp = -Infinity;
    this.lastMasterHeartbeat = null;
    this.announce();
  }

  /** First `ack`: start heartbeats, the master-heartbeat watch and the stats reports. */
  private startLoops(): void {
    const every = (seconds: number, fn: () => void): void => {
      this.timers.push(setInterval(fn, seconds * 1000));
    };
    every(this.timing.heartbeatInterval, () => this.heartbeat());
    every(this.timing.reportInterval, () => this.report());
    every(this.timing.heartbeatInterval, () => this.checkMasterHeartbeat());
    this.heartbeat();
    this.report();
  }

  private clearTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  private heartbeat(): void {
    void this.send('heartbeat', {
      state: this.state === 'stopped' ? 'ready' : this.state,
      current_cpu_usage: this.monitor.cpuPercent(),
      current_memory_usage: this.monitor.memoryBytes(),
      ...this.edges.heartbeatKeys(),
    });
  }

  private report(): void {
    void this.send('stats', this.takeReport());
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

  /** [HEAD masters] quit when heartbeats stop, but only once one was ever seen (spec §3.3). */
  private checkMasterHeartbeat(): void {
    const last = this.lastMasterHeartbeat;
    if (last === null) return;
    if (performance.now() - last > this.timing.masterHeartbeatTimeout * 1000) {
      const message = `Didn't get heartbeat from master in over ${this.timing.masterHeartbeatTimeout}s, quitting`;
      this.logger.error(message);
      void this.quit('master-heartbeat-timeout', message);
    }
  }

  // ---------------------------------------------------------------------------
  // messages from the master

  private onMessage(message: MasterMessage | CustomMessage): void {
    if (this.finished) return;
    if (isCustom(message)) {
      const handler = this.customHandlers.get(message.type);
      if (handler) handler(message.data, this);
      else this.unknownType(message.type);
      return;
    }
    const handler = this.handlers[message.type] as (data: unknown) => void;
    handler(message.data);
  }

  private unknownType(type: string): void {
    if (this.warnedTypes.has(type)) {
      this.logger.debug(`Unknown message type received: ${type}`);
      return;
    }
    this.warnedTypes.add(type);
    this.logger.warn(`Unknown message type received: ${type} (ignored)`);
  }

  private readonly handlers: Handlers = {
    ack: (data) => {
      if (data.index !== undefined) this.workerIndex = data.index;
      const first = !this.everRegistered;
      this.registered = true;
      this.everRegistered = true;
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.connectTimer = null;
      if (first) {
        this.logger.info(`Connected to the master at ${this.masterAddress} as worker ${this.workerIndex}`);
        this.startLoops();
      } else {
        this.logger.debug(`Master acknowledged client_ready (index ${this.workerIndex})`);
      }
    },
    heartbeat: (data) => {
      this.lastMasterHeartbeat = performance.now();
      this.edges.onHeartbeatReply(data);
      this.locust.heartbeatReceived();
    },
    spawn: (data) => this.onSpawn(data),
    spawning_complete: (data) => {
      this.logger.debug('Master finished spawning');
      this.locust.spawningComplete(data);
    },
    stop: () => void this.onStop(),
    quit: () => {
      this.logger.info('Got quit message from master, shutting down...');
      void this.quit('master-quit', 'quit by master');
    },
    reconnect: () => {
      this.logger.warn('Received reconnect message from master. Resetting RPC connection.');
      this.resetting = true;
      this.socket.reset();
    },
    update_user_class: (data) => this.onUpdateUserClass(data),
    locustfile: () => this.logger.debug('Ignoring a locustfile reply (this worker loads its own locustfile)'),
  };

  private onSpawn(data: SpawnData): void {
    void this.send('spawning', null);
    if (data.timestamp <= this.lastSpawnTimestamp) {
      this.logger.info('Discard spawn message with older or equal timestamp than timestamp of previous spawn message');
      return;
    }
    this.lastSpawnTimestamp = data.timestamp;
    this.environment.host = data.host ?? this.hostOverride;
    this.stopTimeout = data.stop_timeout ?? 0;
    const starting = this.state !== 'spawning' && this.state !== 'running';
    if (starting) this.stats.clear();
    this.locust.spawn(data.parsed_options, this.pool.classInfos(), starting);
    this.state = 'spawning';
    this.edges.cancel();
    if (this.arrival.userCount > 0) void this.arrival.stop();
    const prepared = this.pool.prepare(data.user_classes_count);
    if (data.locust_ts_edge) {
      if (this.environment.host) this.pools.preconnect(this.environment.host, prepared.starting, this.edges.msUntil(data.locust_ts_edge));
      this.edges.schedule(data.locust_ts_edge, prepared, this.stopTimeout, () => this.spawned(prepared));
      return;
    }
    prepared.commit(this.stopTimeout);
    this.spawned(prepared);
  }

  private spawned({ unknownClasses }: PreparedSpawn): void {
    this.locust.spawned();
    if (unknownClasses.length > 0) {
      this.logger.error(`Master asked for user classes this worker does not have: ${unknownClasses.join(', ')} (known: ${this.pool.classNames.join(', ')})`);
    }
    const counts = this.pool.counts();
    this.logger.debug(`Spawned users: ${JSON.stringify(counts)}`);
    void this.send('spawning_complete', { user_classes_count: counts, user_count: this.pool.userCount });
    this.state = 'running';
  }

  private async onStop(): Promise<void> {
    this.edges.cancel();
    // graceful within the spawn's stop_timeout, as Locust's worker `stop()` (spec §3.4, §3.9)
    this.locust.stopping();
    await Promise.all([this.pool.stopAll(this.stopTimeout), this.arrival.stop()]);
    this.locust.stopped();
    this.state = 'ready';
    await this.send('client_stopped', null);
    const extra = Number(process.env[ADDITIONAL_WAIT_ENV] ?? 0) || 0;
    const wait = (this.stopTimeout + extra) * 1000;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (this.finished) return;
    await this.send('client_ready', this.version);
  }

  /** The web UI edited a user class (spec §3.12): apply it to the running and future users. */
  private onUpdateUserClass(data: UpdateUserClassData): void {
    const name = data.user_class_name;
    const info = this.pool.classInfo(name);
    if (!info) {
      this.logger.warn(`Ignoring update_user_class for unknown user class '${name}' (this worker has ${this.pool.classNames.join(', ')})`);
      return;
    }
    let result;
    try {
      result = applyUserClassUpdate(info, data);
    } catch (err) {
      if (!(err instanceof UserClassUpdateError)) throw err;
      this.logger.warn(`Ignoring update_user_class for ${name}: ${err.message}`);
      return;
    }
    for (const warning of result.warnings) this.logger.warn(`update_user_class for ${name}: ${warning}`);
    this.logger.info(`Updated user class ${name}: ${result.changes.join('; ') || 'nothing to change'}`);
  }

  private onUserException(err: unknown, user: { readonly info: UserClassInfo }): void {
    const data = exceptionData(err);
    this.logger.error(`Unhandled error in ${user.info.name}: ${data.msg}\n${data.traceback}`);
    void this.send('exception', data);
  }

  private send<K extends keyof WorkerMessageMap>(type: K, data: WorkerMessageMap[K]): Promise<void> {
    return this.socket.send(type, data).catch((err: Error) => {
      this.logger.warn(`Could not send ${type} to master: ${err.message}`);
    });
  }
}
