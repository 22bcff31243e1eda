/**
 * Before a synchronized edge: one throw-away TCP connection to the target, made during the edge's
 * lead. It resolves the host name (into the shared lookup cache) and the network path (ARP/neighbour
 * entries, routes) ahead of the instant, so the edge's hundreds of simultaneous connects do not
 * queue behind a first resolution — a neighbour lookup holds only a few packets, and the SYNs it
 * drops come back a second later. No HTTP request is sent: the target logs nothing.
 */
import { connect } from 'node:net';
import { cachedLookup } from './dns-cache.js';

/** Give up on a warm-up connect after this long, ms (the edge does not wait for it). */
const WARM_TIMEOUT_MS = 2_000;

export function warmPath(origin: string): void {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const socket = connect({ host, port, lookup: cachedLookup });
  socket.setTimeout(WARM_TIMEOUT_MS, () => socket.destroy());
  socket.once('connect', () => socket.destroy());
  socket.once('error', () => socket.destroy());
}
