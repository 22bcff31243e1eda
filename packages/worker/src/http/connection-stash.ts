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
import { markEstablished } from './first-requests.js';

/** Unused stashed connections are closed this long after the instant they were opened for, ms. */
const STASH_GRACE_MS = 1_000;
/** Never hold more than this many unused connections per origin. */
const MAX_STASHED = 5_000;
/**
 * Connects one worker keeps unanswered at a time. A connect completes when the target's kernel
 * queues it for accept; a target that has not accepted yet (a cold one, busy compiling) fills its
 * accept queue — Node's default backlog is 511 — and the kernel then drops further SYNs, which the
 * client resends only a second later. Four workers with 100 outstanding each stay under 511.
 */
const MAX_CONNECTING = 100;
/** The pacing timer's step, ms: each step begins the connects due by then (spread over the lead). */
const PACE_STEP_MS = 5;
/**
 * The connects are spread over this share of the time before the cutoff: the rest is left for the
 * target to accept the last ones (a connect completes when the target's kernel queues it; the
 * target's process still has to accept it and set it up) before the users' requests arrive.
 */
const OPEN_SHARE = 0.6;
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
  private pacer: NodeJS.Timeout | null = null;
  /** stash connects begun and not completed */
  private connecting = 0;
  /** requests' connects waiting for a stash connect under way (rather than opening one more) */
  private readonly waiting: Array<Parameters<buildConnector.connector>[1]> = [];

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
    // a stash connect is still under way (its SYN maybe waiting for a retry): take it when it
    // completes rather than add one more connect to a target that is behind with its accepts
    if (this.connecting > this.waiting.length) {
      this.waiting.push(callback);
      return;
    }
    this.base(options, (...args) => {
      if (args[1]) markEstablished(args[1]);
      callback(...args);
    });
  };

  /**
   * Open `count` connections (fewer when the stash is full) for users starting in `inMs`; the
   * ones nobody took close STASH_GRACE_MS after that. The connects are spread evenly over the first
   * OPEN_SHARE of the time until OPEN_CUTOFF_MS before the instant, at most MAX_CONNECTING outstanding: a burst of
   * hundreds of SYNs overflows a cold target's accept queue (see MAX_CONNECTING), and hundreds of
   * connects issued at once would hold the loop exactly when the edge's timer must fire on time.
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
    if (this.pacer) clearTimeout(this.pacer);
    this.pacer = null;
    const begin = performance.now();
    const stopAfter = inMs - OPEN_CUTOFF_MS;
    const window = stopAfter * OPEN_SHARE;
    const total = Math.max(0, Math.min(count, MAX_STASHED - this.idle.size));
    let begun = 0;
    const step = (): void => {
      this.pacer = null;
      const elapsed = performance.now() - begin;
      if (elapsed >= stopAfter) return;
      // behind the pace (a busy loop, the outstanding cap): catch up, up to the cap
      const due = Math.min(total, Math.ceil((total * (elapsed + PACE_STEP_MS)) / window));
      while (begun < due && this.connecting < MAX_CONNECTING) {
        begun++;
        this.openOne(options);
      }
      if (begun < total) this.pacer = setTimeout(step, PACE_STEP_MS);
    };
    if (total > 0 && stopAfter > 0) step();
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.clear(), Math.max(0, inMs) + STASH_GRACE_MS).unref();
  }

  private openOne(options: buildConnector.Options): void {
    this.connecting++;
    this.base(options, (err, socket) => {
      this.connecting--;
      const waiter = this.waiting.shift();
      if (err || !socket) {
        // the users' own connects will meet the same failure and report it
        if (waiter) this.base(options, waiter);
        return;
      }
      markEstablished(socket as Socket);
      if (waiter) {
        waiter(null, socket);
        return;
      }
      const drop = (): void => {
        this.idle.delete(socket as Socket);
        socket.destroy();
      };
      const listeners = { readable: drop, error: drop };
      socket.on('readable', listeners.readable).on('error', listeners.error);
      this.idle.set(socket as Socket, listeners);
    });
  }

  /** Close every connection nobody took. */
  clear(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    if (this.pacer) clearTimeout(this.pacer);
    this.pacer = null;
    for (const socket of this.idle.keys()) socket.destroy();
    this.idle.clear();
  }
}
