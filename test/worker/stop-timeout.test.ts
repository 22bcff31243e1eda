/**
 * Stopping users with the spawn's `stop_timeout` (spec §3.4, §3.9), against a scripted master
 * on real ZeroMQ and a slow local HTTP server: with a stop timeout a user in a request finishes
 * that task (and it is counted) before `client_stopped`; when the timeout runs out, or without
 * one, the user is killed: its request is aborted and not counted, as Locust kills a greenlet.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkerMessageMap } from '@locust-ts/protocol';
import { HttpUser, constant, silentLogger } from '@locust-ts/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cleanups, connectWorker, fastTiming, spawnData, until } from '@locust-ts/test-support/scripted-worker-setup';
import { sleep } from '@locust-ts/test-support/wait';

/** How long the server takes to answer `/slow`, ms: long enough to stop a user inside it. */
const SLOW_MS = 800;
const FAST = fastTiming(10);
/** Poll often: a user is stopped while inside its first request. */
const POLL_MS = 10;
/** How long one condition may take. */
const WAIT_MS = 5_000;

let server: Server;
let host: string;
let requestsArrived = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requestsArrived++;
    const timer = setTimeout(() => res.end('slow'), SLOW_MS);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

async function setup() {
  const finished: number[] = [];
  const stopped: number[] = [];
  class SlowUser extends HttpUser {
    static tasks = { slow: 1 };
    waitTime = constant(0);
    async slow(): Promise<void> {
      await this.client.get('/slow');
      finished.push(performance.now());
    }
    override onStop(): void {
      stopped.push(performance.now());
    }
  }
  const { master, worker } = await connectWorker(cleanups, { userClasses: [SlowUser], logger: silentLogger, timing: FAST });
  /** `GET /slow` requests and failures in every stats report received so far (they are deltas). */
  const counted = () => {
    let requests = 0;
    let failures = 0;
    for (const m of master.received) {
      if (m.type !== 'stats') continue;
      for (const e of (m.data as WorkerMessageMap['stats']).stats) if (e.name === '/slow') (requests += e.num_requests), (failures += e.num_failures);
    }
    return { requests, failures };
  };
  /** Spawn `users` and wait until each is inside its first request. */
  const startInRequest = async (users: number, stopTimeout: number | null) => {
    const before = requestsArrived;
    await master.send(worker.clientId, 'spawn', spawnData({ SlowUser: users }, performance.now(), { host, stopTimeout }));
    await master.next('spawning_complete');
    await until(() => requestsArrived >= before + users, 'the users to be inside their requests', WAIT_MS, POLL_MS);
  };
  /** Ask for one more stats report and return the totals after it. */
  const finalCounts = async () => {
    master.skipAll();
    await master.next('stats');
    await master.next('stats');
    return counted();
  };
  return { master, worker, finished, stopped, startInRequest, finalCounts };
}

describe('stop_timeout on a TS worker', () => {
  it('stop with stop_timeout: the task in progress finishes and is counted before client_stopped; no new task starts', async () => {
    const { master, worker, finished, stopped, startInRequest, finalCounts } = await setup();
    await startInRequest(1, 5);
    const arrived = requestsArrived;
    master.skipAll();
    await master.send(worker.clientId, 'stop', null);
    await master.next('client_stopped');
    expect(finished).toHaveLength(1);
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!).toBeGreaterThanOrEqual(finished[0]!);
    expect(requestsArrived).toBe(arrived);
    expect(await finalCounts()).toEqual({ requests: 1, failures: 0 });
  });

  it('ramp down with stop_timeout: the stopped users leave the counts at once and finish their task', async () => {
    const { master, worker, finished, stopped, startInRequest, finalCounts } = await setup();
    await startInRequest(2, 5);
    await master.send(worker.clientId, 'spawn', spawnData({ SlowUser: 1 }, performance.now(), { host, stopTimeout: 5 }));
    const complete = await master.next('spawning_complete');
    expect(complete.data.user_count).toBe(1);
    await until(() => stopped.length === 1, 'the surplus user to stop after its task', WAIT_MS, POLL_MS);
    expect(finished.length).toBeGreaterThanOrEqual(1);
    await master.send(worker.clientId, 'stop', null);
    await master.next('client_stopped');
    expect(stopped).toHaveLength(2);
    const counts = await finalCounts();
    expect(counts.failures).toBe(0);
    expect(counts.requests).toBe(finished.length);
  });

  it('a stop timeout that runs out kills the user: its request is aborted and not counted', async () => {
    const { master, worker, finished, stopped, startInRequest, finalCounts } = await setup();
    await startInRequest(1, 0.2);
    await master.send(worker.clientId, 'stop', null);
    await master.next('client_stopped');
    expect(finished).toHaveLength(0);
    expect(stopped).toHaveLength(1);
    expect(await finalCounts()).toEqual({ requests: 0, failures: 0 });
  });

  it('without a stop timeout the user is killed at once, as before', async () => {
    const { master, worker, finished, stopped, startInRequest, finalCounts } = await setup();
    await startInRequest(1, null);
    await master.send(worker.clientId, 'stop', null);
    await master.next('client_stopped');
    expect(finished).toHaveLength(0);
    expect(stopped).toHaveLength(1);
    await sleep(SLOW_MS); // the aborted request never completes into the stats
    expect(finished).toHaveLength(0);
    expect(await finalCounts()).toEqual({ requests: 0, failures: 0 });
  });
});
