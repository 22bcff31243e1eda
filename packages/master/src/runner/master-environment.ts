/**
 * The master's side of the locustfile API: `environment.runner` for a master (or a local run),
 * and Locust's events at the moments Locust's MasterRunner (or LocalRunner) fires them. The
 * master runner calls one method here per moment.
 *
 * In a local run (one in-process worker) this is Locust's LocalRunner: the runner events fire
 * here once, the worker-link events (`workerReport`, `workerConnect`, `heartbeatSent`) not at
 * all, and `sendMessage` calls this process's own handler, as LocalRunner's does.
 */
import {
  type CustomMessageEnvelope,
  type Environment,
  type LocustRunner,
  type MessageHandler,
  type RequestStats,
  type StatsReportData,
  type WorkerNodeInfo,
  CPU_WARNING_THRESHOLD,
  ProcessMonitor,
  createEnvironment,
  fireUsageEvents,
  nowSeconds,
  errorReport,
  workerNodes,
} from '@locust-ts/protocol';
import type { MasterLogger } from '../log/master-logger.js';

/** What this file needs of the master runner. */
export interface MasterRunnerLike {
  readonly userCount: number;
  readonly state: string;
  readonly stats: RequestStats;
  readonly host: string | null;
  readonly targetUserCount: number;
  readonly spawnRate: number;
  readonly targetUserClassesCount: Record<string, number>;
  readonly spawning: Promise<void> | null;
  userClassesCount(): Record<string, number>;
  workerCount(): number;
  workerNodes(): WorkerNodeInfo[];
  registerMessage(type: string, handler: (message: CustomMessageEnvelope) => void): void;
  sendMessage(type: string, data: unknown, clientId?: string): void;
  stop(): Promise<void>;
  quit(): Promise<void>;
}

export interface MasterEnvironmentOptions {
  /** The process's environment (the CLI's); default: a new one. */
  environment?: Environment;
  /** A local run: this master and one in-process worker act as Locust's LocalRunner. */
  local?: boolean;
  /** Locust's `vars(options)` when no environment is given. */
  parsedOptions?: Record<string, unknown>;
  /** Seconds between CPU samples (default CPU_MONITOR_INTERVAL). */
  cpuMonitorInterval?: number;
}

export class MasterEnvironment {
  readonly environment: Environment;
  readonly local: boolean;
  private readonly localHandlers = new Map<string, MessageHandler>();
  private testRunning = false;
  /** Locust's `monitor_cpu_and_memory` of this master (a local run's worker samples the process) */
  private readonly monitor: ProcessMonitor | null;

  constructor(
    private readonly runner: MasterRunnerLike,
    options: MasterEnvironmentOptions,
    private readonly log: MasterLogger,
  ) {
    this.environment = options.environment ?? createEnvironment({ parsedOptions: { ...(options.parsedOptions ?? {}) } });
    this.local = options.local ?? false;
    this.environment.stats = runner.stats;
    this.environment.host ??= runner.host ?? undefined;
    this.environment.runner = this.locustRunner();
    this.monitor = this.local
      ? null
      : new ProcessMonitor({
          intervalSeconds: options.cpuMonitorInterval,
          onHighCpu: (percent) => this.log.warning(`CPU usage above ${CPU_WARNING_THRESHOLD}% (${percent.toFixed(0)}%)! This may constrain your throughput and may even give inconsistent response time measurements!`),
          onSample: (percent) => fireUsageEvents(this.environment, percent, this.monitor!.memoryBytes()),
        });
    this.monitor?.start();
  }

  private get events() {
    return this.environment.events;
  }

