/**
 * The stand-in's watch: every change to the store becomes an ADDED/MODIFIED/DELETED event with the
 * object's resourceVersion, kept in a window; `?watch=true|1` streams them as chunked JSON lines,
 * from `resourceVersion` on (an empty or "0" version first sends the current objects as ADDED, as
 * the real server does). A version older than the window gets the real server's answer: an ERROR
 * event carrying a 410 Expired Status, then the stream ends. Tests can end or cut every open
 * watch (a dropped watch) and compact the window (a too-old version).
 */
import type { ServerResponse } from 'node:http';
import { RESOURCES, type ResourceType } from './resources.js';
import type { ObjectStore } from './store.js';

type Json = Record<string, unknown>;
type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface FeedEvent {
  readonly rv: number;
  readonly type: EventType;
  readonly resource: ResourceType;
  readonly object: Json;
}

interface OpenWatch {
  readonly res: ServerResponse;
  readonly resource: ResourceType;
  readonly namespace: string | undefined;
  readonly matches: (o: Json) => boolean;
  timer: NodeJS.Timeout | null;
}

/** Events kept for resuming watches (the real server keeps a few minutes' worth). */
const WINDOW = 5_000;

export class WatchFeed {
  private readonly known = new Map<string, { rv: string; object: Json; resource: ResourceType }>();
  private readonly log: FeedEvent[] = [];
  private readonly open = new Set<OpenWatch>();
  /** versions at or below this are gone from the window */
  private compactedAt = 0;

  constructor(private readonly store: ObjectStore) {
    this.sync();
    this.log.length = 0; // objects seeded before the feed existed are not changes
  }

  get openWatches(): number {
    return this.open.size;
  }

  /** Turns what changed in the store since the last call into events (after every write and tick). */
  sync(): void {
    const seen = new Set<string>();
    const fresh: FeedEvent[] = [];
    for (const resource of RESOURCES) {
      for (const object of this.store.list(resource, undefined, undefined)) {
        const meta = object.metadata as Json;
        const key = `${resource.plural}/${String(meta.namespace ?? '')}/${String(meta.name)}`;
        seen.add(key);
        const rv = String(meta.resourceVersion);
        const before = this.known.get(key);
        if (before?.rv === rv) continue;
        const copy = structuredClone(object);
        delete (copy.metadata as Json).managedFields;
        this.known.set(key, { rv, object: copy, resource });
        fresh.push({ rv: Number(rv), type: before ? 'MODIFIED' : 'ADDED', resource, object: copy });
      }
    }
    for (const [key, entry] of this.known) {
      if (seen.has(key)) continue;
      this.known.delete(key);
      const rv = this.store.nextResourceVersion();
      const object = structuredClone(entry.object);
      (object.metadata as Json).resourceVersion = rv;
      fresh.push({ rv: Number(rv), type: 'DELETED', resource: entry.resource, object });
    }
    fresh.sort((a, b) => a.rv - b.rv);
    for (const event of fresh) {
      this.log.push(event);
      for (const w of this.open) if (w.resource === event.resource) this.deliver(w, event);
    }
    while (this.log.length > WINDOW) this.compactedAt = this.log.shift()!.rv;
  }

  /** Serves one watch request; the response stays open until the client leaves or a test drops it. */
  serve(res: ServerResponse, resource: ResourceType, namespace: string | undefined, url: URL): void {
    const matches = objectFilter(namespace, url.searchParams.get('labelSelector'), url.searchParams.get('fieldSelector'));
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
    res.flushHeaders();
    const sinceText = url.searchParams.get('resourceVersion') ?? '';
    const watch: OpenWatch = { res, resource, namespace, matches, timer: null };
    if (sinceText === '' || sinceText === '0') {
      for (const object of this.store.list(resource, namespace, undefined)) {
        if (matches(object)) write(res, 'ADDED', strip(object));
      }
    } else {
      const since = Number(sinceText);
      if (!Number.isFinite(since) || since < this.compactedAt) {
        write(res, 'ERROR', {
          kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410,
          message: `too old resource version: ${sinceText} (${this.compactedAt + 1})`,
        });
        res.end();
        return;
      }
      for (const event of this.log) if (event.rv > since && event.resource === resource) this.deliver(watch, event);
    }
    this.open.add(watch);
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 0);
    if (timeout > 0) watch.timer = setTimeout(() => this.close(watch, 'end'), timeout * 1000);
    res.on('close', () => this.forget(watch));
  }

  /**
   * Ends every open watch: `end` closes the streams cleanly (the server's watch timeout), `cut`
   * destroys the connections (a network failure). Clients are expected to resume.
   */
  dropWatches(how: 'end' | 'cut' = 'end'): number {
    const count = this.open.size;
    for (const w of [...this.open]) this.close(w, how);
    return count;
  }

  /** Forgets the window: any watch resumed from an older version gets 410 Gone. */
  compact(): void {
    this.sync();
    this.compactedAt = Number(this.store.currentResourceVersion());
    this.log.length = 0;
  }

  closeAll(): void {
    this.dropWatches('cut');
  }

  private deliver(w: OpenWatch, event: FeedEvent): void {
    if (w.matches(event.object)) write(w.res, event.type, event.object);
  }

  private close(w: OpenWatch, how: 'end' | 'cut'): void {
    this.forget(w);
    if (how === 'end') w.res.end();
    else w.res.socket?.destroy();
  }

  private forget(w: OpenWatch): void {
    if (w.timer) clearTimeout(w.timer);
    this.open.delete(w);
  }
}

function write(res: ServerResponse, type: string, object: Json): void {
  if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
}

function strip(object: Json): Json {
  const copy = structuredClone(object);
  delete (copy.metadata as Json).managedFields;
  return copy;
}

/** Namespace, `labelSelector` (k=v,k2=v2) and `fieldSelector` (metadata.name/namespace=) as the list route applies them. */
export function objectFilter(namespace: string | undefined, labelSelector: string | null, fieldSelector: string | null): (o: Json) => boolean {
  const labels = terms(labelSelector);
  const fields = terms(fieldSelector);
  return (o) => {
    const meta = o.metadata as Json;
    if (namespace !== undefined && meta.namespace !== namespace) return false;
    const own = (meta.labels ?? {}) as Json;
    if (!labels.every(([k, v]) => own[k] === v)) return false;
    return fields.every(([k, v]) => fieldValue(o, k) === v);
  };
}

function terms(selector: string | null): [string, string][] {
  if (!selector) return [];
  return selector.split(',').map((t) => {
    const [k, v] = t.split('=');
    return [k.trim(), (v ?? '').trim()];
  });
}

function fieldValue(o: Json, path: string): unknown {
  let value: unknown = o;
  for (const key of path.split('.')) value = (value as Json | undefined)?.[key];
  return value === undefined ? '' : String(value);
}
