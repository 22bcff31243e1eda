/**
 * Workers that talk to this master without having registered with it — typically workers of a
 * master that was killed and restarted on the same address: their ZeroMQ DEALERs reconnect by
 * themselves and go on sending heartbeats and stats from an id this master never acked.
 *
 * Neither Python Locust worker (2.12.1 nor the newest) registers again on `reconnect` (it only
 * recreates its socket), but both answer `stop` with `client_stopped` and then `client_ready`
 * (runners.py, WorkerRunner.worker "stop"): so the master asks such a sender to stop — which also
 * ends its orphan users — and it registers with its version, as any worker. A locust-ts worker
 * rejoins by itself when its link comes back; the grace period keeps it from being asked too.
 */

/** An unknown sender is asked only after this long: a rejoining locust-ts worker has registered by then. */
export const UNKNOWN_SENDER_GRACE_SECONDS = 2;
/** Ask again at most this often (a worker still stopping with a long `stop_timeout` keeps beating). */
export const UNKNOWN_SENDER_REASK_SECONDS = 5;
/** A stopped worker registers again after its stop timeout plus Locust's optional extra wait: this much more. */
export const STOPPED_WORKER_EXTRA_GRACE_SECONDS = 5;
/** Senders remembered at most (a flood of random ids must not grow the master). */
const MAX_TRACKED = 10_000;

interface Seen {
  first: number;
  asked: number | null;
}

export class UnknownSenders {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly now: () => number = () => performance.now() / 1000) {}

  /**
   * `id` sent a message but is not registered: true when it should be asked (`stop`) now, once it
   * has been unknown for `graceSeconds` (longer for a worker that was registered and stopped: it
   * sends client_ready after its stop timeout).
   */
  shouldAsk(id: string, graceSeconds = UNKNOWN_SENDER_GRACE_SECONDS): boolean {
    const now = this.now();
    let entry = this.seen.get(id);
    if (!entry) {
      if (this.seen.size >= MAX_TRACKED) this.seen.delete(this.seen.keys().next().value!);
      entry = { first: now, asked: null };
      this.seen.set(id, entry);
    }
    if (now - entry.first < graceSeconds) return false;
    if (entry.asked !== null && now - entry.asked < UNKNOWN_SENDER_REASK_SECONDS) return false;
    entry.asked = now;
    return true;
  }

  /** `id` registered (or quit): no longer unknown. */
  forget(id: string): void {
    this.seen.delete(id);
  }

  get size(): number {
    return this.seen.size;
  }
}
