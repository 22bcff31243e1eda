/**
 * The set-up of the worker tests: a real locust-ts worker (in-process) connected over real ZeroMQ
 * to a {@link ScriptedMaster}, with Locust's intervals shortened and cleanups after each test.
 */
import { type LogLevel, Logger, type SpawnData, type UserClassesCount } from '@locust-ts/protocol';
import { type WorkerHandle, type WorkerOptions, type WorkerTiming, runWorker } from '@locust-ts/worker';
import { ScriptedMaster } from './scripted-master.js';
import { waitFor } from './wait.js';

/** How long a worker scenario waits for one condition. */
const UNTIL_MS = 5_000;
/** How often {@link until} looks. */
const UNTIL_POLL_MS = 20;

/** Locust's worker intervals shortened so each scenario takes a second or two. */
export function fastTiming(masterHeartbeatTimeout: number): Partial<WorkerTiming> {
  return { connectTimeout: 0.3, heartbeatInterval: 0.1, reportInterval: 0.2, masterHeartbeatTimeout };
}

/** `waitFor` with the worker tests' defaults. */
export function until(check: () => boolean, what: string, timeoutMs = UNTIL_MS, pollMs = UNTIL_POLL_MS): Promise<void> {
  return waitFor(check, timeoutMs, what, pollMs);
}

/** A logger that keeps every line as `LEVEL message` (Locust's level names). */
export class CollectingLogger extends Logger {
  readonly lines: string[] = [];

  constructor() {
    super({ level: 'DEBUG' });
  }

  protected override emit(level: LogLevel, _name: string, message: string): void {
    this.lines.push(`${level} ${message}`);
  }
}

export function collectingLogger(): CollectingLogger {
  return new CollectingLogger();
}

/** A master's `spawn` data (no host and no stop timeout unless given). */
export function spawnData(
  counts: UserClassesCount,
  timestamp: number,
  { host = null, stopTimeout = null }: { host?: string | null; stopTimeout?: number | null } = {},
): SpawnData {
  return { timestamp, user_classes_count: counts, host, stop_timeout: stopTimeout, parsed_options: {} };
}

/** Cleanups run newest first: call {@link Cleanups.run} in `afterEach` (or mid-test, between rounds). */
export class Cleanups {
  private readonly list: Array<() => Promise<unknown>> = [];
  add(cleanup: () => Promise<unknown>): void {
    this.list.push(cleanup);
  }
  async run(): Promise<void> {
    for (const c of this.list.splice(0).reverse()) await c();
  }
}

export interface ConnectedWorker {
  master: ScriptedMaster;
  worker: WorkerHandle;
  masterPort: number;
}

/**
 * Start a scripted master (on `port`, 0 = any free one) and a worker connected to it; resolves
 * once the master got `client_ready`. Both are closed by `cleanups`.
 */
export async function connectWorker(
  cleanups: Cleanups,
  options: Omit<WorkerOptions, 'masterHost' | 'masterPort'>,
  port = 0,
): Promise<ConnectedWorker> {
  const master = new ScriptedMaster(port);
  const masterPort = await master.start();
  cleanups.add(() => master.close());
  const worker = runWorker({ ...options, masterHost: '127.0.0.1', masterPort });
  cleanups.add(() => worker.quit());
  await master.next('client_ready');
  return { master, worker, masterPort };
}
