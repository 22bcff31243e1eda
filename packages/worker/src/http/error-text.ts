/**
 * Failure texts in the shape Python Locust's clients produce (exception reprs), so the error rows
 * of TS and Python workers merge on a master (spec §5.1). HttpUser's come from requests/urllib3,
 * FastHttpUser's from geventhttpclient. Texts were taken from real 2.12.1 HttpSession and
 * FastHttpSession runs on this machine and from the newest Locust's source; where the two
 * differ, {@link LocustTexts} says which Locust release's texts a worker writes.
 */
import { DEBIAN_LOCUST_VERSION, LOCUST_PROTOCOL_VERSION, pyRepr, versionAtLeast } from '@locust-ts/protocol';

export { DEBIAN_LOCUST_VERSION, versionAtLeast };

/**
 * The Locust release whose failure texts this worker writes. Behind a locust-ts master it is the
 * Python workers' release (the master sends it with each spawn); behind a Python master the one
 * {@link pythonMasterTexts} reads from the master's behaviour; in a local run the newest.
 * docs/porting.md lists the releases whose rows still do not merge.
 */
export interface LocustTexts {
  version: string;
}

/** Texts of the newest Locust locust-ts was checked against. */
export const NEWEST_TEXTS = LOCUST_PROTOCOL_VERSION;

/** Releases where a text changed (Locust's git history). */
export const TEXT_CHANGES = {
  /** HttpUser's HTTPError names the request's stats name instead of its URL (a699a27c). */
  httpErrorNamesName: '2.14.1',
  /** FastHttpUser's status failure is `LocustBadStatusCode(code=N)` (c9192ac0). */
  locustBadStatusCode: '2.32.1',
  /** FastHttpUser gives up after one try (max_retries 0, was 1) (417df8a1). */
  fastNoRetry: '2.26.0',
  /** FastHttpUser counts 304 and 308 as successes and follows 308 (70184dfb). */
  fastAccepts304And308: '2.41.4',
} as const;

/**
 * The release whose texts to write behind a Python master, which never says its own: masters
 * answer worker heartbeats since 2.19.0, and the options a spawn carries (`vars(parsed_options)`,
 * every option of that release) narrow it down to the first release of a bracket whose texts agree
 * with the Python workers' wherever they can (docs/porting.md lists the rest). A master that
 * sends no options (Locust used as a library) is read as 2.12.1 or the newest.
 */
export function pythonMasterTexts(answersHeartbeats: boolean, options: Readonly<Record<string, unknown>>): string {
  const known = Object.keys(options).length > 0;
  if (!answersHeartbeats) return known && 'json' in options ? '2.14.1' : DEBIAN_LOCUST_VERSION; // --json: 2.14.1
  if (!known || 'otel' in options) return NEWEST_TEXTS; // --otel: 2.42.4
  return 'web_base_path' in options ? '2.32.2' : '2.19.0'; // --web-base-path: 2.32.2
}

/** `HTTPError('404 Client Error: Not Found for url: /missing')`, requests' raise_for_status. */
export function httpErrorText(status: number, reason: string, url: string): string {
  const kind = status < 500 ? 'Client Error' : 'Server Error';
  return `HTTPError(${pyRepr(`${status} ${kind}: ${reason} for url: ${url}`)})`;
}

/** geventhttpclient's `ConnectionError.__repr__`: Exception's repr with `, k=v` before every ')'. */
function geventErrorRepr(cls: string, args: string, kwText: string): string {
  return `${cls}(${args})`.replaceAll(')', `, ${kwText})`);
}

/**
 * FastHttpUser's failure for a status outside its valid codes: 2.12.1's
 * `BadStatusCode('http://host/path', code=500)`, since 2.32.1 `LocustBadStatusCode(code=500)`.
 */
export function badStatusCodeText(url: string, status: number, version: string): string {
  if (!versionAtLeast(version, TEXT_CHANGES.locustBadStatusCode)) return geventErrorRepr('BadStatusCode', pyRepr(url), `code=${status}`);
  return geventErrorRepr('LocustBadStatusCode', pyRepr(url), `code=${status}`).replaceAll(`${pyRepr(url)}, `, '');
}

const FAST_VALID = new Set([200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 301, 302, 303, 307]);

/** FastHttpUser's `valid_response_codes` (304 and 308 since 2.41.4). */
export function fastStatusIsValid(status: number, version: string): boolean {
  if (FAST_VALID.has(status)) return true;
  return (status === 304 || status === 308) && versionAtLeast(version, TEXT_CHANGES.fastAccepts304And308);
}

/** `CatchResponseError('msg')`: a response marked failed with `failure(msg)`. */
export function catchResponseErrorText(message: string): string {
  return `CatchResponseError(${pyRepr(message)})`;
}

