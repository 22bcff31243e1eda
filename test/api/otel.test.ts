/**
 * `--otel` as the newest Locust's (locust/opentelemetry.py): real runs against the target server
 * export over OTLP/HTTP (protobuf) to a receiver that decodes with opentelemetry-proto's own
 * definitions. The counts are checked against the run's own `--csv` stats, not against anything
 * the exporter computed: `locust.client.duration` per request name (and `error.type` for the
 * failures), one CLIENT span per HTTP request named as Locust's request hook names it,
 * `locust.users.count` per user class, the log lines, the resource, and which process exports what.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, killAll, runBin, startBin } from '@locust-ts/test-support/process';
import { freePort } from '@locust-ts/test-support/ports';
import type { AddressInfo } from 'node:net';
import { buildServer } from '@locust-ts/target-server';
import { type HistogramPoint, type OtlpReceiver, type Span, attributesOf, startOtlpGrpcReceiver, startOtlpReceiver } from '@locust-ts/test-support/otlp-receiver';

const LOCUSTFILE = join(process.cwd(), 'test/api/fixtures/otel.ts');
/** the fixture's own traceparent on its `checked` request (test/api/fixtures/otel.ts) */
const USER_TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const RUN_GUARD_MS = 60_000;

/** The repo's target server, noting the W3C `traceparent` header of every request. */
const app = buildServer();
const traceparents = new Set<string>();
app.addHook('onRequest', async (request) => {
  const header = request.headers.traceparent;
  if (typeof header === 'string') traceparents.add(header);
});
const target = { url: '' };
const scratch = mkdtempSync(join(tmpdir(), 'api-otel-'));
beforeAll(async () => {
  await app.listen({ host: '127.0.0.1', port: 0 });
  target.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  killAll();
  await app.close();
  rmSync(scratch, { recursive: true, force: true });
});

const hex = (base64: string) => Buffer.from(base64, 'base64').toString('hex');

/** Request Count and Failure Count per `Type Name` from Locust's `_stats.csv` (Aggregated left out). */
function csvCounts(prefix: string): Map<string, { requests: number; failures: number }> {
  const [header, ...rows] = readFileSync(`${prefix}_stats.csv`, 'utf8').trim().split('\n');
  const cols = header!.split(',');
  const at = (name: string) => cols.indexOf(name);
  const out = new Map<string, { requests: number; failures: number }>();
  for (const row of rows) {
    // no commas in this run's names
    const cells = row.split(',');
    if (cells[at('Name')] === 'Aggregated') continue;
    out.set(`${cells[at('Type')]} ${cells[at('Name')]}`, { requests: Number(cells[at('Request Count')]), failures: Number(cells[at('Failure Count')]) });
  }
  return out;
}

/** A port nothing listens on: the fixture's `refused` request. */
let refusedUrl = '';
beforeAll(async () => {
  refusedUrl = `http://127.0.0.1:${await freePort()}/nothing`;
});

function otelEnv(receiver: OtlpReceiver, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    OTEL_TEST_REFUSED_URL: refusedUrl,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=otel-test',
    ...extra,
  });
}

interface Exported {
  service: string;
  resource: Record<string, string | number | boolean>;
  scope: string;
}

/** Every histogram point of `locust.client.duration`, with where it came from. */
function durationPoints(receiver: OtlpReceiver): Array<HistogramPoint & Exported> {
  const out: Array<HistogramPoint & Exported> = [];
  for (const req of receiver.metrics)
    for (const rm of req.resourceMetrics) {
      const resource = attributesOf(rm.resource.attributes);
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics)
          if (m.name === 'locust.client.duration') {
            expect(m.unit).toBe('s');
            expect(m.histogram?.aggregationTemporality).toBe('AGGREGATION_TEMPORALITY_CUMULATIVE');
            for (const p of m.histogram!.dataPoints) out.push({ ...p, service: String(resource['service.name']), resource, scope: sm.scope.name });
          }
    }
  return out;
}

