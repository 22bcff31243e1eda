/**
 * `runMaster(options)`: everything `locust --master` does, as a library call the CLI maps Locust's
 * flags onto. Binds the ROUTER, learns the user classes, then either runs headless (Locust's
 * `--headless` flags) or serves the web UI, and resolves `done` with the process exit code.
 */
import {
  Closers,
  DEFAULT_MASTER_PORT,
  DEFAULT_WEB_PORT,
  type Environment,
  LOCUST_PROTOCOL_VERSION,
  LOCUST_TS_RELEASE,
  type LoadShape,
  MasterSocket,
  MasterStartError,
  type WebUiApp,
  createWebUi,
} from '@locust-ts/protocol';
import type { FastifyInstance } from 'fastify';
import { ShutdownTrigger, StatsPrinter, exitCodeOf, printFinalSummary, runHeadless } from './headless/headless-run.js';
import { type LogLevel, MasterLogger, type TextSink } from './log/master-logger.js';
import type { StatsCsvFileWriter } from './report/csv-files.js';
import { MasterRunner } from './runner/master-runner.js';
import { isBuiltinShape } from './shapes/index.js';
import type { ScaleRecorder } from './scale/recorder.js';
import type { ScaleSession, ScaleWatchOptions } from './scale/session.js';
import { type UserClassSources, resolveUserClasses } from './user-classes/index.js';
import type { WebUiHandle, WebUiOptions } from './web/options.js';
import type { MasterRunnerView } from './runner/runner-view.js';
import type { MasterEnvironmentOptions } from './runner/master-environment.js';

/**
 * Options of a Locust master. Names follow Locust's flags (`--expect-workers` → `expectWorkers`);
 * defaults are Locust's. User classes come from {@link UserClassSources} (a loaded TypeScript
 * locustfile, a `.py` locustfile read with python3, or class names).
 */
export interface MasterOptions extends UserClassSources, MasterEnvironmentOptions {
  /** `--master-bind-host`: interface for worker connections; `*` (default) = all. */
  masterBindHost?: string;
  /** `--master-bind-port` (default 5557); 0 = a free port (see {@link MasterHandle.port}). */
  masterBindPort?: number;
  /** Called once the runner exists, before it handles any worker message (the CLI fires `init` here). */
  beforeListen?: () => void | Promise<void>;

  /** `-H/--host`: base URL sent to the workers in every `spawn`. */
  host?: string | null;
  /** `--headless`: no web UI; start at once (after `expectWorkers`) and quit after `runTime`. */
  headless?: boolean;
  /** `-u/--users` (headless default 1). */
  users?: number | null;
  /** `-r/--spawn-rate`, users per second (headless default 1). */
  spawnRate?: number | null;
  /** `--arrival-rate`: iterations per second over the locust-ts workers instead of `users` (headless; see `startArrivalRate`). */
  arrivalRate?: number | null;
  /** `--max-users`: the arrival rate's pool of users over the swarm (default 10 × rate). */
  maxUsers?: number | null;
  /** `-t/--run-time` in seconds (the CLI parses `1h30m`); null = until Ctrl+C. */
  runTime?: number | null;
  /** `--expect-workers` (default 1): headless runs wait for this many ready workers. */
  expectWorkers?: number;
  /** `--expect-workers-max-wait` seconds (default 0 = forever); then exit code 1. */
  expectWorkersMaxWait?: number;
  /** `--stop-timeout` seconds: workers let tasks finish this long when stopping. */
  stopTimeout?: number | null;
  /**
   * `--enable-rebalancing`. Accepted for compatibility: this master always moves the users of a
   * worker that joins, leaves or goes missing (at the spawn rate), which is what the flag asks for.
   */
  enableRebalancing?: boolean;
  /** `--reset-stats`: reset statistics once the ramp-up completes. */
  resetStats?: boolean;

  /** `--csv PREFIX`: write PREFIX_stats.csv, _failures.csv, _exceptions.csv, _stats_history.csv. */
  csvPrefix?: string | null;
  /** `--csv-full-history`: a history row per stats entry, not only the total. */
  csvFullHistory?: boolean;
  /** `--print-stats`: the console table in web mode too. */
  printStats?: boolean;
  /** `--only-summary`: no table every 2 s, only the final summary. */
  onlySummary?: boolean;
  /** `--exit-code-on-error` (default 1): exit code when any request failed or an exception was raised. */
  exitCodeOnError?: number;
  /** `--loglevel` (default INFO). */
  loglevel?: LogLevel;
  /** Where logs and stats tables go (default stderr, as Locust). */
  logSink?: TextSink;

