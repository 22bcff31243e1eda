/**
 * Locust's runner-side events fire on the process and at the moment the newest Locust's
 * runners.py fires them: `workerConnect` on the master when a worker's client_ready arrives,
 * `heartbeatSent` on the master as it answers a worker's heartbeat and `heartbeatReceived` on that
 * worker (both with the worker's id), `usageMonitor` on master and worker from each one's own CPU
 * monitor, `userError` on the worker whose task raised, and `resetStats` on the master when the web
 * UI resets the stats — before the reset, so a listener still reads the old numbers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, startBin } from '@locust-ts/test-support/process';
import { waitFor } from '@locust-ts/test-support/wait';
import { freePort } from '@locust-ts/test-support/ports';

const FIXTURE = 'test/api/fixtures/events.ts';
const STEP_TIMEOUT_MS = 30_000;

afterAll(killAll);

describe('runner events on the process Locust fires them on', () => {
  it('master: workerConnect, heartbeatSent, usageMonitor, resetStats; worker: heartbeatReceived, usageMonitor, userError', async () => {
    const [webPort, masterPort] = await Promise.all([freePort(), freePort()]);
    const master = startBin([
      '-f', FIXTURE, '--master', '--autostart', '-u', '1', '-r', '1', '--web-host', '127.0.0.1', '--web-port', String(webPort),
      '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort),
    ]);
    const worker = startBin(['-f', FIXTURE, '--worker', '--master-port', String(masterPort)]);

    const [, clientId] = await master.waitFor(/^MARK master workerConnect (\S+)$/m, STEP_TIMEOUT_MS);
    await worker.waitFor(new RegExp(`^MARK worker heartbeatReceived ${clientId} true$`, 'm'), STEP_TIMEOUT_MS);
    await master.waitFor(new RegExp(`^MARK master heartbeatSent ${clientId} true$`, 'm'), STEP_TIMEOUT_MS);
    await worker.waitFor(/^MARK worker userError \w+ boom true$/m, STEP_TIMEOUT_MS);
    await master.waitFor(/^MARK master usageMonitor true true true$/m, STEP_TIMEOUT_MS);
    await worker.waitFor(/^MARK worker usageMonitor true true true$/m, STEP_TIMEOUT_MS);

    const url = `http://127.0.0.1:${webPort}`;
    const requests = async () => ((await (await fetch(`${url}/stats/requests`)).json()) as { stats: Array<{ num_requests: number }> }).stats.at(-1)!.num_requests;
    await waitFor(async () => (await requests()) > 0, STEP_TIMEOUT_MS, 'the worker reports requests');
    expect(await (await fetch(`${url}/stats/reset`)).text()).toBe('ok');
    const [, seen] = await master.waitFor(/^MARK master resetStats requests=(\d+)$/m, STEP_TIMEOUT_MS);
    expect(Number(seen)).toBeGreaterThan(0);

    master.child.kill('SIGTERM');
    await Promise.all([master.exited, worker.exited]);
    const marks = (out: string) => new Set([...out.matchAll(/^MARK \w+ (\w+)/gm)].map((m) => m[1]!));
    expect([...marks(master.output())].sort()).toEqual(['heartbeatSent', 'resetStats', 'usageMonitor', 'workerConnect']);
    expect([...marks(worker.output())].sort()).toEqual(['heartbeatReceived', 'usageMonitor', 'userError']);
  });
});
