/**
 * A host-name lookup shared by every connection of a worker: Node resolves each new connection
 * on its own (`dns.lookup` → getaddrinfo on libuv's 4 threads), so the 250 users one worker starts
 * at a pulse edge would queue 250 lookups of the same name behind each other. Here concurrent
 * lookups of a name share one call, and its answer is kept for a few seconds (a Service's address
 * changes rarely; a failed lookup is never kept).
 */
import { type LookupAddress, type LookupOptions, lookup as dnsLookup } from 'node:dns';

/** How long an answer is reused, ms. */
const ANSWER_TTL_MS = 5_000;

type Callback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

interface Entry {
  expires: number;
  addresses: LookupAddress[] | null;
  waiting: Callback[] | null;
  all: boolean;
}

const entries = new Map<string, Entry>();

function answer(entry: Entry, callback: Callback): void {
  const addresses = entry.addresses!;
  if (entry.all) callback(null, addresses);
  else callback(null, addresses[0]!.address, addresses[0]!.family);
}

/** A `lookup` for `net.connect` (undici's `connect.lookup`): same contract as `dns.lookup`. */
export function cachedLookup(hostname: string, options: LookupOptions, callback: Callback): void {
  const all = options.all === true;
  const key = `${hostname}\u0000${options.family ?? 0}\u0000${options.hints ?? 0}\u0000${all ? 1 : 0}`;
  const now = Date.now();
  let entry = entries.get(key);
  if (entry?.addresses && entry.expires > now) {
    const done = entry;
    process.nextTick(() => answer(done, callback));
    return;
  }
  if (entry?.waiting) {
    entry.waiting.push(callback);
    return;
  }
  entry = { expires: 0, addresses: null, waiting: [callback], all };
  entries.set(key, entry);
  const pending = entry;
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    const waiting = pending.waiting ?? [];
    pending.waiting = null;
    if (err || addresses.length === 0) {
      entries.delete(key);
      const error = err ?? Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      for (const cb of waiting) cb(error, all ? [] : '', undefined);
      return;
    }
    pending.addresses = addresses;
    pending.expires = Date.now() + ANSWER_TTL_MS;
    for (const cb of waiting) answer(pending, cb);
  });
}
