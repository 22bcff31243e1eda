/**
 * What `client.get()` & co. resolve to: status, headers, body, and — with `catchResponse` —
 * `success()` / `failure(msg)` to decide the outcome yourself (Locust's ResponseContextManager).
 */
import { pyRepr } from '@locust-ts/protocol';
import { catchResponseErrorText } from './error-text.js';

/** What `raiseForStatus()` throws: requests' `HTTPError` (or the connection error of a status-0 response). */
export class HTTPError extends Error {
  override readonly name = 'HTTPError';
  constructor(
    message: string,
    readonly response: HttpResponse,
  ) {
    super(message);
  }
}

/**
 * A parsed JSON body as Python hands it out (a dict you index freely): `resp.js?.error` and
 * `resp.json().items[0]` compile under `strict` without a cast. Give a type to narrow it:
 * `resp.json<Order>()`, `this.rest<Order>(...)`.
 */
// biome-ignore lint/suspicious/noExplicitAny: Python's json is untyped; `unknown` would force a cast on every read
export type Json = any;

/** Where a caught response reports its outcome (the user's HTTP session). */
export interface OutcomeSink {
  report(response: HttpResponse, error: string | null): void;
}

export class HttpResponse {
  /** 0 when no response arrived (connection error, timeout), as in Locust. */
  status = 0;
  statusText = '';
  /** Response time in ms, measured until the body was read. */
  elapsed = 0;
  /**
   * Arrival-rate mode: ms the iteration that sent this request started after its intended start.
   * Counted into the stats' response time (no coordinated omission); `elapsed` stays the wire time.
   */
  scheduleDelay = 0;
  /** Failure text as Locust would record it, or null for a success. */
  error: string | null = null;
  /** Bytes of body received. */
  contentLength = 0;
  /** Raw header name/value pairs as undici delivers them; parsed on first use. */
  rawHeaders: Buffer[] | null = null;
  chunks: Buffer[] | null = null;
  /** Set while a caught response waits for `success()`/`failure()` or the end of its task. */
  sink: OutcomeSink | null = null;
  /** No response came: Python's `str(error)` of the connection error (what `rest()` fails with). */
  connectionErrorMessage: string | null = null;
  /** `js` once parsed (`undefined`: not yet). */
  private parsedJs: Json | null | undefined = undefined;
  private parsedHeaders: Record<string, string> | null = null;
  private body: Buffer | null = null;

  constructor(
    /** The method sent first (redirects may change what was sent later). */
    readonly method: string,
    /** The stats entry name: `name` option, or the path with query. */
    readonly name: string,
    /** Final URL after redirects. */
    public url: string,
  ) {}

  /** Python's `status_code`. */
  get statusCode(): number {
    return this.status;
  }

  get ok(): boolean {
    return this.error === null;
  }

  get headers(): Record<string, string> {
    if (this.parsedHeaders) return this.parsedHeaders;
    const out: Record<string, string> = {};
    const raw = this.rawHeaders ?? [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const key = raw[i]!.toString('latin1').toLowerCase();
      const value = raw[i + 1]!.toString('latin1');
      out[key] = key in out ? `${out[key]}, ${value}` : value;
    }
    return (this.parsedHeaders = out);
  }

  /** The body bytes (Python's `content`). */
  get content(): Buffer {
    if (!this.body) {
      const chunks = this.chunks;
      this.body = !chunks ? Buffer.alloc(0) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      this.chunks = null;
    }
    return this.body;
  }

  get text(): string {
    return this.content.toString('utf8');
  }

  /** The body parsed as JSON (throws on a body that is not JSON, as Python's `json()`). */
  json<T = Json>(): T {
    return JSON.parse(this.text) as T;
  }

  /**
   * What `events.request` listeners get for this response (Locust's `request_meta`): request
   * type, name, response time (ms), length, URL and the outcome so far.
   */
  get requestMeta(): { requestType: string; name: string; responseTime: number; responseLength: number; url: string; exception: string | null } {
    return { requestType: this.method, name: this.name, responseTime: this.elapsed, responseLength: this.contentLength, url: this.url, exception: this.error };
  }

  /** The parsed JSON body, or null when it is empty or not JSON (`rest()`'s `response.js`). */
  get js(): Json | null {
    if (this.parsedJs !== undefined) return this.parsedJs;
    try {
      this.parsedJs = this.text === '' ? null : (JSON.parse(this.text) as Json);
    } catch {
      this.parsedJs = null;
    }
    return this.parsedJs;
  }

  /** Whether `success()`/`failure()` may still decide this response. */
  get undecided(): boolean {
    return this.sink !== null;
  }

  /** Throw {@link HTTPError} for a 4xx/5xx status, or the connection error when no response came (requests' `raise_for_status`). */
  raiseForStatus(): void {
    if (this.status >= 400) {
      const kind = this.status < 500 ? 'Client Error' : 'Server Error';
      throw new HTTPError(`${this.status} ${kind}: ${this.statusText} for url: ${this.url}`, this);
    }
    if (this.status === 0) throw new HTTPError(this.error ?? 'no response', this);
  }

  /** Count this response as a success (requires `catchResponse: true`). */
  success(): void {
    this.decide(null);
  }

  /** Count this response as a failure with `message` (requires `catchResponse: true`). */
  failure(message: string | Error): void {
    const text = typeof message === 'string' ? catchResponseErrorText(message) : `${message.name}(${pyRepr(message.message)})`;
    this.decide(text);
  }

  private decide(error: string | null): void {
    const sink = this.sink;
    if (!sink) {
      throw new Error('success()/failure() need a request made with { catchResponse: true }, called once per response');
    }
    this.sink = null;
    this.error = error;
    sink.report(this, error);
  }
}
