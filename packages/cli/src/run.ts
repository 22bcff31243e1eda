/**
 * From parsed options to a running process: worker, worker processes, master, or local run.
 * Every mode handles SIGTERM/SIGINT itself and resolves with the process exit code.
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Closers, createWebUi, type UserClassDescription } from '@locust-ts/protocol';
import { type BuiltinShape, MasterStartError, processHtmlFilename, resolveUserClasses, runMaster, type MasterHandle } from '@locust-ts/master';
import {
  LocustfileError,
  asMasterShape,
  consoleLogger,
  loadLocustfile,
  runWorker,
  type LoadTestShape,
  type Locustfile,
  type LogLevel as WorkerLogLevel,
  type WorkerHandle,
} from '@locust-ts/worker';
import type { Environment } from '@locust-ts/protocol';
import { CliLogger } from './log.js';
import type { Prepared } from './prepare.js';
import { type CustomOptionSpec, webUiExtraOptions } from './custom-arguments.js';
import { finishProcess, fireInit, processEnvironment } from './process-environment.js';
import { PARSED_OPTIONS_KEYS } from './option-specs.js';
import { logToFile, writeStatsJson } from './run-outputs.js';
import { locustfileKind, resolveLocustfile } from './locustfile.js';
import { EXIT_INVALID, UsageError, type CliOptions, type ParsedOptions } from './options.js';
import { scaleWatchFor } from './scale-watch.js';
import { onShutdownSignals } from './signals.js';
import { WorkerProcesses } from './worker-processes.js';
import { checkOneShape, parseShapeOption, withEndHook } from './shape-option.js';

const LOOPBACK = '127.0.0.1';
/** After the master quit, in-process workers get this long to close their sockets. */
const LOCAL_WORKER_CLOSE_MS = 5_000;
/** How often `--autostart` reports that it is waiting for workers. */
const AUTOSTART_WAIT_INTERVAL_MS = 1_000;

/** Resolves on the first SIGTERM/SIGINT; a later one exits at once. */
function shutdownSignal(log: CliLogger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    onShutdownSignals(
      (signal) => {
        log.info(`Got ${signal} signal`);
        resolve(signal);
      },
      (signal) => {
        log.warning(`Got ${signal} again, exiting now`);
        process.exit(1);
      },
    );
  });
}

function workerLogLevel(level: CliOptions['loglevel']): WorkerLogLevel {
  return level === 'CRITICAL' ? 'ERROR' : level;
}

async function loadTypeScriptLocustfile(path: string): Promise<Locustfile> {
  try {
    return await loadLocustfile(path);
  } catch (err) {
    if (err instanceof LocustfileError) throw new UsageError(err.message, EXIT_INVALID);
    throw err;
  }
}

/** Worker-side flags handed to forked worker processes. */
function workerExtraArgs(options: CliOptions): string[] {
  const args: string[] = [];
  if (options.host) args.push('-H', options.host);
  return args;
}

/** Locust's own option names: every other key of a master's `parsed_options` is a custom argument. */
const STANDARD_OPTION_KEYS: ReadonlySet<string> = new Set(PARSED_OPTIONS_KEYS);

export async function run(options: CliOptions, parsedOptions: ParsedOptions, prepared?: Prepared): Promise<number> {
  const log = new CliLogger(options.loglevel);
  const locustfile = resolveLocustfile(options.locustfile);
  const kind = locustfileKind(locustfile);
  const environment = processEnvironment(parsedOptions, log);
  const stopLogFile = options.logfile ? logToFile(options.logfile) : null;
  try {
    return await runMode(options, parsedOptions, prepared, log, locustfile, kind, environment);
  } finally {
    stopLogFile?.();
  }
}

