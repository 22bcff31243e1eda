/**
 * The worker's side of the locustfile API: its `environment` (what users see as
 * `this.environment`), its `environment.runner`, and Locust's events at the moments a Locust
 * worker fires them (locust/runners.py WorkerRunner, newest Locust). The worker runner calls one
 * method here per moment; a local run's in-process worker leaves the runner events (test start
 * and stop, spawning complete, reports, heartbeats) to the local runner, as Locust's LocalRunner
 * fires each once.
 */
import {
  type CustomMessageEnvelope,
  type Environment,
  type LocustRunner,
  type MessageHandler,
  type StatsReportData,
  createEnvironment,
  fireUsageEvents,
  pyRepr,
  nowSeconds,
  errorReport,
  workerNodes,
} from '@locust-ts/protocol';
import type { StopTest } from '../errors.js';
import type { HttpContext } from '../http/session.js';
import type { Logger } from '../logger.js';
import type { StatsRecorder } from '../runtime/stats-recorder.js';
import { filterTasksByTags } from '../runtime/tag-filter.js';
import type { UserClassInfo } from '../runtime/user-class-info.js';
import { exceptionData } from '../runtime/traceback.js';
import type { UserEnvironment } from '../user.js';

/** Options every Locust worker takes from the master's `parsed_options` besides custom ones. */
const ALWAYS_FROM_MASTER = ['expect_workers', 'tags', 'exclude_tags'];

/** What this file needs of the worker runner. */
export interface WorkerRunnerLike {
  readonly clientId: string;
  readonly workerIndex: number;
  readonly userCount: number;
  readonly state: string;
  readonly targetUserCount: number;
  readonly targetUserClassesCount: Record<string, number>;
  readonly spawning: Promise<void> | null;
  userClassesCount(): Record<string, number>;
  registerMessage(type: string, handler: (data: unknown) => void): void;
  sendMessage(type: string, data: unknown): Promise<void>;
  stopUsers(): Promise<void>;
  quit(): Promise<void>;
}

export interface WorkerEnvironmentOptions {
  /** The process's environment (the CLI's); default: a new one. */
  environment?: Environment;
  /** false for a local run's in-process worker: the local runner fires the runner events. */
  fireRunnerEvents?: boolean;
  /**
   * Keys of Locust's own options; every other key of the master's `parsed_options` is a custom
   * argument and is copied into `environment.parsedOptions` (Locust's `custom_args_from_master`).
   * Default: copy keys this worker does not have.
   */
  standardOptionKeys?: ReadonlySet<string>;
  /** A task raised StopTest; default: stop this worker's users (Locust's worker `runner.stop()`). */
  onStopTest?: (err: StopTest) => void;
}

export class WorkerEnvironment {
  readonly environment: UserEnvironment;
  private readonly runnerEvents: boolean;
  private testRunning = false;
  private testStopped = false;
  /**
   * Locust's `runner.state` on a worker (its Runner's, not the `worker_state` of its heartbeats):
   * ready → spawning when users start → running once spawning_complete's listeners ran →
   * cleanup while they stop → stopped.
   */
  state = 'ready';
  /** users per class when the last test began to stop (Locust's `final_user_classes_count`) */
  finalUserClassesCount: Record<string, number> = {};
  /** the master replies to heartbeats or sends `spawning_complete` (newest protocol) */
  masterSpeaksNewest = false;

  constructor(
    private readonly runner: WorkerRunnerLike,
    private readonly options: WorkerEnvironmentOptions,
    internals: { http: HttpContext; logger: Logger; stats: StatsRecorder; host: string | undefined },
  ) {
    const env = options.environment ?? createEnvironment();
    // users get the process's environment object itself, so a listener's change is seen by all
    this.environment = Object.assign(env, { http: internals.http, logger: internals.logger });
    env.host ??= internals.host;
    env.stats ??= internals.stats.stats;
    this.runnerEvents = options.fireRunnerEvents ?? true;
    if (this.runnerEvents || env.runner === null) env.runner = this.locustRunner();
    const stats = internals.stats;
    // events.request fired by a locustfile (a non-HTTP user) counts in this worker's stats
    env.events.request.statsSink = (a) => {
      stats.logRequest(a.requestType, a.name, a.responseTime, a.responseLength);
      if (a.exception !== null && a.exception !== undefined) stats.logError(a.requestType, a.name, errorText(a.exception));
    };
  }

  private get logger(): Logger {
    return this.environment.logger;
  }