/**
 * Final cumulative counts per attribute set: the newest point of each stream (a stream: one
 * process — its `service.instance.id` — and one attribute set), summed over processes.
 */
function finalCounts(points: ReadonlyArray<HistogramPoint & Exported>): Map<string, number> {
  const newest = new Map<string, HistogramPoint>();
  for (const p of points) {
    const key = `${p.resource['service.instance.id']} ${JSON.stringify(attributesOf(p.attributes))}`;
    const seen = newest.get(key);
    if (!seen || BigInt(p.timeUnixNano) > BigInt(seen.timeUnixNano)) newest.set(key, p);
  }
  const out = new Map<string, number>();
  for (const p of newest.values()) {
    const attrs = JSON.stringify(attributesOf(p.attributes));
    out.set(attrs, (out.get(attrs) ?? 0) + Number(p.count));
  }
  return out;
}

function spans(receiver: OtlpReceiver): Array<Span & Exported> {
  const out: Array<Span & Exported> = [];
  for (const req of receiver.traces)
    for (const rs of req.resourceSpans) {
      const resource = attributesOf(rs.resource.attributes);
      for (const ss of rs.scopeSpans) for (const s of ss.spans) out.push({ ...s, service: String(resource['service.name']), resource, scope: ss.scope.name });
    }
  return out;
}

/** users per user class in every `locust.users.count` point of `service` */
function userCounts(receiver: OtlpReceiver, service: string): Array<Record<string, number>> {
  const out: Array<Record<string, number>> = [];
  for (const req of receiver.metrics)
    for (const rm of req.resourceMetrics) {
      if (attributesOf(rm.resource.attributes)['service.name'] !== service) continue;
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics)
          if (m.name === 'locust.users.count') {
            expect(m.unit).toBe('{user}');
            const sample: Record<string, number> = {};
            for (const p of m.gauge!.dataPoints) sample[String(attributesOf(p.attributes).user_class)] = Number(p.asInt ?? p.asDouble);
            out.push(sample);
          }
    }
  return out;
}

function logBodies(receiver: OtlpReceiver, service: string): Array<{ scope: string; severityText?: string; severityNumber?: string; body: string }> {
  const out: Array<{ scope: string; severityText?: string; severityNumber?: string; body: string }> = [];
  for (const req of receiver.logs)
    for (const rl of req.resourceLogs) {
      if (attributesOf(rl.resource.attributes)['service.name'] !== service) continue;
      for (const sl of rl.scopeLogs)
        for (const r of sl.logRecords) out.push({ scope: sl.scope.name, severityText: r.severityText, severityNumber: r.severityNumber, body: r.body?.stringValue ?? '' });
    }
  return out;
}

