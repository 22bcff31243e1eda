/**
 * Shared pieces of the master's real-process tests: a target HTTP server, real Python Locust
 * workers (Debian 2.12.1), process-group cleanup, polling.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TextSink } from '../packages/master/src/index.js';

export const LOCUST_BIN = '/usr/bin/locust';

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
  close(): Promise<void>;
}

/** The service under test: `GET /hello` 200, `/fail` 500, anything else 404 (127.0.0.1 only). */
export async function startTarget(): Promise<Target> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    if (req.url?.startsWith('/hello')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
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
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A temp dir with a Python locustfile: `SimpleUser` hitting GET /hello with a short wait. */
export function writePythonLocustfile(extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'master-test-'));
  const file = join(dir, 'locustfile.py');
  writeFileSync(
    file,
    `from locust import HttpUser, task, constant\n\n` +
      `class SimpleUser(HttpUser):\n    wait_time = constant(0.2)\n\n    @task\n    def hello(self):\n        self.client.get("/hello")\n` +
      extra,
  );
  return file;
}

export interface Proc {
  child: ChildProcess;
  output: () => string;
  /** signal the whole process group */
  kill(signal?: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

/** Start a process in its own group so a test can kill it and everything it started. */
export function startProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        /* already gone */
      }
    },
  };
}

/** A real Debian Locust 2.12.1 worker (it sends "" as its version). */
export function startPythonWorker(locustfile: string, masterPort: number): Proc {
  if (!existsSync(LOCUST_BIN)) throw new Error(`${LOCUST_BIN} is not installed`);
  return startProcess(LOCUST_BIN, ['-f', locustfile, '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)], {
    PYTHONUNBUFFERED: '1',
  });
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Kill every process and wait for them to be gone. */
export async function killAll(procs: Proc[]): Promise<void> {
  for (const p of procs) p.kill('SIGKILL');
  await Promise.all(procs.map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 3000))])));
}

const TS_WORKER = new URL('./master-fixtures/ts-worker.ts', import.meta.url).pathname;
export const TS_LOCUSTFILE = new URL('./master-fixtures/locustfile.ts', import.meta.url).pathname;

/** A locust-ts worker in its own process (node + tsx). */
export function startTsWorker(masterPort: number, locustfile = TS_LOCUSTFILE): Proc {
  return startProcess(process.execPath, ['--import', 'tsx', TS_WORKER, locustfile, String(masterPort)]);
}
