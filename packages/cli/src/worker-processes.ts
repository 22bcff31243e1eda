/**
 * `--processes N`: N worker processes forked from the same bin, one Node process per core
 * (a Node process runs its users on one core). The parent only supervises: it forwards
 * SIGTERM/SIGINT and waits for every child.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { envWithoutLocustOptions } from './option-specs.js';

export const LOCUST_TS_BIN = fileURLToPath(new URL('../bin/locust-ts.mjs', import.meta.url));

/** After a forwarded SIGTERM, children get this long to quit (send `quit`, close sockets). */
const CHILD_STOP_GRACE_MS = 10_000;

export interface WorkerProcessesOptions {
  count: number;
  /** absolute locustfile path */
  locustfile: string;
  masterHost: string;
  masterPort: number;
  loglevel: string;
  /** worker-side options passed on (e.g. `--reset-stats`, `--tags a b`) */
  extraArgs?: readonly string[];
  log: (line: string) => void;
}

export class WorkerProcesses {
  private readonly children: ChildProcess[] = [];
  private readonly exitCodes: number[] = [];
  private stopping = false;
  /** resolves with the worst exit code once every child has exited */
  readonly exited: Promise<number>;
  private resolveExited!: (code: number) => void;

  constructor(private readonly options: WorkerProcessesOptions) {
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  start(): void {
    const { count, locustfile, masterHost, masterPort, loglevel, extraArgs = [] } = this.options;
    const args = ['--worker', '-f', locustfile, '--master-host', masterHost, '--master-port', String(masterPort), '-L', loglevel, ...extraArgs];
    for (let i = 0; i < count; i++) {
      // execArgv: [] — the bin registers tsx itself; inheriting flags like --inspect would clash.
      // env: without our LOCUST_* variables, so the child's flags rule.
      const child = fork(LOCUST_TS_BIN, args, { env: envWithoutLocustOptions(), execArgv: [], stdio: 'inherit' });
      this.children.push(child);
      child.on('exit', (code, signal) => this.onExit(i, child, code, signal));
      child.on('error', (err) => this.options.log(`worker process ${i + 1}: ${err.message}`));
    }
    this.options.log(`Started ${count} worker process${count === 1 ? '' : 'es'} (pids ${this.pids().join(', ')})`);
  }

  pids(): number[] {
    return this.children.map((c) => c.pid ?? -1);
  }

  private onExit(index: number, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    // killed by the signal we forwarded = a clean stop, not a failure
    const exitCode = code ?? (this.stopping ? 0 : 1);
    if (!this.stopping) {
      this.options.log(`worker process ${index + 1} (pid ${child.pid}) exited ${signal ? `on ${signal}` : `with code ${code}`}`);
    }
    this.exitCodes.push(exitCode);
    if (this.exitCodes.length === this.children.length) this.resolveExited(Math.max(0, ...this.exitCodes));
  }

  /** Forward `signal` to every live child; SIGKILL whoever is still there after the grace time. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
    this.stopping = true;
    const alive = this.children.filter((c) => c.exitCode === null && c.signalCode === null);
    for (const child of alive) child.kill(signal);
    const timer = setTimeout(() => {
      for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, CHILD_STOP_GRACE_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
