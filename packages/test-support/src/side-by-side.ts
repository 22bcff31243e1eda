/**
 * One locustfile pair (`.py` for real Python Locust 2.12.1, `.ts` for locust-ts) started the same
 * way on either side, for the tests that run both with the same arguments and compare what each
 * printed (`MARK …` lines) and how each ended.
 */
import { type Started, startBin, startProcess } from './process.js';

/** A run that has not ended by then is killed: a hang guard, never a timing check. */
const RUN_GUARD_MS = 45_000;

export type Side = 'python' | 'ts';

export interface LocustfilePair {
  python: string;
  ts: string;
}

/** Environment and working directory, the same for either side. */
export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** `start(side, args)`: `/usr/bin/locust -f pair.python …` or `locust-ts -f pair.ts …`. */
export function pairStarter(pair: LocustfilePair): (side: Side, args: string[], options?: StartOptions) => Started {
  return (side, args, options = {}) =>
    side === 'python' ? startProcess('/usr/bin/locust', ['-f', pair.python, ...args], options) : startBin(['-f', pair.ts, ...args], options);
}

/** The process's exit code, once it has exited (killed after the hang guard). */
export async function ended(p: Started): Promise<number> {
  const guard = setTimeout(() => p.kill(), RUN_GUARD_MS);
  const code = await p.exited;
  clearTimeout(guard);
  return code;
}

/** The `MARK <what>` lines a fixture printed, in order. */
export const marks = (p: Started): string[] => [...p.output().matchAll(/^MARK (.+)$/gm)].map((m) => m[1]!);