/** The checks both runs share: what the processes that ran users exported, against the CSV. */
function checkRequestTelemetry(receiver: OtlpReceiver, prefix: string, userService: string): void {
  expect(receiver.problems).toEqual([]);
  const csv = csvCounts(prefix);
  const get = csv.get('GET /hello?u=1')!;
  const failing = csv.get('GET failing')!;
  const checked = csv.get('GET checked')!;
  const refused = csv.get('GET refused')!;
  const custom = csv.get('CUSTOM custom')!;
  expect(get.requests).toBeGreaterThan(0);
  expect(get.failures).toBe(0);
  for (const failed of [failing, checked, refused]) {
    expect(failed.requests).toBeGreaterThan(0);
    expect(failed.failures).toBe(failed.requests);
  }

  // the histogram: one series per request name, failures apart with Locust's error.type
  const points = durationPoints(receiver);
  expect(new Set(points.map((p) => p.service))).toEqual(new Set([userService]));
  expect(new Set(points.map((p) => p.scope))).toEqual(new Set(['locust']));
  expect(finalCounts(points)).toEqual(
    new Map([
      [JSON.stringify({ name: '/hello?u=1' }), get.requests],
      [JSON.stringify({ name: 'failing', 'error.type': 'HTTPError' }), failing.requests],
      [JSON.stringify({ name: 'checked', 'error.type': 'CatchResponseError' }), checked.requests],
      [JSON.stringify({ name: 'refused', 'error.type': 'ConnectionRefusedError' }), refused.requests],
      [JSON.stringify({ name: 'custom' }), custom.requests],
    ]),
  );
  for (const p of points) expect(Number(p.sum)).toBeGreaterThan(0);

  // spans: one per HTTP request (the custom request has none, as in Locust)
  const all = spans(receiver).filter((s) => s.service === userService);
  const byName = (name: string) => all.filter((s) => s.name === name);
  expect(new Set(all.map((s) => s.name))).toEqual(new Set(['GET /hello', 'GET failing', 'GET checked', 'GET refused']));
  expect(byName('GET /hello')).toHaveLength(get.requests);
  expect(byName('GET failing')).toHaveLength(failing.requests);
  expect(byName('GET checked')).toHaveLength(checked.requests);
  expect(byName('GET refused')).toHaveLength(refused.requests);
  expect(new Set(all.map((s) => s.spanId)).size).toBe(all.length);
  // one traceparent per request, never the locustfile's own beside ours
  expect(traceparents.has(USER_TRACEPARENT)).toBe(false);
  expect([...traceparents].filter((t) => !/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/.test(t))).toEqual([]);
  for (const s of all) {
    expect(s.kind).toBe('SPAN_KIND_CLIENT');
    expect(BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano)).toBe(true);
    const attrs = attributesOf(s.attributes);
    const status = s.status?.code ?? 'STATUS_CODE_UNSET';
    // an answered request carried the span's context to the target (requests' instrumentation does the same)
    if (s.name !== 'GET refused') expect(traceparents.has(`00-${hex(s.traceId)}-${hex(s.spanId)}-01`)).toBe(true);
    if (s.name === 'GET /hello') {
      expect(attrs).toEqual({ 'http.method': 'GET', 'http.url': `${target.url}/hello?u=1`, 'http.status_code': 200 });
      expect(status).toBe('STATUS_CODE_UNSET');
    } else if (s.name === 'GET failing') {
      expect(attrs).toEqual({ 'http.method': 'GET', 'http.url': `${target.url}/hello?error_ratio=1`, 'http.status_code': 500 });
      expect(status).toBe('STATUS_CODE_ERROR');
    } else if (s.name === 'GET checked') {
      // a catchResponse failure is the locustfile's verdict: the HTTP span stays unset, as in Locust
      expect(attrs).toEqual({ 'http.method': 'GET', 'http.url': `${target.url}/hello`, 'http.status_code': 200 });
      expect(status).toBe('STATUS_CODE_UNSET');
    } else {
      // no answer: no status code, an error with the connection error's text
      expect(attrs).toEqual({ 'http.method': 'GET', 'http.url': refusedUrl });
      expect(s.status).toEqual({ code: 'STATUS_CODE_ERROR', message: expect.stringMatching(/^ConnectionRefusedError\(/) });
    }
  }

  // the resource, as Locust's Resource.create (OTEL_RESOURCE_ATTRIBUTES merged in)
  const resource = points[0]!.resource;
  expect(resource).toMatchObject({
    'service.name': userService,
    'service.version': expect.any(String),
    'host.name': expect.any(String),
    filename: LOCUSTFILE,
    profile: '',
    'deployment.environment': 'otel-test',
    'telemetry.sdk.language': 'nodejs',
    'service.instance.id': expect.stringMatching(/^[0-9a-f-]{36}$/),
  });
}

