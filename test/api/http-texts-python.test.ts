/**
 * FastHttpUser, HttpUser, catchResponse and rest() failures as Python Locust writes them, so the
 * rows of locust-ts workers and Python workers merge on one master. The same requests
 * (test/api/fixtures/http_texts.py and its port http-texts.ts: status failures, a full URL to
 * another host, a caught failure, connection refused, rest() on bodies that are not JSON, failed
 * checks) run on real Python Locust 2.12.1 alone, then in swarms of one Python 2.12.1 worker and
 * one locust-ts worker under a locust-ts master and under a Python 2.12.1 master: every row of a
 * swarm is a Python row with twice its count (same method, name and error), so no TS row stands
 * apart. rest() is the newest Locust's own code (test/api/fixtures/newest_rest.py) run on 2.12.1.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Started, killAll, startBin, startProcess } from '@locust-ts/test-support/process';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { LOCUST_BIN } from '@locust-ts/test-support/paths';
import { freePort } from '@locust-ts/test-support/ports';
import { readCsvRows } from '@locust-ts/test-support/csv';

const PY_LOCUSTFILE = 'test/api/fixtures/http_texts.py';
const TS_LOCUSTFILE = 'test/api/fixtures/http-texts.ts';
/** rest() rows whose text names each side's own source files (Locust's `... at file:line in fn`) */
const FRAMES_ROW = '/json?throws';
/** hang guard for one run (start-up of Python and TS processes on a busy machine) */
const RUN_GUARD_MS = 90_000;

const runs = useBinRuns('http-texts-');

interface Target {
  url: string;
  /** raw request headers of each POST /vnd */
  vnd: string[][];
}

