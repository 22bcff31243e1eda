/**
 * A user's HTTP client (`this.client`), Locust's HttpSession on undici.
 *
 * Hot path: one `Exchange` object per request is the undici dispatch handler, the timer and
 * the result at once; it is counted into the stats when the body has been read (response
 * time as Locust measures it), with no per-request closures beyond the returned promise.
 * `Pool.dispatch()` with a handler object measured ~30% faster than `Pool.request()` here.
 */
import type { Dispatcher } from 'undici';
import { events } from '@locust-ts/protocol';
import { StopUser } from '../errors.js';
import type { StatsRecorder } from '../runtime/stats-recorder.js';
import {
  type LocustTexts,
  NEWEST_TEXTS,
  TEXT_CHANGES,
  badStatusCodeText,
  connectionErrorTexts,
  fastStatusIsValid,
  httpErrorText,
  tooManyRedirectsText,
  versionAtLeast,
} from './error-text.js';
import type { FirstRequestWatch } from './first-requests.js';
import type { HttpPools } from './pools.js';
import { HttpResponse, type OutcomeSink } from './response.js';
import {
  type BasicAuth,
  type FileField,
  SessionCookies,
  type TlsSettings,
  basicAuthHeader,
  formBody,
  multipartBody,
  tlsConnectOptions,
} from './request-body.js';

/** requests' default redirect limit. */
export const MAX_REDIRECTS = 30;

export type QueryParams = Record<string, string | number | boolean | ReadonlyArray<string | number | boolean>> | URLSearchParams;

export interface RequestOptions {
  /**
   * Stats entry name (group URLs with ids under one name). Default as Locust's clients name it:
   * HttpUser the path with query, FastHttpUser the URL as given (a full URL stays a full URL).
   */
  name?: string;
  headers?: Record<string, string>;
  /** Sent as a JSON body with `content-type: application/json`. */
  json?: unknown;
  /** Query string parameters. */
  params?: QueryParams;
  body?: string | Buffer | Uint8Array;
  /** Decide success/failure yourself with `response.success()` / `response.failure(msg)`. */
  catchResponse?: boolean;
  /** Seconds to wait for headers and between body chunks; default: no limit (as requests). */
  timeout?: number;
  /** Follow redirects (default true, at most {@link MAX_REDIRECTS}). */
  allowRedirects?: boolean;
  /** Extra `context` for `events.request` listeners (merged over the user's `context()`). */
  context?: Record<string, unknown>;
  /** Form fields (`application/x-www-form-urlencoded`), or a raw body; with `files` they become multipart fields. */
  data?: Readonly<Record<string, string | number | boolean | ReadonlyArray<string | number>>> | string | Buffer;
  /** Multipart upload: `{ field: content | [filename, content, contentType?] }`. */
  files?: Readonly<Record<string, FileField>>;
  /** Basic auth `[user, password]` (wins over the session's `auth`). */
  auth?: BasicAuth;
  /** Cookies for this request only, on top of the session's jar. */
  cookies?: Readonly<Record<string, string>>;
}

/** What a session needs from its worker. */
export interface HttpContext {
  pools: HttpPools;
  stats: StatsRecorder;
  /** Which Locust release's failure texts to write (the newest when absent). */
  texts?: LocustTexts;
}

const ABSOLUTE_URL = /^https?:\/\//i;

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function queryString(params: QueryParams): string {
  if (params instanceof URLSearchParams) return params.toString();
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) for (const item of v) q.append(k, String(item));
    else q.append(k, String(v));
  }
  return q.toString();
}

function headerValue(raw: Buffer[] | null, lowerName: string): string | null {
  if (!raw) return null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toString('latin1').toLowerCase() === lowerName) return raw[i + 1]!.toString('latin1');
  }
  return null;
}

function hasHeader(headers: Record<string, string>, lowerName: string): boolean {
  for (const h of Object.keys(headers)) if (h.toLowerCase() === lowerName) return true;
  return false;
}

function setCookieValues(raw: Buffer[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toString('latin1').toLowerCase() === 'set-cookie') out.push(raw[i + 1]!.toString('latin1'));
  }
  return out;
}

