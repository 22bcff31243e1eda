/**
 * `--otel`'s spans: one CLIENT span per request of our HTTP client, as Locust's `requests`
 * auto-instrumentation with its request hook makes them (`locust/opentelemetry.py`):
 * - named `GET /path` (the URL's path without the query), or `GET <name>` for an explicit name;
 * - `http.method`, `http.url`, `http.status_code` (the instrumentation's default, pre-1.0 HTTP
 *   conventions); ERROR status for a 4xx/5xx answer or none;
 * - the W3C `traceparent` header on the request, so the target's own traces join the span.
 *
 * Without touching the client's hot path: undici's diagnostics channels start the span when a
 * request is created (and add its `traceparent`), map the response's raw header array — the same
 * array our client keeps as `response.rawHeaders` — to it, and note when the last byte came (the
 * span's end, as `requests` ends it when the body is read, even if a `catchResponse` block decides
 * later); the `request` event, which has the name and the outcome, then ends it. A request that
 * got no answer (connection error) gets a span from the event alone. After a redirect the span is
 * the last hop's (Locust: one per hop).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Span, Tracer } from '@opentelemetry/api';
import type { RequestEventArgs } from '@locust-ts/protocol';

// numbers, so that this module loads no OpenTelemetry code itself
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

/** What undici's `undici:request:*` channels publish (the parts used here). */
interface UndiciRequest {
  method: string;
  /** name, value, name, value, ... as given */
  headers: unknown;
  addHeader(key: string, value: string): unknown;
}

/**
 * Set the request's `traceparent`, replacing one the locustfile set (the propagator of Locust's
 * `requests` instrumentation overwrites it too), never sending two.
 */
function setTraceparent(request: UndiciRequest, value: string): void {
  const headers = request.headers;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (typeof headers[i] === 'string' && (headers[i] as string).toLowerCase() === 'traceparent') {
        headers[i + 1] = value;
        return;
      }
    }
  }
  request.addHeader('traceparent', value);
}

/** Locust's request hook: the explicit name, else the URL's path (without the query). */
export function spanName(method: string, name: string, url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${method} ${name}`;
  }
  return `${method} ${name === `${u.pathname}${u.search}` || name === url ? u.pathname || '/' : name}`;
}

/** The HTTP status of an event's response, when it is one of our HTTP client's responses. */
function responseOf(response: unknown): { status: number; rawHeaders: unknown } | null {
  if (typeof response !== 'object' || response === null) return null;
  const { status, rawHeaders } = response as { status?: unknown; rawHeaders?: unknown };
  return typeof status === 'number' ? { status, rawHeaders } : null;
}

/** A request's span until the `request` event ends it. */
interface Pending {
  span: Span;
  /** `performance.now()` when the last byte came (the SDK reads a number this small as such) */
  lastByte?: number;
}

export class HttpSpans {
  /** spans of requests in flight */
  private readonly byRequest = new WeakMap<object, Pending>();
  /** answered requests: the raw header array undici handed to our client → the span */
  private readonly byHeaders = new WeakMap<object, Pending>();

  constructor(private readonly tracer: Tracer) {}

  private readonly onCreate = (message: unknown): void => {
    const request = (message as { request: UndiciRequest }).request;
    const span = this.tracer.startSpan(request.method, { kind: SPAN_KIND_CLIENT });
    const { traceId, spanId, traceFlags } = span.spanContext();
    setTraceparent(request, `00-${traceId}-${spanId}-0${traceFlags & 1}`);
    this.byRequest.set(request, { span });
  };

  private readonly onHeaders = (message: unknown): void => {
    const { request, response } = message as { request: object; response: { headers: unknown } };
    const pending = this.byRequest.get(request);
    if (pending && typeof response.headers === 'object' && response.headers !== null) this.byHeaders.set(response.headers, pending);
  };

  private readonly onTrailers = (message: unknown): void => {
    const { request } = message as { request: object };
    const pending = this.byRequest.get(request);
    if (!pending) return;
    pending.lastByte = performance.now();
    this.byRequest.delete(request);
  };

  private readonly onError = (message: unknown): void => {
    this.byRequest.delete((message as { request: object }).request);
  };

  start(): void {
    subscribe('undici:request:create', this.onCreate);
    subscribe('undici:request:headers', this.onHeaders);
    subscribe('undici:request:trailers', this.onTrailers);
    subscribe('undici:request:error', this.onError);
  }

  stop(): void {
    unsubscribe('undici:request:create', this.onCreate);
    unsubscribe('undici:request:headers', this.onHeaders);
    unsubscribe('undici:request:trailers', this.onTrailers);
    unsubscribe('undici:request:error', this.onError);
  }

  /** The `request` event: end the request's span (only our HTTP client's requests have one). */
  readonly onRequest = (args: RequestEventArgs): void => {
    const response = responseOf(args.response);
    if (response === null || !args.url) return;
    const endMs = args.startTime !== undefined ? args.startTime * 1000 + args.responseTime : Date.now();
    const attributes: Record<string, string | number> = { 'http.method': args.requestType, 'http.url': args.url };
    if (response.status > 0) attributes['http.status_code'] = response.status;
    const name = spanName(args.requestType, args.name, args.url);
    const pending = typeof response.rawHeaders === 'object' && response.rawHeaders !== null ? this.byHeaders.get(response.rawHeaders) : undefined;
    let span: Span;
    if (pending) {
      this.byHeaders.delete(response.rawHeaders as object);
      span = pending.span;
      span.updateName(name);
      span.setAttributes(attributes);
    } else span = this.tracer.startSpan(name, { kind: SPAN_KIND_CLIENT, startTime: endMs - args.responseTime, attributes });
    if (response.status === 0 || response.status >= 400) {
      span.setStatus({ code: STATUS_ERROR, ...(response.status === 0 && args.exception ? { message: String(args.exception) } : {}) });
    }
    // a span the channels started ends at its last byte, on the SDK's clock it started on; one
    // made here spans the event's own times
    if (pending) span.end(pending.lastByte);
    else span.end(endMs);
  };
}
