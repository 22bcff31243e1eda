/**
 * `--otel`: the newest Locust's `setup_opentelemetry()` on the OpenTelemetry JS SDK. Loaded with
 * `import()` only when `--otel` is given, so a run without it loads none of the SDK.
 *
 * Every process sets up its own providers, as in Locust (each runs `main`): a worker (or a local
 * run) exports the request histogram and spans, every runner `locust.users.count`, every process
 * its log lines. The providers are flushed and shut down when the run ends ({@link OtelHandle}).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type LogLevel, setLogTap, events } from '@locust-ts/protocol';
import type { CliLogger } from '../log.js';
import { type OtelConfig, nothingToExport, otelConfig } from './otel-config.js';
import { HttpSpans } from './http-spans.js';
import { RequestTelemetry } from './request-telemetry.js';

export interface OtelHandle {
  /** flush what is buffered (the final cumulative metrics included) and stop the exporters */
  shutdown(): Promise<void>;
}

export interface OtelSetupOptions {
  /** the locustfile path (resource attribute `filename`, as Locust's) */
  locustfile: string;
  /** our release (resource attribute `service.version`) */
  version: string;
  log: CliLogger;
  env?: NodeJS.ProcessEnv;
}

/** How long the final flush may take before the process goes on exiting. */
const SHUTDOWN_LIMIT_MS = 15_000;

/** Python logging's level → OTel severity number (what the Python SDK's LoggingHandler sends). */
const SEVERITY: Record<LogLevel, number> = { DEBUG: 5, INFO: 9, WARNING: 13, ERROR: 17, CRITICAL: 21 };

/** The name of log lines that come from the SDK itself: never fed back into the export. */
const SDK_LOGGER = 'opentelemetry';

type Api = typeof import('@opentelemetry/api');
type Resource = import('@opentelemetry/resources').Resource;
type Closer = () => Promise<void>;

/**
 * null when nothing is configured to export, or the SDK could not be set up (one line says why;
 * the run goes on without, as Locust's does when the SDK is missing).
 */
export async function setupOpentelemetry(options: OtelSetupOptions): Promise<OtelHandle | null> {
  const { log } = options;
  const config = otelConfig(options.env ?? process.env);
  for (const line of config.warnings) log.warning(line, SDK_LOGGER);
  if (nothingToExport(config)) {
    log.info('No OpenTelemetry exporters configured, opentelemetry not enabled');
    return null;
  }
  try {
    return await setupProviders(config, options);
  } catch (err) {
    log.error(`OpenTelemetry not enabled: ${err instanceof Error ? err.message : String(err)}`, SDK_LOGGER);
    return null;
  }
}

async function setupProviders(config: OtelConfig, options: OtelSetupOptions): Promise<OtelHandle> {
  const { log } = options;
  const api = await import('@opentelemetry/api');
  // export failures and SDK warnings: one line each on our log, not into the export
  const warn = (...args: unknown[]): void => log.warning(() => diagLine(args), SDK_LOGGER);
  const quiet = (): void => undefined;
  api.diag.setLogger({ error: warn, warn, info: quiet, debug: quiet, verbose: quiet }, api.DiagLogLevel.WARN);

  const resource = await processResource(config, options);
  const closers: Closer[] = [];
  const tracing = config.exporters.traces.length > 0 ? await tracerProvider(api, config, resource, options.version) : null;
  const metering = config.exporters.metrics.length > 0 ? await meterProvider(api, config, resource) : null;
  const logging = config.exporters.logs.length > 0 ? await loggerProvider(config, resource) : null;
  // shut down in this order: the other providers' last lines still reach the log export
  for (const provider of [metering, tracing, logging]) if (provider) closers.push(provider.close);

  const telemetry = metering ? new RequestTelemetry(metering.meter) : null;
  const spans = tracing ? new HttpSpans(tracing.tracer) : null;
  const listeners = [
    ...(telemetry ? [events.request.addListener(telemetry.onRequest)] : []),
    ...(spans ? [events.request.addListener(spans.onRequest)] : []),
    events.init.addListener(({ runner }) => {
      if (runner) telemetry?.observeUsers(runner);
    }),
  ];
  spans?.start();
  log.info(describe(config));

  return {
    async shutdown() {
      spans?.stop();
      for (const remove of listeners) remove();
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), SHUTDOWN_LIMIT_MS)));
      const done = (async () => {
        for (const close of closers) await close().catch((err: unknown) => log.warning(`OpenTelemetry shutdown: ${(err as Error).message}`, SDK_LOGGER));
      })();
      const result = await Promise.race([done.then(() => 'done' as const), limit]);
      clearTimeout(timer);
      if (result === 'late') log.warning(`OpenTelemetry export did not finish within ${SHUTDOWN_LIMIT_MS / 1000} s; exiting without it`, SDK_LOGGER);
    },
  };
}

