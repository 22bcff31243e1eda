/** Errors from client-node's lists and watches (HTTP status, network, TLS) as one line each. */
import { ApiException } from '@kubernetes/client-node';
import { errnoCode } from '@locust-ts/protocol';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

export interface ErrorKind {
  /** groups repeats of the same failure, so each is warned about once */
  key: string;
  line: string;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function statusMessage(body: unknown): string {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return oneLine(value as string).slice(0, 300);
    }
  }
  const message = (value as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? oneLine(message) : '';
}

/** `what` names the collection, e.g. `horizontalpodautoscalers in namespace "default"`. */
export function describeWatchError(error: unknown, server: string, what: string): ErrorKind {
  const status =
    error instanceof ApiException ? (error.code as number) : typeof (error as { statusCode?: unknown })?.statusCode === 'number' ? (error as { statusCode: number }).statusCode : null;
  if (status !== null) {
    const message = error instanceof ApiException ? statusMessage(error.body) : '';
    const detail = message ? `: ${message}` : '';
    if (status === 401 || status === 403) {
      return { key: `${status}:${what}`, line: `not allowed to list/watch ${what} (${status} ${status === 403 ? 'Forbidden' : 'Unauthorized'})${detail}` };
    }
    return { key: `${status}:${what}`, line: `the API server answered ${status} for ${what}${detail}` };
  }
  const code = errnoCode(error);
  if (code && NETWORK_CODES.has(code)) return { key: 'unreachable', line: `cannot reach the Kubernetes API server at ${server} (${code})` };
  if (code && /CERT|TLS|SELF_SIGNED/.test(code)) return { key: 'tls', line: `TLS with the API server at ${server} failed (${code})` };
  const text = oneLine(error instanceof Error ? error.message : String(error));
  return { key: `other:${what}:${text}`, line: `watching ${what} failed: ${text}` };
}
