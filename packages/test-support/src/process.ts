/**
 * Child processes for tests, in their own process group so nothing outlives a test:
 * - {@link spawnChild} / {@link ChildHandle}: any command, wait for a line, `stop()` (SIGTERM then
 *   SIGKILL); {@link killAllChildren} in `afterAll`/`afterEach`.
 * - {@link startBin} / {@link runBin} / {@link startProcess}: the real `locust-ts` bin (or any
 *   command) with a clean environment, wait for text; {@link killAll} in `afterAll`/`afterEach`.
 * - {@link descendants} / {@link isAlive}: "nothing left behind" checks from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { envWithoutLocustOptions } from '@locust-ts/cli/option-specs';
import { REPO_ROOT } from './paths.js';

/** The real `locust-ts` bin. */
export const LOCUST_TS_BIN = join(REPO_ROOT, 'packages/cli/bin/locust-ts.mjs');

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

// --- the locust-ts bin and other commands, output collected as text -----------------------------

export interface Started {
  child: ChildProcess;
  output(): string;
  /** resolves with the exit code (or 128 + signal number style: null code → -1) */
  exited: Promise<number>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGKILL the whole process group (idempotent) */
  kill(): void;
}

const started = new Set<Started>();

/** Environment without `LOCUST_*` options, so a developer's shell cannot change a test. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...envWithoutLocustOptions(), ...extra };
}

export function startProcess(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Started {
  const child = spawn(command, args, { env: options.env ?? cleanEnv(), cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const handle: Started = {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = text.match(pattern);
          if (m) {
            cleanup();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text.slice(-3000)}`));
        }, timeoutMs);
        const onExit = () => {
          check();
          cleanup();
          reject(new Error(`process exited while waiting for ${pattern}; output:\n${text.slice(-3000)}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('close', onExit);
        };
        listeners.add(check);
        child.on('close', onExit);
        check();
      });
    },
    kill() {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
  started.add(handle);
  exited.then(() => started.delete(handle));
  return handle;
}

/** `node packages/cli/bin/locust-ts.mjs ...args` */
export function startBin(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Started {
  return startProcess(process.execPath, [LOCUST_TS_BIN, ...args], options);
}

/** Run the bin to completion (killed after `timeoutMs`). */
export async function runBin(args: readonly string[], timeoutMs = 30_000, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ code: number; output: string }> {
  const p = startBin(args, options);
  const timer = setTimeout(() => p.kill(), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, output: p.output() };
}

/** Kill everything still running that these helpers started (afterAll / afterEach). */
export function killAll(): void {
  for (const p of started) p.kill();
}

/** pids of all live descendants of `pid` (from /proc), for "nothing left behind" checks. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // the command name may contain spaces/parens: fields start after the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      if (fields[0] === 'Z') continue;
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      // process vanished while reading
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