  private locustRunner(): LocustRunner {
    const runner = this.runner;
    const env = this.environment;
    const local = this.local;
    const self = this;
    // a local run is one worker, `local`, as Locust's LocalRunner's own WorkerNode
    const localNode = (): WorkerNodeInfo => ({
      id: 'local',
      state: runner.state,
      userCount: runner.userCount,
      userClassesCount: runner.userClassesCount(),
      heartbeat: 0,
      cpuUsage: 0,
      memoryUsage: 0,
      workerIndex: 0,
    });
    const clients = workerNodes(local ? () => [localNode()] : () => runner.workerNodes());
    return {
      mode: local ? 'local' : 'master',
      get userCount() {
        return runner.userCount;
      },
      get userClassesCount() {
        return runner.userClassesCount();
      },
      get targetUserCount() {
        return runner.targetUserCount;
      },
      get targetUserClassesCount() {
        return runner.targetUserClassesCount;
      },
      get spawnRate() {
        return runner.spawnRate;
      },
      get workerCount() {
        return local ? 1 : runner.workerCount();
      },
      clients,
      get state() {
        return self.stateForListeners ?? runner.state;
      },
      workerIndex: local ? 0 : -1,
      clientId: local ? 'local' : null,
      get stats() {
        return runner.stats;
      },
      environment: env,
      get spawningGreenlet() {
        return local ? runner.spawning : null;
      },
      get finalUserClassesCount() {
        return self.finalUserClassesCount;
      },
      registerMessage: (type: string, handler: MessageHandler) => {
        if (local) this.localHandlers.set(type, handler);
        else runner.registerMessage(type, (msg) => this.call(handler, env, msg));
      },
      sendMessage: (type: string, data?: unknown, clientId?: string) => {
        if (!local) return runner.sendMessage(type, data ?? null, clientId);
        const handler = this.localHandlers.get(type);
        if (!handler) throw new Error(`Unknown message type: ${type}`);
        this.call(handler, env, { type, data: data ?? null, nodeId: 'local' });
      },
      stop: () => runner.stop(),
      quit: () => runner.quit(),
    };
  }

  private call(handler: MessageHandler, env: Environment, msg: CustomMessageEnvelope): void {
    const failed = (err: unknown): void =>
      this.log.error(`Uncaught exception in handler for ${msg.type}: ${errorReport(err)}`);
    try {
      const result = handler(env, msg);
      if (result instanceof Promise) result.catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  /**
   * `runner.state` as a listener reads it at the moments Locust's runner has not moved on yet:
   * test_start fires before it turns `spawning`, spawning_complete before its own listener turns
   * it `running` (the runner's listener was added after the locustfile's).
   */
  private stateForListeners: string | null = null;

  /**
   * A new test (Locust fires test_start before the first spawn); async listeners are awaited.
   * `stateBefore`: the runner's state before this test began (what Locust's listeners read).
   */
  async testStart(stateBefore?: string): Promise<void> {
    this.testRunning = true;
    if (this.runner.host !== null) this.environment.host = this.runner.host;
    this.stateForListeners = stateBefore ?? null;
    try {
      await this.events.testStart.fireAndWait({ environment: this.environment });
    } finally {
      this.stateForListeners = null;
    }
  }

  /** Users per class when the last test began to stop (Locust's `final_user_classes_count`, for the report). */
  finalUserClassesCount: Record<string, number> = {};

  /**
   * Before the workers are told to stop (also when quitting a running test); resolves when the
   * listeners are done (async ones awaited, as Locust's blocking listeners hold `stop()`).
   */
  async testStopping(): Promise<void> {
    this.finalUserClassesCount = { ...this.runner.userClassesCount() };
    if (this.testRunning) await this.events.testStopping.fireAndWait({ environment: this.environment });
  }

  /** The workers stopped (or the master quit): once per test; async listeners are awaited. */
  async testStop(): Promise<void> {
    if (!this.testRunning) return;
    this.testRunning = false;
    await this.events.testStop.fireAndWait({ environment: this.environment });
  }

  spawningComplete(userCount: number): void {
    this.stateForListeners = 'spawning';
    try {
      this.events.spawningComplete.fire({ userCount });
    } finally {
      this.stateForListeners = null;
    }
  }

  resetStats(): void {
    this.events.resetStats.fire({});
  }

  workerConnect(clientId: string): void {
    if (!this.local) this.events.workerConnect.fire({ clientId });
  }

  /** A worker's `stats` (with the extra keys its reportToMaster listeners or Python plugins added). */
  workerReport(clientId: string, data: StatsReportData): void {
    if (!this.local && this.events.workerReport.hasListeners) {
      this.events.workerReport.fire({ clientId, data: data as unknown as Record<string, unknown> });
    }
  }

  /** True once {@link quitting} ran: the CLI then only fires `quit`. */
  quittingFired = false;

  /** Locust's `shutdown()`: `quitting` listeners (reverse order, awaited) before the exit code is decided. */
  async quitting(): Promise<void> {
    if (this.quittingFired) return;
    this.quittingFired = true;
    this.monitor?.stop();
    await this.events.quitting.fireAndWait({ environment: this.environment }, { reverse: true });
  }

  heartbeatSent(clientId: string): void {
    if (!this.local && this.events.heartbeatSent.hasListeners) this.events.heartbeatSent.fire({ clientId, timestamp: nowSeconds() });
  }
}