  /** `--web-host` (default all interfaces) and `--web-port` (default 8089; 0 = free port). */
  webHost?: string;
  webPort?: number;
  /** `--web-auth user:pass` */
  webAuth?: string | null;
  /** More web UI options (`--web-base-path`, `--class-picker`, …), passed to `startWebUi`. */
  webOptions?: Partial<WebUiOptions>;

  /** Locust's `vars(options)` as the CLI parsed them: sent to workers as `parsed_options`. */
  parsedOptions?: Record<string, unknown>;
  /** Reply `heartbeat` to worker heartbeats (default true; 2.12.1 workers log each reply as unknown). */
  heartbeatReplies?: boolean;
  /** Install SIGTERM/SIGINT handlers that quit the workers and finish (default true). */
  handleSignals?: boolean;
  /** Seconds to wait for workers' reports after a ramp (default 1, Locust's). */
  reportWaitAfterRamp?: number;
  /**
   * A load shape (Locust's LoadTestShape; any object with `tick(runTimeSeconds)`): ticked every
   * second; its answer `[users, spawnRate, userClasses?]` sets the target, null ends the test
   * (headless: quit; web UI: stop). `users`, `spawnRate` and `runTime` are then ignored (with
   * Locust's warning) unless the shape sets `useCommonOptions`. Headless runs start it once
   * `expectWorkers` are ready; in the web UI `POST /swarm` starts it.
   */
  shape?: LoadShape | null;
  /** `--watch-scale`: record a Deployment's replicas and HPA beside the load (`GET /scale`, `--assert-scale`). */
  scaleWatch?: ScaleWatchOptions | null;
}

export interface MasterHandle {
  runner: MasterRunner;
  /** the ROUTER port actually bound */
  port: number;
  /** `--watch-scale`'s recorder (null without it); `setFirstEdgeTime(t)` moves the figures' anchor */
  scale: ScaleRecorder | null;
  /** the web UI address when not headless and the UI started */
  webUrl: string | null;
  /** resolves with the exit code once the master has shut down */
  done: Promise<number>;
  /** quit workers, write the final CSV/summary, close everything; resolves with the exit code */
  quit(): Promise<number>;
}

/** A master that cannot start (port busy, no user classes): one clear line for the CLI to print. */
export { MasterStartError };

/** Start the web UI (loaded only when needed: a headless master never imports the web layer). */
async function startWeb(runner: MasterRunnerView, options: WebUiOptions, app: FastifyInstance | null): Promise<WebUiHandle> {
  const { startWebUi } = await import('./web/index.js');
  return startWebUi(runner, options, app ?? undefined);
}

/**
 * The web server's Fastify instance, before `init` fires: `environment.webUi.app` (Locust's
 * `web_ui.app`), so a locustfile's init listener can add routes. Null for a headless master.
 */
async function createWebBeforeInit(options: MasterOptions, environment: Environment): Promise<FastifyInstance | null> {
  if (options.headless) return null;
  const { createWebApp } = await import('./web/index.js');
  let app: FastifyInstance;
  try {
    app = createWebApp(options.webOptions ?? {});
  } catch (err) {
    throw new MasterStartError(`The web UI could not start: ${(err as Error).message}`);
  }
  environment.webUi ??= createWebUi();
  environment.webUi.app = app as unknown as WebUiApp;
  return app;
}

async function bindSocket(options: MasterOptions, log: MasterLogger): Promise<{ socket: MasterSocket; port: number }> {
  const bindHost = options.masterBindHost ?? '*';
  const wanted = options.masterBindPort ?? DEFAULT_MASTER_PORT;
  const socket = new MasterSocket({ bindHost, port: wanted, log });
  try {
    return { socket, port: await socket.bind() };
  } catch (err) {
    await socket.close();
    const where = bindHost === '*' || bindHost === '' ? String(wanted) : `${bindHost}:${wanted}`;
    throw new MasterStartError(
      `The Locust master port (${where}) was busy or could not be bound. Close any applications using that port - ` +
        `perhaps an old instance of Locust master is still running? (${(err as Error).message})`,
    );
  }
}

