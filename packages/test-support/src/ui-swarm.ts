/**
 * The set-up of the Chromium UI tests: the target server, the real `locust-ts --master` with its
 * web UI on a free port, optional `locust-ts --worker` processes, and a headless Chromium.
 * Register it in `beforeAll`/`afterAll` with {@link useUiSwarm}.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ensureWebUiBuilt } from '@locust-ts/webui';
import { type Browser, launchChromium } from './chromium.js';
import { REPO_ROOT, TS_NODE_ARGS } from './paths.js';
import { freePort } from './ports.js';
import { type ChildHandle, killAllChildren, spawnChild } from './process.js';

export const BIN = join(REPO_ROOT, 'packages/cli/bin/locust-ts.mjs');
const TARGET_MAIN = join(REPO_ROOT, 'packages/target-server/src/main.ts');
export const EXAMPLE_LOCUSTFILE = join(REPO_ROOT, 'examples/locustfile.ts');
/** A UI build (only when `pnpm install` did not make one) plus start-up of every process. */
const BUILD_AND_START_TIMEOUT_MS = 180_000;
/** How long a process may take to say it is up (a loaded 2-core machine takes tens of seconds). */
const START_TIMEOUT_MS = 60_000;

export interface UiSwarm {
  uiUrl: string;
  targetUrl: string;
  browser: Browser;
}

export interface UiSwarmOptions {
  /** more master flags (e.g. `--processes 2`) */
  masterArgs?: string[];
  /** separate `locust-ts --worker` processes */
  workers?: number;
}

export function useUiSwarm(options: UiSwarmOptions = {}): UiSwarm {
  const children: ChildHandle[] = [];
  const swarm = {} as UiSwarm;
  beforeAll(async () => {
    // Normally built by `pnpm install`; build it here otherwise so the master's start-up is quick.
    await ensureWebUiBuilt(() => {});
    const [targetPort, webPort, masterPort] = await Promise.all([freePort(), freePort(), freePort()]);
    swarm.targetUrl = `http://127.0.0.1:${targetPort}`;
    const target = spawnChild(process.execPath, [...TS_NODE_ARGS, TARGET_MAIN, '--host', '127.0.0.1', '--port', String(targetPort)]);
    children.push(target);
    const master = spawnChild(process.execPath, [
      BIN, '--master', '-f', EXAMPLE_LOCUSTFILE, ...(options.masterArgs ?? []),
      '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort),
      '--web-host', '127.0.0.1', '--web-port', String(webPort), '--loglevel', 'DEBUG',
    ]);
    children.push(master);
    await master.waitForLine(new RegExp(`http://127\\.0\\.0\\.1:${webPort}`), START_TIMEOUT_MS);
    swarm.uiUrl = `http://127.0.0.1:${webPort}`;
    for (let i = 0; i < (options.workers ?? 0); i++) {
      children.push(
        spawnChild(process.execPath, [
          BIN, '--worker', '-f', EXAMPLE_LOCUSTFILE, '--master-host', '127.0.0.1', '--master-port', String(masterPort), '--loglevel', 'DEBUG',
        ]),
      );
    }
    await target.waitForLine(new RegExp(String(targetPort)), START_TIMEOUT_MS);
    swarm.browser = await launchChromium();
  }, BUILD_AND_START_TIMEOUT_MS);

  // a step that timed out shows what the processes said (a UI test cannot see the master's log)
  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const child of children) process.stderr.write(`--- ${child.args.slice(0, 3).join(' ')} (last lines) ---\n${child.output.slice(-6000)}\n`);
  });

  afterAll(async () => {
    await swarm.browser?.close();
    for (const child of children.reverse()) await child.stop();
    await killAllChildren();
  });
  return swarm;
}
