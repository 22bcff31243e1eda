/**
 * Starts the dev swarm's guardian (guardian.mjs): if `pnpm dev` dies without stopping its parts
 * (SIGKILL, a crash), the guardian notices its stdin closing and stops every part's process group.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';

const GUARDIAN_SCRIPT = fileURLToPath(new URL('./guardian.mjs', import.meta.url));

export class DevGuardian {
  private readonly input: Writable | null;

  constructor() {
    const guardian = spawn(process.execPath, [GUARDIAN_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    guardian.on('error', () => undefined);
    guardian.unref();
    this.input = guardian.stdin;
    this.input?.on('error', () => undefined);
    // The pipe must not keep `pnpm dev` alive: it ends when this process ends, however it ends.
    (this.input as Writable & { unref?: () => void } | null)?.unref?.();
  }

  /** Hand a part's process group (its pid: parts are started `detached`) to the guardian. */
  watch(pgid: number | undefined): void {
    if (pgid) this.input?.write(`${pgid}\n`);
  }
}
