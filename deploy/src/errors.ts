/**
 * Every failure the tool reports is one line: what went wrong and what to do next. Errors from
 * client-node (HTTP status, network, TLS) are translated here, in one place.
 */
import { ApiException } from '@kubernetes/client-node';
import { DeployError, errnoCode } from '@locust-ts/protocol';

/** A failure the tool explains itself; `message` is the whole one-line report. */
export { DeployError } from '@locust-ts/protocol';

interface StatusBody {
  readonly message?: string;
  readonly reason?: string;
  /** What the Status is about, e.g. `{ kind: 'namespaces', name: 'loadtest' }` for a missing namespace. */
  readonly details?: { readonly kind?: string; readonly name?: string };
}

/** The API server's answers the tool treats apart: an object that is not there, a verb RBAC does not grant. */
export const HTTP_NOT_FOUND = 404;
export const HTTP_FORBIDDEN = 403;

/** Network failures as node and node-fetch report them, for the "cannot reach" message. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);

/** Status code + the API server's own message (a Status object in JSON), if the error is an HTTP one. */
export function apiStatus(error: unknown): { code: number; message: string; reason: string; detailsKind: string } | undefined {
  if (!(error instanceof ApiException)) return undefined;
  const body = parseStatus(error.body);
  return {
    code: error.code,
    message: oneLine(body?.message ?? String(error.body ?? '').slice(0, 300)),
    reason: body?.reason ?? '',
    detailsKind: body?.details?.kind ?? '',
  };
}

/** One line for any error raised while talking to `server` about `what` (e.g. `deployment/x`). */
export function describeError(error: unknown, server: string, what?: string): string {
  if (error instanceof DeployError) return error.message;
  const status = apiStatus(error);
  if (status) {
    const about = what ? ` ${what}` : '';
    switch (status.code) {
      case 401:
        return `the API server at ${server} refused the credentials (${status.code}${reasonText(status.reason)}): ${status.message}`;
      case HTTP_FORBIDDEN:
        // Authenticated, but RBAC does not grant this user the verb (e.g. a namespace-only user).
        return `not allowed on${about || ' a request'} (403${reasonText(status.reason)}): ${status.message}; the kubeconfig's user needs RBAC rights for it, or pass another --context`;
      case 409:
        return `conflict on${about} (409${reasonText(status.reason)}): ${status.message}`;
      case 422:
        return `the API server rejected${about} (422${reasonText(status.reason)}): ${status.message}`;
      default:
        return `the API server answered ${status.code}${reasonText(status.reason)} for${about || ' a request'}: ${status.message}`;
    }
  }
  const code = errnoCode(error);
  if (code && NETWORK_CODES.has(code)) {
    return `cannot reach the Kubernetes API server at ${server} (${code}): is the cluster running? (minikube status)`;
  }
  if (code && TLS_CODES.has(code)) {
    return `TLS with the API server at ${server} failed (${code}): the kubeconfig's certificate-authority does not match the server`;
  }
  return oneLine(error instanceof Error ? error.message : String(error));
}

/** The API server's answer behind a DeployError from cluster.ts (its `cause`), if any. */
export function causeStatus(error: unknown): ReturnType<typeof apiStatus> {
  return error instanceof DeployError ? apiStatus(error.cause) : undefined;
}

function parseStatus(body: unknown): StatusBody | undefined {
  if (typeof body === 'object' && body !== null) return body as StatusBody;
  if (typeof body !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as StatusBody) : undefined;
  } catch {
    return undefined;
  }
}

function reasonText(reason: string): string {
  return reason ? ` ${reason}` : '';
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
