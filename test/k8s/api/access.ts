/**
 * Who may do what on the stand-in: client certificates (kubectl, the deploy tool) or a
 * service-account bearer token (a pod's in-cluster credentials), and resources a test forbids.
 * Answers are the real API server's: 401 Unauthorized, 403 Forbidden with its wording.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ResourceType } from './resources.js';
import { ApiError } from './store.js';

export interface AccessOptions {
  /** bearer token → user name (e.g. `system:serviceaccount:default:locust-master`) */
  readonly tokens?: Readonly<Record<string, string>>;
  /** plurals nobody may read or watch (no RBAC rights) */
  readonly forbidden?: readonly string[];
}

/** The user a request authenticates as, or a 401. */
export function authenticate(req: IncomingMessage, options: AccessOptions): string {
  const socket = req.socket as TLSSocket;
  if (socket.authorized) return String(socket.getPeerCertificate()?.subject?.CN ?? 'minikube-user');
  const header = String(req.headers.authorization ?? '');
  const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
  const user = token ? options.tokens?.[token] : undefined;
  if (user) return user;
  throw new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function authorize(user: string, verb: string, resource: ResourceType, namespace: string | undefined, options: AccessOptions): void {
  if (!options.forbidden?.includes(resource.plural)) return;
  const qualified = resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
  const where = namespace !== undefined ? ` in the namespace "${namespace}"` : ' at the cluster scope';
  throw new ApiError(
    403,
    'Forbidden',
    `${qualified} is forbidden: User "${user}" cannot ${verb} resource "${resource.plural}" in API group "${resource.group}"${where}`,
    { group: resource.group, kind: resource.plural },
  );
}
