/**
 * Garbage does not stop a running test: a raw pyzmq DEALER registers, sends undecodable frames,
 * messages from unknown ids (spawning_complete, spawning, quit, …) and invalid data; the master
 * answers `reconnect` to the known sender of a corrupt frame and the test keeps running.
 */
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TestSwarm, waitFor } from '@locust-ts/test-support/swarm';

const RAW_DEALER = fileURLToPath(new URL('./fixtures/raw-dealer.py', import.meta.url));
/** Guards against hangs only (a machine loaded by another heavy process is slow, never stuck). */
const HANG_GUARD_MS = 45_000;

describe('master robustness', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('malformed frames and unknown ids do not stop a running test', async () => {
    const { sink } = swarm;
    const { master } = await swarm.startHeadlessWithTsWorkers(1, { users: 4, spawnRate: 10, runTime: 60, expectWorkers: 1, onlySummary: true });
    const runner = master.runner;
    await waitFor(() => runner.state === 'running' && runner.userCount === 4, HANG_GUARD_MS, '4 running users');
    const before = runner.stats.total.numRequests;

    const { stdout } = await promisify(execFile)('/usr/bin/python3', [RAW_DEALER, String(master.port)], { timeout: HANG_GUARD_MS });
    const raw = JSON.parse(stdout.trim().split('\n').at(-1)!) as { id: string; received: string[] };

    expect(raw.received[0]).toBe('ack');
    expect(raw.received).toContain('spawn'); // it joined a running test and got users at once
    expect(raw.received).toContain('reconnect'); // answer to its corrupt frame
    // the raw peer quit: the real worker carries every user again, the test runs on
    // (the state is `spawning` until that move completed: wait for the whole event, not a count)
    await waitFor(() => runner.workers().length === 1 && runner.userCount === 4 && runner.state === 'running', HANG_GUARD_MS, 'users back on the real worker, running');
    await waitFor(() => runner.stats.total.numRequests > before + 10, HANG_GUARD_MS, 'requests still flowing');

    expect(sink.text).toContain('Unrecognized message detected');
    expect(sink.text).toContain('Got spawning_complete message from unknown worker ghost_');
    expect(sink.text).toContain('Got spawning message from unknown worker ghost_');
    expect(sink.text).toContain('Unknown message type received from worker');
    expect(sink.text).toContain('not valid UTF-8');
    expect(runner.exceptions()).toHaveLength(1); // Locust logs exceptions from any sender
    const code = await master.quit();
    expect(code).toBe(1); // … and an exception makes the exit code 1, as in Locust
    console.log(`robustness: raw peer received ${raw.received.join(',')}; requests ${before} → ${runner.stats.total.numRequests}`);
  }, 4 * HANG_GUARD_MS);
});
