/** One keep-alive undici Pool per origin, shared by all users of a worker process. */
import { Pool } from 'undici';

/** How long an idle keep-alive connection is kept, ms (undici's default is 4 s). */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

export class HttpPools {
  private readonly pools = new Map<string, Pool>();

  /** The pool for `origin` (`http://host:port`); unlimited connections, one per in-flight request. */
  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: null, pipelining: 1, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Drop every connection (end of a worker). */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
}
