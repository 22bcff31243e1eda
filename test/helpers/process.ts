/**
 * Child processes for tests: spawn in their own process group, wait for a line of output,
 * and always kill the whole group afterwards (call {@link killAllChildren} in `afterAll`/`afterEach`,
 * or `stop()` each handle in `finally`).
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** How long `stop()` waits after SIGTERM before it sends SIGKILL. */
const STOP_GRACE_MS = 3_000;
/** Output kept per child, for error messages (the tail matters). */
const MAX_KEPT_OUTPUT = 64 * 1024;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Text written to stdin (which is then closed); default: stdin closed at once. */
  stdin?: string;
}

/** Handles not yet stopped (an exited child may still have left processes in its group). */
const unstopped = new Set<ChildHandle>();

export class ChildHandle {
  readonly child: ChildProcess;
  /** stdout and stderr interleaved as received. */
  output = '';
  private readonly lineWaiters = new Set<{ re: RegExp; resolve: (line: string) => void }>();
  private partial = '';
  readonly exited: Promise<ExitInfo>;
  exitInfo: ExitInfo | null = null;

  constructor(
    readonly command: string,
    readonly args: readonly string[],
    options: SpawnOptions = {},
  ) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      // Own process group, so stop() also reaches grandchildren (tsx spawns node).
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    unstopped.add(this);
    // A child that exits without reading its stdin must not crash the test run with EPIPE.
    this.child.stdin?.on('error', () => undefined);
    this.child.stdin?.end(options.stdin ?? '');
    this.child.stdout?.on('data', (b: Buffer) => this.onOutput(b.toString('utf8')));
    this.child.stderr?.on('data', (b: Buffer) => this.onOutput(b.toString('utf8')));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      this.child.on('error', (err) => {
        this.output += `\n[spawn error] ${err.message}\n`;
        this.exitInfo = { code: null, signal: null };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private onOutput(text: string): void {
    this.output = (this.output + text).slice(-MAX_KEPT_OUTPUT);
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      for (const w of this.lineWaiters) {
        if (w.re.test(line)) {
          this.lineWaiters.delete(w);
          w.resolve(line);
        }
      }
    }
  }

  /**
   * Resolve with the first line (from now on, or already printed) matching `re`; reject if the
   * process exits first or after `timeoutMs`, with the output so far in the message.
   */
  waitForLine(re: RegExp, timeoutMs = 15_000): Promise<string> {
    const already = this.output.split('\n').find((l) => re.test(l));
    if (already !== undefined) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const waiter = {
        re,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        this.lineWaiters.delete(waiter);
        reject(new Error(`no line matching ${re} within ${timeoutMs} ms from ${this.describe()}\n--- output ---\n${this.output}`));
      }, timeoutMs);
      this.lineWaiters.add(waiter);
      void this.exited.then((info) => {
        if (!this.lineWaiters.has(waiter)) return;
        this.lineWaiters.delete(waiter);
        clearTimeout(timer);
        reject(new Error(`${this.describe()} exited (${info.code ?? info.signal}) before printing ${re}\n--- output ---\n${this.output}`));
      });
    });
  }

  /** Resolve with the exit info, or reject after `timeoutMs` (the process keeps running). */
  waitForExit(timeoutMs = 15_000): Promise<ExitInfo> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.describe()} still running after ${timeoutMs} ms\n--- output ---\n${this.output}`)),
        timeoutMs,
      );
      void this.exited.then((info) => {
        clearTimeout(timer);
        resolve(info);
      });
    });
  }

  /**
   * Send a signal to the whole process group (no-op once exited); `group: false` signals only the
   * process itself, as a supervisor (or `kill PID`) would.
   */
  signal(sig: NodeJS.Signals, { group = true }: { group?: boolean } = {}): void {
    if (this.exitInfo || this.child.pid === undefined) return;
    this.signalPid(sig, group);
  }

  private signalPid(sig: NodeJS.Signals, group: boolean): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(group ? -this.child.pid : this.child.pid, sig);
    } catch {
      // The group is already gone.
    }
  }

  /** SIGTERM the group, SIGKILL it after a grace period; resolves when the process has exited. */
  async stop(graceMs = STOP_GRACE_MS): Promise<ExitInfo> {
    if (!this.exitInfo) {
      this.signal('SIGTERM');
      const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    // Whatever the process left behind in its group (e.g. a server it spawned) goes too.
    this.signalPid('SIGKILL', true);
    unstopped.delete(this);
    return this.exitInfo ?? { code: null, signal: null };
  }

  describe(): string {
    return `${this.command} ${this.args.join(' ')} (pid ${this.child.pid ?? '?'})`;
  }
}

/** Spawn a process in its own group; remember to `stop()` it or call {@link killAllChildren}. */
export function spawnChild(command: string, args: readonly string[], options?: SpawnOptions): ChildHandle {
  return new ChildHandle(command, args, options);
}

/** Spawn and wait for a line matching `ready`; the process is stopped if it never prints it. */
export async function spawnAndWaitForLine(
  command: string,
  args: readonly string[],
  ready: RegExp,
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<{ handle: ChildHandle; line: string }> {
  const handle = spawnChild(command, args, options);
  try {
    const line = await handle.waitForLine(ready, options.timeoutMs);
    return { handle, line };
  } catch (err) {
    await handle.stop();
    throw err;
  }
}

/** Stop every child started through this module and not yet stopped, with its group (use in `afterAll`). */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...unstopped].map((h) => h.stop()));
}