/** `TooManyRedirects('Exceeded 30 redirects.')`. */
export function tooManyRedirectsText(max: number): string {
  return `TooManyRedirects(${pyRepr(`Exceeded ${max} redirects.`)})`;
}

interface ErrnoLike {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  cause?: unknown;
}

/** Linux errno numbers Python shows in OSError reprs. */
const ERRNO: Record<string, [number, string, string]> = {
  ECONNREFUSED: [111, 'ConnectionRefusedError', 'Connection refused'],
  ECONNRESET: [104, 'ConnectionResetError', 'Connection reset by peer'],
  EPIPE: [32, 'BrokenPipeError', 'Broken pipe'],
  ETIMEDOUT: [110, 'TimeoutError', 'Connection timed out'],
  EHOSTUNREACH: [113, 'OSError', 'No route to host'],
  ENETUNREACH: [101, 'OSError', 'Network is unreachable'],
  EADDRNOTAVAIL: [99, 'OSError', 'Cannot assign requested address'],
};

const GAI: Record<string, [number, string]> = {
  ENOTFOUND: [-2, 'Name or service not known'],
  EAI_AGAIN: [-3, 'Temporary failure in name resolution'],
};

/** A connection failure as Python shows it: `repr(e)` (the row's text) and `str(e)` (what rest() fails with). */
export interface ConnectionErrorTexts {
  repr: string;
  str: string;
}

/** Where the failed request went, for the texts that name it. */
export interface FailedRequest {
  host: string;
  port: number;
  /** the full URL (FastHttpUser's texts name it) */
  url: string;
  timeoutSeconds: number | null;
}

function errorCode(err: unknown): string {
  const e = (err ?? {}) as ErrnoLike;
  const cause = (e.cause ?? {}) as ErrnoLike;
  return typeof e.code === 'string' ? e.code : typeof cause.code === 'string' ? cause.code : '';
}

/**
 * A connection-level failure (refused, reset, DNS, timeout, closed) as HttpUser (`requests`,
 * after Locust unwraps requests' ConnectionError to its innermost cause) or FastHttpUser
 * (`fast`, geventhttpclient) shows it.
 */
export function connectionErrorTexts(err: unknown, req: FailedRequest, client: 'requests' | 'fast', version: string): ConnectionErrorTexts {
  const code = errorCode(err);
  const errno = ERRNO[code];
  if (errno) return { repr: `${errno[1]}(${errno[0]}, ${pyRepr(errno[2])})`, str: `[Errno ${errno[0]}] ${errno[2]}` };
  const gai = GAI[code];
  if (gai) return { repr: `gaierror(${gai[0]}, ${pyRepr(gai[1])})`, str: `[Errno ${gai[0]}] ${gai[1]}` };
  if (client === 'fast') {
    switch (code) {
      case 'UND_ERR_SOCKET':
      case 'UND_ERR_CLOSED':
        return { repr: `HTTPConnectionClosed(${pyRepr('connection closed.')})`, str: 'connection closed.' };
      case 'UND_ERR_HEADERS_TIMEOUT':
      case 'UND_ERR_BODY_TIMEOUT':
      case 'UND_ERR_CONNECT_TIMEOUT': {
        // geventhttpclient gives up after max_retries with the socket timeout
        const retries = versionAtLeast(version, TEXT_CHANGES.fastNoRetry) ? 0 : 1;
        const kw = 'original=timed out';
        return { repr: geventErrorRepr('RetriesExceeded', `${pyRepr(req.url)}, ${retries}`, kw), str: `URL ${req.url}: ${retries}, ${kw}` };
      }
    }
  }
  switch (code) {
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return pyException('RemoteDisconnected', 'Remote end closed connection without response');
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT': {
      const inner = `HTTPConnectionPool(host=${pyRepr(req.host)}, port=${req.port}): Read timed out. (read timeout=${req.timeoutSeconds ?? 'None'})`;
      return { repr: `ReadTimeout(ReadTimeoutError(${pyRepr(inner)}))`, str: inner };
    }
    case 'UND_ERR_CONNECT_TIMEOUT':
      return pyException('ConnectTimeoutError', `Connection to ${req.host} timed out. (connect timeout=${req.timeoutSeconds ?? 'None'})`);
    default: {
      const e = (err ?? {}) as ErrnoLike;
      const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : 'ConnectionError';
      return pyException(name, typeof e.message === 'string' ? e.message : String(err));
    }
  }
}

function pyException(cls: string, message: string): ConnectionErrorTexts {
  return { repr: `${cls}(${pyRepr(message)})`, str: message };
}
