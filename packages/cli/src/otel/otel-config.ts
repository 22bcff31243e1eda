/**
 * `--otel`'s settings from the `OTEL_*` environment variables, read as the newest Locust reads
 * them (`locust/opentelemetry.py`): one exporter list per signal (`otlp` by default, `console`,
 * `none`), a protocol per signal (`OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL`, then
 * `OTEL_EXPORTER_OTLP_PROTOCOL`). Endpoint, headers, timeout and compression are read by the
 * OTLP exporters themselves. The batch and export-interval variables are read here because the
 * JS SDK's processors, unlike Python's, only read them inside `@opentelemetry/sdk-node`.
 *
 * One difference: Locust's default protocol is `grpc`; ours is `http/protobuf` (the
 * specification's default); `grpc` is there when asked for.
 */

export type Signal = 'traces' | 'metrics' | 'logs';
/** `otlp` is OTLP/HTTP with protobuf bodies, `otlp-grpc` OTLP over gRPC */
export type ExporterName = 'otlp' | 'otlp-grpc' | 'console';

export interface BatchSettings {
  scheduledDelayMillis?: number;
  maxQueueSize?: number;
  maxExportBatchSize?: number;
  exportTimeoutMillis?: number;
}

export interface OtelConfig {
  /** the exporters of each signal (an empty list: the signal is off) */
  exporters: Record<Signal, ExporterName[]>;
  serviceName: string;
  /** PeriodicExportingMetricReader: OTEL_METRIC_EXPORT_INTERVAL / _TIMEOUT (ms) */
  metricExportIntervalMillis: number;
  metricExportTimeoutMillis: number;
  /** BatchSpanProcessor: OTEL_BSP_*; BatchLogRecordProcessor: OTEL_BLRP_* */
  spanBatch: BatchSettings;
  logBatch: BatchSettings;
  /** one line each, logged as warnings (Locust's wording where it has one) */
  warnings: string[];
}

/** The specification's defaults (Locust gets the same from the Python SDK). */
export const DEFAULT_METRIC_EXPORT_INTERVAL_MS = 60_000;
export const DEFAULT_METRIC_EXPORT_TIMEOUT_MS = 30_000;

const SIGNAL_ENV: Record<Signal, string> = { traces: 'TRACES', metrics: 'METRICS', logs: 'LOGS' };

function exporterList(env: NodeJS.ProcessEnv, signal: Signal): string[] {
  const raw = env[`OTEL_${SIGNAL_ENV[signal]}_EXPORTER`] ?? 'otlp';
  return [...new Set(raw.split(',').map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))];
}

/** The OTLP protocol of one signal, as Locust picks it. */
export function otlpProtocol(env: NodeJS.ProcessEnv, signal: Signal): string {
  return (env[`OTEL_EXPORTER_OTLP_${SIGNAL_ENV[signal]}_PROTOCOL`] ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim().toLowerCase();
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, warnings: string[]): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  warnings.push(`Invalid value '${raw}' for ${name}, using the default`);
  return undefined;
}

function batchSettings(env: NodeJS.ProcessEnv, prefix: 'OTEL_BSP' | 'OTEL_BLRP', warnings: string[]): BatchSettings {
  const out: BatchSettings = {};
  const set = (key: keyof BatchSettings, name: string): void => {
    const v = positiveInt(env, `${prefix}_${name}`, warnings);
    if (v !== undefined) out[key] = v;
  };
  set('scheduledDelayMillis', 'SCHEDULE_DELAY');
  set('maxQueueSize', 'MAX_QUEUE_SIZE');
  set('maxExportBatchSize', 'MAX_EXPORT_BATCH_SIZE');
  set('exportTimeoutMillis', 'EXPORT_TIMEOUT');
  return out;
}

export function otelConfig(env: NodeJS.ProcessEnv = process.env): OtelConfig {
  const warnings: string[] = [];
  const exporters = { traces: [], metrics: [], logs: [] } as Record<Signal, ExporterName[]>;
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    for (const name of exporterList(env, signal)) {
      if (name === 'none') continue;
      if (name === 'console') exporters[signal].push('console');
      else if (name === 'otlp') {
        const protocol = otlpProtocol(env, signal);
        if (protocol === 'http/protobuf' || protocol === 'http') exporters[signal].push('otlp');
        else if (protocol === 'grpc') exporters[signal].push('otlp-grpc');
        else warnings.push(`Unknown OpenTelemetry otlp exporter protocol '${protocol}'. Use 'grpc' or 'http/protobuf'`);
      } else if (name === 'prometheus' && signal === 'metrics') warnings.push('Prometheus metrics exporter is not yet implemented!');
      else warnings.push(`Unknown ${signal} exporter '${name}'. Ignored`);
    }
  }
  // Locust's default protocol is gRPC, whose port is 4317: an endpoint carried over from a Locust
  // setup would get OTLP/HTTP requests it cannot read
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint && /:4317\/?$/.test(endpoint.trim()) && !env.OTEL_EXPORTER_OTLP_PROTOCOL) {
    warnings.push(
      `OTEL_EXPORTER_OTLP_ENDPOINT ${endpoint.trim()} is OTLP/gRPC's port (Locust's default protocol); locust-ts sends OTLP/HTTP (http/protobuf) unless OTEL_EXPORTER_OTLP_PROTOCOL=grpc`,
    );
  }
  const interval = positiveInt(env, 'OTEL_METRIC_EXPORT_INTERVAL', warnings) ?? DEFAULT_METRIC_EXPORT_INTERVAL_MS;
  const timeout = positiveInt(env, 'OTEL_METRIC_EXPORT_TIMEOUT', warnings) ?? DEFAULT_METRIC_EXPORT_TIMEOUT_MS;
  return {
    exporters,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'locust',
    metricExportIntervalMillis: interval,
    // the SDK refuses a timeout longer than the interval
    metricExportTimeoutMillis: Math.min(timeout, interval),
    spanBatch: batchSettings(env, 'OTEL_BSP', warnings),
    logBatch: batchSettings(env, 'OTEL_BLRP', warnings),
    warnings,
  };
}

/** Locust: "No OpenTelemetry exporters configured, opentelemetry not enabled". */
export function nothingToExport(config: OtelConfig): boolean {
  return config.exporters.traces.length === 0 && config.exporters.metrics.length === 0 && config.exporters.logs.length === 0;
}