/** One request from send to stats: the undici handler (legacy callback API, the fast one). */
class Exchange implements Dispatcher.DispatchHandler {
  readonly start = performance.now();
  redirects = 0;
  response: HttpResponse;
  resolve!: (r: HttpResponse) => void;
  reject!: (err: Error) => void;
  /** undici's abort for the current attempt (set on connect) */
  abort: ((err?: Error) => void) | null = null;
  /** the user was killed while this request was in flight: it is neither counted nor answered */
  killed = false;
  context: Record<string, unknown> | undefined = undefined;
  /** the stats name came from `name` or renameRequest (2.12.1's HTTPError then names it, not the URL) */
  namedByCaller = false;
  /** this is the user's first request after a synchronized edge (first-requests.ts) */
  watch: FirstRequestWatch | null = null;

  constructor(
    readonly session: HttpSession,
    public method: string,
    name: string,
    public origin: string,
    public path: string,
    public headers: Record<string, string> | undefined,
    public body: string | Buffer | Uint8Array | undefined,
    readonly timeoutSeconds: number | null,
    readonly followRedirects: boolean,
    readonly caught: boolean,
  ) {
    this.response = new HttpResponse(method, name, '');
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.killed) abort(); // queued before the kill: never sent
    else {
      this.abort = abort;
      // a redirect's next hop is not a first request
      if (this.watch && this.redirects === 0) this.watch.writing();
    }
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    const r = this.response;
    r.status = statusCode;
    r.statusText = statusText;
    r.rawHeaders = rawHeaders;
    // the jar is made at the first Set-Cookie: a target that sets none costs a length and a byte
    // check per header ('Connection' has Set-Cookie's length: no string is made for it)
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const h = rawHeaders[i]!;
      if (h.length === 10 && (h[0]! | 0x20) === 0x73 /* s */ && h.toString('latin1').toLowerCase() === 'set-cookie') {
        this.session.storeCookies(this.origin + this.path, setCookieValues(rawHeaders));
        break;
      }
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    const r = this.response;
    r.contentLength += chunk.length;
    if (r.chunks) r.chunks.push(chunk);
    else r.chunks = [chunk];
    return true;
  }

  onComplete(): void {
    this.session.completed(this);
  }

  onError(err: Error): void {
    this.session.errored(this, err);
  }
}

export class HttpSession implements OutcomeSink {
  /** Headers sent with every request of this user (like `requests.Session.headers`). */
  headers: Record<string, string> = {};
  /**
   * Whose texts and names this session writes: Python's HttpUser (`requests`) or FastHttpUser
   * (`fast`, geventhttpclient): status failures, connection errors and default request names differ.
   */
  pythonClient: 'requests' | 'fast' = 'requests';
  /** The user owning this session: its `context()` goes into `events.request`. */
  user: { context(): Record<string, unknown> } | null = null;
  /** Set by {@link renameRequest}: every request's stats name while the callback runs. */
  private renamed: string | null = null;
  /** Basic auth for every request (requests' `session.auth`). */
  auth: BasicAuth | null = null;
  /** requests' `session.proxies`: `{ http: url, https: url }`; the environment's are used otherwise. */
  proxies: { http?: string; https?: string } | null = null;
  private tls: TlsSettings = {};
  private connect: Record<string, unknown> | null = null;
  private jar: SessionCookies | null = null;
  private baseOrigin = '';
  private basePath = '';
  private baseHost = '';
  private basePort = 0;
  /** Caught responses not yet decided; settled with their default outcome after each task. */
  private undecided: Set<HttpResponse> | null = null;
  /** The request sent and not yet finished (a user has one, usually), so a killed user can abort it; no Set per user. */
  private inFlight: Exchange | null = null;
  /** More than one request in flight (a task awaiting several at once); made on first need. */
  private moreInFlight: Set<Exchange> | null = null;
  /**
   * Set by the arrival-rate executor when an iteration starts late (ms after its intended start):
   * the iteration's first request carries it into its stats response time, then it is cleared.
   */
  scheduleDelay = 0;
  /** Set when this user starts at a synchronized edge: its next request is watched, then cleared. */
  firstRequest: FirstRequestWatch | null = null;

  constructor(
    private readonly context: HttpContext,
    baseUrl?: string,
  ) {
    if (baseUrl) this.setBaseUrl(baseUrl);
  }

