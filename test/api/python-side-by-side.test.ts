/**
 * The same scenario as a Python locustfile on real Python Locust 2.12.1 and as its TypeScript
 * port on locust-ts, side by side, each against its own target with an access log: the
 * SequentialTaskSet's request sequence, tag filtering with -T/-E, a cookie login followed by a
 * protected page (0 failures), and the order in which the events fire.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type Started, killAll, startBin, startProcess } from '@locust-ts/test-support/process';
import { freePort } from '@locust-ts/test-support/ports';

const PY_LOCUSTFILE = 'test/api/fixtures/flow.py';
const TS_LOCUSTFILE = 'test/api/fixtures/flow.ts';
const COMPARED_REQUESTS = 10;

interface Target {
  url: string;
  /** `METHOD /path STATUS` per request, in arrival order */
  log: string[];
  close(): void;
}

/** A target with an access log: /login sets a session cookie and redirects to /private, which needs it. */
async function startTarget(): Promise<Target> {
  const log: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      let status = 200;
      if (req.url === '/login') {
        status = 302;
        res.writeHead(status, { 'set-cookie': 'session=abc; Path=/', location: '/private' });
      } else if (req.url === '/private') {
        status = /(^|; )session=abc(;|$)/.test(req.headers.cookie ?? '') ? 200 : 401;
        res.writeHead(status);
      } else res.writeHead(status);
      res.end('ok');
      log.push(`${req.method} ${req.url} ${status}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const targets: Target[] = [];
afterAll(() => {
  killAll();
  for (const t of targets) t.close();
});

interface RunResult {
  code: number;
  requests: string[];
  events: string[];
}

async function runSide(side: 'python' | 'ts', flags: string[]): Promise<RunResult> {
  const target = await startTarget();
  targets.push(target);
  const args = ['--headless', '-u', '1', '-r', '1', '-t', '5s', '-H', target.url, '--only-summary', ...flags];
  const run: Started =
    side === 'python' ? startProcess('/usr/bin/locust', ['-f', PY_LOCUSTFILE, ...args]) : startBin(['-f', TS_LOCUSTFILE, ...args]);
  const killer = setTimeout(() => run.kill(), 30_000);
  const code = await run.exited;
  clearTimeout(killer);
  const events = [...run.output().matchAll(/^EVENT (\w+)$/gm)].map((m) => m[1]!);
  return { code, requests: target.log.slice(0, COMPARED_REQUESTS), events };
}

async function sideBySide(flags: string[]): Promise<{ python: RunResult; ts: RunResult }> {
  const [python, ts] = await Promise.all([runSide('python', flags), runSide('ts', flags)]);
  expect(python.requests.length, 'Python Locust made too few requests to compare').toBe(COMPARED_REQUESTS);
  return { python, ts };
}

describe('a locustfile ported line for line runs as on Python Locust 2.12.1', () => {
  it('-E x: the same SequentialTaskSet sequence after a cookie login, 0 failures, the same events in the same order', async () => {
    const { python, ts } = await sideBySide(['-E', 'x']);
    expect(ts.requests).toEqual(python.requests);
    // the login's redirect reached /private with the cookie, and every /private answered 200
    expect(python.requests.slice(0, 3)).toEqual(['POST /login 302', 'GET /private 200', 'GET /seq/a 200']);
    expect(ts.requests.filter((r) => r.includes('/private'))).not.toContainEqual(expect.stringContaining('401'));
    expect(ts.events).toEqual(python.events);
    expect(python.events).toEqual(['init', 'testStart', 'spawningComplete', 'testStopping', 'testStop', 'quitting', 'quit']);
    expect([python.code, ts.code]).toEqual([0, 0]);
  });

  it('-T slow keeps only the tagged task; no tags runs every task', async () => {
    const [tagged, all] = await Promise.all([sideBySide(['-T', 'slow']), sideBySide([])]);
    expect(tagged.ts.requests).toEqual(tagged.python.requests);
    expect(new Set(tagged.python.requests.slice(2))).toEqual(new Set(['GET /seq/b 200']));
    expect(all.ts.requests).toEqual(all.python.requests);
    expect(all.python.requests).toContain('GET /seq/d 200');
  });
});

/**
 * A master of one side and a worker of the other; the events each process fired, in order.
 * (Debian's Python 2.12.1 master refuses Debian's 2.12.1 worker, whose version is empty: the
 * Python events of each role come from a mixed pair.)
 */
async function distributedEvents(masterSide: 'python' | 'ts'): Promise<{ master: string[]; worker: string[] }> {
  const target = await startTarget();
  targets.push(target);
  const port = await freePort();
  const start = (side: 'python' | 'ts', args: string[]): Started =>
    side === 'python' ? startProcess('/usr/bin/locust', ['-f', PY_LOCUSTFILE, ...args]) : startBin(['-f', TS_LOCUSTFILE, ...args]);
  const master = start(masterSide, [
    '--master', '--headless', '--expect-workers', '1', '-u', '1', '-r', '1', '-t', '3s', '-H', target.url, '--only-summary',
    '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
  ]);
  const worker = start(masterSide === 'python' ? 'ts' : 'python', ['--worker', '--master-host', '127.0.0.1', '--master-port', String(port)]);
  const killer = setTimeout(killAll, 50_000);
  await Promise.all([master.exited, worker.exited]);
  clearTimeout(killer);
  const eventsOf = (p: Started) => [...p.output().matchAll(/^EVENT (\w+)$/gm)].map((m) => m[1]!);
  return { master: eventsOf(master), worker: eventsOf(worker) };
}

describe('events in a distributed run fire on the same process as in Python Locust 2.12.1', () => {
  it('the TS master fires what the Python master fires, the TS worker what the Python worker fires', async () => {
    const [pythonMaster, tsMaster] = await Promise.all([distributedEvents('python'), distributedEvents('ts')]);
    const lifecycle = ['init', 'testStart', 'spawningComplete', 'testStopping', 'testStop', 'quitting', 'quit'];
    expect(pythonMaster.master).toEqual(lifecycle);
    expect(tsMaster.master).toEqual(pythonMaster.master);
    expect(tsMaster.worker.length).toBeGreaterThan(0);
    expect(pythonMaster.worker).toEqual(tsMaster.worker);
  });
});
