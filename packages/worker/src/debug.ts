/**
 * Locust's `run_single_user` (locust/debug.py): one user of a class, run in this process with
 * every request printed, for stepping through it in a debugger. Like Locust it fires `init`
 * (once) and `testStart` (async listeners awaited), never `testStop` or `quit`, and runs the
 * user until it stops (StopUser or `this.stop()`).
 *
 * Locust's locustfile guards the call with `if __name__ == "__main__"`; here the call runs only
 * in a process started with this package's `register.mjs` (`node --import …/register.mjs
 * locustfile.ts`), and is a no-op when the locust-ts CLI loads the same file — so one file serves
 * both (on Node ≥ 24.2, in an ES module, `if (import.meta.main)` reads as Python's guard, too).
 */
import { basename } from 'node:path';
import { type Environment, type RequestEventArgs, createEnvironment, events } from '@locust-ts/protocol';
import { HttpPools } from './http/pools.js';
import { type LogLevel, consoleLogger, silentLogger } from './logger.js';
import { RunningUser } from './runtime/running-user.js';
import { StatsRecorder } from './runtime/stats-recorder.js';
import { exceptionData } from './runtime/traceback.js';
import { userClassInfo } from './runtime/user-class-info.js';
import type { User, UserClass, UserEnvironment } from './user.js';

/** Set by register.mjs: this process runs a locustfile as a script, for {@link runSingleUser}. */
const SINGLE_USER_PROCESS = Symbol.for('locust-ts.singleUserProcess');

export interface RunSingleUserOptions {
  /** print each response's length (Locust's `include_length`) */
  includeLength?: boolean;
  /** print each request's start time (Locust's `include_time`) */
  includeTime?: boolean;
  /** print each request's context (Locust's `include_context`) */
  includeContext?: boolean;
  /** print each request's body (Locust's `include_payload`) */
  includePayload?: boolean;
  /** set up Locust's log lines at this level (default: none, as Locust, so they do not mix with the requests) */
  loglevel?: LogLevel;
}

/** What {@link runSingleUser} leaves on the environment, as Locust's `single_user_instance`. */
export type SingleUserEnvironment = UserEnvironment & { singleUserInstance?: User };

let singleEnvironment: SingleUserEnvironment | null = null;

const tab = (s: unknown) => process.stdout.write(`${String(s)}\t`);

/** Locust's `PrintListener`: one tab-separated line per request on stdout, after a header line. */
function printRequests(options: RunSingleUserOptions): void {
  const length = options.includeLength ? 'length\t' : '';
  const time = options.includeTime ? 'time                    \t' : '';
  const context = options.includeContext ? 'context\t' : '';
  const payload = options.includePayload ? 'payload\t' : '';
  process.stdout.write(`\n${time}type\t${'name'.padEnd(50)}\tresp_ms\t${length}exception\t${context}\t${payload}\n`);
  events.request.addListener((args: RequestEventArgs) => {
    if (options.includeTime) tab(args.startTime ? new Date(args.startTime * 1000).toISOString() : new Date().toISOString());
    tab(args.requestType);
    tab((args.name ? args.name.padEnd(30) : '').padEnd(50));
    tab(String(Math.round(args.responseTime ?? -1)).padEnd(7));
    if (options.includeLength) tab(args.responseLength);
    tab(errorText(args.exception).padEnd(9));
    if (options.includeContext) tab(args.context && Object.keys(args.context).length > 0 ? JSON.stringify(args.context) : '');
    if (options.includePayload) tab((args.response as { request?: { body?: unknown } } | undefined)?.request?.body ?? '');
    process.stdout.write('\n');
  });
}

/** Locust prints `str()` of a CatchResponseError (the message alone) and `repr()` of any other. */
function errorText(exception: unknown): string {
  if (exception === null || exception === undefined || exception === '') return '';
  let text = exception instanceof Error ? `${exception.name}(${JSON.stringify(exception.message)})` : String(exception);
  const caught = /^CatchResponseError\((['"])([\s\S]*)\1\)$/.exec(text);
  if (caught) text = caught[2]!;
  return text.slice(0, 500).replaceAll('\n', ' ');
}

function environmentOnce(options: RunSingleUserOptions): { environment: SingleUserEnvironment; first: boolean } {
  if (singleEnvironment) return { environment: singleEnvironment, first: false };
  const stats = new StatsRecorder();
  const base: Environment = createEnvironment({
    // in case the locustfile looks for its own file name, as Locust sets it
    parsedOptions: { locustfile: basename(process.argv[1] ?? '') },
    stats: stats.stats,
  });
  singleEnvironment = Object.assign(base, {
    http: { pools: new HttpPools(), stats },
    logger: options.loglevel ? consoleLogger(options.loglevel) : silentLogger,
  });
  return { environment: singleEnvironment, first: true };
}

/**
 * Run one user of `userClass` until it stops (Locust's `run_single_user`). Does nothing unless
 * this process was started with register.mjs (see the file comment), so a locustfile may call it
 * at its end and still be run by the locust-ts CLI.
 */
export async function runSingleUser(userClass: UserClass, options: RunSingleUserOptions = {}): Promise<void> {
  if ((globalThis as Record<symbol, unknown>)[SINGLE_USER_PROCESS] !== true) return;
  const { environment, first } = environmentOnce(options);
  const logger = environment.logger;
  if (first) {
    printRequests(options);
    // quit and testStop never fire, as in Locust
    await events.init.fireAndWait({ environment, runner: null, webUi: null });
  }
  await events.testStart.fireAndWait({ environment });
  const info = userClassInfo(userClass);
  await new Promise<void>((resolve) => {
    const running = new RunningUser(info, environment, {
      // Locust's TaskSet.run logs a task's error and goes on (catch_exceptions)
      onException: (err) => {
        const data = exceptionData(err);
        process.stderr.write(`${data.msg}\n${data.traceback}\n`);
      },
      onUserError: (err, owner) => events.userError.fire({ userInstance: owner, exception: err, tb: exceptionData(err).traceback }),
      onStopTest: (err) => {
        logger.error(err.message || 'StopTest');
        running.stop();
      },
      onExit: () => resolve(),
    });
    environment.singleUserInstance = running.user;
    running.start();
  });
  // let the process end as Locust's script does; a later call gets fresh connections
  const pools = environment.http.pools;
  environment.http.pools = new HttpPools();
  await pools.close();
}