async function runMode(
  options: CliOptions,
  parsedOptions: ParsedOptions,
  prepared: Prepared | undefined,
  log: CliLogger,
  locustfile: string,
  kind: ReturnType<typeof locustfileKind>,
  environment: Environment,
): Promise<number> {
  const preloaded = prepared?.file && prepared.file.path === locustfile ? prepared.file : null;

  if (options.worker) {
    if (kind === 'python') {
      throw new UsageError(`${options.locustfile} is a Python locustfile: run it with Python Locust workers (locust -f ${options.locustfile} --worker)`, EXIT_INVALID);
    }
    const file = preloaded ?? (await loadTypeScriptLocustfile(locustfile));
    // Locust lists the user classes and exits before it looks at the mode (main.py): a worker too.
    if (options.list) return listUserClasses(await userClassesOf(options, file));
    const code = options.processes ? await runWorkerProcesses(options, file, log) : await runSingleWorker(options, file, log, environment);
    return options.processes ? code : finishProcess(environment, code, log);
  }

  // options.ts has already refused a bad spec: this cannot throw
  const builtinShape = options.shape === null ? null : parseShapeOption(options.shape);
  const file = kind === 'typescript' ? (preloaded ?? (await loadTypeScriptLocustfile(locustfile))) : null;
  const userClasses = await userClassesOf(options, file, locustfile, prepared?.python?.classes);
  if (options.list) return listUserClasses(userClasses);
  // a .py locustfile: what this master will not run, named once (python-locustfile.ts); a local
  // run of a .py file is refused below with one line instead
  if (options.master) for (const line of prepared?.notices ?? []) log.warning(line);
  const code = await runMasterAndWorkers(options, parsedOptions, locustfile, file, userClasses, log, builtinShape, environment, prepared?.customSpecs ?? []);
  // the master fired `quitting` before it decided the exit code, as Locust's shutdown() does
  return finishProcess(environment, code, log, true);
}

/** The user classes a run would use (the locustfile's, narrowed by the UserClass arguments). */
async function userClassesOf(options: CliOptions, file: Locustfile | null, locustfile?: string, pythonClasses?: UserClassDescription[]): Promise<UserClassDescription[]> {
  try {
    return await resolveUserClasses({
      ...(file ? { userClasses: file.describeUserClasses() } : pythonClasses?.length ? { userClasses: pythonClasses } : { locustfile: locustfile! }),
      userClassNames: options.userClasses,
    });
  } catch (err) {
    throw new UsageError((err as Error).message, EXIT_INVALID);
  }
}

/** `-l`: Locust's listing, then exit 0. */
function listUserClasses(userClasses: readonly UserClassDescription[]): number {
  process.stdout.write(`Available Users:\n${userClasses.map((c) => `    ${c.name}\n`).join('')}`);
  return 0;
}

// ---------------------------------------------------------------- workers

async function runSingleWorker(options: CliOptions, file: Locustfile, log: CliLogger, environment: Environment): Promise<number> {
  const signal = shutdownSignal(log);
  log.info(`Starting locust-ts worker (${file.userClasses.map((c) => c.name).join(', ')}), master ${options.masterHost}:${options.masterPort}`);
  const worker = runWorker({
    userClasses: file.userClasses,
    masterHost: options.masterHost,
    masterPort: options.masterPort,
    ...(options.host ? { host: options.host } : {}),
    logger: consoleLogger(workerLogLevel(options.loglevel)),
    environment,
    standardOptionKeys: STANDARD_OPTION_KEYS,
  });
  fireInit(environment);
  const ended = await Promise.race([worker.done, signal.then(() => null)]);
  if (ended === null) await worker.quit();
  const exit = await worker.done;
  if (exit.exitCode !== 0) log.error(exit.message);
  log.info(`Shutting down (exit code ${exit.exitCode})`);
  return exit.exitCode;
}

async function runWorkerProcesses(options: CliOptions, file: Locustfile, log: CliLogger): Promise<number> {
  const children = new WorkerProcesses({
    count: options.processes!,
    locustfile: file.path,
    masterHost: options.masterHost,
    masterPort: options.masterPort,
    loglevel: options.loglevel,
    extraArgs: workerExtraArgs(options),
    log: (line) => log.info(line),
  });
  const signal = shutdownSignal(log);
  children.start();
  const code = await Promise.race([children.exited, signal.then((s) => children.stop(s === 'SIGINT' ? 'SIGINT' : 'SIGTERM'))]);
  log.info(`Shutting down (exit code ${code})`);
  return code;
}

// ---------------------------------------------------------------- master, local run