  /** The user's host, e.g. `http://127.0.0.1:8080` or `http://api.local/v1`. */
  setBaseUrl(baseUrl: string): void {
    const url = new URL(baseUrl);
    this.baseOrigin = url.origin;
    this.basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
    this.baseHost = url.hostname;
    this.basePort = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  }

  get baseUrl(): string {
    return this.baseOrigin + this.basePath;
  }

  /** This user's cookie jar (requests' `session.cookies`); filled from Set-Cookie headers. */
  get cookies(): SessionCookies {
    return (this.jar ??= new SessionCookies());
  }

  /** requests' `session.verify`: false accepts any certificate; a path trusts that CA (PEM). */
  get verify(): boolean | string {
    return this.tls.verify ?? true;
  }
  set verify(value: boolean | string) {
    this.tls = { ...this.tls, verify: value };
    this.connect = tlsConnectOptions(this.tls);
  }

  /** requests' `session.cert`: a client certificate PEM path, or `[certPath, keyPath]`. */
  get cert(): string | readonly [string, string] | undefined {
    return this.tls.cert;
  }
  set cert(value: string | readonly [string, string] | undefined) {
    this.tls = { ...this.tls, ...(value === undefined ? {} : { cert: value }) };
    this.connect = tlsConnectOptions(this.tls);
  }

  /** Called by a response with Set-Cookie headers. */
  storeCookies(url: string, setCookies: readonly string[]): void {
    this.cookies.store(url, setCookies);
  }

  get(url: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('GET', url, options);
  }
  post(url: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('POST', url, options);
  }
  put(url: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('PUT', url, options);
  }
  patch(url: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('PATCH', url, options);
  }
  delete(url: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('DELETE', url, options);
  }
  head(url: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('HEAD', url, options);
  }
  options(url: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('OPTIONS', url, options);
  }

  /** Send one request; never rejects for HTTP or network failures (they are counted instead). */
  request(method: string, url: string, options?: RequestOptions): Promise<HttpResponse> {
    if (options?.files) {
      const { files, data, ...rest } = options;
      const fields = typeof data === 'object' && !Buffer.isBuffer(data) ? data : undefined;
      return multipartBody(files, fields).then(({ body, contentType }) =>
        this.request(method, url, { ...rest, body, headers: { ...rest.headers, 'content-type': contentType } }),
      );
    }
    let origin: string;
    let path: string;
    if (ABSOLUTE_URL.test(url)) {
      const u = new URL(url);
      origin = u.origin;
      path = u.pathname + u.search;
    } else {
      if (!this.baseOrigin) {
        return Promise.reject(new Error(`no host to send '${url}' to: pass -H/--host, set 'host' on the user class, or use an absolute URL`));
      }
      origin = this.baseOrigin;
      path = this.basePath === '' ? url : url.startsWith('/') ? this.basePath + url : `${this.basePath}/${url}`;
      if (path.charCodeAt(0) !== 47 /* '/' */) path = `/${path}`;
    }
    let headers: Record<string, string> | undefined = this.headers;
    let body = options?.body;
    if (options) {
      if (options.params) {
        const q = queryString(options.params);
        if (q) path += (path.includes('?') ? '&' : '?') + q;
      }
      if (options.headers || options.json !== undefined || options.data !== undefined || options.auth || options.cookies) {
        headers = { ...this.headers, ...options.headers };
      }
      if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
        // FastHttpSession asks for JSON back as well
        if (this.pythonClient === 'fast' && !hasHeader(headers, 'accept')) headers.accept = 'application/json';
      } else if (options.data !== undefined) {
        if (typeof options.data === 'string' || Buffer.isBuffer(options.data)) body = options.data;
        else {
          body = formBody(options.data);
          if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/x-www-form-urlencoded';
        }
      }
      if (options.auth) headers.authorization = basicAuthHeader(options.auth);
      if (options.cookies) headers.cookie = Object.entries(options.cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    }
    if (this.auth && !hasHeader(headers, 'authorization')) headers = { ...headers, authorization: basicAuthHeader(this.auth) };
    const callerName = this.renamed ?? options?.name;
    const exchange = new Exchange(
      this,
      method,
      // FastHttpSession names a request by the URL as given (`name or url`), HttpSession by its path_url
      callerName ?? (this.pythonClient === 'fast' ? url : path),
      origin,
      path,
      headers,
      body,
      options?.timeout ?? null,
      options?.allowRedirects ?? true,
      options?.catchResponse ?? false,
    );
    if (callerName !== undefined) exchange.namedByCaller = true;
    if (this.scheduleDelay !== 0) {
      exchange.response.scheduleDelay = this.scheduleDelay;
      this.scheduleDelay = 0;
    }
    if (options?.context) exchange.context = options.context;
    if (this.firstRequest) {
      exchange.watch = this.firstRequest;
      this.firstRequest = null;
    }
    const promise = new Promise<HttpResponse>((resolve, reject) => {
      exchange.resolve = resolve;
      exchange.reject = reject;
    });
    if (this.inFlight === null) this.inFlight = exchange;
    else (this.moreInFlight ??= new Set()).add(exchange);
    this.send(exchange);
    return promise;
  }

