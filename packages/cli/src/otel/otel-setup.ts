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

/** null when nothing is configured to export (Locust then logs that and goes on without). */
export async function setupOpentelemetry(options: OtelSetupOptions): Promise<OtelHandle | null> {
  const { log } = options;
  const config = otelConfig(options.env ?? process.env);
  for (const line of config.warnings) log.warning(line, SDK_LOGGER);
  if (nothingToExport(config)) {
    log.info('No OpenTelemetry exporters configured, opentelemetry not enabled');
    return null;
  }

  const api = await import('@opentelemetry/api');
  const { defaultResource, detectResources, envDetector, resourceFromAttributes } = await import('@opentelemetry/resources');
  // export failures and SDK warnings: one line each on our log, not into the export
  const warn = (...args: unknown[]): void => log.warning(() => diagLine(args), SDK_LOGGER);
  api.diag.setLogger(
    {
      error: warn,
      warn,
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    api.DiagLogLevel.WARN,
  );

  // service.instance.id: Locust sends none, so its workers' cumulative streams (same resource,
  // same attributes) collide in a backend; one per process tells them apart (OTEL_RESOURCE_ATTRIBUTES may set it)
  const resource = defaultResource()
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

  const closers: Array<() => Promise<void>> = [];
  let tracer = null;
  let meter = null;

  if (config.exporters.traces.length > 0) {
    const { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, ConsoleSpanExporter } = await import('@opentelemetry/sdk-trace-base');
    const spanProcessors = [];
    for (const name of config.exporters.traces) {
      if (name === 'otlp') {
        const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
        spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter(), config.spanBatch));
      } else spanProcessors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
    }
    const provider = new BasicTracerProvider({ resource, spanProcessors });
    api.trace.setGlobalTracerProvider(provider);
    tracer = provider.getTracer('locust', options.version);
    closers.push(() => provider.shutdown());
  }

  if (config.exporters.metrics.length > 0) {
    const { MeterProvider, PeriodicExportingMetricReader, ConsoleMetricExporter } = await import('@opentelemetry/sdk-metrics');
    const readers = [];
    for (const name of config.exporters.metrics) {
      const exporter = name === 'otlp' ? new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter() : new ConsoleMetricExporter();
      readers.push(
        new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: config.metricExportIntervalMillis, exportTimeoutMillis: config.metricExportTimeoutMillis }),
      );
    }
    const provider = new MeterProvider({ resource, readers });
    api.metrics.setGlobalMeterProvider(provider);
    meter = provider.getMeter('locust');
    closers.push(() => provider.shutdown());
  }

  if (config.exporters.logs.length > 0) {
    const logsApi = await import('@opentelemetry/api-logs');
    const { LoggerProvider, BatchLogRecordProcessor, SimpleLogRecordProcessor, ConsoleLogRecordExporter } = await import('@opentelemetry/sdk-logs');
    const processors = [];
    for (const name of config.exporters.logs) {
      if (name === 'otlp') {
        const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-proto');
        processors.push(new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(), ...config.logBatch }));
      } else processors.push(new SimpleLogRecordProcessor({ exporter: new ConsoleLogRecordExporter() }));
    }
    const provider = new LoggerProvider({ resource, processors });
    logsApi.logs.setGlobalLoggerProvider(provider);
    // Locust's LoggingHandler: the logger name is the instrumentation scope, the message the body
    const loggers = new Map<string, ReturnType<typeof provider.getLogger>>();
    setLogTap((level, name, message) => {
      if (name === SDK_LOGGER) return;
      let logger = loggers.get(name);
      if (!logger) loggers.set(name, (logger = provider.getLogger(name)));
      logger.emit({ severityNumber: SEVERITY[level], severityText: level, body: message });
    });
    closers.unshift(async () => {
      setLogTap(null);
      await provider.shutdown();
    });
  }

  const telemetry = meter ? new RequestTelemetry(meter) : null;
  const spans = tracer ? new HttpSpans(tracer) : null;
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
      // logs last: the other providers' shutdown lines still go out
      const done = (async () => {
        for (const close of closers.slice().reverse()) await close().catch((err: unknown) => log.warning(`OpenTelemetry shutdown: ${(err as Error).message}`, SDK_LOGGER));
      })();
      const result = await Promise.race([done.then(() => 'done' as const), limit]);
      clearTimeout(timer);
      if (result === 'late') log.warning(`OpenTelemetry export did not finish within ${SHUTDOWN_LIMIT_MS / 1000} s; exiting without it`, SDK_LOGGER);
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
