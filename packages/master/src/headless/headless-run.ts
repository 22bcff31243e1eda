/**
 * A headless run as Locust's `main.py` drives one: wait for `--expect-workers`, start `-u` users
 * at `-r` (or the load shape), stop after `-t` (or when the shape ends), print the stats table every 2 s, write the CSV files every second,
 * then quit the workers, print the final summary and return the exit code.
 */
import { listenerErrors } from '@locust-ts/protocol';
import type { MasterLogger } from '../log/master-logger.js';
import { arrivalRateLines } from '../report/arrival-rate-report.js';
import { CONSOLE_STATS_INTERVAL_SECONDS, errorReport, percentileSummary, statsSummary } from '../report/console-stats.js';
import type { StatsCsvFileWriter } from '../report/csv-files.js';
import { ArrivalRateError } from '../runner/arrival-rate.js';
import type { MasterRunner } from '../runner/master-runner.js';
import { WORKER_STATE } from '../runner/worker-registry.js';

/** Locust's defaults for a headless run without `-u` / `-r`. */
export const HEADLESS_DEFAULT_USERS = 1;
export const HEADLESS_DEFAULT_SPAWN_RATE = 1;
/** "Waiting for workers to be ready" is printed this often, seconds. */
export const WAIT_FOR_WORKERS_INTERVAL_SECONDS = 1;

export interface HeadlessSettings {
  users: number | null;
  spawnRate: number | null;
  runTime: number | null;
  expectWorkers: number;
  /** seconds; 0 = wait forever */
  expectWorkersMaxWait: number;
  /** `--arrival-rate`: iterations per second instead of a user count (null: run `users`) */
  arrivalRate?: number | null;
  /** `--max-users`: the arrival rate's pool over the swarm (default 10 × rate) */
  maxUsers?: number | null;
  /** print the stats table every 2 s (Locust: headless and not `--only-summary`) */
  printStats: boolean;
  exitCodeOnError: number;
  /** `-t` caps a shape run too (built-in `--shape`s; a locustfile's shape ignores `-t`, as in Locust) */
  capShapeRunTime?: boolean;
  /**
   * A local run (Locust's LocalRunner): the in-process worker is awaited without "Waiting for
   * workers" lines, and this line (Locust's "Starting Locust …") follows the run-time line before
   * the first stats table, in Locust's order.
   */
  localStartingLine?: string;
}

/** What ends a run early: a signal, or the run-time limit. */
export class ShutdownTrigger {
  private fire!: (reason: string) => void;
  readonly fired = new Promise<string>((resolve) => (this.fire = resolve));
  private done = false;
  trigger(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.fire(reason);
  }
  get triggered(): boolean {
    return this.done;
  }
}

/**
 * Locust's exit code: the locustfile's `environment.processExitCode` if set, else
 * `--exit-code-on-error` if any request failed or any exception was raised, else 2 if an event
 * listener threw, else 0.
 */
export function exitCodeOf(runner: MasterRunner, exitCodeOnError: number): number {
  const own = runner.locust.environment.processExitCode;
  if (own !== null) return own;
  if (runner.stats.errors.size > 0 || runner.exceptions().length > 0) return exitCodeOnError;
  return listenerErrors.count > 0 ? 2 : 0;
}

