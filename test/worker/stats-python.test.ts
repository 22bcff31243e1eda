/**
 * The worker's recording path (HttpSession → StatsRecorder → `stats` report) checked against
 * Python Locust's own `locust.stats` on the same inputs: buckets, totals, percentiles, and error
 * keys that merge with a Python worker's on a master.
 */
import { PERCENTILES_TO_REPORT, StatsEntry, type StatsReportData } from '@locust-ts/protocol';
import { buildServer } from '@locust-ts/target-server';
import { HttpPools, HttpSession, StatsRecorder } from '@locust-ts/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@locust-ts/test-support/ports';
import { runPythonJson } from '@locust-ts/test-support/python';

const PY_STATS = `
import json, sys
from locust.stats import StatsEntry, RequestStats, StatsError
inp = json.load(sys.stdin)
s = RequestStats(use_response_times_cache=False)
e = s.get("/t", "GET")
for t in inp["times"]:
    e.log(t, 0)
print(json.dumps({
  "response_times": {str(int(k)): v for k, v in e.response_times.items()},
  "num_requests": e.num_requests, "total_response_time": e.total_response_time,
  "min": e.min_response_time, "max": e.max_response_time, "median": e.median_response_time,
  "avg": e.avg_response_time,
  "percentiles": [e.get_response_time_percentile(p) for p in inp["percentiles"]],
}))
`;

const PY_ERROR_KEYS = `
import json, sys
import requests
from locust.stats import StatsError
from locust.exception import CatchResponseError
errors = [
  ("GET", "/missing", requests.exceptions.HTTPError("404 Client Error: Not Found for url: /missing")),
  ("GET", "/refused", ConnectionRefusedError(111, "Connection refused")),
  ("GET", "/checked", CatchResponseError("body was not hello")),
]
print(json.dumps({f"{m} {n}": [StatsError.create_key(m, n, e), StatsError.parse_error(e)] for m, n, e in errors}))
`;

/** Hand-picked ties for round-half-even, bucket edges, and a spread of ordinary values. */
const TIMES = [
  0.4, 0.5, 1.5, 2.5, 12.5, 13.5, 99.4, 99.5, 100, 104.9, 105, 115, 145, 155, 999, 999.5, 1000, 1050, 1150, 1250, 9950,
  9999, 10000, 10500, 11500, 58760, 3432, 147,
  ...Array.from({ length: 200 }, (_, i) => ((i * 7919) % 1500) / 3 + 0.25),
];

describe('stats recording agrees with Python Locust', () => {
  it('buckets, totals and percentiles of recorded response times', async () => {
    const recorder = new StatsRecorder();
    for (const t of TIMES) recorder.logRequest('GET', '/t', t, 0);
    const report = recorder.takeReport({}, 0);
    const data = report.stats.find((e) => e.name === '/t')!;
    const py = await runPythonJson<{
      response_times: Record<string, number>;
      num_requests: number;
      total_response_time: number;
      min: number;
      max: number;
      median: number;
      avg: number;
      percentiles: number[];
    }>(PY_STATS, { times: TIMES, percentiles: PERCENTILES_TO_REPORT });

    expect(Object.fromEntries([...data.response_times].map(([k, v]) => [String(k), v]))).toEqual(py.response_times);
    expect(data.num_requests).toBe(py.num_requests);
    expect(data.total_response_time).toBeCloseTo(py.total_response_time, 6);
    expect(data.min_response_time).toBe(py.min);
    expect(data.max_response_time).toBe(py.max);

    // What a master derives from this delta.
    const merged = new StatsEntry('/t', 'GET');
    merged.extend(data);
    expect(PERCENTILES_TO_REPORT.map((p) => merged.getResponseTimePercentile(p))).toEqual(py.percentiles);
    expect(merged.medianResponseTime).toBe(py.median);
    expect(merged.avgResponseTime).toBeCloseTo(py.avg, 9);
    // The report was a delta: the entry starts again from zero.
    expect(recorder.takeReport({}, 0).stats).toEqual([]);
  });
});

