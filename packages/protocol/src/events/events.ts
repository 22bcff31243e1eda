/**
 * Locust's events (locust/event.py, 2.12.1 plus the newest Locust's `worker_connect`,
 * `heartbeat_sent`, `heartbeat_received` and `usage_monitor`) with camelCase names. Listener
 * arguments are one object with Locust's keyword arguments in camelCase:
 *
 *   events.testStart.addListener(({ environment }) => { ... });
 *   events.request.addListener(({ requestType, name, responseTime, exception }) => { ... });
 *
 * Which process fires what is Locust's: runner events on the node whose runner it is (master,
 * worker, or the local run's one runner), `request` where the request was made.
 */
import { CPU_WARNING_THRESHOLD } from '../constants.js';
import type { RequestStats } from '../stats/request-stats.js';
import { EventHook } from './event-hook.js';

/** A custom message as a handler sees it (Locust's `msg`: `.type`, `.data`, `.node_id`). */
export interface CustomMessageEnvelope {
  type: string;
  data: unknown;
  nodeId: string;
}

/** `runner.registerMessage(type, (environment, msg) => ...)`, as Locust's `register_message`. */
export type MessageHandler = (environment: Environment, msg: CustomMessageEnvelope) => unknown;

/** What a locustfile sees of its process's runner (`environment.runner`). */
export interface LocustRunner {
  /** `'master' | 'worker' | 'local'` */
  readonly mode: 'master' | 'worker' | 'local';
  readonly userCount: number;
  /** Running users per user class (Locust's `runner.user_classes_count`); on a master, summed over its workers. */
  readonly userClassesCount: Record<string, number>;
  /** Locust's state names: ready, spawning, running, stopping, stopped, missing, ... */
  readonly state: string;
  /** This worker's index from the master's `ack` (-1 on a master or before the ack). */
  readonly workerIndex: number;
  /** Handle a custom message type sent by the other side. */
  registerMessage(type: string, handler: MessageHandler): void;
  /** Send a custom message: a worker to its master; a master to `clientId` or every worker. */
  sendMessage(type: string, data?: unknown, clientId?: string): void;
  /** Stop the test (master/local: every worker; worker: its own users). */
  stop(): void | Promise<void>;
  /** End this process's runner (Locust's `runner.quit()`). */
  quit(): void | Promise<void>;
}

/** `this.environment` of users, task sets, shapes and listeners (Locust's Environment). */
export interface Environment {
  readonly events: Events;
  /** null until the runner exists (while the locustfile is imported and in `initCommandLineParser`) */
  runner: LocustRunner | null;
  /** Every option by Locust's `dest` name (`num_users`, `host`, custom ones too): `vars(options)`. */
  parsedOptions: Record<string, unknown>;
  /** The host users send to (`-H`, the master's spawn, or the web form). */
  host: string | undefined;
  /** This process's request statistics. */
  stats: RequestStats | null;
  /** Set it (e.g. in a `quitting` listener) to decide the process exit code, like Locust. */
  processExitCode: number | null;
  /** the web UI (login page settings), null in headless runs and on workers */
  webUi?: WebUi | null;
}

export interface EnvironmentArgs {
  environment: Environment;
}

/** What `events.request` carries (Locust's `request` event arguments). */
export interface RequestEventArgs {
  requestType: string;
  name: string;
  /** ms */
  responseTime: number;
  responseLength: number;
  /** the response object (HttpResponse for HTTP users), or null */
  response?: unknown;
  /** the request context (`context` option / the user's `context()`) */
  context?: Record<string, unknown>;
  /** null/undefined for a success; an Error or a message for a failure */
  exception?: unknown;
  /** epoch seconds when the request started */
  startTime?: number;
  url?: string;
}

/**
 * `events.request`. Firing it from a locustfile (a non-HTTP user) counts the request in the
 * stats, as Locust's own stats listener does; the built-in HTTP client counts its requests
 * directly (the hot path) and calls only the locustfile's listeners, and only when there are any.
 */
export class RequestEventHook extends EventHook<RequestEventArgs> {
  /** The worker's stats recorder; set by the worker runner of this process. */
  statsSink: ((args: RequestEventArgs) => void) | null = null;

  override fire(args: RequestEventArgs): void {
    this.statsSink?.(args);
    super.fire(args);
  }

  /** Only the listeners: the caller has counted the request itself. */
  fireListeners(args: RequestEventArgs): void {
    super.fire(args);
  }

  /**
   * The newest Locust's `events.request.measure(request_type, name)` context manager: runs `work`,
   * then fires the event with the time it took; if `work` throws, the error is the request's
   * `exception` and is not thrown further (as Locust's `with` block swallows it). `work` may change
   * the fields of `meta` (e.g. `responseLength`, `name`) before the event fires.
   */
  async measure(
    requestType: string,
    name: string,
    work: (meta: RequestEventArgs) => unknown,
    options: { responseLength?: number; context?: Record<string, unknown> } = {},
  ): Promise<RequestEventArgs> {
    const meta: RequestEventArgs = {
      requestType,
      name,
      responseLength: options.responseLength ?? 0,
      context: options.context ?? {},
      exception: null,
      startTime: Date.now() / 1000,
      responseTime: 0,
    };
    const started = performance.now();
    try {
      await work(meta);
    } catch (err) {
      meta.exception = err;
    } finally {
      meta.responseTime = performance.now() - started;
      this.fire(meta);
    }
    return meta;
  }
}