  /** `environment.runner` on a worker. */
  private locustRunner(): LocustRunner {
    const runner = this.runner;
    const env = this.environment;
    const stats = this.environment.stats!;
    const self = this;
    return {
      mode: 'worker',
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
        return { ...runner.targetUserClassesCount };
      },
      // Locust's worker has neither: its master keeps the rate and the workers
      spawnRate: null,
      workerCount: null,
      clients: workerNodes(() => []),
      get state() {
        return self.state;
      },
      get workerIndex() {
        return runner.workerIndex;
      },
      clientId: runner.clientId,
      stats,
      environment: env,
      get spawningGreenlet() {
        return runner.spawning;
      },
      get finalUserClassesCount() {
        return self.finalUserClassesCount;
      },
      registerMessage: (type: string, handler: MessageHandler) =>
        runner.registerMessage(type, (data) => {
          const msg: CustomMessageEnvelope = { type, data, nodeId: runner.clientId };
          try {
            const result = handler(env, msg);
            if (result instanceof Promise) result.catch((err: unknown) => this.handlerFailed(type, err));
          } catch (err) {
            this.handlerFailed(type, err);
          }
        }),
      sendMessage: (type: string, data?: unknown) => void runner.sendMessage(type, data ?? null),
      stop: () => this.stopTest(),
      quit: () => runner.quit(),
    };
  }

  private handlerFailed(type: string, err: unknown): void {
    this.logger.error(`Uncaught exception in handler for ${type}: ${errorReport(err)}`);
  }

  /**
   * A spawn message: custom options from the master; the first of a test starts it. Resolves
   * once the `testStart` listeners (async ones awaited) are done: Locust's worker runs test_start
   * before it spawns a user.
   */
  async spawn(parsedOptions: Record<string, unknown>, classes: readonly UserClassInfo[], starting: boolean): Promise<void> {
    const own = this.environment.parsedOptions;
    const standard = this.options.standardOptionKeys;
    for (const [key, value] of Object.entries(parsedOptions)) {
      const custom = standard ? !standard.has(key) : !(key in own);
      if (custom || ALWAYS_FROM_MASTER.includes(key)) own[key] = value;
    }
    if (!starting) return;
    filterTasksByTags(classes, own.tags, own.exclude_tags, this.logger);
    this.testRunning = true;
    this.testStopped = false;
    if (this.runnerEvents) await this.environment.events.testStart.fireAndWait({ environment: this.environment });
  }

  /** Before the users stop (a `stop` or `quit` from the master, or StopTest); async listeners are awaited. */
  async stopping(): Promise<void> {
    if (this.testStopped) return;
    this.finalUserClassesCount = { ...this.runner.userClassesCount() };
    if (this.runnerEvents) await this.environment.events.testStopping.fireAndWait({ environment: this.environment });
    this.state = 'cleanup';
  }

  /** A spawn's users start (Locust's `spawn_users`). */
  spawnApplied(): void {
    if (this.state === 'ready' || this.state === 'stopped') this.state = 'spawning';
  }

  /** After the users stopped; async listeners are awaited. */
  async stopped(): Promise<void> {
    if (this.testStopped) return;
    this.testStopped = true;
    this.testRunning = false;
    this.state = 'stopped';
    if (this.runnerEvents) await this.environment.events.testStop.fireAndWait({ environment: this.environment });
  }

  /**
   * A spawn was applied. A 2.12-era master sends no `spawning_complete`: its workers fire the event
   * after each spawn (Locust 2.12.1's `start_worker`). A master that sent a heartbeat or
   * `spawning_complete` is a newest one; then the event waits for its message.
   */
  spawned(): void {
    if (this.runnerEvents && !this.masterSpeaksNewest) this.environment.events.spawningComplete.fire({ userCount: this.runner.userCount });
    // Locust's runner turns `running` in its own spawning_complete listener, after the locustfile's
    if (!this.masterSpeaksNewest) this.state = 'running';
  }

  /** The master's `spawning_complete` (newest Locust fires the worker's event on it). */
  spawningComplete(data: unknown): void {
    this.masterSpeaksNewest = true;
    if (!this.runnerEvents) return;
    const userCount = (data as { user_count?: unknown } | null)?.user_count;
    this.environment.events.spawningComplete.fire({ userCount: typeof userCount === 'number' ? userCount : this.runner.userCount });
    this.state = 'running';
  }

  heartbeatReceived(): void {
    this.masterSpeaksNewest = true;
    if (this.runnerEvents) this.environment.events.heartbeatReceived.fire({ clientId: this.runner.clientId, timestamp: nowSeconds() });
  }

  /** The `stats` message about to leave: `reportToMaster` listeners add their keys to it. */
  report(data: StatsReportData): StatsReportData {
    if (this.runnerEvents && this.environment.events.reportToMaster.hasListeners) {
      this.environment.events.reportToMaster.fire({ clientId: this.runner.clientId, data: data as unknown as Record<string, unknown> });
    }
    return data;
  }

  userError(err: unknown, owner: unknown): void {
    const events = this.environment.events;
    if (events.userError.hasListeners) events.userError.fire({ userInstance: owner, exception: err, tb: exceptionData(err).traceback });
  }

  usageSample(cpuUsage: number, memoryUsage: number): void {
    fireUsageEvents(this.environment, cpuUsage, memoryUsage);
  }

  /** A task raised StopTest: Locust logs it and stops the runner. */
  stopTestRaised(err: StopTest): void {
    this.logger.error(err.message || 'StopTest');
    this.logger.warning('Stopping Locust...');
    if (this.options.onStopTest) this.options.onStopTest(err);
    else void this.stopTest();
  }

  private async stopTest(): Promise<void> {
    if (!this.testRunning) return;
    await this.stopping();
    await this.runner.stopUsers();
    await this.stopped();
  }
}

function errorText(exception: unknown): string {
  if (exception instanceof Error) return `${exception.name}(${pyRepr(exception.message)})`;
  return String(exception);
}