export class StatsPrinter {
  private timer: NodeJS.Timeout | null = null;
  constructor(
    private readonly runner: MasterRunner,
    private readonly log: MasterLogger,
  ) {}
  start(): void {
    this.print();
    this.timer = setInterval(() => this.print(), CONSOLE_STATS_INTERVAL_SECONDS * 1000);
  }
  private print(): void {
    this.log.plain(`${[...statsSummary(this.runner.stats, true), ...arrivalRateLines(this.runner)].join('\n')}\n`);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** The final summary Locust prints at shutdown: totals, percentiles, errors. */
export function printFinalSummary(runner: MasterRunner, log: MasterLogger): void {
  log.plain(`${[...statsSummary(runner.stats, false), ...arrivalRateLines(runner)].join('\n')}\n`);
  log.plain(`${percentileSummary(runner.stats).join('\n')}\n`);
  const errors = errorReport(runner.stats, undefined, runner.locust.local);
  if (errors.length) log.plain(errors.join('\n'));
}

/** Start `--arrival-rate`; null when it runs, else the exit code (the reason is logged as one line). */
function startArrivalRate(runner: MasterRunner, settings: HeadlessSettings, log: MasterLogger): number | null {
  if (settings.runTime) log.info(`Run time limit set to ${settings.runTime} seconds`, 'locust.main');
  else log.info('No run time limit set, use CTRL+C to interrupt', 'locust.main');
  try {
    runner.startArrivalRate(settings.arrivalRate!, {
      ...(settings.maxUsers ? { maxUsers: settings.maxUsers } : {}),
      ...(settings.runTime ? { runTime: settings.runTime } : {}),
    });
    return null;
  } catch (err) {
    if (!(err instanceof ArrivalRateError)) throw err;
    log.error(`Cannot start the arrival rate: ${err.message}`, 'locust.main');
    return 1;
  }
}

async function waitForWorkers(runner: MasterRunner, settings: HeadlessSettings, log: MasterLogger, trigger: ShutdownTrigger): Promise<boolean> {
  if (settings.localStartingLine !== undefined) return runner.whenWorkersReady(settings.expectWorkers, trigger.fired);
  const started = performance.now();
  for (;;) {
    const ready = runner.registry.inState(WORKER_STATE.ready).length;
    if (ready >= settings.expectWorkers) return true;
    if (trigger.triggered) return false;
    if (settings.expectWorkersMaxWait && (performance.now() - started) / 1000 > settings.expectWorkersMaxWait) {
      log.error('Gave up waiting for workers to connect');
      return false;
    }
    log.info(`Waiting for workers to be ready, ${ready} of ${settings.expectWorkers} connected`, 'root');
    await Promise.race([trigger.fired, new Promise((r) => setTimeout(r, WAIT_FOR_WORKERS_INTERVAL_SECONDS * 1000))]);
  }
}

/**
 * Run the test; resolves with the process exit code once everything is shut down
 * (workers quit, final summary printed, CSV files written).
 */
export async function runHeadless(
  runner: MasterRunner,
  settings: HeadlessSettings,
  log: MasterLogger,
  trigger: ShutdownTrigger,
  csv: StatsCsvFileWriter | null,
  /** runs once the run has ended, before the workers quit (the scale watch may keep watching) */
  beforeQuit?: (reason: string) => Promise<void>,
): Promise<number> {
  const printer = settings.printStats ? new StatsPrinter(runner, log) : null;
  const local = settings.localStartingLine !== undefined;
  if (!local) printer?.start();
  csv?.start();
  let exitCode: number | null = null;
  let endedBy = '';
  const gotWorkers = await waitForWorkers(runner, settings, log, trigger);
  /** Locust's LocalRunner: "Run time limit", "Starting Locust", the first table, then the ramp */
  const localStart = (): void => {
    if (!local) return;
    log.info(settings.localStartingLine!, 'locust.main');
    printer?.start();
  };
  if (gotWorkers) {
    if (settings.arrivalRate) {
      exitCode = startArrivalRate(runner, settings, log);
      localStart();
    } else if (runner.shapeName !== null) {
      // the shape sets users and spawn rate and ends the run (its tick answers null): -u -r (and -t for a locustfile's shape) are ignored, as Locust
      const cap = settings.capShapeRunTime && settings.runTime ? settings.runTime : undefined;
      if (cap) log.info(`Run time limit set to ${cap} seconds`, 'locust.main');
      localStart();
      runner.startShape(cap ? { runTime: cap } : {});
    } else {
      const userCount = settings.users ?? HEADLESS_DEFAULT_USERS;
      const spawnRate = settings.spawnRate ?? HEADLESS_DEFAULT_SPAWN_RATE;
      if (settings.runTime) log.info(`Run time limit set to ${settings.runTime} seconds`, 'locust.main');
      else log.info('No run time limit set, use CTRL+C to interrupt', 'locust.main');
      localStart();
      void runner.start({ userCount, spawnRate, ...(settings.runTime ? { runTime: settings.runTime } : {}) });
    }
    // the run ends on -t, the shape's end, a signal, or the last worker quitting (the runner quits by itself)
    if (exitCode === null) {
      endedBy = await Promise.race([trigger.fired, runner.quitted.then(() => 'quitted')]);
      if (beforeQuit && trigger.triggered) await beforeQuit(await trigger.fired);
    }
  } else if (!trigger.triggered) {
    exitCode = 1;
  }
  printer?.stop();
  // Locust: -t and a shape's end quit the runner (test_stop) before shutdown() fires `quitting`;
  // a signal runs shutdown() at once: `quitting`, then the runner quits. Either way the exit code comes after.
  if (endedBy === 'run-time' || endedBy === 'shape' || endedBy === 'quitted') await runner.quit();
  await runner.locust.quitting();
  await runner.quit();
  exitCode ??= exitCodeOf(runner, settings.exitCodeOnError);
  log.info(`Shutting down (exit code ${exitCode})`, 'locust.main');
  printFinalSummary(runner, log);
  csv?.close();
  return exitCode;
}
