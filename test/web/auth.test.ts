/** `--web-auth user:pass`: every route needs the credentials; wrong or missing ones get 401. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebUi, WebAuthFormatError, type WebUiHandle } from '../../packages/master/src/web/index.js';
import { FakeRunner } from '@locust-ts/test-support/fake-runner';

const ROUTES: [string, string][] = [
  ['GET', '/'],
  ['GET', '/stats/requests'],
  ['GET', '/stats/requests/csv'],
  ['GET', '/stats/failures/csv'],
  ['GET', '/exceptions'],
  ['GET', '/exceptions/csv'],
  ['GET', '/stats/report'],
  ['GET', '/tasks'],
  ['GET', '/logs'],
  ['GET', '/worker-count'],
  ['GET', '/scale'],
  ['GET', '/metrics'],
  ['GET', '/stop'],
  ['GET', '/stats/reset'],
  ['POST', '/swarm'],
];

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('web UI basic auth', () => {
  const runner = new FakeRunner();
  let web: WebUiHandle;

  beforeAll(async () => {
    runner.simulateRun();
    web = await startWebUi(runner, { host: '127.0.0.1', port: 0, auth: 'locust:s3cret', log: () => {} });
  });
  afterAll(async () => {
    await web?.close();
  });

  const request = (method: string, path: string, authorization?: string) => {
    const headers: Record<string, string> = {};
    if (authorization) headers.authorization = authorization;
    const body = method === 'POST' ? new URLSearchParams({ user_count: '1', spawn_rate: '1' }) : undefined;
    return fetch(`${web.url}${path}`, { method, headers, body });
  };

  it.each(ROUTES)('%s %s without credentials is 401 with a Basic challenge', async (method, path) => {
    const res = await request(method, path);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it.each(['locust:wrong', 'other:s3cret', 'locust', 'locust:s3cret:x'])('wrong credentials %s are 401', async (credentials) => {
    const res = await request('GET', '/stats/requests', basic(credentials));
    expect(res.status).toBe(401);
  });

  it('a malformed Authorization header is 401', async () => {
    expect((await request('GET', '/stats/requests', 'Bearer abc')).status).toBe(401);
    expect((await request('GET', '/stats/requests', 'Basic !!!')).status).toBe(401);
  });

  it.each(ROUTES)('%s %s with the right credentials succeeds', async (method, path) => {
    const res = await request(method, path, basic('locust:s3cret'));
    expect(res.status).toBe(200);
  });

  it('nothing was started or stopped by the refused requests', () => {
    expect(runner.started.length).toBe(1);
    expect(runner.stops).toBe(1);
  });

  it('a --web-auth without exactly one colon is refused at start', async () => {
    await expect(startWebUi(runner, { host: '127.0.0.1', port: 0, auth: 'nocolon', log: () => {} })).rejects.toThrow(WebAuthFormatError);
  });
});
