/**
 * An OTLP/HTTP receiver for tests: `POST /v1/metrics`, `/v1/traces`, `/v1/logs` with
 * `application/x-protobuf` bodies, decoded with OpenTelemetry's own protobuf definitions (the
 * protobufjs root generated from opentelemetry-proto, as shipped by @opentelemetry/otlp-transformer
 * 0.213 — the last release that still had it; the exporters under test serialize with their own
 * hand-written writer, so the two do not share code).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface ProtoType {
  decode(data: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}
interface ProtoRoot {
  opentelemetry: {
    proto: {
      collector: {
        metrics: { v1: { ExportMetricsServiceRequest: ProtoType } };
        trace: { v1: { ExportTraceServiceRequest: ProtoType } };
        logs: { v1: { ExportLogsServiceRequest: ProtoType } };
      };
    };
  };
}
const root = require('otlp-proto-root/build/src/generated/root.js') as ProtoRoot;
const collector = root.opentelemetry.proto.collector;

export type OtlpValue = { stringValue?: string; intValue?: number; doubleValue?: number; boolValue?: boolean };
export interface KeyValue {
  key: string;
  value: OtlpValue;
}
export interface Resource {
  attributes?: KeyValue[];
}
export interface HistogramPoint {
  attributes?: KeyValue[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  count: number;
  sum?: number;
}
export interface NumberPoint {
  attributes?: KeyValue[];
  asInt?: number;
  asDouble?: number;
}
export interface Metric {
  name: string;
  unit?: string;
  description?: string;
  histogram?: { dataPoints: HistogramPoint[]; aggregationTemporality: string };
  gauge?: { dataPoints: NumberPoint[] };
}
export interface MetricsRequest {
  resourceMetrics: Array<{ resource: Resource; scopeMetrics: Array<{ scope: { name: string }; metrics: Metric[] }> }>;
}
export interface Span {
  traceId: string;
  spanId: string;
  name: string;
  kind: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  status?: { code?: string; message?: string };
}
export interface TracesRequest {
  resourceSpans: Array<{ resource: Resource; scopeSpans: Array<{ scope: { name: string }; spans: Span[] }> }>;
}
export interface LogRecord {
  severityNumber?: string;
  severityText?: string;
  body?: OtlpValue;
}
export interface LogsRequest {
  resourceLogs: Array<{ resource: Resource; scopeLogs: Array<{ scope: { name: string }; logRecords: LogRecord[] }> }>;
}

const TO_OBJECT = { longs: String, enums: String, bytes: String, defaults: false, arrays: true };

/** `{ key: value }` of an OTLP attribute list. */
export function attributesOf(list: KeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    const v = value.stringValue ?? value.boolValue ?? value.doubleValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:PORT` — for OTEL_EXPORTER_OTLP_ENDPOINT */
  endpoint: string;
  metrics: MetricsRequest[];
  traces: TracesRequest[];
  logs: LogsRequest[];
  /** requests that could not be decoded (path: error) */
  problems: string[];
  /** resolves once `check()` is true after some request arrived (or at once) */
  waitFor(check: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const metrics: MetricsRequest[] = [];
  const traces: TracesRequest[] = [];
  const logs: LogsRequest[] = [];
  const problems: string[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    void body(req).then((raw) => {
      try {
        const data = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        if (req.headers['content-type'] !== 'application/x-protobuf') throw new Error(`content-type ${req.headers['content-type']}`);
        const decode = (type: ProtoType) => type.toObject(type.decode(data), TO_OBJECT);
        if (req.url === '/v1/metrics') metrics.push(decode(collector.metrics.v1.ExportMetricsServiceRequest) as MetricsRequest);
        else if (req.url === '/v1/traces') traces.push(decode(collector.trace.v1.ExportTraceServiceRequest) as TracesRequest);
        else if (req.url === '/v1/logs') logs.push(decode(collector.logs.v1.ExportLogsServiceRequest) as LogsRequest);
        else throw new Error(`unknown path ${req.url}`);
        // an empty Export*ServiceResponse: full success
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      } catch (err) {
        problems.push(`${req.url}: ${(err as Error).message}`);
        res.writeHead(400).end();
      }
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    metrics,
    traces,
    logs,
    problems,
    waitFor(check, timeoutMs = 45_000) {
      return new Promise((resolve, reject) => {
        const poke = () => {
          if (!check()) return;
          clearTimeout(timer);
          waiters.delete(poke);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(poke);
          reject(new Error(`OTLP receiver: condition not met (${metrics.length} metrics, ${traces.length} traces, ${logs.length} logs requests; problems: ${problems.join('; ')})`));
        }, timeoutMs);
        waiters.add(poke);
        poke();
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
