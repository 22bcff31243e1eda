/**
 * The REST API, `--web-auth` and the HTML report of the real master, started through the CLI with
 * a real `--worker` process against the real target server: the JSON shapes are the newest
 * Locust's (learned from the HEAD web capture), every route needs the credentials, and the report
 * shows the numbers the master's own `/stats/requests` shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startBin } from '@locust-ts/test-support/process';
import { waitFor } from '@locust-ts/test-support/wait';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { reportArgs } from '@locust-ts/test-support/html-report';
import { freePort } from '@locust-ts/test-support/ports';
import { captured, learn, mismatches } from '@locust-ts/test-support/rest-schema';

const runs = useBinRuns('web-real-master-');
const AUTH = 'locust:s3cret';
const GOOD = `Basic ${Buffer.from(AUTH).toString('base64')}`;
/** Every route of the UI and REST API (POST /swarm is tried without credentials only: it would start). */
const ROUTES: [string, string][] = [
  ['GET', '/'], ['GET', '/stats/requests'], ['GET', '/stats/requests/csv'], ['GET', '/stats/failures/csv'], ['GET', '/exceptions'],
  ['GET', '/exceptions/csv'], ['GET', '/stats/report'], ['GET', '/tasks'], ['GET', '/logs'], ['GET', '/worker-count'],
  ['GET', '/stats/reset'], ['GET', '/stop'], ['POST', '/swarm'], ['POST', '/user'],
];

interface RequestsJson {
  state: string;
  user_count: number;
  stats: { name: string; method: string | null; num_requests: number; num_failures: number }[];
}

describe('the real master through the CLI (web mode, --web-auth)', () => {
  let master: Started;
  let url = '';
  const call = (method: string, path: string, authorization?: string, body?: URLSearchParams): Promise<Response> =>
    fetch(`${url}${path}`, { method, headers: authorization ? { authorization } : {}, ...(body ? { body } : {}) });
  const requestsJson = async (): Promise<RequestsJson> => (await (await call('GET', '/stats/requests', GOOD)).json()) as RequestsJson;

  beforeAll(async () => {
    const [webPort, masterPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${webPort}`;
    master = startBin(['-f', 'examples/locustfile.ts', '--master', '-H', runs.targetUrl, '--web-host', '127.0.0.1', '--web-port', String(webPort),
      '--web-auth', AUTH, '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort)]);
    startBin(['-f', 'examples/locustfile.ts', '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)]);
    await master.waitFor(/Starting web interface at/, 45_000);
    await master.waitFor(/1 workers connected/, 45_000);
  });
  afterAll(() => master?.kill());

  it.each(ROUTES)('%s %s without or with wrong credentials is 401 with a Basic challenge', async (method, path) => {
    const res = await call(method, path);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await call(method, path, `Basic ${Buffer.from('locust:wrong').toString('base64')}`)).status).toBe(401);
    expect((await call(method, path, 'Bearer abc')).status).toBe(401);
  });

  it('POST /swarm with the credentials starts the run and answers as the newest Locust', async () => {
    const res = await call('POST', '/swarm', GOOD, new URLSearchParams({ user_count: '2', spawn_rate: '10' }));
    const body = await res.json();
    expect(mismatches(body, learn(captured('POST', '/swarm').map((r) => r.json)))).toEqual([]);
    expect(body).toMatchObject({ success: true, message: 'Swarming started' });
    await waitFor(async () => {
      const json = await requestsJson();
      return json.user_count === 2 && json.stats.some((s) => s.name === '/hello' && s.num_requests > 0);
    }, 45_000, 'requests on /hello from 2 users');
  });

  it.each(['/stats/requests', '/tasks', '/worker-count', '/logs', '/exceptions'])('GET %s has the captured keys and types', async (path) => {
    const res = await call('GET', path, GOOD);
    expect(res.status).toBe(200);
    expect(mismatches(await res.json(), learn(captured('GET', path).map((r) => r.json)))).toEqual([]);
  });

  it('CSV downloads start with the captured header lines', async () => {
    for (const path of ['/stats/requests/csv', '/stats/failures/csv', '/exceptions/csv']) {
      const text = await (await call('GET', path, GOOD)).text();
      expect(text.split('\r\n')[0]).toBe(captured('GET', path)[0]!.text!.split('\r\n')[0]);
    }
  });

  it('the HTML report shows the numbers /stats/requests shows', async () => {
    expect((await call('GET', '/stop', GOOD)).status).toBe(200);
    await waitFor(async () => (await requestsJson()).state === 'stopped', 45_000, 'the run to stop');
    const hello = (json: RequestsJson) => json.stats.find((s) => s.name === '/hello')!;
    // a worker's last report may still arrive: the report's count lies between two readings
    const before = hello(await requestsJson()).num_requests;
    const args = reportArgs(await (await call('GET', '/stats/report', GOOD)).text());
    const after = hello(await requestsJson()).num_requests;
    const row = args.requests_statistics.find((r) => r.method === 'GET' && r.name === '/hello');
    expect(row).toBeDefined();
    expect(row!.num_requests).toBeGreaterThanOrEqual(before);
    expect(row!.num_requests).toBeLessThanOrEqual(after);
    expect(row!.num_failures).toBe(0);
    expect(args.requests_statistics.at(-1)!.name).toBe('Aggregated');
  });
});