function answer(req: IncomingMessage, res: ServerResponse, vnd: string[][]): void {
  req.resume();
  req.on('end', () => {
    const url = req.url ?? '';
    if (url.startsWith('/vnd')) vnd.push(req.rawHeaders);
    if (url.startsWith('/checkout/confirm')) res.writeHead(500).end('boom');
    else if (url.startsWith('/json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": 7, "error": null}');
    else if (url.startsWith('/text')) res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
    else if (url.startsWith('/ok') || url.startsWith('/vnd')) res.writeHead(200).end('ok');
    else if (url.startsWith('/bad')) res.writeHead(500, { 'content-type': 'application/json' }).end('{"error": "bad"}');
    else res.writeHead(404).end('<h1>not found</h1>');
  });
}

const servers: Server[] = [];
afterAll(() => {
  killAll();
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

/** The target and a second host for full-URL requests (OTHER_HOST). */
async function startTargets(): Promise<{ target: Target; other: string }> {
  const vnd: string[][] = [];
  const listen = async () => {
    const server = createServer((req, res) => answer(req, res, vnd));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const [url, other] = await Promise.all([listen(), listen()]);
  return { target: { url, vnd }, other };
}

interface Rows {
  /** `METHOD name → error` → occurrences */
  failures: Map<string, number>;
  /** `METHOD name` → `requests/failures` */
  requests: Map<string, string>;
}

/**
 * A Python master writes the text a worker sent through `repr()` once more (`"BadStatusCode(...)"`,
 * Locust 2.12.1's StatsError.parse_error on a str): read it back to the worker's text.
 */
function unrepr(text: string): string {
  const q = text[0];
  if ((q !== '"' && q !== "'") || text.at(-1) !== q) return text;
  return text.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** The CSV rows of a run, its target's and other host's URLs read as TARGET and OTHER. */
function readRows(prefix: string, target: string, other: string, reprTwice = false): Rows {
  const hosts = (s: string) => s.replaceAll(target, 'TARGET').replaceAll(other, 'OTHER');
  const failures = new Map<string, number>();
  for (const [method, name, error, occurrences] of readCsvRows(`${prefix}_failures.csv`)) {
    failures.set(hosts(`${method} ${name} → ${reprTwice ? unrepr(error!) : error}`), Number(occurrences));
  }
  const requests = new Map<string, string>();
  for (const [type, name, count, failed] of readCsvRows(`${prefix}_stats.csv`)) {
    if (name !== 'Aggregated') requests.set(hosts(`${type} ${name}`), `${count}/${failed}`);
  }
  return { failures, requests };
}

async function finish(procs: Started[], label: string): Promise<void> {
  const guard = setTimeout(() => procs.forEach((p) => p.kill()), RUN_GUARD_MS);
  await Promise.all(procs.map((p) => p.exited));
  clearTimeout(guard);
  expect(procs[0]!.output(), `${label}: no summary`).toContain('Response time percentiles');
}

/** Python Locust 2.12.1 alone: one user of each class (FastTexts, HttpTexts, Idle). */
async function pythonAlone(): Promise<{ rows: Rows; vnd: string[][]; output: string }> {
  const { target, other } = await startTargets();
  const prefix = join(runs.scratch, 'alone');
  const run = startProcess(LOCUST_BIN, ['-f', PY_LOCUSTFILE, '--headless', '-u', '3', '-r', '3', '-t', '6s', '-H', target.url, '--csv', prefix, '--only-summary'], {
    env: { ...process.env, OTHER_HOST: other, PYTHONUNBUFFERED: '1' },
  });
  await finish([run], 'python alone');
  return { rows: readRows(prefix, target.url, other), vnd: target.vnd, output: run.output() };
}

/** One run of Python alone serves every test of this file. */
let aloneRun: ReturnType<typeof pythonAlone> | null = null;
const alone = () => (aloneRun ??= pythonAlone());

/** locust-ts alone (a local run), as {@link pythonAlone}. */
async function tsAlone(): Promise<{ output: string }> {
  const { target, other } = await startTargets();
  const run = startBin(['-f', TS_LOCUSTFILE, '--headless', '-u', '3', '-r', '3', '-t', '6s', '-H', target.url, '--only-summary'], {
    env: { ...process.env, OTHER_HOST: other },
  });
  await finish([run], 'locust-ts alone');
  return { output: run.output() };
}

/**
 * A master of `masterSide`, one Python 2.12.1 worker and one locust-ts worker: 6 users, one of
 * each class on each worker (Locust's dispatcher deals the class sequence round the workers).
 */
async function mixedSwarm(masterSide: 'ts' | 'python'): Promise<{ rows: Rows; vnd: string[][] }> {
  const { target, other } = await startTargets();
  const prefix = join(runs.scratch, `swarm-${masterSide}`);
  const port = await freePort();
  const env = { ...process.env, OTHER_HOST: other, PYTHONUNBUFFERED: '1' };
  const masterArgs = ['--master', '--headless', '--expect-workers', '2', '-u', '6', '-r', '6', '-t', '8s', '-H', target.url, '--csv', prefix, '--only-summary'];
  const bind = ['--master-bind-host', '127.0.0.1', '--master-bind-port', String(port)];
  const master =
    masterSide === 'ts'
      ? startBin(['-f', TS_LOCUSTFILE, ...masterArgs, ...bind], { env })
      : startProcess(LOCUST_BIN, ['-f', PY_LOCUSTFILE, ...masterArgs, ...bind], { env });
  const workerArgs = ['--worker', '--master-host', '127.0.0.1', '--master-port', String(port)];
  const python = startProcess(LOCUST_BIN, ['-f', PY_LOCUSTFILE, ...workerArgs], { env });
  const ts = startBin(['-f', TS_LOCUSTFILE, ...workerArgs], { env });
  await finish([master, python, ts], `${masterSide} master`);
  return { rows: readRows(prefix, target.url, other, masterSide === 'python'), vnd: target.vnd };
}

/** Python's rows with every count doubled (two users of each class instead of one). */
function doubled(rows: Rows): Rows {
  return {
    failures: new Map([...rows.failures].map(([k, n]) => [k, 2 * n])),
    requests: new Map(
      [...rows.requests].map(([k, v]) => {
        const [count, failed] = v.split('/').map(Number);
        return [k, `${2 * count!}/${2 * failed!}`];
      }),
    ),
  };
}

const withoutFrames = (failures: Map<string, number>) => new Map([...failures].filter(([k]) => !k.includes(` ${FRAMES_ROW} → `)));

/** Each request of POST /vnd: its content-type and accept headers (name spelling aside), sorted. */
function vndHeaders(requests: string[][]): string[][] {
  return requests.map((raw) => {
    const out: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      if (name === 'content-type' || name === 'accept') out.push(`${name}: ${raw[i + 1]}`);
    }
    return out.sort();
  }).sort();
}

/** The "Error report" lines of a final summary naming `request` (`GET /ok`), padding dropped. */
function reportLines(output: string, request: string): string[] {
  const report = output.slice(output.lastIndexOf('Error report'));
  return report
    .split('\n')
    .filter((l) => l.includes(` ${request}: `))
    .map((l) => l.trim().replace(/^(\d+)\s+/, '$1 '));
}

describe('a local run prints the Error report of Python Locust 2.12.1 alone', () => {
  it('a caught failure reads CatchResponseError(...) in full, as Locust\'s local runner prints it', async () => {
    const [python, ts] = await Promise.all([alone(), tsAlone()]);
    for (const request of ['GET /ok', 'GET http://127.0.0.1:1/refused', 'POST /json']) {
      expect(reportLines(ts.output, request), request).toEqual(reportLines(python.output, request));
    }
    expect(reportLines(python.output, 'GET /ok')).toEqual(["2 GET /ok: CatchResponseError('account locked')"]);
  });
});

describe('failure rows of locust-ts workers merge with Python Locust 2.12.1 workers', () => {
  it('Python alone: the texts and names the swarms are held to', async () => {
    const { rows, vnd } = await alone();
    expect([...rows.failures.keys()]).toEqual(
      expect.arrayContaining([
        "GET /checkout/confirm → BadStatusCode('TARGET/checkout/confirm', code=500)",
        "GET /checkout/confirm → HTTPError('500 Server Error: Internal Server Error for url: TARGET/checkout/confirm')",
        // FastHttpUser names a full URL by the URL; HttpUser by its path, and 2.12.1's HTTPError names the URL
        "GET OTHER/missing → BadStatusCode('OTHER/missing', code=404)",
        "GET /missing → HTTPError('404 Client Error: Not Found for url: OTHER/missing')",
        "GET /ok → CatchResponseError('account locked')",
        "GET http://127.0.0.1:1/refused → ConnectionRefusedError(111, 'Connection refused')",
        "GET /missing → CatchResponseError('Could not parse response as JSON. <h1>not found</h1>, response code 404, error Expecting value: line 1 column 1 (char 0)')",
        "GET http://127.0.0.1:1/rest → CatchResponseError('[Errno 111] Connection refused')",
        "GET /json?bare → CatchResponseError('Assertion failed')",
        // inside the block the last failure() wins, and a failed check wins over them
        "GET /json?twice → CatchResponseError('second')",
        "GET /json?overridden → CatchResponseError('thrown')",
      ]),
    );
    expect(rows.requests.get('GET /ok?after')).toBe('1/0'); // the task went on after the failed checks
    // rest() keeps the caller's Content-Type; FastHttpSession's json= asks for JSON back too
    expect(vndHeaders(vnd)).toEqual([
      ['accept: application/json', 'content-type: application/json'],
      ['accept: application/json', 'content-type: application/vnd.api+json'],
    ]);
  });

  it.each(['ts', 'python'] as const)('a %s master, a Python worker and a TS worker: every row is a Python row, counted twice', async (masterSide) => {
    const [python, swarm] = await Promise.all([alone(), mixedSwarm(masterSide)]);
    const expected = doubled(python.rows);
    expect(withoutFrames(swarm.rows.failures)).toEqual(withoutFrames(expected.failures));
    expect(swarm.rows.requests).toEqual(expected.requests);
    // a check that threw failed its request on both workers (the texts name each side's files)
    const frames = [...swarm.rows.failures].filter(([k]) => k.includes(` ${FRAMES_ROW} → `));
    expect(frames.map(([k]) => k).sort()).toEqual([
      expect.stringMatching(/^GET \/json\?throws → CatchResponseError\('KeyError: \\'nope\\' at .*http_texts\.py:\d+ in once\. Response was \{"id": 7, "error": null\}'\)$/),
      expect.stringMatching(/^GET \/json\?throws → CatchResponseError\('TypeError: .* at .*http-texts\.ts:\d+ in .*\. Response was \{"id": 7, "error": null\}'\)$/),
    ]);
    // rest() keeps the caller's Content-Type, one header of each, on both workers
    expect(vndHeaders(swarm.vnd)).toEqual(vndHeaders([...python.vnd, ...python.vnd]));
  });
});
