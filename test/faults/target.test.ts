/**
 * Fault matrix — the target misbehaves: it answers 500, answers after the client's timeout, resets
 * the connection, then goes down entirely and comes back. A locust-ts worker and a real Python
 * Locust 2.12.1 worker run the same requests against it under one master: every failure is
 * counted, nothing crashes, the run recovers when the target returns — and because the master keys
 * errors by their text, one row per (request, error) means the TS worker's texts are exactly
 * Python Locust's (two rows would mean two spellings). Where Locust 2.12.1 and the newest Locust
 * spell a text differently (the HTTPError URL), the master has the TS worker write its Python
 * workers' spelling.
 */
import { type Server, createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, startBin } from '@locust-ts/test-support/process';
import { writeTwinLocustfiles } from '@locust-ts/test-support/locustfiles';
import { freePort } from '@locust-ts/test-support/ports';
import { TestSwarm, startPythonWorker, waitFor } from '@locust-ts/test-support/swarm';

/** The client timeout of the slow request, and how late the target answers it. */
const TIMEOUT_SECONDS = 0.5;
const SLOW_MS = 1_500;
const WAIT_MS = 45_000;

// one task walks every fault, so each worker has met each one after one iteration
const { ts: TS_LOCUSTFILE, py: PY_LOCUSTFILE } = writeTwinLocustfiles('faults', {
  className: 'FaultUser',
  waitSeconds: 0.1,
  requests: [{ path: '/ok' }, { path: '/e500' }, { path: '/slow', timeoutSeconds: TIMEOUT_SECONDS }, { path: '/reset' }],
});

/** The misbehaving target; `close()` takes it down (connections too), `listen()` brings it back on the same port. */
function faultyTarget(port: number): { listen(): Promise<void>; close(): Promise<void> } {
  let server: Server | null = null;
  return {
    listen: () =>
      new Promise<void>((resolve) => {
        server = createServer((req, res) => {
          if (req.url === '/ok') res.end('ok');
          else if (req.url === '/e500') res.writeHead(500).end('boom');
          else if (req.url === '/slow') setTimeout(() => res.writableEnded || res.end('late'), SLOW_MS).unref();
          else if (req.url === '/reset') req.socket.resetAndDestroy();
          else res.writeHead(404).end();
        });
        server.listen(port, '127.0.0.1', resolve);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
        server = null;
      }),
  };
}

describe('fault matrix: the target fails', () => {
  const swarm = new TestSwarm();
  let target: ReturnType<typeof faultyTarget> | undefined;
  afterAll(async () => {
    await swarm.stop();
    killAll();
    await target?.close();
  });

  it('500, timeout, reset, down and back: counted with Python Locust texts on TS and Python workers, no crash, recovery', async () => {
    const port = await freePort();
    target = faultyTarget(port);
    await target.listen();
    const { master } = await swarm.startHeadless({
      userClasses: [{ name: 'FaultUser', weight: 1, fixedCount: 0 }], host: `http://127.0.0.1:${port}`,
      users: 2, spawnRate: 10, runTime: 300, expectWorkers: 2, onlySummary: true,
    });
    startBin(['-f', TS_LOCUSTFILE, '--worker', '--master-host', '127.0.0.1', '--master-port', String(master.port)]);
    swarm.processes.push(startPythonWorker(PY_LOCUSTFILE, master.port));
    const runner = master.runner;
    await waitFor(() => runner.state === 'running' && runner.userCount === 2, WAIT_MS, '1 user on each worker');
    const nodes = () => runner.registry.all();
    const errorRows = () => [...runner.stats.errors.values()].map((e) => `${e.method} ${e.name} ${e.error}`).sort();

    // each worker has walked the faults at least twice (2 × 3 failures reported)
    await waitFor(() => nodes().every((n) => n.numFailures >= 6), WAIT_MS, 'failures reported by both workers');
    const faultRows = errorRows();
    // one text each, shared by both workers. /e500: requests' HTTPError names the whole URL in Locust
    // 2.12.1, the path in the newest Locust (captures: v2121-*.jsonl vs head-*.jsonl); the master has
    // its locust-ts worker write its Python 2.12.1 worker's spelling, so they share one row
    expect(faultRows).toEqual([
      `GET /e500 HTTPError('500 Server Error: Internal Server Error for url: http://127.0.0.1:${port}/e500')`,
      "GET /reset ConnectionResetError(104, 'Connection reset by peer')",
      `GET /slow ReadTimeout(ReadTimeoutError("HTTPConnectionPool(host='127.0.0.1', port=${port}): Read timed out. (read timeout=${TIMEOUT_SECONDS})"))`,
    ]);

    // the target goes down: every request is refused, on both workers, with one text per request
    await target.close();
    const failedBefore = nodes().map((n) => n.numFailures);
    await waitFor(() => nodes().every((n, i) => n.numFailures >= failedBefore[i]! + 8), WAIT_MS, 'refused requests from both workers');
    // (a request in flight when the target shut its connections is RemoteDisconnected, as in Python)
    const downRows = errorRows().filter((r) => !faultRows.includes(r));
    const refused = downRows.filter((r) => r.endsWith("ConnectionRefusedError(111, 'Connection refused')"));
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(new Set(refused.map((r) => r.split(' ')[1])).size).toBe(refused.length); // one text per request name
    for (const row of downRows.filter((r) => !refused.includes(r))) expect(row).toMatch(/ RemoteDisconnected\('Remote end closed connection without response'\)$/);

    // it comes back: successes again on both workers, the run never stopped
    await target.listen();
    const okBefore = nodes().map((n) => n.numRequests - n.numFailures);
    await waitFor(() => nodes().every((n, i) => n.numRequests - n.numFailures > okBefore[i]!), WAIT_MS, 'successful requests after the target returned');
    expect(runner.state).toBe('running');
    expect(runner.workerCount()).toBe(2);
    expect(await master.quit()).toBe(1); // failed requests: Locust's exit code 1
    console.log(`target faults: ${errorRows().length} error rows shared by TS and Python workers:\n  ${errorRows().join('\n  ')}`);
  }, 150_000);
});
