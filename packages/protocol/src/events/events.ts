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

/**
 * What `initCommandLineParser` listeners get: `parser.addArgument('--my-arg', {...})`, Locust's
 * `parser.add_argument` with its keys in camelCase. As in argparse, only `action` decides whether
 * an option takes a value: `{ default: true }` takes one (`--my-flag false` gives the text
 * 'false'), `{ action: 'store_true' }` is a bare flag. A key Locust does not have is refused.
 */
export interface ArgumentOptions {
  default?: string | number | boolean | null | ReadonlyArray<string | number>;
  help?: string;
  /** shown in the web UI's start form (default true, as Locust) */
  includeInWebUi?: boolean;
  /** masked in the web UI (newest Locust's `is_secret`) */
  isSecret?: boolean;
  /** a required field of the web UI's form (newest Locust's `is_required`; the command line: `required`) */
  isRequired?: boolean;
  /** a multiple-select field of the web UI's form (newest Locust's `is_multiple`, with `choices`) */
  isMultiple?: boolean;
  /** argparse's `required=True`: the command line must give it */
  required?: boolean;
  choices?: ReadonlyArray<string | number>;
  /** argparse's `type=`: how the text becomes a value ('string' = str, 'int', 'float', or a function) */
  type?: 'string' | 'int' | 'float' | 'flag' | ((text: string) => unknown);
  /** argparse's `action=` ('store' takes a value, the default) */
  action?: 'store' | 'store_true' | 'store_false' | 'append';
  /** argparse's `nargs='*'` / `'+'`: the values up to the next option, as a list */
  nargs?: '*' | '+';
  /** ConfigArgParse's `env_var=`: read from this environment variable (none unless given, as Locust) */
  envVar?: string;
  metavar?: string;
  dest?: string;
}

/** The keys of {@link ArgumentOptions}: any other key is refused (argparse raises TypeError). */
export const ARGUMENT_OPTION_KEYS: readonly (keyof ArgumentOptions)[] = [
  'default', 'help', 'includeInWebUi', 'isSecret', 'isRequired', 'isMultiple', 'required', 'choices', 'type', 'action',
  'nargs', 'envVar', 'metavar', 'dest',
];

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

/** A request to a locustfile's route (Fastify's request: cast to `FastifyRequest` for the rest). */
export interface WebUiRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  query: unknown;
  params: unknown;
  body: unknown;
}

/** The reply of a locustfile's route (Fastify's reply: cast to `FastifyReply` for the rest). */
export interface WebUiReply {
  code(statusCode: number): WebUiReply;
  header(name: string, value: unknown): WebUiReply;
  type(contentType: string): WebUiReply;
  send(payload?: unknown): WebUiReply;
}

/** A route handler: what it returns (text, an object → JSON) is the answer, as in Fastify. */
export type WebUiHandler = (request: WebUiRequest, reply: WebUiReply) => unknown;

/**
 * The master's web server (Locust's `web_ui.app`, a Flask app there): the Fastify instance that
 * serves the UI, behind the same `--web-auth`/`--web-login`. Typed here by what a locustfile
 * uses; it is the whole `FastifyInstance` (`webUi.app as unknown as FastifyInstance`).
 */
export interface WebUiApp {
  get(path: string, handler: WebUiHandler): unknown;
  post(path: string, handler: WebUiHandler): unknown;
  put(path: string, handler: WebUiHandler): unknown;
  delete(path: string, handler: WebUiHandler): unknown;
  route(options: { method: string | string[]; url: string; handler: WebUiHandler }): unknown;
  /** Locust's `app.after_request`: `onSend` may replace the payload (e.g. add `extended_stats`) */
  addHook(name: 'onSend', hook: (request: WebUiRequest, reply: WebUiReply, payload: unknown) => Promise<unknown>): unknown;
  addHook(name: 'onRequest' | 'preHandler', hook: (request: WebUiRequest, reply: WebUiReply) => Promise<unknown>): unknown;
}

/**
 * `environment.webUi` / the `webUi` of `init` (Locust's `web_ui`), null in headless runs and on
 * workers. `app` is the master's web server (add routes in an `init` listener, as Locust's
 * `web_ui.app.route`); `templateArgs` is merged over the page's template args (Locust's
 * `web_ui.template_args`: `extended_tabs`, `extended_tables`, `extended_csv_files`). With
 * `--web-login`, `authArgs` shapes the login page and `authenticate` decides a login (what a
 * Locust locustfile does with flask-login's `login_user` in its callback route).
 */
export interface WebUi {
  authArgs: AuthArgs;
  authenticate: ((attempt: LoginAttempt) => boolean | Promise<boolean>) | null;
  app: WebUiApp;
  templateArgs: Record<string, unknown>;
}

/** A WebUi whose `app` the master attaches when it creates its web server (before `init`). */
export function createWebUi(): WebUi {
  let app: WebUiApp | null = null;
  return {
    authArgs: {},
    authenticate: null,
    templateArgs: {},
    get app(): WebUiApp {
      if (!app) throw new Error('webUi.app is attached when the master creates its web server: use it in an init listener');
      return app;
    },
    set app(value: WebUiApp) {
      app = value;
    },
  };
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
