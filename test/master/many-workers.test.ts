/**
 * 500 scripted workers on one master (real ZeroMQ sockets, the newest protocol): every heartbeat
 * gets the master's reply, no worker is ever marked missing, and every request the workers report
 * is in the master's total. Heartbeats run for several liveness periods, so a master too slow to
 * keep up would show here as missing workers or missing replies.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_LIVENESS } from '@locust-ts/protocol';
import { TestSwarm, waitFor } from '@locust-ts/test-support/swarm';
import { ScriptedWorker } from '@locust-ts/test-support/scripted-worker';

const WORKERS = 500;
/** Stats reports per worker, and requests in report k of worker i: i % 7 + k (varied on purpose). */
const REPORTS = 3;
/** Heartbeats each worker sends before the checks: more than a liveness period (a missing worker would show). */
const BEATS = HEARTBEAT_LIVENESS + 3;
/** Guards against hangs only: the conditions are met in a few seconds. */
const HANG_GUARD_MS = 60_000;

describe('master with 500 workers', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop(), HANG_GUARD_MS);

  it('answers every heartbeat, marks no worker missing and counts every reported request', async () => {
    const master = await swarm.startMaster({
      headless: true,
      userClasses: [{ name: 'SimpleUser', weight: 1, fixedCount: 0 }],
      users: WORKERS,
      spawnRate: WORKERS,
      expectWorkers: WORKERS,
      onlySummary: true,
    });
    // all at once, as a fleet of pods starting together
    const workers = Array.from({ length: WORKERS }, () => new ScriptedWorker(master.port));
    swarm.scripted.push(...workers);
    await Promise.all(workers.map((w) => w.register()));
    // the headless master starts once all are ready: each worker gets one user
    await Promise.all(workers.map((w) => w.next('spawn', HANG_GUARD_MS)));
    await waitFor(() => master.runner.state === 'running', HANG_GUARD_MS, 'the ramp to finish');

    let sent = 0;
    for (let k = 1; k <= REPORTS; k++) {
      await Promise.all(
        workers.map((w, i) => {
          sent += (i % 7) + k;
          return w.sendStats((i % 7) + k);
        }),
      );
    }
    await waitFor(() => workers.every((w) => w.heartbeatsSent >= BEATS), HANG_GUARD_MS, `${BEATS} heartbeats from every worker`);
    for (const w of workers) w.stopBeating();
    await waitFor(() => workers.every((w) => w.heartbeatReplies() === w.heartbeatsSent), HANG_GUARD_MS, 'a reply to every heartbeat');
    await waitFor(() => master.runner.stats.total.numRequests === sent, HANG_GUARD_MS, `${sent} requests in the master's total`);

    expect(master.runner.stats.total.numRequests).toBe(sent);
    expect(master.runner.workers().filter((w) => w.state === 'missing')).toEqual([]);
    expect(swarm.sink.text).not.toContain('setting state to missing');
    expect(master.runner.workerCount()).toBe(WORKERS);
  }, 2 * HANG_GUARD_MS);
});