/** What `initCommandLineParser` listeners get: `parser.addArgument('--my-arg', {...})`. */
export interface ArgumentOptions {
  default?: string | number | boolean | null;
  help?: string;
  /** shown in the web UI's start form (default true, as Locust) */
  includeInWebUi?: boolean;
  /** masked in the web UI */
  isSecret?: boolean;
  isRequired?: boolean;
  choices?: ReadonlyArray<string>;
  /** how the text becomes a value (default from `default`'s type, else string) */
  type?: 'string' | 'int' | 'float' | 'flag';
  /** `store_true`, as argparse's `action='store_true'` */
  action?: 'store_true' | 'store_false';
  /** `LOCUST_*` variable (default: `LOCUST_` + the name upper-cased, dashes as underscores) */
  envVar?: string;
  metavar?: string;
  dest?: string;
}

export interface ArgumentParser {
  addArgument(flag: string, options?: ArgumentOptions): void;
  addArgument(shortFlag: string, flag: string, options?: ArgumentOptions): void;
  /** argparse's group call; groups only arrange `--help` */
  addArgumentGroup(title: string): ArgumentParser;
}

/** The login page's content (the newest Locust's `web_ui.auth_args`, camelCase). */
export interface AuthArgs {
  /** where the username/password form posts (default `/login_submit`, under `--web-base-path`) */
  usernamePasswordCallback?: string;
  /** the page's title */
  title?: string;
  info?: string;
  error?: string;
  authProviders?: Array<{ label: string; iconUrl: string; callbackUrl: string }>;
}

export interface LoginAttempt {
  username: string;
  password: string;
  /** every field the form posted */
  form: Record<string, string>;
}

/**
 * `environment.webUi` / the `webUi` of `init` (Locust's `web_ui`), null in headless runs. With
 * `--web-login`, `authArgs` shapes the login page and `authenticate` decides a login (what a
 * Locust locustfile does with flask-login's `login_user` in its callback route).
 */
export interface WebUi {
  authArgs: AuthArgs;
  authenticate: ((attempt: LoginAttempt) => boolean | Promise<boolean>) | null;
}

export interface InitArgs extends EnvironmentArgs {
  runner: LocustRunner | null;
  webUi: WebUi | null;
}

export interface ClientDataArgs {
  clientId: string;
  data: Record<string, unknown>;
}

export class Events {
  readonly init = new EventHook<InitArgs>();
  readonly initCommandLineParser = new EventHook<{ parser: ArgumentParser }>();
  readonly testStart = new EventHook<EnvironmentArgs>();
  readonly testStopping = new EventHook<EnvironmentArgs>();
  readonly testStop = new EventHook<EnvironmentArgs>();
  readonly spawningComplete = new EventHook<{ userCount: number }>();
  readonly quitting = new EventHook<EnvironmentArgs>();
  readonly quit = new EventHook<{ exitCode: number }>();
  readonly request = new RequestEventHook();
  readonly userError = new EventHook<{ userInstance: unknown; exception: unknown; tb: string }>();
  readonly resetStats = new EventHook<Record<string, never>>();
  /** worker: add keys to `data` (the next `stats` message) */
  readonly reportToMaster = new EventHook<ClientDataArgs>();
  /** master: a worker's `stats` message (with the keys its reportToMaster listeners added) */
  readonly workerReport = new EventHook<ClientDataArgs>();
  readonly workerConnect = new EventHook<{ clientId: string }>();
  readonly heartbeatSent = new EventHook<{ clientId: string; timestamp: number }>();
  readonly heartbeatReceived = new EventHook<{ clientId: string; timestamp: number }>();
  readonly cpuWarning = new EventHook<EnvironmentArgs & { cpuUsage: number }>();
  readonly usageMonitor = new EventHook<EnvironmentArgs & { cpuUsage: number; memoryUsage: number }>();
}

/**
 * One sample of Locust's `monitor_cpu_and_memory` (every CPU_MONITOR_INTERVAL on every runner):
 * `cpuWarning` on each sample above the threshold, then `usageMonitor` on every sample.
 */
export function fireUsageEvents(environment: Environment, cpuUsage: number, memoryUsage: number): void {
  if (cpuUsage > CPU_WARNING_THRESHOLD) environment.events.cpuWarning.fire({ environment, cpuUsage });
  environment.events.usageMonitor.fire({ environment, cpuUsage, memoryUsage });
}

/** The process's events: what `import { events } from 'locust-ts'` gives. */
export const events = new Events();

/** A fresh environment on the process's events. */
export function createEnvironment(init: Partial<Omit<Environment, 'events'>> = {}): Environment {
  return {
    events,
    runner: init.runner ?? null,
    parsedOptions: init.parsedOptions ?? {},
    host: init.host,
    stats: init.stats ?? null,
    processExitCode: init.processExitCode ?? null,
  };
}
