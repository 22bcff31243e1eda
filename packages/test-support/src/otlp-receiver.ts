/**
 * OTLP receivers for tests, decoding with OpenTelemetry's own protobuf definitions (the protobufjs
 * root generated from opentelemetry-proto, as shipped by @opentelemetry/otlp-transformer 0.213 —
 * the last release that still had it; the exporters under test serialize with their own
 * hand-written writer, so the two do not share code):
 * - OTLP/HTTP: `POST /v1/metrics`, `/v1/traces`, `/v1/logs` with `application/x-protobuf` bodies;
 * - OTLP/gRPC: the collector's `MetricsService`, `TraceService` and `LogsService` `Export` methods
 *   on @grpc/grpc-js.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { Server as GrpcServer, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';

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

/** What both receivers keep: the decoded requests by signal, and wake-ups for waitFor. */
class Collected {
  readonly metrics: MetricsRequest[] = [];
  readonly traces: TracesRequest[] = [];
  readonly logs: LogsRequest[] = [];
  readonly problems: string[] = [];
  readonly waiters = new Set<() => void>();

  /** Decode one export request of `signal`; a failure is kept as a problem and rethrown. */
  add(signal: 'metrics' | 'traces' | 'logs', data: Uint8Array): void {
    try {
      const decode = (type: ProtoType) => type.toObject(type.decode(data), TO_OBJECT);
      if (signal === 'metrics') this.metrics.push(decode(collector.metrics.v1.ExportMetricsServiceRequest) as MetricsRequest);
      else if (signal === 'traces') this.traces.push(decode(collector.trace.v1.ExportTraceServiceRequest) as TracesRequest);
      else this.logs.push(decode(collector.logs.v1.ExportLogsServiceRequest) as LogsRequest);
    } finally {
      for (const w of this.waiters) w();
    }
  }

  receiver(endpoint: string, close: () => Promise<void>): OtlpReceiver {
    const { metrics, traces, logs, problems, waiters } = this;
    return {
      endpoint,
      metrics,
      traces,
      logs,
      problems,
      waitFor: (check, timeoutMs = 45_000) => waitFor(waiters, check, timeoutMs, () => `${metrics.length} metrics, ${traces.length} traces, ${logs.length} logs requests; problems: ${problems.join('; ')}`),
      close,
    };
  }
}

function waitFor(waiters: Set<() => void>, check: () => boolean, timeoutMs: number, state: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const poke = () => {
      if (!check()) return;
      clearTimeout(timer);
      waiters.delete(poke);
      resolve();
    };
    const timer = setTimeout(() => {
      waiters.delete(poke);
      reject(new Error(`OTLP receiver: condition not met (${state()})`));
    }, timeoutMs);
    waiters.add(poke);
    poke();
  });
}

const HTTP_PATHS: Record<string, 'metrics' | 'traces' | 'logs'> = { '/v1/metrics': 'metrics', '/v1/traces': 'traces', '/v1/logs': 'logs' };

/** OTLP/HTTP with protobuf bodies (gzip or not), on 127.0.0.1 and a free port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const collected = new Collected();
  const server: Server = createServer((req, res) => {
    void body(req).then((raw) => {
      try {
        const data = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        if (req.headers['content-type'] !== 'application/x-protobuf') throw new Error(`content-type ${req.headers['content-type']}`);
        const signal = HTTP_PATHS[req.url ?? ''];
        if (!signal) throw new Error(`unknown path ${req.url}`);
        collected.add(signal, data);
        // an empty Export*ServiceResponse: full success
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      } catch (err) {
        collected.problems.push(`${req.url}: ${(err as Error).message}`);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return collected.receiver(`http://127.0.0.1:${port}`, () => new Promise((resolve) => server.close(() => resolve())));
}

/** One collector service's unary `Export`, its bytes passed through for the protobufjs root to decode. */
function exportService(path: string): ServiceDefinition {
  const bytes = (b: Buffer) => b;
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: bytes,
      requestDeserialize: bytes,
      // an empty Export*ServiceResponse: full success
      responseSerialize: () => Buffer.alloc(0),
      responseDeserialize: bytes,
    },
  };
}

/** OTLP/gRPC (insecure), on 127.0.0.1 and a free port. */
export async function startOtlpGrpcReceiver(): Promise<OtlpReceiver> {
  const collected = new Collected();
  const server = new GrpcServer();
  const services = { metrics: 'metrics.v1.MetricsService', traces: 'trace.v1.TraceService', logs: 'logs.v1.LogsService' } as const;
  for (const [signal, service] of Object.entries(services) as Array<[keyof typeof services, string]>) {
    const implementation: UntypedServiceImplementation = {
      Export: (call: { request: Buffer }, callback: (err: Error | null, response?: Buffer) => void) => {
        try {
          collected.add(signal, call.request);
          callback(null, Buffer.alloc(0));
        } catch (err) {
          collected.problems.push(`${service}: ${(err as Error).message}`);
          callback(err as Error);
        }
      },
    };
    server.addService(exportService(`/opentelemetry.proto.collector.${service}/Export`), implementation);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  return collected.receiver(`http://127.0.0.1:${port}`, () => new Promise((resolve) => server.tryShutdown(() => resolve())));
}