describe('HTTP requests are counted as Locust counts them', () => {
  const target = buildServer();
  let base = '';
  const pools = new HttpPools();
  beforeAll(async () => {
    await target.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(target.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await pools.close();
    await target.close();
  });

  it('successes, HTTP errors, connection errors and caught responses, with Python-identical error keys', async () => {
    const recorder = new StatsRecorder();
    const client = new HttpSession({ pools, stats: recorder }, base);
    const hello = await client.get('/hello');
    expect(hello.status).toBe(200);
    expect(hello.json()).toEqual({ message: 'Hello from FastAPI!' });
    await client.get('/hello', { params: { id: 7 }, name: '/hello?id=[id]' });
    const missing = await client.get('/missing');
    expect(missing.ok).toBe(false);

    const refusedPort = await freePort();
    const refused = await client.get(`http://127.0.0.1:${refusedPort}/x`, { name: '/refused' });
    expect(refused.status).toBe(0);

    const checked = await client.get('/hello', { name: '/checked', catchResponse: true });
    checked.failure('body was not hello');
    const forgiven = await client.get('/missing', { name: '/forgiven', catchResponse: true });
    forgiven.success();

    const report: StatsReportData = recorder.takeReport({ SimpleUser: 1 }, 1);
    const byName = new Map(report.stats.map((e) => [e.name, e]));
    const bodyBytes = JSON.stringify({ message: 'Hello from FastAPI!' }).length;
    expect(byName.get('/hello')).toMatchObject({ method: 'GET', num_requests: 1, num_failures: 0, total_content_length: bodyBytes });
    expect(byName.get('/hello?id=[id]')).toMatchObject({ num_requests: 1, num_failures: 0 });
    expect(byName.get('/missing')).toMatchObject({ num_requests: 1, num_failures: 1 });
    expect(byName.get('/refused')).toMatchObject({ num_requests: 1, num_failures: 1, total_content_length: 0 });
    expect(byName.get('/checked')).toMatchObject({ num_requests: 1, num_failures: 1 });
    expect(byName.get('/forgiven')).toMatchObject({ num_requests: 1, num_failures: 0 });
    expect(report.stats_total).toMatchObject({ name: 'Aggregated', num_requests: 6, num_failures: 3 });
    expect(report.user_classes_count).toEqual({ SimpleUser: 1 });

    const py = await runPythonJson<Record<string, [string, string]>>(PY_ERROR_KEYS, null);
    const ours = Object.fromEntries(Object.entries(report.errors).map(([key, e]) => [`${e.method} ${e.name}`, [key, e.error]]));
    expect(ours).toEqual(py);
  });

  it('follows redirects under the original name and times out slow responses', async () => {
    const redirecting = buildServer();
    redirecting.get('/old', async (_req, reply) => reply.redirect('/hello', 302));
    redirecting.get('/slow', async () => new Promise((r) => setTimeout(() => r('late'), 2000)));
    await redirecting.listen({ host: '127.0.0.1', port: 0 });
    try {
      const url = `http://127.0.0.1:${(redirecting.server.address() as { port: number }).port}`;
      const recorder = new StatsRecorder();
      const client = new HttpSession({ pools, stats: recorder }, url);
      const r = await client.get('/old');
      expect(r.status).toBe(200);
      expect(r.url).toBe(`${url}/hello`);
      const slow = await client.get('/slow', { timeout: 0.2 });
      expect(slow.status).toBe(0);
      const report = recorder.takeReport({}, 0);
      expect(report.stats.map((e) => [e.name, e.num_requests, e.num_failures]).sort()).toEqual([
        ['/old', 1, 0],
        ['/slow', 1, 1],
      ]);
      expect(Object.values(report.errors)[0]!.error).toMatch(/^ReadTimeout\(ReadTimeoutError\("HTTPConnectionPool\(host='127\.0\.0\.1', port=\d+\): Read timed out\. \(read timeout=0\.2\)"\)\)$/);
    } finally {
      await redirecting.close();
    }
  });
});
