/**
 * One keep-alive undici Pool per origin, shared by all users of a worker process. Requests with
 * their own TLS settings (`verify`, `cert`) or a proxy (`proxies`, or `HTTP(S)_PROXY`/`NO_PROXY` in
 * the environment, as requests honours them) get their own dispatchers, made on first use.
 */
import { type Dispatcher, EnvHttpProxyAgent, Pool, ProxyAgent } from 'undici';
import { ConnectionStash } from './connection-stash.js';

/** How long an idle keep-alive connection is kept, ms (undici's default is 4 s). */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

const PROXY_ENV = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/** A dispatcher, and whether it needs the origin in its dispatch options (agents do, pools not). */
export interface Route {
  dispatcher: Dispatcher;
  needsOrigin: boolean;
}

export class HttpPools {
  private readonly pools = new Map<string, Pool>();
  private readonly stashes = new Map<string, ConnectionStash>();
  private readonly others = new Map<string, Dispatcher>();
  /** read once: the environment's proxy settings apply to every request without `proxies` */
  private readonly envProxy: EnvHttpProxyAgent | null = PROXY_ENV.some((k) => process.env[k]) ? new EnvHttpProxyAgent() : null;

  /** True when the environment names a proxy: every request then goes through {@link route}. */
  get proxied(): boolean {
    return this.envProxy !== null;
  }

  /** The pool for `origin` (`http://host:port`); unlimited connections, one per in-flight request. */
  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      const stash = new ConnectionStash(new URL(origin));
      pool = new Pool(origin, { connections: null, pipelining: 1, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, connect: stash.connect });
      this.pools.set(origin, pool);
      this.stashes.set(origin, stash);
    }
    return pool;
  }

  /** Connections opened ahead for `origin` that no request has taken yet. */
  stashed(origin: string): number {
    return this.stashes.get(origin)?.size ?? 0;
  }

  /**
   * Before a synchronized edge: make sure `users` connections to `base`'s origin are open by
   * `inMs` from now — the pool's idle keep-alive ones, topped up from a {@link ConnectionStash}.
   * Does nothing for a base that is not an http(s) URL or when requests go through a proxy.
   */
  preconnect(base: string, users: number, inMs: number): void {
    if (users <= 0 || this.envProxy) return;
    let origin: string;
    try {
      const url = new URL(base);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
      origin = url.origin;
    } catch {
      return;
    }
    const free = this.get(origin).stats.free;
    const stash = this.stashes.get(origin)!;
    stash.open(users - free - stash.size, inMs);
  }

  /** Where a request goes: the shared pool, or a dispatcher for its TLS settings or proxy. */
  route(origin: string, connect: Record<string, unknown> | null, proxy: string | null): Route {
    if (connect === null && proxy === null) {
      if (this.envProxy) return { dispatcher: this.envProxy, needsOrigin: true };
      return { dispatcher: this.get(origin), needsOrigin: false };
    }
    const key = `${origin}\u0000${proxy ?? ''}\u0000${connect ? JSON.stringify(connect, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v)) : ''}`;
    let dispatcher = this.others.get(key);
    if (!dispatcher) {
      dispatcher = proxy
        ? new ProxyAgent({ uri: proxy, ...(connect ? { requestTls: connect } : {}), keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS })
        : new Pool(origin, { connections: null, pipelining: 1, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, ...(connect ? { connect } : {}) });
      this.others.set(key, dispatcher);
    }
    return { dispatcher, needsOrigin: proxy !== null };
  }

  /** Drop every connection (end of a worker). */
  async close(): Promise<void> {
    const all: Dispatcher[] = [...this.pools.values(), ...this.others.values(), ...(this.envProxy ? [this.envProxy] : [])];
    for (const stash of this.stashes.values()) stash.clear();
    this.pools.clear();
    this.stashes.clear();
    this.others.clear();
    await Promise.all(all.map((p) => p.destroy().catch(() => undefined)));
  }
}
