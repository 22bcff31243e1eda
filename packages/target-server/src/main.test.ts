/** The real entry point as a process (`node --import tsx`, as `pnpm start` runs it). */
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@locust-ts/test-support/ports';
import { TS_NODE_ARGS } from '@locust-ts/test-support/paths';
import { killAllChildren, spawnAndWaitForLine, spawnChild } from '@locust-ts/test-support/process';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
/** Bounds a hang only: an idle server closes in well under a second. */
const EXIT_WITHIN_MS = 10_000;

afterAll(killAllChildren);

async function startTarget(env: NodeJS.ProcessEnv = {}) {
  const port = await freePort();
  const { handle, line } = await spawnAndWaitForLine(process.execPath, [...TS_NODE_ARGS, MAIN, '--host', '127.0.0.1', '--port', String(port)], /listening on/, {
    env: { ...process.env, ...env },
  });
  return { handle, line, base: `http://127.0.0.1:${port}` };
}

describe('target server process', () => {
  it('answers /hello and /healthz, takes knobs from env, exits 0 on SIGTERM with one log line', async () => {
    const { handle, line, base } = await startTarget({ TARGET_ERROR_RATIO: '1' });
    expect(line).toContain(`listening on ${base}`);
    expect(line).toContain('error_ratio=1');
    const hello = await fetch(`${base}/hello?error_ratio=0`);
    expect(hello.status).toBe(200);
    expect(await hello.json()).toEqual({ message: 'Hello from FastAPI!' });
    expect((await fetch(`${base}/hello`)).status).toBe(500);
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });

    // To the server process only, as `kill PID` would.
    handle.signal('SIGTERM', { group: false });
    expect(await handle.waitForExit(EXIT_WITHIN_MS)).toEqual({ code: 0, signal: null });
    expect(handle.output.match(/SIGTERM received, server closed, exiting/g)).toHaveLength(1);
  });

  it('exits 0 when the whole process group gets SIGINT (Ctrl-C in a terminal)', async () => {
    const { handle } = await startTarget();
    handle.signal('SIGINT');
    expect(await handle.waitForExit(EXIT_WITHIN_MS)).toEqual({ code: 0, signal: null });
    expect(handle.output).toMatch(/SIGINT received, server closed, exiting/);
  });

  it('a bad flag is one clear error line and exit code 2', async () => {
    const handle = spawnChild(process.execPath, [...TS_NODE_ARGS, MAIN, '--port', 'eighty']);
    expect((await handle.waitForExit(EXIT_WITHIN_MS)).code).toBe(2);
    expect(handle.output.trim()).toBe("[target-server] error: --port must be a port number from 0 to 65535, got 'eighty' (see --help)");
  });

  it('a port in use is one clear error line and exit code 1', async () => {
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const handle = spawnChild(process.execPath, [...TS_NODE_ARGS, MAIN, '--host', '127.0.0.1', '--port', String(port)]);
      expect((await handle.waitForExit(EXIT_WITHIN_MS)).code).toBe(1);
      expect(handle.output.trim()).toMatch(new RegExp(`^\\[target-server\\] error: cannot listen on 127.0.0.1:${port}: .*EADDRINUSE`));
    } finally {
      blocker.close();
    }
  });
});
