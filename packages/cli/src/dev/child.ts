/**
 * One process of the dev swarm: started in its own process group (so stopping it also stops
 * anything it started), its output prefixed with its name, stopped with SIGTERM then SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How long a part gets to shut down cleanly after SIGTERM before it is killed. */
const STOP_GRACE_MS = 8_000;

export interface ChildSpec {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** print the child's output lines (prefixed); false keeps only the last lines for errors */
  echo: boolean;
}

export class DevChild {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly tail: string[] = [];
  private stopping = false;

  constructor(
    readonly spec: ChildSpec,
    private readonly onUnexpectedExit: (child: DevChild, code: number | null, signal: NodeJS.Signals | null) => void,
  ) {
    this.process = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: Ctrl-C reaches only `pnpm dev`, which stops parts in order
    });
    for (const stream of [this.process.stdout, this.process.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => this.onLine(line));
    }
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        if (!this.stopping) this.onUnexpectedExit(this, code, signal);
        resolve({ code, signal });
      });
      this.process.on('error', (err) => {
        this.onLine(`cannot start ${spec.command}: ${err.message}`);
        if (!this.stopping) this.onUnexpectedExit(this, null, null);
        resolve({ code: null, signal: null });
      });
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null && this.process.pid !== undefined;
  }

  /** The last lines it printed, for a one-line reason when it dies at start-up. */
  lastLines(): string[] {
    return [...this.tail];
  }

  private onLine(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 20) this.tail.shift();
    if (this.spec.echo) process.stdout.write(`${this.spec.name.padEnd(10)}| ${line}\n`);
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (!this.process.pid) return;
    try {
      process.kill(-this.process.pid, signal);
    } catch {
      // the group is already gone
    }
  }

  kill(): void {
    this.stopping = true;
    this.signalGroup('SIGKILL');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.running) this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
    // a grandchild that ignored SIGTERM must not outlive us
    this.signalGroup('SIGKILL');
  }
}
