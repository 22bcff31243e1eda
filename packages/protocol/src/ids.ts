import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A worker's client_id: `<hostname>_<uuid4 as 32 hex>` (spec §1.2). The dispatcher treats the
 * text before the first `_` as the host, so underscores in the host name are replaced.
 */
export function makeClientId(host = hostname()): string {
  return `${host.replace(/_/g, '-')}_${randomUUID().replace(/-/g, '')}`;
}

/** The host part of a client id, as Locust's dispatcher reads it (spec §6.2). */
export function hostOfClientId(clientId: string): string {
  const i = clientId.indexOf('_');
  return i < 0 ? clientId : clientId.slice(0, i);
}
