/**
 * Shared pieces of the master's real-process tests: a target HTTP server, real Python Locust
 * workers (Debian 2.12.1), locust-ts workers (in-process or as processes), scripted worker
 * sockets, the master itself, and one `stop()` that ends them all.
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Server, createServer } from 'node:http';
import { type MasterHandle, type MasterOptions, type TextSink, runMaster } from '@locust-ts/master';
import { type UserClass, type WorkerHandle, loadLocustfile, runWorker, silentLogger } from '@locust-ts/worker';
import { LOCUST_BIN, REPO_ROOT, TS_NODE_ARGS } from './paths.js';
import { type ChildHandle, spawnChild } from './process.js';
import { ScriptedWorker } from './scripted-worker.js';

/** How long `stop()` lets an in-process worker finish after the master's quit before quitting it. */
const WORKER_EXIT_GRACE_MS = 3_000;
/** How long `stop()` waits for a killed worker process to be gone. */
const PROCESS_EXIT_WAIT_MS = 3_000;

/** A log sink that keeps everything (and echoes when MASTER_TEST_VERBOSE is set). */
export class CaptureSink implements TextSink {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    if (process.env.MASTER_TEST_VERBOSE) process.stderr.write(chunk);
    return true;
  }
}

export interface Target {
  url: string;
  requests: () => number;
  /** requests whose User-Agent starts with `prefix` (Python Locust: `python-requests`; locust-ts sends none) */
  requestsFrom: (prefix: string) => number;
  close(): Promise<void>;
}

/** How long `GET /slow` takes to answer. */
export const SLOW_RESPONSE_MS = 1_500;

/** The service under test: `GET /hello` 200, `/slow` 200 after SLOW_RESPONSE_MS, `/fail` 500, anything else 404 (127.0.0.1 only). */
export async function startTarget(): Promise<Target> {
  let count = 0;
  const byAgent = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    count++;
    const agent = req.headers['user-agent'] ?? '';
    byAgent.set(agent, (byAgent.get(agent) ?? 0) + 1);
    if (req.url?.startsWith('/hello')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    } else if (req.url?.startsWith('/slow')) {
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('slow'), SLOW_RESPONSE_MS).unref();
    } else if (req.url?.startsWith('/fail')) {
      res.writeHead(500).end('boom');
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    requestsFrom: (prefix) => [...byAgent].reduce((n, [agent, c]) => (agent.startsWith(prefix) ? n + c : n), 0),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A real Debian Locust 2.12.1 worker (it sends "" as its version). */
export function startPythonWorker(locustfile: string, masterPort: number): ChildHandle {
  if (!existsSync(LOCUST_BIN)) throw new Error(`${LOCUST_BIN} is not installed`);
  return spawnChild(LOCUST_BIN, ['-f', locustfile, '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)], {
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
}

export { waitFor } from './wait.js';

/** Resolve with `promise`, or with undefined after `ms` (a bounded wait for something to end). */
function atMost<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise, new Promise<undefined>((r) => setTimeout(r, ms))]);
}

/** Kill every process (with its group) and wait, a bounded time, for them to be gone. */
async function killAll(procs: ChildHandle[]): Promise<void> {
  for (const p of procs) p.signal('SIGKILL');
  await Promise.all(procs.map((p) => atMost(p.stop(), PROCESS_EXIT_WAIT_MS)));
}

export const TS_WORKER = fileURLToPath(new URL('./swarm-worker.ts', import.meta.url));
/** The locustfile the swarm's locust-ts workers load (a user's locustfile: it imports 'locust-ts'). */
export const TS_LOCUSTFILE = join(REPO_ROOT, 'test/master/fixtures/locustfile.ts');

/** A locust-ts worker in its own process (node + tsx). */
export function startTsWorker(masterPort: number, locustfile = TS_LOCUSTFILE): ChildHandle {
  return spawnChild(process.execPath, [...TS_NODE_ARGS, TS_WORKER, locustfile, String(masterPort)]);
}

/** What every master test here sets the same way: ZeroMQ on 127.0.0.1 (any free port), no signal handlers, logs kept. */
export type TestMasterOptions = Omit<MasterOptions, 'masterBindHost' | 'masterBindPort' | 'handleSignals' | 'logSink'>;

/**
 * One test's swarm: the target, the master and its workers. Whatever was started through it is
 * ended by {@link TestSwarm.stop} (call it in `afterAll`), the master first so workers get its quit.
 */
export class TestSwarm {
  target: Target | undefined;
  master: MasterHandle | undefined;
  /** The master's log. */
  readonly sink = new CaptureSink();
  /** Worker processes (Python or locust-ts); killed with their process groups. */
  readonly processes: ChildHandle[] = [];
  /** In-process locust-ts workers. */
  readonly workers: WorkerHandle[] = [];
  /** Scripted worker sockets. */
  readonly scripted: ScriptedWorker[] = [];

  async startTarget(): Promise<Target> {
    this.target = await startTarget();
    return this.target;
  }

  async startMaster(options: TestMasterOptions): Promise<MasterHandle> {
    this.master = await runMaster({ ...options, masterBindHost: '127.0.0.1', masterBindPort: 0, handleSignals: false, logSink: this.sink });
    return this.master;
  }

  /** The target, then a headless master sending its URL as the host. */
  async startHeadless(options: TestMasterOptions): Promise<{ target: Target; master: MasterHandle }> {
    const target = await this.startTarget();
    const master = await this.startMaster({ headless: true, host: target.url, ...options });
    return { target, master };
  }

  /**
   * {@link startHeadless} with the user classes of {@link TS_LOCUSTFILE} (unless `options` names
   * others), and `workerCount` in-process locust-ts workers running that locustfile.
   */
  async startHeadlessWithTsWorkers(workerCount: number, options: TestMasterOptions): Promise<{ target: Target; master: MasterHandle }> {
    const lf = await loadLocustfile(TS_LOCUSTFILE);
    const started = await this.startHeadless({ userClasses: lf.describeUserClasses(), ...options });
    this.startWorkers(workerCount, lf.userClasses);
    return started;
  }

  /** `count` in-process locust-ts workers with `userClasses`, connected to the master. */
  startWorkers(count: number, userClasses: readonly UserClass[]): WorkerHandle[] {
    const masterPort = this.requireMaster().port;
    for (let i = 0; i < count; i++) this.workers.push(runWorker({ userClasses, masterHost: '127.0.0.1', masterPort, logger: silentLogger }));
    return this.workers;
  }

  /** `count` scripted worker sockets, each registered (acked) in turn. */
  async registerScriptedWorkers(count: number): Promise<ScriptedWorker[]> {
    for (let i = 0; i < count; i++) {
      const w = new ScriptedWorker(this.requireMaster().port);
      this.scripted.push(w);
      await w.register();
    }
    return this.scripted;
  }

  async stop(): Promise<void> {
    await this.master?.quit();
    await Promise.all(this.scripted.map((w) => w.close()));
    await Promise.all(this.workers.map((w) => atMost(w.done, WORKER_EXIT_GRACE_MS)));
    await Promise.all(this.workers.map((w) => w.quit().catch(() => undefined)));
    await killAll(this.processes);
    await this.target?.close();
  }

  private requireMaster(): MasterHandle {
    if (!this.master) throw new Error('start the master first');
    return this.master;
  }
}
