// OTEL_* variables read as the newest Locust reads them (locust/opentelemetry.py), and the
// request attributes it records (name cap, error.type, the request hook's span names).
import { describe, expect, it } from 'vitest';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { nothingToExport, otelConfig, otlpProtocol } from './otel-config.js';
import { diagLine } from './otel-setup.js';
import { spanName } from './http-spans.js';
import { MAX_REQUEST_NAMES, RequestTelemetry, TOO_MANY_NAMES, errorType } from './request-telemetry.js';

describe('OTEL_* environment variables', () => {
  it('every signal exports over otlp by default, as Locust; the service is "locust"', () => {
    const config = otelConfig({});
    expect(config.exporters).toEqual({ traces: ['otlp'], metrics: ['otlp'], logs: ['otlp'] });
    expect(config.serviceName).toBe('locust');
    expect(config.warnings).toEqual([]);
    expect(config.metricExportIntervalMillis).toBe(60_000);
  });

  it('comma lists, none, console; all none turns OpenTelemetry off', () => {
    const config = otelConfig({ OTEL_TRACES_EXPORTER: ' Console , otlp ', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'console' });
    expect(config.exporters).toEqual({ traces: ['console', 'otlp'], metrics: [], logs: ['console'] });
    expect(nothingToExport(config)).toBe(false);
    expect(nothingToExport(otelConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }))).toBe(true);
  });

  it('the per-signal protocol wins over OTEL_EXPORTER_OTLP_PROTOCOL; an unknown one is refused with one line', () => {
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json' };
    expect(otlpProtocol(env, 'metrics')).toBe('http/protobuf');
    expect(otlpProtocol(env, 'traces')).toBe('grpc');
    const config = otelConfig(env);
    expect(config.exporters).toEqual({ traces: ['otlp-grpc'], metrics: ['otlp'], logs: [] });
    expect(config.warnings).toEqual(["Unknown OpenTelemetry otlp exporter protocol 'http/json'. Use 'grpc' or 'http/protobuf'"]);
    expect(otelConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http' }).exporters.traces).toEqual(['otlp']);
  });

  it("an endpoint on gRPC's port 4317 without a protocol gets a hint (Locust's default is gRPC)", () => {
    expect(otelConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' }).warnings).toEqual([
      "OTEL_EXPORTER_OTLP_ENDPOINT http://collector:4317 is OTLP/gRPC's port (Locust's default protocol); locust-ts sends OTLP/HTTP (http/protobuf) unless OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
    ]);
    expect(otelConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).warnings).toEqual([]);
  });

  it('unknown exporters are ignored with a warning', () => {
    const config = otelConfig({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_METRICS_EXPORTER: 'prometheus' });
    expect(config.exporters.traces).toEqual([]);
    expect(config.warnings).toEqual(["Unknown traces exporter 'zipkin'. Ignored", 'Prometheus metrics exporter is not yet implemented!']);
  });

  it('service name, export interval and batch settings; a bad number keeps the default', () => {
    const config = otelConfig({
      OTEL_SERVICE_NAME: 'shop-load',
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
      OTEL_METRIC_EXPORT_TIMEOUT: '9000',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: 'lots',
    });
    expect(config.serviceName).toBe('shop-load');
    expect(config.metricExportIntervalMillis).toBe(5000);
    // the SDK refuses a timeout above the interval
    expect(config.metricExportTimeoutMillis).toBe(5000);
    expect(config.spanBatch).toEqual({ scheduledDelayMillis: 200 });
    expect(config.logBatch).toEqual({});
    expect(config.warnings).toEqual(["Invalid value 'lots' for OTEL_BLRP_MAX_EXPORT_BATCH_SIZE, using the default"]);
  });
});

describe('request attributes', () => {
  it("error.type is the exception's class name, as Locust's exception.__class__.__name__", () => {
    expect(errorType("HTTPError('500 Server Error: Internal Server Error for url: /x')")).toBe('HTTPError');
    expect(errorType("CatchResponseError('no id')")).toBe('CatchResponseError');
    expect(errorType("ConnectionRefusedError(111, 'Connection refused')")).toBe('ConnectionRefusedError');
    expect(errorType(new TypeError('x'))).toBe('TypeError');
    expect(errorType('boom')).toBe('Exception');
  });

  it("span names: the URL's path without its query, or the explicit name", () => {
    expect(spanName('GET', '/hello?u=1', 'http://h:1/hello?u=1')).toBe('GET /hello');
    expect(spanName('POST', 'login', 'http://h:1/api/login')).toBe('POST login');
    expect(spanName('GET', '/', 'http://h:1/')).toBe('GET /');
  });

  it(`after ${MAX_REQUEST_NAMES} names, new names share "${TOO_MANY_NAMES}"`, async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const telemetry = new RequestTelemetry(provider.getMeter('locust'));
    const names = Array.from({ length: MAX_REQUEST_NAMES + 3 }, (_, i) => `/n${i}`);
    for (const name of names) telemetry.onRequest({ requestType: 'GET', name, responseTime: 1500, responseLength: 0 });
    telemetry.onRequest({ requestType: 'GET', name: '/n0', responseTime: 500, responseLength: 0, exception: "HTTPError('404 Client Error')" });
    await reader.forceFlush();
    const metric = exporter.getMetrics()[0]!.scopeMetrics[0]!.metrics[0] as HistogramMetricData;
    expect(metric.descriptor).toMatchObject({ name: 'locust.client.duration', unit: 's', description: 'Time to last byte for requests' });
    const counts = new Map(metric.dataPoints.map((p) => [JSON.stringify(p.attributes), p.value.count]));
    expect(counts.get(JSON.stringify({ name: TOO_MANY_NAMES }))).toBe(3);
    expect(counts.get(JSON.stringify({ name: '/n19' }))).toBe(1);
    // a name seen before the cap keeps its own series
    expect(counts.get(JSON.stringify({ name: '/n0', 'error.type': 'HTTPError' }))).toBe(1);
    // seconds, as Locust's response_time / 1000
    expect(metric.dataPoints.find((p) => p.attributes.name === '/n1')!.value.sum).toBe(1.5);
    await provider.shutdown();
  });
});

describe('SDK messages on the log', () => {
  it('one line: the message of a JSON-wrapped error, the first line of anything else', () => {
    const wrapped = JSON.stringify({ stack: 'Error: connect ECONNREFUSED 127.0.0.1:9\n    at TCPConnectWrap.afterConnect', message: 'connect ECONNREFUSED 127.0.0.1:9', code: 'ECONNREFUSED' });
    expect(diagLine([wrapped])).toBe('connect ECONNREFUSED 127.0.0.1:9');
    expect(diagLine(['metrics export failed', new Error('socket hang up\nmore')])).toBe('metrics export failed socket hang up');
    expect(diagLine(['{not json'])).toBe('{not json');
  });
});
