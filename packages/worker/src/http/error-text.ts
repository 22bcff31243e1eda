/**
 * Failure texts in the shape Python Locust's HttpUser produces (requests/urllib3 exception
 * reprs), so the error keys of TS and Python workers merge on a master (spec §5.1).
 * Texts were taken from a real 2.12.1 HttpSession on this machine.
 */
import { pyRepr } from '@locust-ts/protocol';

/** `HTTPError('404 Client Error: Not Found for url: /missing')`, requests' raise_for_status. */
export function httpErrorText(status: number, reason: string, url: string): string {
  const kind = status < 500 ? 'Client Error' : 'Server Error';
  return `HTTPError(${pyRepr(`${status} ${kind}: ${reason} for url: ${url}`)})`;
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

/**
 * A connection-level failure (refused, reset, DNS, timeout, closed) as Python shows it after
 * Locust unwraps requests' ConnectionError to its innermost cause.
 */
export function connectionErrorText(err: unknown, host: string, port: number, timeoutSeconds: number | null): string {
  const e = (err ?? {}) as ErrnoLike;
  const cause = (e.cause ?? {}) as ErrnoLike;
  const code = typeof e.code === 'string' ? e.code : typeof cause.code === 'string' ? cause.code : '';
  const errno = ERRNO[code];
  if (errno) return `${errno[1]}(${errno[0]}, ${pyRepr(errno[2])})`;
  switch (code) {
    case 'ENOTFOUND':
      return `gaierror(-2, ${pyRepr('Name or service not known')})`;
    case 'EAI_AGAIN':
      return `gaierror(-3, ${pyRepr('Temporary failure in name resolution')})`;
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return `RemoteDisconnected(${pyRepr('Remote end closed connection without response')})`;
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT': {
      const inner = `HTTPConnectionPool(host=${pyRepr(host)}, port=${port}): Read timed out. (read timeout=${timeoutSeconds ?? 'None'})`;
      return `ReadTimeout(ReadTimeoutError(${pyRepr(inner)}))`;
    }
    case 'UND_ERR_CONNECT_TIMEOUT': {
      const inner = `Connection to ${host} timed out. (connect timeout=${timeoutSeconds ?? 'None'})`;
      return `ConnectTimeoutError(${pyRepr(inner)})`;
    }
    default: {
      const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : 'ConnectionError';
      return `${name}(${pyRepr(typeof e.message === 'string' ? e.message : String(err))})`;
    }
  }
}
