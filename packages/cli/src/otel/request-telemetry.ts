/**
 * What `--otel` records, with the newest Locust's names (`locust/opentelemetry.py`):
 * - `locust.client.duration` (histogram, s): every `request` event, attributes `name` (the first 20
 *   names, then "Too many unique request names") and, for a failure, `error.type` (the exception's
 *   class name: `HTTPError`, `CatchResponseError`, `ConnectionRefusedError`, ...);
 * - `locust.users.count` (observable gauge, `{user}`): the runner's users per `user_class`;
 * - a CLIENT span per HTTP request, named and attributed as Locust's `requests` instrumentation
 *   with its request hook names them (`GET /path`, or `GET <name>` for an explicit name;
 *   `http.method`, `http.url`, `http.status_code`; ERROR status for 4xx/5xx or no response).
 *   Locust gets these spans from auto-instrumenting `requests`; ours come from the `request` event
 *   (the HTTP client's hot path stays untouched), so only requests made by our HTTP client get one.
 */
import type { Attributes, Histogram, Meter, ObservableGauge, Tracer } from '@opentelemetry/api';
import type { LocustRunner, RequestEventArgs } from '@locust-ts/protocol';

/** Locust's MAX_REQUEST_NAMES: more distinct names share one attribute value. */
export const MAX_REQUEST_NAMES = 20;
export const TOO_MANY_NAMES = 'Too many unique request names';

/** `HTTPError('500 Server Error: ...')` → `HTTPError`; an Error → its class name. */
export function errorType(exception: unknown): string {
  if (exception instanceof Error) return exception.constructor.name || exception.name;
  const text = String(exception);
  const match = /^([A-Za-z_][\w.]*)\(/.exec(text);
  return match ? match[1]! : 'Exception';
}

/** The HTTP status of an event's response, when it is one of our HTTP client's responses. */
function httpStatus(response: unknown): number | null {
  if (typeof response !== 'object' || response === null) return null;
  const status = (response as { status?: unknown }).status;
  return typeof status === 'number' ? status : null;
}

/** Locust's request hook: the explicit name, else the URL's path (without the query). */
export function spanName(method: string, name: string, url: string): string {
  let path = '/';
  let pathWithQuery = '/';
  try {
    const u = new URL(url);
    path = u.pathname || '/';
    pathWithQuery = `${u.pathname}${u.search}`;
  } catch {
    return `${method} ${name}`;
  }
  return `${method} ${name === pathWithQuery || name === url ? path : name}`;
}

export class RequestTelemetry {
  private readonly names = new Set<string>();
  private readonly duration: Histogram | null;
  private usersGauge: ObservableGauge | null = null;

  constructor(
    private readonly meter: Meter | null,
    private readonly tracer: Tracer | null,
  ) {
    this.duration = meter?.createHistogram('locust.client.duration', { unit: 's', description: 'Time to last byte for requests' }) ?? null;
  }

  /** The `request` event listener. */
  readonly onRequest = (args: RequestEventArgs): void => {
    const failed = args.exception !== null && args.exception !== undefined;
    if (this.duration) {
      let attributes: Attributes;
      if (this.names.has(args.name) || this.names.size < MAX_REQUEST_NAMES) {
        this.names.add(args.name);
        attributes = { name: args.name };
      } else attributes = { name: TOO_MANY_NAMES };
      if (failed) attributes['error.type'] = errorType(args.exception);
      this.duration.record(args.responseTime / 1000, attributes);
    }
    if (this.tracer) this.span(args);
  };

  private span(args: RequestEventArgs): void {
    const status = httpStatus(args.response);
    if (status === null || !args.url) return;
    const endMs = args.startTime !== undefined ? args.startTime * 1000 + args.responseTime : Date.now();
    const attributes: Attributes = { 'http.method': args.requestType, 'http.url': args.url };
    if (status > 0) attributes['http.status_code'] = status;
    // SpanKind.CLIENT = 2, SpanStatusCode.ERROR = 2: numbers, so that this module loads no SDK code
    const span = this.tracer!.startSpan(spanName(args.requestType, args.name, args.url), { kind: 2, startTime: endMs - args.responseTime, attributes });
    if (status === 0 || status >= 400) span.setStatus({ code: 2, ...(status === 0 && args.exception ? { message: String(args.exception) } : {}) });
    span.end(endMs);
  }

  /** Locust's `init` listener: the users gauge, once the runner exists. */
  observeUsers(runner: LocustRunner): void {
    if (!this.meter || this.usersGauge) return;
    this.usersGauge = this.meter.createObservableGauge('locust.users.count', { unit: '{user}', description: 'Number of currently running Locust users' });
    this.usersGauge.addCallback((result) => {
      for (const [userClass, count] of Object.entries(runner.userClassesCount)) result.observe(count, { user_class: userClass });
    });
  }
}
