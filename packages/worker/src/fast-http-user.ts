/**
 * `FastHttpUser`, the name Locust users know for the fast client. locust-ts has one HTTP client
 * and it is the fast one, so this is an HttpUser that writes FastHttpUser's failure texts and
 * request names (so its rows merge with Python FastHttpUser workers'), plus Locust's `rest()`
 * helper for JSON APIs. Python's `with self.rest(...) as resp:` block is the callback:
 *
 *   await this.rest('POST', '/api/items', { json: { name: 'x' } }, (resp) => {
 *     assert(resp.js?.id !== undefined, "no 'id' in the answer");
 *   });
 *
 * A check that throws fails that request (a failed `assert` with its message, any other error
 * with its name, message and frames), as the `with` block does.
 */
import { catchResponseErrorText } from './http/error-text.js';
import { pythonJsonError } from './http/py-json-error.js';
import type { HttpResponse, Json } from './http/response.js';
import type { RequestOptions } from './http/session.js';
import { HttpUser, type UserEnvironment, registerBaseClass } from './user.js';

/** FastHttpSession.rest's limit on the body shown in its JSON failure text. */
const SHOWN_BODY_CHARS = 250;
/** ...and in the failure text of a check that threw. */
const SHOWN_BODY_CHARS_ON_ERROR = 200;

/** What `rest()` resolves to: a response whose `js` is the parsed body (null when empty or not JSON). */
export interface RestResponse<T = Json> extends HttpResponse {
  readonly js: T | null;
}

/** The body of Python's `with self.rest(...) as resp:` block; what it throws fails the request. */
export type RestCheck<T = Json> = (resp: RestResponse<T>) => unknown;

/** Python's `text[:n]`: code points, not UTF-16 units. */
function head(text: string, n: number): string {
  return text.length <= n ? text : [...text].slice(0, n).join('');
}

/** `resp.text[:200] if resp.text else resp.text`: no response reads `None`. */
function shortBody(resp: HttpResponse): string {
  return resp.status === 0 && resp.connectionErrorMessage !== null ? 'None' : head(resp.text, SHOWN_BODY_CHARS_ON_ERROR);
}

/** The user's frames of an error as Locust's rest() lists them: `file:line in function`. */
function userFrames(err: Error): string {
  const frames: string[] = [];
  for (const line of (err.stack ?? '').split('\n')) {
    const m = /^\s+at (?:(.*?) \()?(.+?):(\d+):\d+\)?$/.exec(line);
    if (!m || m[2]!.startsWith('node:') || m[2]!.includes('/node_modules/') || m[2]!.includes('/packages/worker/src/')) continue;
    const file = m[2]!.replace(/^file:\/\//, '').replace(/\/((home|Users)\/\w*)\//g, '~/');
    frames.push(`${file}:${m[3]} in ${(m[1] ?? '<module>').replace(/^async /, '')}`);
  }
  // Python's traceback lists the outermost call first
  return frames.reverse().join(', ');
}

/** What a throwing check fails the request with (Locust's rest(): AssertionError, then any other exception). */
export function restCheckFailure(err: unknown, resp: HttpResponse): string {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e.name === 'AssertionError') {
    const a = e as { generatedMessage?: boolean; operator?: unknown; expected?: unknown };
    // Python's bare `assert x` has no message; node's `assert(x)` makes one up ('null == true')
    const bare = a.generatedMessage === true && ((a.operator === '==' && a.expected === true) || e.message.startsWith('No value argument'));
    if (e.message === '' || bare) return 'Assertion failed';
    if (e.message.endsWith(',')) return `${e.message.slice(0, -1)}, response was ${shortBody(resp)}`;
    return e.message;
  }
  const name = err instanceof Error ? e.name : 'Error';
  return `${name}: ${e.message} at ${userFrames(e)}. Response was ${shortBody(resp)}`;
}

/** The JSON failure rest() gives a body that is not JSON, or null for JSON (or an empty body). */
function jsonFailure(resp: HttpResponse): string | null {
  const text = resp.text;
  if (text === '' || resp.js !== null || text.trim() === 'null') return null;
  const error = pythonJsonError(text);
  if (error === null) return null; // NaN/Infinity: Python reads them
  return `Could not parse response as JSON. ${head(text, SHOWN_BODY_CHARS)}, response code ${resp.status}, error ${error}`;
}

/** True when neither spelling of `name` is among the caller's headers. */
function lacks(headers: Record<string, string>, lowerName: string): boolean {
  return !Object.keys(headers).some((h) => h.toLowerCase() === lowerName);
}

export class FastHttpUser extends HttpUser {
  constructor(environment: UserEnvironment) {
    super(environment);
    this.client.pythonClient = 'fast';
  }

  /**
   * A JSON request (Locust's `rest()`): `Content-Type` and `Accept` default to `application/json`
   * (the caller's own are kept), `js` is the parsed body, a body that is not JSON or no response
   * at all fails the request. With `check` (Python's `with` block) the request is decided when
   * `check` ends: what it throws fails the request, else `success()`/`failure()` inside it or the
   * status decide. Without `check`, decide with `success()`/`failure()` before the task ends.
   */
  async rest<T = Json>(method: string, url: string, options: RequestOptions = {}, check?: RestCheck<T>): Promise<RestResponse<T>> {
    const headers = { ...options.headers };
    if (lacks(headers, 'content-type')) headers['Content-Type'] = 'application/json';
    if (lacks(headers, 'accept')) headers.Accept = 'application/json';
    const resp = (await this.client.request(method, url, { ...options, headers, catchResponse: true })) as RestResponse<T>;
    // the outcome rest() gives before the block runs; success()/failure() in the block override it
    const noResponse = resp.status === 0 && resp.connectionErrorMessage !== null;
    const failure = noResponse ? resp.connectionErrorMessage : jsonFailure(resp);
    if (failure !== null) resp.error = catchResponseErrorText(failure);
    if (!check) return resp;
    await decideAfter(resp, check);
    return resp;
  }

  /**
   * `rest()` with `_=<milliseconds>` appended to the query to get past caches (Locust's `rest_`),
   * named `url?_=...` unless `options.name` says otherwise.
   */
  rest_<T = Json>(method: string, url: string, options: RequestOptions = {}, check?: RestCheck<T>): Promise<RestResponse<T>> {
    const separator = url.includes('?') ? '&' : '?';
    const name = options.name ?? `${url}${separator}_=...`;
    return this.rest<T>(method, `${url}${separator}_=${Date.now()}`, { ...options, name }, check);
  }
}

/**
 * Run `check` as Python runs the `with` block: success()/failure() inside it are held until it
 * ends (the last one wins, and a throw overrides them), then the request is counted once.
 */
async function decideAfter<T>(resp: RestResponse<T>, check: RestCheck<T>): Promise<void> {
  const session = resp.sink;
  if (!session) return; // already decided (a killed user's request is never counted)
  let held: { error: string | null } | null = null;
  const hold = {
    report(r: HttpResponse, error: string | null): void {
      held = { error };
      r.sink = hold; // Python lets the block call success()/failure() again
    },
  };
  resp.sink = hold;
  let outcome: string | null;
  try {
    await check(resp);
    outcome = held === null ? resp.error : (held as { error: string | null }).error;
  } catch (err) {
    outcome = catchResponseErrorText(restCheckFailure(err, resp));
  }
  resp.sink = null;
  resp.error = outcome;
  session.report(resp, outcome);
}

registerBaseClass(FastHttpUser);