/** Locust's Resource.create(...): the SDK's defaults, OTEL_RESOURCE_ATTRIBUTES, then Locust's own. */
async function processResource(config: OtelConfig, options: OtelSetupOptions): Promise<Resource> {
  const { defaultResource, detectResources, envDetector, resourceFromAttributes } = await import('@opentelemetry/resources');
  // service.instance.id: Locust sends none, so its workers' cumulative streams (same resource,
  // same attributes) collide in a backend; one per process tells them apart (OTEL_RESOURCE_ATTRIBUTES may set it)
  return defaultResource()
    .merge(resourceFromAttributes({ 'service.instance.id': randomUUID() }))
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(
      resourceFromAttributes({
        'service.name': config.serviceName,
        'service.version': options.version,
        'host.name': hostname(),
        filename: options.locustfile,
        profile: '',
      }),
    );
}

/** Locust's _setup_tracer_provider: BatchSpanProcessor for otlp, SimpleSpanProcessor for console. */
async function tracerProvider(api: Api, config: OtelConfig, resource: Resource, version: string) {
  const { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, ConsoleSpanExporter } = await import('@opentelemetry/sdk-trace-base');
  const spanProcessors = [];
  for (const name of config.exporters.traces) {
    if (name === 'otlp') {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
      spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter(), config.spanBatch));
    } else if (name === 'otlp-grpc') {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
      spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter(), config.spanBatch));
    } else spanProcessors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  }
  const provider = new BasicTracerProvider({ resource, spanProcessors });
  api.trace.setGlobalTracerProvider(provider);
  return { tracer: provider.getTracer('locust', version), close: () => provider.shutdown() };
}

/** Locust's _setup_meter_provider: a PeriodicExportingMetricReader per exporter; meter `locust`. */
async function meterProvider(api: Api, config: OtelConfig, resource: Resource) {
  const { MeterProvider, PeriodicExportingMetricReader, ConsoleMetricExporter } = await import('@opentelemetry/sdk-metrics');
  const readers = [];
  for (const name of config.exporters.metrics) {
    const exporter =
      name === 'otlp'
        ? new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter()
        : name === 'otlp-grpc'
          ? new (await import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter()
          : new ConsoleMetricExporter();
    readers.push(new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: config.metricExportIntervalMillis, exportTimeoutMillis: config.metricExportTimeoutMillis }));
  }
  const provider = new MeterProvider({ resource, readers });
  api.metrics.setGlobalMeterProvider(provider);
  return { meter: provider.getMeter('locust'), close: () => provider.shutdown() };
}

/**
 * Locust's _setup_logger_provider and its LoggingHandler on the root and `locust` loggers: every
 * line of the one logger becomes a record, the logger name its scope, the message its body.
 */
async function loggerProvider(config: OtelConfig, resource: Resource) {
  const { logs } = await import('@opentelemetry/api-logs');
  const { LoggerProvider, BatchLogRecordProcessor, SimpleLogRecordProcessor, ConsoleLogRecordExporter } = await import('@opentelemetry/sdk-logs');
  const processors = [];
  for (const name of config.exporters.logs) {
    if (name === 'otlp') {
      const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-proto');
      processors.push(new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(), ...config.logBatch }));
    } else if (name === 'otlp-grpc') {
      const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-grpc');
      processors.push(new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(), ...config.logBatch }));
    } else processors.push(new SimpleLogRecordProcessor({ exporter: new ConsoleLogRecordExporter() }));
  }
  const provider = new LoggerProvider({ resource, processors });
  logs.setGlobalLoggerProvider(provider);
  const loggers = new Map<string, ReturnType<typeof provider.getLogger>>();
  setLogTap((level, name, message) => {
    if (name === SDK_LOGGER) return;
    let logger = loggers.get(name);
    if (!logger) loggers.set(name, (logger = provider.getLogger(name)));
    logger.emit({ severityNumber: SEVERITY[level], severityText: level, body: message });
  });
  return {
    close: async () => {
      setLogTap(null);
      await provider.shutdown();
    },
  };
}

/**
 * One line for an SDK message: the exporters pass errors as JSON text with the stack inside
 * (`{"stack":"Error: connect ECONNREFUSED ...","message":...}`); keep their message.
 */
export function diagLine(args: readonly unknown[]): string {
  const parts = args.map((arg) => {
    if (arg instanceof Error) return arg.message;
    if (typeof arg !== 'string') return JSON.stringify(arg) ?? String(arg);
    if (!arg.startsWith('{')) return arg;
    try {
      const parsed = JSON.parse(arg) as { message?: unknown };
      return typeof parsed.message === 'string' ? parsed.message : arg;
    } catch {
      return arg;
    }
  });
  return parts.join(' ').split('\n')[0]!;
}

/** Locust's start line says "OpenTelemetry enabled"; ours also says what goes where. */
function describe(config: OtelConfig): string {
  const parts = (['metrics', 'traces', 'logs'] as const)
    .filter((s) => config.exporters[s].length > 0)
    .map((s) => `${s}: ${config.exporters[s].join('+')}`);
  return `OpenTelemetry enabled (${parts.join(', ')})`;
}