async function runMasterAndWorkers(
  options: CliOptions,
  parsedOptions: ParsedOptions,
  locustfile: string,
  file: Locustfile | null,
  userClasses: UserClassDescription[],
  log: CliLogger,
  builtinShape: BuiltinShape | null,
  environment: Environment,
  customSpecs: readonly CustomOptionSpec[],
): Promise<number> {
  const local = !options.master;
  checkOneShape(file?.shapeClass?.name ?? null, builtinShape);
  if (local && !file) {
    throw new UsageError(
      `a local run needs a TypeScript locustfile; for ${options.locustfile} start 'locust-ts --master -f ${options.locustfile}' and Python workers ('locust -f ${options.locustfile} --worker')`,
      EXIT_INVALID,
    );
  }
  // local: one in-process worker, or N worker processes; --master: only --processes N adds workers
  const processCount = options.processes ?? 0;
  const inProcessWorker = local && processCount === 0;
  if (!options.headless) environment.webUi = createWebUi(); // Locust's `web_ui` in init (the master attaches `app`)
  const localWorkers = inProcessWorker ? 1 : processCount;

  if (file?.shapeClass && options.arrivalRate !== null) {
    throw new UsageError(`argument --arrival-rate: not allowed with the load shape ${file.shapeClass.name} in ${options.locustfile} (a shape sets users, not rates)`);
  }
  const shape = file?.shapeClass ? createShape(file) : null;
  let endShape = (): void => undefined;
  const shapeEnded = new Promise<void>((resolve) => (endShape = resolve));
  const masterShape = shape ? asMasterShape(shape, { onEnd: endShape }) : builtinShape ? withEndHook(builtinShape, endShape) : null;
  const signal = shutdownSignal(log);
  const scaleWatch = await scaleWatchFor(options, (line) => log.warning(line));
  let master: MasterHandle;
  try {
    master = await runMaster({
      userClasses,
      locustfile,
      masterBindHost: local ? LOOPBACK : options.masterBindHost,
      // a local run picks a free port, so two local runs never collide
      masterBindPort: local ? 0 : options.masterBindPort,
      host: options.host,
      headless: options.headless,
      users: options.users,
      spawnRate: options.spawnRate,
      arrivalRate: options.arrivalRate,
      maxUsers: options.maxUsers,
      // --autostart runs its own clock (stop, then --autoquit), as Locust does
      runTime: options.autostart && !options.headless ? null : options.runTime,
      expectWorkers: local ? localWorkers : options.expectWorkers,
      expectWorkersMaxWait: options.expectWorkersMaxWait,
      stopTimeout: options.stopTimeout,
      enableRebalancing: options.enableRebalancing,
      resetStats: options.resetStats,
      csvPrefix: options.csvPrefix,
      csvFullHistory: options.csvFullHistory,
      printStats: options.printStats,
      onlySummary: options.onlySummary,
      exitCodeOnError: options.exitCodeOnError,
      loglevel: options.loglevel,
      webHost: options.webHost,
      webPort: options.webPort,
      webAuth: options.webAuth,
      webOptions: {
        numUsers: options.users,
        spawnRate: options.spawnRate,
        runTime: options.runTime === null ? null : String(options.runTime),
        webBasePath: options.webBasePath,
        classPicker: options.classPicker,
        extraOptions: webUiExtraOptions(customSpecs, parsedOptions),
        ...(options.tlsCert ? { tlsCert: options.tlsCert, tlsKey: options.tlsKey } : {}),
        ...(options.webLogin && environment.webUi ? { webLogin: environment.webUi } : {}),
      },
      parsedOptions,
      environment,
      local: inProcessWorker,
      handleSignals: false,
      shape: masterShape,
      scaleWatch,
      beforeListen: () => fireInit(environment),
    });
  } catch (err) {
    if (err instanceof MasterStartError) throw new UsageError(err.message, EXIT_INVALID);
    throw err;
  }
  if (shape) {
    shape.runner = master.runner;
    shape.environment = environment;
  }

  // the local workers: once the master quit them, give them a moment, then make sure they are gone
  const closers = new Closers((name, err) => log.error(`Closing ${name} failed: ${(err as Error).message}`));
  if (inProcessWorker) {
    const worker: WorkerHandle = runWorker({
      userClasses: file!.userClasses,
      masterHost: LOOPBACK,
      masterPort: master.port,
      ...(options.host ? { host: options.host } : {}),
      logger: consoleLogger(workerLogLevel(options.loglevel)),
      // Locust's LocalRunner: one environment, runner events fired once (by the master side)
      environment,
      fireRunnerEvents: false,
      standardOptionKeys: STANDARD_OPTION_KEYS,
      onStopTest: () => void (options.headless ? master.quit() : master.runner.stop()),
    });
    closers.add('local worker', () => Promise.race([worker.done, sleep(LOCAL_WORKER_CLOSE_MS)]).then(() => worker.quit()));
  } else if (processCount > 0) {
    const children = new WorkerProcesses({
      count: processCount,
      locustfile: file?.path ?? locustfile,
      masterHost: LOOPBACK,
      masterPort: master.port,
      loglevel: options.loglevel,
      extraArgs: workerExtraArgs(options),
      log: (line) => log.info(line),
    });
    children.start();
    closers.add('worker processes', () => Promise.race([children.exited, sleep(LOCAL_WORKER_CLOSE_MS).then(() => children.stop())]));
  }

  if (options.autostart && !options.headless) {
    void autostart(master, options, local ? localWorkers : options.expectWorkers, masterShape ? shapeEnded : null, log);
  }

  const ended = await Promise.race([master.done, signal.then(() => null)]);
  const code = ended ?? (await master.quit());
  await closers.close();
  if (options.htmlFile) await writeHtmlReport(master, processHtmlFilename(options.htmlFile, options), log);
  writeStatsJson(master.runner.stats, options);
  return code;
}

