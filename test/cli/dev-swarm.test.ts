/**
 * `pnpm dev` (node --import tsx scripts/dev.ts) on free ports: target, master UI and 4 workers come up,
 * SIGINT stops them all with exit 0 and leaves no process behind; a busy port is one line, exit 1.
 */
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { descendants, isAlive, killAll, startProcess } from '@locust-ts/test-support/process';
import { waitFor } from '@locust-ts/test-support/wait';
import { TS_NODE_ARGS } from '@locust-ts/test-support/paths';
import { freePort } from '@locust-ts/test-support/ports';

const ROOT = join(import.meta.dirname, '..', '..');
/**
 * `tsx scripts/dev.ts` in-process (`node --import tsx`): tsx's CLI wrapper relays a SIGINT sent
 * to it alone and, when its child acknowledges later than 30 ms (a loaded machine), SIGKILLs the
 * child and exits 130 — that wrapper, not dev.ts, is what a terminal's Ctrl-C bypasses.
 */
const TSX = TS_NODE_ARGS;
const DEV = join(ROOT, 'scripts/dev.ts');

afterAll(() => killAll());

async function getJson(url: string): Promise<Record<string, unknown> | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** How the port answers a TCP connect: a hung server is 'open' (or a timeout), never a pass. */
function probePort(port: number): Promise<'refused' | 'open'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 5_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`connecting to port ${port} timed out`));
    });
    socket.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? resolve('refused') : reject(err)));
  });
}

describe('pnpm dev', () => {
  it('serves the UI and /hello with 4 workers, and SIGINT stops everything with exit 0', async () => {
    const [targetPort, webPort, masterPort] = [await freePort(), await freePort(), await freePort()];
    const dev = startProcess(process.execPath, [
      ...TSX, DEV, '--target-port', String(targetPort), '--web-port', String(webPort), '--master-port', String(masterPort),
    ], { cwd: ROOT });
    try {
      await dev.waitFor(/\[dev\] web UI: http:\/\/127\.0\.0\.1:\d+/, 45_000);
      const hello = await fetch(`http://127.0.0.1:${targetPort}/hello`);
      expect(hello.status).toBe(200);
      const ui = await fetch(`http://127.0.0.1:${webPort}/`);
      expect(ui.status).toBe(200);
      await waitFor(async () => (await getJson(`http://127.0.0.1:${webPort}/stats/requests`))?.worker_count === 4, 45_000, '4 workers on /stats/requests');
      await dev.waitFor(/\[dev\] workers 4\/4/, 45_000);

      // dev → (target, master, 4 workers) and their own children
      const parts = descendants(dev.child.pid!);
      expect(parts.length).toBeGreaterThanOrEqual(7);

      dev.child.kill('SIGINT');
      expect(await dev.exited).toBe(0);
      expect(dev.output()).toContain('[dev] stopped');
      await waitFor(() => parts.every((pid) => !isAlive(pid)), 5_000, 'every part of the swarm to exit');
    } finally {
      dev.kill();
    }
  });

  it('a SIGKILLed pnpm dev leaves no part running: its guardian stops them', async () => {
    const [targetPort, webPort, masterPort] = [await freePort(), await freePort(), await freePort()];
    const dev = startProcess(process.execPath, [
      ...TSX, DEV, '--workers', '1', '--target-port', String(targetPort), '--web-port', String(webPort), '--master-port', String(masterPort),
    ], { cwd: ROOT });
    try {
      await dev.waitFor(/\[dev\] workers 1\/1/, 45_000);
      const parts = descendants(dev.child.pid!);
      expect(parts.length).toBeGreaterThanOrEqual(4);
      dev.child.kill('SIGKILL');
      await waitFor(() => parts.every((pid) => !isAlive(pid)), 10_000, 'every orphaned part of the swarm to exit');
      // and the ports are free again for the next `pnpm dev` (nothing listens: the connection is refused)
      for (const port of [webPort, targetPort]) expect(await probePort(port)).toBe('refused');
    } finally {
      dev.kill();
    }
  });

  it('says in one line that a port is busy and exits 1', async () => {
    const busy: Server = createServer();
    const port = await freePort();
    await new Promise<void>((r) => busy.listen(port, '127.0.0.1', r));
    try {
      const dev = startProcess(process.execPath, [...TSX, DEV, '--web-port', String(port), '--target-port', String(await freePort()), '--master-port', String(await freePort())], { cwd: ROOT });
      expect(await dev.exited).toBe(1);
      const lines = dev.output().split('\n').filter((l) => l.trim() !== '');
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^pnpm dev: port ${port} \\(web UI\\) is already in use`))]);
    } finally {
      busy.close();
    }
  });
});