describe('--otel', () => {
  it('a local run exports the request histogram, a span per HTTP request, the users gauge and the log lines', async () => {
    const receiver = await startOtlpReceiver();
    const prefix = join(scratch, 'local');
    const run = startBin(
      ['-f', LOCUSTFILE, '--headless', '-u', '2', '-r', '2', '-t', '3s', '-H', target.url, '--csv', prefix, '--exit-code-on-error', '0', '--otel'],
      { env: otelEnv(receiver) },
    );
    await run.waitFor(/OpenTelemetry enabled \(metrics: otlp, traces: otlp, logs: otlp\)/, RUN_GUARD_MS);
    expect(await run.exited).toBe(0);
    try {
      checkRequestTelemetry(receiver, prefix, 'locust');
      // the gauge: the local runner's users per class, 2 once spawned
      expect(userCounts(receiver, 'locust')).toContainEqual({ OtelUser: 2 });
      const lines = logBodies(receiver, 'locust');
      expect(lines).toContainEqual({ scope: 'locust.main', severityText: 'INFO', severityNumber: 'SEVERITY_NUMBER_INFO', body: 'OpenTelemetry enabled (metrics: otlp, traces: otlp, logs: otlp)' });
      // the last line before the flush is still exported
      expect(lines).toContainEqual({ scope: 'locust.main', severityText: 'INFO', severityNumber: 'SEVERITY_NUMBER_INFO', body: 'Shutting down (exit code 0)' });
    } finally {
      await receiver.close();
    }
  });

  it('master and worker: the worker exports requests and spans, both the users gauge, each its logs', async () => {
    const receiver = await startOtlpReceiver();
    const prefix = join(scratch, 'dist');
    const [masterPort, webPort] = await Promise.all([freePort(), freePort()]);
    const master = startBin(
      [
        '-f', LOCUSTFILE, '--master', '--headless', '-u', '2', '-r', '2', '-t', '3s', '-H', target.url, '--csv', prefix, '--exit-code-on-error', '0',
        '--expect-workers', '1', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort), '--web-port', String(webPort), '--otel',
      ],
      { env: otelEnv(receiver, { OTEL_SERVICE_NAME: 'locust-master' }) },
    );
    await master.waitFor(/OpenTelemetry enabled/, RUN_GUARD_MS);
    // the worker: --otel through Locust's environment variable
    const worker = startBin(['-f', LOCUSTFILE, '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)], {
      env: otelEnv(receiver, { LOCUST_ENABLE_OPENTELEMETRY: 'true' }),
    });
    const [masterCode, workerCode] = await Promise.all([master.exited, worker.exited]);
    expect(masterCode).toBe(0);
    expect(workerCode).toBe(0);
    try {
      checkRequestTelemetry(receiver, prefix, 'locust');
      // the master makes no requests: no histogram or spans from it, but its users gauge (summed over workers)
      expect(spans(receiver).filter((s) => s.service === 'locust-master')).toEqual([]);
      expect(userCounts(receiver, 'locust-master')).toContainEqual({ OtelUser: 2 });
      expect(userCounts(receiver, 'locust')).toContainEqual({ OtelUser: 2 });
      // each process its own lines: the master's spawn, the worker's quit
      const masterLines = logBodies(receiver, 'locust-master').map((l) => `${l.scope}: ${l.body}`);
      const workerLines = logBodies(receiver, 'locust').map((l) => `${l.scope}: ${l.body}`);
      expect(masterLines).toContain('locust.runners: Sending spawn jobs of 2 users at 2.00 spawn rate to 1 ready workers');
      expect(workerLines).toContain('locust.runners: Got quit message from master, shutting down...');
      expect(workerLines).not.toContain('locust.runners: Sending spawn jobs of 2 users at 2.00 spawn rate to 1 ready workers');
      expect(workerLines.filter((l) => l === 'locust.main: Shutting down (exit code 0)')).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('--processes 2: each worker process sets up its own exporters; their streams add up to the run', async () => {
    const receiver = await startOtlpReceiver();
    const prefix = join(scratch, 'processes');
    const run = startBin(
      ['-f', LOCUSTFILE, '--headless', '-u', '2', '-r', '2', '-t', '3s', '-H', target.url, '--csv', prefix, '--exit-code-on-error', '0', '--processes', '2', '--otel'],
      { env: otelEnv(receiver) },
    );
    expect(await run.exited).toBe(0);
    try {
      checkRequestTelemetry(receiver, prefix, 'locust');
      // two worker processes: two streams, told apart by their service.instance.id
      expect(new Set(durationPoints(receiver).map((p) => p.resource['service.instance.id'])).size).toBe(2);
      // the master's sum and each worker's own user
      const counts = userCounts(receiver, 'locust');
      expect(counts).toContainEqual({ OtelUser: 2 });
      expect(counts).toContainEqual({ OtelUser: 1 });
      expect(logBodies(receiver, 'locust').filter((l) => l.body === 'OpenTelemetry enabled (metrics: otlp, traces: otlp, logs: otlp)')).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });

  it("OTLP over gRPC (Locust's default protocol) when OTEL_EXPORTER_OTLP_PROTOCOL=grpc", async () => {
    const receiver = await startOtlpGrpcReceiver();
    const prefix = join(scratch, 'grpc');
    const run = startBin(
      ['-f', LOCUSTFILE, '--headless', '-u', '2', '-r', '2', '-t', '3s', '-H', target.url, '--csv', prefix, '--exit-code-on-error', '0', '--otel'],
      { env: otelEnv(receiver, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }) },
    );
    await run.waitFor(/OpenTelemetry enabled \(metrics: otlp-grpc, traces: otlp-grpc, logs: otlp-grpc\)/, RUN_GUARD_MS);
    expect(await run.exited).toBe(0);
    try {
      checkRequestTelemetry(receiver, prefix, 'locust');
      expect(userCounts(receiver, 'locust')).toContainEqual({ OtelUser: 2 });
      expect(logBodies(receiver, 'locust').map((l) => l.body)).toContain('Shutting down (exit code 0)');
    } finally {
      await receiver.close();
    }
  });

  it('without --otel no OpenTelemetry module is loaded; with it they are', async () => {
    const recorded = (name: string) => join(scratch, `${name}-imports.txt`);
    const run = async (name: string, extra: string[]) => {
      const file = recorded(name);
      const env = cleanEnv({
        NODE_OPTIONS: `--import ${join(process.cwd(), 'packages/test-support/src/record-imports.mjs')}`,
        RECORD_IMPORTS_FILE: file,
        RECORD_IMPORTS_MATCH: '@opentelemetry/',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'console',
      });
      const { code } = await runBin(['-f', LOCUSTFILE, '--headless', '-u', '1', '-r', '1', '-t', '1s', '-H', target.url, '--exit-code-on-error', '0', '--only-summary', ...extra], RUN_GUARD_MS, { env });
      expect(code).toBe(0);
      return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
    };
    expect(await run('plain', [])).toEqual([]);
    // the positive control: the hook does see them when --otel loads them
    expect(await run('otel', ['--otel'])).toEqual(expect.arrayContaining(['@opentelemetry/api', '@opentelemetry/sdk-metrics']));
  });

  it('an unreachable collector costs warning lines, one each, and the run ends with its own exit code', async () => {
    const closedPort = await freePort();
    const { code, output } = await runBin(
      ['-f', LOCUSTFILE, '--headless', '-u', '1', '-r', '1', '-t', '2s', '-H', target.url, '--exit-code-on-error', '0', '--only-summary', '--otel'],
      RUN_GUARD_MS,
      { env: cleanEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}`, OTEL_EXPORTER_OTLP_TIMEOUT: '1000' }) },
    );
    expect(code).toBe(0);
    const warnings = output.split('\n').filter((l) => l.includes('/WARNING/opentelemetry: '));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.some((l) => l.includes(`ECONNREFUSED 127.0.0.1:${closedPort}`))).toBe(true);
    // no JSON-wrapped errors or stack traces from the SDK
    expect(output).not.toMatch(/^\s+at /m);
    expect(warnings.filter((l) => l.includes('"stack"'))).toEqual([]);
    expect(output).toMatch(/Shutting down \(exit code 0\)/);
  });
});
