/**
 * The REST API answers with the newest Locust's JSON shapes: for every endpoint in the HEAD web
 * capture, our response has the same keys and JSON types, recursively (values differ, of course).
 * Runs against an in-test runner view (exact numbers); real-master.test.ts checks the real master.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebUi, type WebUiHandle } from '../../packages/master/src/web/index.js';
import { reportArgs } from '@locust-ts/test-support/html-report';
import { captured, learn, mismatches } from '@locust-ts/test-support/rest-schema';
import { FakeRunner } from '@locust-ts/test-support/fake-runner';

describe('web REST API contract (newest Locust shapes)', () => {
  const runner = new FakeRunner();
  let web: WebUiHandle;

  beforeAll(async () => {
    runner.simulateRun();
    web = await startWebUi(runner, { host: '127.0.0.1', port: 0, log: () => {} });
  });
  afterAll(async () => {
    await web?.close();
  });

  const get = (path: string) => fetch(`${web.url}${path}`);
  const postForm = (form: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x);
    return fetch(`${web.url}/swarm`, { method: 'POST', body });
  };

  it.each(['/stats/requests', '/tasks', '/worker-count', '/logs', '/exceptions'])('GET %s has the captured keys and types', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    const schema = learn(captured('GET', path).map((r) => r.json));
    expect(mismatches(body, schema)).toEqual([]);
  });

  it('GET /stats/requests lists every entry then Aggregated, the workers and their count', async () => {
    const body = (await (await get('/stats/requests')).json()) as {
      stats: { name: string; num_requests: number; current_rps: number }[];
      workers: { user_count: number }[];
      worker_count: number;
      user_count: number;
      errors: { occurrences: number }[];
    };
    expect(body.stats.map((s) => s.name)).toEqual(['/', '/api', '/missing', 'Aggregated']);
    expect(body.stats[3].num_requests).toBe(60);
    expect(body.stats[3].current_rps).toBeGreaterThan(0);
    expect(body.workers.map((w) => w.user_count)).toEqual([3, 3, 3]);
    expect(body.worker_count).toBe(3);
    expect(body.user_count).toBe(9);
    expect(body.errors[0].occurrences).toBe(15);
  });

  it('GET /tasks gives class and task ratios from the reported user classes', async () => {
    const body = (await (await get('/tasks')).json()) as { per_class: Record<string, { ratio: number; tasks: Record<string, { ratio: number }> }> };
    expect(body.per_class.ApiUser.ratio).toBeCloseTo(1 / 9);
    expect(body.per_class.WebsiteUser.tasks.index.ratio).toBeCloseTo(0.75);
  });

  it('POST /swarm starts the swarm and answers like Locust', async () => {
    const res = await postForm({ user_count: '4', spawn_rate: '2', host: 'http://127.0.0.1:18080' });
    const body = await res.json();
    expect(mismatches(body, learn(captured('POST', '/swarm').map((r) => r.json)))).toEqual([]);
    expect(body).toEqual({ success: true, message: 'Swarming started', host: 'http://127.0.0.1:18080' });
    expect(runner.started.at(-1)).toEqual({ userCount: 4, spawnRate: 2, host: 'http://127.0.0.1:18080' });
  });

  it('POST /swarm parses run_time and strips < > from the host', async () => {
    const body = await (await postForm({ user_count: '10', spawn_rate: '10', host: 'http://<b>x</b>:1', run_time: '1h20m' })).json();
    expect(body).toEqual({ success: true, message: 'Swarming started', host: 'http://bx/b:1', run_time: 4800 });
    expect(runner.started.at(-1)?.runTime).toBe(4800);
  });

  it.each([
    [{ user_count: '10', spawn_rate: '1', run_time: '5 minutes' }, 'Valid run_time formats are : 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.'],
    [{ spawn_rate: '1' }, 'Missing user_count or spawn_rate from /swarm request'],
    [{ user_count: '3', spawn_rate: '0' }, 'Missing user_count or spawn_rate from /swarm request'],
    [{ user_count: 'ten', spawn_rate: '1' }, "invalid literal for int() with base 10: 'ten'"],
  ])('POST /swarm %j is refused with a Locust message', async (form, message) => {
    const before = runner.started.length;
    const body = await (await postForm(form)).json();
    expect(body).toMatchObject({ success: false, message });
    expect(body).toHaveProperty('host');
    expect(runner.started.length).toBe(before);
  });

  it('POST /user forwards the update and answers {} with 201', async () => {
    const res = await fetch(`${web.url}/user`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_class_name: 'ApiUser', weight: 2 }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({});
    expect(runner.userUpdates).toEqual([{ user_class_name: 'ApiUser', weight: 2 }]);
  });

  it('CSV downloads have the captured header lines and Locust rows', async () => {
    for (const path of ['/stats/requests/csv', '/stats/failures/csv', '/exceptions/csv']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment;filename="Locust_.*locustfile\.ts_http/);
      const text = await res.text();
      const capturedText = captured('GET', path)[0].text!;
      expect(text.split('\r\n')[0]).toBe(capturedText.split('\r\n')[0]);
    }
    const requests = (await (await get('/stats/requests/csv')).text()).split('\r\n');
    expect(requests.at(-2)).toMatch(/^,Aggregated,60,15,/);
    const failures = (await (await get('/stats/failures/csv')).text()).split('\r\n');
    expect(failures[1]).toMatch(/^GET,\/missing,HTTPError\('404 Client Error: Not Found for url: \/missing'\),15,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,/);
    const exceptions = await (await get('/exceptions/csv')).text();
    expect(exceptions).toContain('1,capture test exception,"  File ""locustfile.ts"", line 42');
  });

  it('GET /stats/requests_full_history/csv is 404 unless full history is enabled', async () => {
    const res = await get('/stats/requests_full_history/csv');
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('Error: Server was not started with option to generate full history.');
  });

  it("GET /stats/report is Locust's report page with the run's numbers, self-contained; ?download=1 is an attachment", async () => {
    const res = await get('/stats/report');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    const args = reportArgs(html);
    // the simulated run's numbers (60 requests, 15 failures, all on /missing), in the report's rows
    const row = (name: string) => args.requests_statistics.find((r) => r.name === name);
    expect(row('Aggregated')).toMatchObject({ method: '', num_requests: 60, num_failures: 15 });
    expect(row('/missing')).toMatchObject({ method: 'GET', num_requests: 15, num_failures: 15 });
    expect(args).toMatchObject({ is_report: true, show_download_link: true });
    expect(args.failures_statistics.map((f) => f.error).join()).toContain('HTTPError');
    expect(args.exceptions_statistics.map((e) => e.msg)).toContain('capture test exception');
    expect(args.history.length).toBeGreaterThan(0);
    // one file: the bundle is inline, nothing is loaded from anywhere
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    const download = await get('/stats/report?download=1');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;filename="Locust_.*\.html"/);
    expect(reportArgs(await download.text()).show_download_link).toBe(false);
  });

  it('GET / serves the React UI with Locust template args before the bundle', async () => {
    const html = await (await get('/')).text();
    const m = /window\.templateArgs = (\{.*\});/.exec(html);
    expect(m).not.toBeNull();
    const args = JSON.parse(m![1]) as Record<string, unknown>;
    expect(args).toMatchObject({
      is_distributed: true,
      worker_count: 3,
      user_count: 9,
      host: runner.host,
      available_user_classes: ['ApiUser', 'WebsiteUser'],
      percentiles_to_chart: [0.5, 0.95],
      percentiles_to_statistics: [0.95, 0.99],
      locustfile: 'locustfile.ts',
    });
    const bundle = /src="\.\/assets\/([^"]+\.js)"/.exec(html);
    expect(bundle).not.toBeNull();
    const js = await get(`/assets/${bundle![1]}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await get('/assets/../../package.json')).status).toBe(404);
  });

  it('GET /stop and /stats/reset answer as Locust', async () => {
    expect(await (await get('/stop')).json()).toEqual({ success: true, message: 'Test stopped' });
    expect(runner.stops).toBe(1);
    const reset = await get('/stats/reset');
    expect(await reset.text()).toBe('ok');
    expect(runner.resets).toBe(1);
  });
});

describe('web UI under --web-base-path', () => {
  it('serves every route under the prefix and points the UI at it', async () => {
    const runner = new FakeRunner();
    const web = await startWebUi(runner, { host: '127.0.0.1', port: 0, webBasePath: '/locust/', log: () => {} });
    try {
      expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/locust$/);
      expect((await fetch(`${web.url}/stats/requests`)).status).toBe(200);
      expect((await fetch(`${web.url}/worker-count`)).status).toBe(200);
      const html = await (await fetch(`${web.url}/`)).text();
      expect(html).toContain('window.baseUrl = "/locust/"');
      const root = new URL(web.url).origin;
      expect((await fetch(`${root}/stats/requests`)).status).toBe(404);
    } finally {
      await web.close();
    }
  });
});
