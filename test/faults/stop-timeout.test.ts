/**
 * Fault matrix — `--stop-timeout` end to end: a master with stop_timeout 4 s stops a run while a
 * locust-ts worker and a real Python Locust 2.12.1 worker are each in the middle of a 1.5 s
 * request. Both let the task finish: every request the target received is in the master's
 * statistics, none failed, and none started after the stop.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, startBin } from '@locust-ts/test-support/process';
import { writeTwinLocustfiles } from '@locust-ts/test-support/locustfiles';
import { SLOW_RESPONSE_MS, TestSwarm, startPythonWorker, waitFor } from '@locust-ts/test-support/swarm';

const STOP_TIMEOUT_SECONDS = 4;
const WAIT_MS = 45_000;
const { ts: TS_LOCUSTFILE, py: PY_LOCUSTFILE } = writeTwinLocustfiles('slow', { className: 'SlowUser', waitSeconds: 0, requests: [{ path: '/slow' }] });

describe('fault matrix: --stop-timeout on TS and Python workers', () => {
  const swarm = new TestSwarm();
  afterAll(async () => {
    await swarm.stop();
    killAll();
  });

  it(`a stop during a ${SLOW_RESPONSE_MS} ms request lets it finish and counts it, on both kinds of worker`, async () => {
    const target = await swarm.startTarget();
    const master = await swarm.startMaster({
      userClasses: [{ name: 'SlowUser', weight: 1, fixedCount: 0 }], host: target.url, stopTimeout: STOP_TIMEOUT_SECONDS, webHost: '127.0.0.1', webPort: 0,
    });
    startBin(['-f', TS_LOCUSTFILE, '--worker', '--master-host', '127.0.0.1', '--master-port', String(master.port)]);
    swarm.processes.push(startPythonWorker(PY_LOCUSTFILE, master.port));
    const runner = master.runner;
    await waitFor(() => runner.workerCount() === 2, WAIT_MS, '2 workers');
    await runner.start({ userCount: 2, spawnRate: 10 });
    // both have finished a request and reported it, so each is in (or right before) its next one
    await waitFor(() => runner.registry.all().every((n) => n.numRequests > 0), WAIT_MS, 'a reported request from each worker');
    const stopping = runner.stop();
    await stopping;
    expect(runner.state).toBe('stopped');
    const sentAfterStop = target.requests();
    // the final reports come with quit; nothing new reached the target after the users stopped
    expect(await master.quit()).toBe(0);
    const slow = runner.stats.get('/slow', 'GET');
    expect(slow.numFailures).toBe(0);
    expect(target.requests()).toBe(sentAfterStop);
    expect(slow.numRequests).toBe(target.requests());
    console.log(`stop-timeout ${STOP_TIMEOUT_SECONDS} s: ${slow.numRequests} requests counted = ${target.requests()} received, 0 failed (TS + Python 2.12.1 workers)`);
  }, 120_000);
});