/** The locustfile's load shape, constructed once (Locust instantiates it when loading the file). */
function createShape(file: Locustfile): LoadTestShape {
  const cls = file.shapeClass as unknown as new () => LoadTestShape;
  return new cls();
}

/**
 * `--autostart`: start once the expected workers are there; `-t` stops the test, `--autoquit N`
 * then quits. With a load shape the shape runs the test (Locust's `start_shape`) until its tick
 * answers null; `-t` is then ignored (the master has warned).
 */
async function autostart(
  master: MasterHandle,
  options: CliOptions,
  expectWorkers: number,
  shapeEnded: Promise<void> | null,
  log: CliLogger,
): Promise<void> {
  const runner = master.runner;
  while (runner.workerCount() < expectWorkers) {
    log.info(`Waiting for workers to be ready, ${runner.workerCount()} of ${expectWorkers} connected`);
    await sleep(AUTOSTART_WAIT_INTERVAL_MS);
  }
  if (shapeEnded) {
    runner.startShape();
    // -t caps a built-in --shape (a locustfile's shape ignores it, as in Locust)
    const cap = options.shape !== null && options.runTime !== null ? sleep(options.runTime * 1000).then(() => runTimeReached(runner, log)) : null;
    await Promise.race([shapeEnded, ...(cap ? [cap] : [])]);
    // the master stops the test itself when the shape ends
  } else {
    if (options.arrivalRate !== null) {
      try {
        runner.startArrivalRate(options.arrivalRate, options.maxUsers ? { maxUsers: options.maxUsers } : {});
      } catch (err) {
        log.error(`Cannot start the arrival rate: ${(err as Error).message}`);
        return;
      }
    } else await runner.start({ userCount: options.users ?? 1, spawnRate: options.spawnRate ?? 1 });
    if (options.runTime === null) {
      log.info('No run time limit set, use CTRL+C to interrupt');
      return;
    }
    log.info(`Run time limit set to ${options.runTime} seconds`);
    await sleep(options.runTime * 1000);
    log.info('--run-time limit reached, stopping test');
    await runner.stop();
  }
  if (options.autoquit === -1) {
    log.info('--autoquit not specified, leaving web ui running indefinitely');
    return;
  }
  await sleep(options.autoquit * 1000);
  log.info('--autoquit time reached, shutting down');
  await master.quit();
}

async function runTimeReached(runner: MasterHandle['runner'], log: CliLogger): Promise<void> {
  log.info('--run-time limit reached, stopping test');
  await runner.stop();
}

async function writeHtmlReport(master: MasterHandle, path: string, log: CliLogger): Promise<void> {
  const { renderHtmlReport } = await import('@locust-ts/master');
  log.info(`writing html report to file: ${path}`);
  writeFileSync(path, await renderHtmlReport(master.runner, { showDownloadLink: false, scale: master.scale }));
}
