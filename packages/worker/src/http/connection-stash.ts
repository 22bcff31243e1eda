/**
 * Connections opened ahead of a synchronized edge. Hundreds of users starting at one instant would
 * otherwise each open a connection at that instant, and the target takes them one accept at a
 * time: at 1,000 users that intake alone spreads the edge's first requests over hundreds of ms.
 * During the edge's lead the worker opens as many connections as it is about to start users
 * (less the idle keep-alive ones its pool already holds), through undici's own connector, and the
 * pool's connect hands them out before opening new ones. No HTTP request is sent ahead: the target
 * logs nothing, and every request still goes through undici as usual.
 *
 * Stashed connections nobody took are closed STASH_GRACE_MS after the edge's instant: by then every
 * user that wanted one has asked, and it is well inside common servers' idle timeout for a
 * connection that never sent a request (uvicorn's 5 s; an edge's lead is at most ~2 s).
 */
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';
import { cachedLookup } from './dns-cache.js';

/** Unused stashed connections are closed this long after the instant they were opened for, ms. */
const STASH_GRACE_MS = 1_000;
/** Never hold more than this many unused connections per origin. */
const MAX_STASHED = 5_000;
/** Connections begun per event-loop turn. */
const OPEN_BATCH = 25;
/** No connection is begun this close to the instant, ms (the edge's timer must not wait behind connects). */
const OPEN_CUTOFF_MS = 30;
/** undici's default connect timeout, ms. */
const CONNECT_TIMEOUT_MS = 10_000;

/** What a stashed connection listens to until it is taken. */
interface IdleListeners {
  /** Anything readable before a request is the server closing it (or talking out of turn). */
  readable(): void;
  error(): void;
}

export class ConnectionStash {
  private readonly idle = new Map<Socket, IdleListeners>();
  private readonly base: buildConnector.connector;
  private expiry: NodeJS.Timeout | null = null;

  constructor(private readonly origin: URL) {
    this.base = buildConnector({ lookup: cachedLookup, timeout: CONNECT_TIMEOUT_MS });
  }

  /** How many opened connections wait to be taken. */
  get size(): number {
    return this.idle.size;
  }

  /** undici's `connect` option: a stashed connection first, else a new one. */
  readonly connect: buildConnector.connector = (options, callback) => {
    for (const [socket, listeners] of this.idle) {
      this.idle.delete(socket);
      socket.off('readable', listeners.readable).off('error', listeners.error);
      if (socket.destroyed || !socket.writable) continue;
      // undici expects its callback after the connect call returns, as with a real connect
      process.nextTick(callback, null, socket);
      return;
    }
    this.base(options, callback);
  };

  /**
   * Open `count` connections (fewer when the stash is full) for users starting in `inMs`; the
   * ones nobody took close STASH_GRACE_MS after that. They are opened OPEN_BATCH at a time, one
   * batch per event-loop turn, and none is begun in the last OPEN_CUTOFF_MS before the instant:
   * hundreds of connects issued at once would hold the loop exactly when the edge's timer must
   * fire on time (users left without one connect at the instant, as without a stash).
   */
  open(count: number, inMs: number): void {
    const { hostname, protocol } = this.origin;
    const options = {
      hostname: hostname.replace(/^\[|\]$/g, ''),
      host: this.origin.host,
      protocol,
      port: this.origin.port || (protocol === 'https:' ? '443' : '80'),
      servername: undefined,
    };
    const stopAt = performance.now() + inMs - OPEN_CUTOFF_MS;
    let left = Math.min(count, MAX_STASHED - this.idle.size);
    const batch = (): void => {
      if (performance.now() >= stopAt) return;
      for (let n = Math.min(left, OPEN_BATCH); n > 0; n--) this.openOne(options);
      left -= OPEN_BATCH;
      if (left > 0) setImmediate(batch);
    };
    if (left > 0) batch();
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.clear(), Math.max(0, inMs) + STASH_GRACE_MS).unref();
  }

  private openOne(options: buildConnector.Options): void {
    this.base(options, (err, socket) => {
      if (err || !socket) return; // the users' own connects will meet the same failure and report it
      const drop = (): void => {
        this.idle.delete(socket);
        socket.destroy();
      };
      const listeners = { readable: drop, error: drop };
      socket.on('readable', listeners.readable).on('error', listeners.error);
      this.idle.set(socket, listeners);
    });
  }

  /** Close every connection nobody took. */
  clear(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    for (const socket of this.idle.keys()) socket.destroy();
    this.idle.clear();
  }
}