/** Locust's warning when `-u`, `-r` or `-t` are given to a shape that does not read them. */
function warnIgnoredShapeOptions(options: MasterOptions, name: string, log: MasterLogger): void {
  if (options.shape?.useCommonOptions) return;
  const given = [
    options.users ? '--users' : null,
    options.spawnRate ? '--spawn-rate' : null,
    // -t caps a built-in shape (locust-ts); a locustfile's shape ignores it, as in Locust
    options.runTime && !isBuiltinShape(options.shape) ? '--run-time' : null,
  ].filter((flag): flag is string => flag !== null);
  if (given.length === 0) return;
  log.warning(
    '--run-time, --users or --spawn-rate have no impact on LoadShapes unless the shape class explicitly reads them. ' +
      'See: docs.locust.io/en/stable/custom-load-shape.html#use-common-options',
    'locust.main',
  );
  log.warning(`The following option(s) will be ignored: ${given.join(', ')} (load shape ${name})`, 'locust.main');
}

export async function runMaster(options: MasterOptions): Promise<MasterHandle> {
  const log = new MasterLogger(options.loglevel ?? 'INFO', options.logSink ?? process.stderr);
  // loaded only when asked for: a plain run (a local headless one above all) starts faster
  const scaleModule = options.scaleWatch ? await import('./scale/session.js') : null;
  const csvModule = options.csvPrefix ? await import('./report/csv-files.js') : null;
  let userClasses;
  try {
    userClasses = await resolveUserClasses(options);
  } catch (err) {
    throw new MasterStartError((err as Error).message);
  }
  const { socket, port } = await bindSocket(options, log);
  const trigger = new ShutdownTrigger();
  const headless = options.headless ?? false;
  const runner = new MasterRunner(socket, {
    userClasses,
    host: options.host ?? null,
    locustfile: options.locustfile ?? '',
    stopTimeout: options.stopTimeout ?? null,
    parsedOptions: options.parsedOptions ?? {},
    heartbeatReplies: options.heartbeatReplies ?? true,
    resetStats: options.resetStats ?? false,
    headless,
    ...(options.reportWaitAfterRamp !== undefined ? { reportWaitAfterRamp: options.reportWaitAfterRamp } : {}),
    logger: log,
    ...(options.environment ? { environment: options.environment } : {}),
    local: options.local ?? false,
    shape: options.shape ?? null,
    maxUsers: options.maxUsers ?? null,
    edgesCsvPath: options.csvPrefix ? `${options.csvPrefix}_edges.csv` : null,
    onShapeEnd: () => {
      if (headless) trigger.trigger('shape');
      else void runner.stop();
    },
    onRunTimeLimit: () => {
      log.info('--run-time limit reached, shutting down', 'locust.main');
      if (headless) trigger.trigger('run-time');
      else void runner.stop();
    },
  });
  let webApp: FastifyInstance | null;
  try {
    webApp = await createWebBeforeInit(options, runner.locust.environment);
  } catch (err) {
    await runner.quit();
    throw err;
  }
  // Locust fires `init` after creating the runner and before its greenlets handle any message
  await options.beforeListen?.();
  void runner.listen();
  // a local run is Locust's LocalRunner to the person watching: no port, Locust's "Starting Locust" line
  const local = options.local ?? false;
  const startingLine = `Starting locust-ts ${LOCUST_TS_RELEASE}`;
  const classesLine = `User classes: ${userClasses.map((c) => (c.fixedCount ? `${c.name} (fixed ${c.fixedCount})` : `${c.name} (weight ${c.weight})`)).join(', ')}`;
  if (local) {
    log.debug(classesLine, 'locust.main');
  } else {
    log.info(`Starting locust-ts ${LOCUST_TS_RELEASE} master (Locust protocol up to ${LOCUST_PROTOCOL_VERSION}, workers connect to port ${port})`, 'locust.main');
    log.info(classesLine, 'locust.main');
  }

  if (options.shape) warnIgnoredShapeOptions(options, runner.shapeName ?? '', log);

  const scale: ScaleSession | null =
    options.scaleWatch && scaleModule ? new scaleModule.ScaleSession(options.scaleWatch, runner, runner.locust.environment.events, log, options.csvPrefix ?? null) : null;
  scale?.start();
  // figures and --assert-scale windows count from the first pulse edge when there is one
  if (scale) runner.onEdgePlanned((startAt) => scale.recorder.setFirstEdgeTime(startAt));
  const csv: StatsCsvFileWriter | null = options.csvPrefix && csvModule ? new csvModule.StatsCsvFileWriter(runner, options.csvPrefix, options.csvFullHistory ?? false) : null;
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info(`Got ${signal} signal`, 'locust.main');
    trigger.trigger(signal);
  };
  if (options.handleSignals ?? true) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  const removeSignals = (): void => {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
  };

  let webUrl: string | null = null;
  let done: Promise<number>;
  if (headless) {
    const printStats = !options.onlySummary;
    done = runHeadless(
      runner,
      {
        users: options.users ?? null,
        spawnRate: options.spawnRate ?? null,
        runTime: options.runTime ?? null,
        expectWorkers: options.expectWorkers ?? 1,
        expectWorkersMaxWait: options.expectWorkersMaxWait ?? 0,
        arrivalRate: options.arrivalRate ?? null,
        maxUsers: options.maxUsers ?? null,
        printStats,
        exitCodeOnError: options.exitCodeOnError ?? 1,
        capShapeRunTime: isBuiltinShape(options.shape),
        ...(local ? { localStartingLine: startingLine } : {}),
      },
      log,
      trigger,
      csv,
      scale ? (reason) => scale.beforeQuit(reason) : undefined,
    );
  } else {
    let web: WebUiHandle | null = null;
    try {
      web = await startWeb(runner, {
        host: options.webHost ?? '',
        port: options.webPort ?? DEFAULT_WEB_PORT,
        ...(options.webAuth ? { auth: options.webAuth } : {}),
        numUsers: options.users ?? null,
        spawnRate: options.spawnRate ?? null,
        arrivalRate: options.arrivalRate ?? null,
        maxUsers: options.maxUsers ?? null,
        fullHistoryCsvPath: options.csvPrefix && options.csvFullHistory ? `${options.csvPrefix}_stats_history.csv` : null,
        version: `locust-ts ${LOCUST_TS_RELEASE}`,
        log: (line) => log.info(line, 'locust.web'),
        ...options.webOptions,
        scale: scale?.recorder ?? null,
        parsedOptions: runner.locust.environment.parsedOptions,
        ...(runner.locust.environment.webUi ? { templateArgs: runner.locust.environment.webUi.templateArgs } : {}),
        // the runner knows whether a shape drives it
        isShape: runner.shapeName !== null,
        ...(runner.shapeName !== null ? { shapeName: runner.shapeName, shapeUseCommonOptions: runner.shapeUsesCommonOptions } : {}),
      }, webApp);
    } catch (err) {
      await scale?.recorder.stop();
      await runner.quit();
      throw new MasterStartError(`The web UI could not start: ${(err as Error).message}`);
    }
    webUrl = web.url;
    log.info(`Starting web interface at ${web.url}`, 'locust.main');
    // Locust's LocalRunner is ready at once; here the in-process worker registers first: the line says the UI can swarm
    if (local) void runner.whenWorkersReady(options.expectWorkers ?? 1, trigger.fired).then((ready) => ready && log.info(startingLine, 'locust.main'));
    // closed after the final summary, newest first: the CSV writer, then the web UI
    const closers = new Closers((name, err) => log.error(`Closing ${name} failed: ${(err as Error).message}`, 'locust.main'));
    const server = web;
    closers.add('web UI', () => server.close());
    const printer = options.printStats && !options.onlySummary ? new StatsPrinter(runner, log) : null;
    printer?.start();
    csv?.start();
    if (csv) closers.add('CSV files', () => csv.close());
    done = (async () => {
      const reason = await trigger.fired;
      await scale?.beforeQuit(reason);
      printer?.stop();
      await runner.locust.quitting();
      await runner.quit();
      const code = exitCodeOf(runner, options.exitCodeOnError ?? 1);
      log.info(`Shutting down (exit code ${code})`, 'locust.main');
      printFinalSummary(runner, log);
      await closers.close();
      return code;
    })();
  }
  if (scale) done = done.then((code) => scale.finish(code));
  done = done.finally(removeSignals);
  return {
    runner,
    port,
    scale: scale?.recorder ?? null,
    get webUrl() {
      return webUrl;
    },
    done,
    quit: () => {
      trigger.trigger('quit');
      return done;
    },
  };
}