  /**
   * The user is being killed (stopped without a stop timeout, or its stop timeout ran out):
   * abort its requests in flight. Like Locust's GreenletExit, the awaiting task gets a
   * {@link StopUser} and the aborted requests are not counted. Later requests work again, so
   * `onStop` can still send some.
   */
  abortInFlight(): void {
    if (this.inFlight === null && (this.moreInFlight === null || this.moreInFlight.size === 0)) return;
    const killed = new StopUser('user stopped while a request was in flight');
    const all = this.inFlight === null ? [] : [this.inFlight];
    if (this.moreInFlight !== null) all.push(...this.moreInFlight);
    this.inFlight = null;
    this.moreInFlight = null;
    for (const x of all) {
      x.killed = true;
      x.reject(killed);
      x.abort?.(killed);
    }
  }

  private send(x: Exchange): void {
    const options: Dispatcher.DispatchOptions = {
      path: x.path,
      method: x.method as Dispatcher.HttpMethod,
      headers: this.jar === null ? x.headers : this.withCookies(x),
      body: x.body ?? null,
    };
    // Without a timeout undici's own 300 s limits apply, so a hung target cannot hold a user forever.
    if (x.timeoutSeconds !== null) options.headersTimeout = options.bodyTimeout = x.timeoutSeconds * 1000;
    const pools = this.context.pools;
    try {
      if (this.connect === null && this.proxies === null && !pools.proxied) pools.get(x.origin).dispatch(options, x);
      else {
        const proxy = this.proxies ? ((x.origin.startsWith('https:') ? this.proxies.https : this.proxies.http) ?? null) : null;
        const route = pools.route(x.origin, this.connect, proxy);
        if (route.needsOrigin) options.origin = x.origin;
        route.dispatcher.dispatch(options, x);
      }
    } catch (err) {
      this.errored(x, err as Error);
    }
  }

  /** The request's headers plus the jar's cookies for its URL (merged with a `cookies` option). */
  private withCookies(x: Exchange): Record<string, string> | undefined {
    const fromJar = this.jar!.header(x.origin + x.path);
    if (fromJar === '') return x.headers;
    const own = x.headers?.cookie;
    return { ...x.headers, cookie: own ? `${fromJar}; ${own}` : fromJar };
  }

  /** Body fully read: follow a redirect, or time, count and hand back the response. */
  completed(x: Exchange): void {
    const r = x.response;
    const status = r.status;
    const fast = this.pythonClient === 'fast';
    // geventhttpclient before 2.41.4 neither follows nor accepts a 308
    const follows = isRedirect(status) && !(fast && status === 308 && !versionAtLeast(this.textsVersion, TEXT_CHANGES.fastAccepts304And308));
    if (x.followRedirects && follows) {
      const location = headerValue(r.rawHeaders, 'location');
      if (location !== null) {
        if (x.redirects >= MAX_REDIRECTS) return this.finish(x, tooManyRedirectsText(MAX_REDIRECTS));
        this.redirect(x, location);
        return;
      }
    }
    // the common case first: a 2xx is a success for both clients, in every release
    if (status >= 200 && status < 300 && (status <= 208 || !fast)) return this.finish(x, null);
    const version = this.textsVersion;
    if (fast) {
      this.finish(x, fastStatusIsValid(status, version) ? null : badStatusCodeText(x.origin + x.path, status, version));
      return;
    }
    if (status < 400) return this.finish(x, null);
    // requests names the URL in its HTTPError; Locust puts the stats name there (always since 2.14.1)
    const named = x.namedByCaller || versionAtLeast(version, TEXT_CHANGES.httpErrorNamesName);
    this.finish(x, httpErrorText(status, r.statusText, named ? r.name : x.origin + x.path));
  }

  /** The Locust release whose texts this session writes. */
  private get textsVersion(): string {
    return this.context.texts?.version ?? NEWEST_TEXTS;
  }

  errored(x: Exchange, err: Error): void {
    const r = x.response;
    r.status = 0;
    const request = { host: this.baseHost || x.origin, port: this.basePort, url: x.origin + x.path, timeoutSeconds: x.timeoutSeconds };
    const texts = connectionErrorTexts(err, request, this.pythonClient, this.textsVersion);
    r.connectionErrorMessage = texts.str;
    this.finish(x, texts.repr);
  }

  private redirect(x: Exchange, location: string): void {
    const next = new URL(location, x.origin + x.path);
    x.redirects++;
    const status = x.response.status;
    // requests' rules: 303 → GET (HEAD stays), 301/302 turn POST into GET; the body is dropped.
    if ((status === 303 && x.method !== 'HEAD') || ((status === 301 || status === 302) && x.method === 'POST')) {
      x.method = 'GET';
      x.body = undefined;
    }
    x.origin = next.origin;
    x.path = next.pathname + next.search;
    const r = x.response;
    r.status = 0;
    r.statusText = '';
    r.rawHeaders = null;
    r.chunks = null;
    r.contentLength = 0;
    this.send(x);
  }

  private finish(x: Exchange, error: string | null): void {
    if (x.killed) return;
    if (this.inFlight === x) this.inFlight = null;
    else this.moreInFlight?.delete(x);
    x.watch?.answered();
    x.watch = null;
    const r = x.response;
    r.elapsed = performance.now() - x.start;
    r.error = error;
    r.url = x.origin + x.path;
    if (x.caught) {
      r.sink = this;
      (this.undecided ??= new Set()).add(r);
    } else {
      try {
        this.record(r, error, x.context);
      } catch (err) {
        // a request listener threw (RescheduleTask, StopUser, ...): as in Locust, it is raised
        // where the task made the request, not inside undici (which would count it again)
        x.reject(err as Error);
        return;
      }
    }
    x.resolve(r);
  }

  private record(r: HttpResponse, error: string | null, context?: Record<string, unknown>): void {
    const stats = this.context.stats;
    stats.logRequest(r.method, r.name, r.elapsed + r.scheduleDelay, r.contentLength);
    if (error !== null) stats.logError(r.method, r.name, error);
    // listeners cost only when a locustfile added one
    if (events.request.hasListeners) this.fireRequestEvent(r, error, context);
  }

  private fireRequestEvent(r: HttpResponse, error: string | null, context: Record<string, unknown> | undefined): void {
    const userContext = this.user?.context() ?? {};
    events.request.fireListeners({
      requestType: r.method,
      name: r.name,
      responseTime: r.elapsed,
      responseLength: r.contentLength,
      response: r,
      context: context ? { ...userContext, ...context } : userContext,
      exception: error,
      startTime: Date.now() / 1000 - r.elapsed / 1000,
      url: r.url,
    });
  }

  /**
   * Count every request made while `fn` runs under `name` (Locust's `client.rename_request(name)`
   * context manager): `await this.client.renameRequest('/blog/[id]', () => this.client.get(url))`.
   */
  async renameRequest<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const previous = this.renamed;
    this.renamed = name;
    try {
      return await fn();
    } finally {
      this.renamed = previous;
    }
  }

  /** A caught response was decided with success()/failure(). */
  report(r: HttpResponse, error: string | null): void {
    this.undecided?.delete(r);
    this.record(r, error);
  }

  /** End of a task: caught responses nobody decided count with their status-based outcome. */
  settleUndecided(): void {
    if (this.undecided === null || this.undecided.size === 0) return;
    // a request listener may throw (RescheduleTask, ...): every response is still counted, then
    // the first error is raised in the task's place, as Locust's `with` block exit raises it
    let thrown: { err: unknown } | null = null;
    for (const r of [...this.undecided]) {
      r.sink = null;
      try {
        this.report(r, r.error);
      } catch (err) {
        thrown ??= { err };
      }
    }
    if (thrown) throw thrown.err;
  }
}
