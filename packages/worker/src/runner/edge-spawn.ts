/**
 * Synchronized edges on the worker (contract K2). A spawn carrying `locust_ts_edge` is prepared at
 * once (its users constructed, nothing started) and committed at the edge's master-clock instant,
 * mapped onto this worker's clock through the offset estimated from heartbeat round trips. The
 * last stretch before the instant is spun rather than left to a timer, because a timer fires late
 * by however long the running users keep the event loop busy. Then `locust_ts_edge_ack` tells the
 * master when the users actually started.
 */
import {
  CLOCK_KEY,
  type EdgeAckData,
  type HeartbeatReplyData,
  RTT_KEY,
  type SpawnEdge,
} from '@locust-ts/protocol';
import { MasterClock, epochMs } from '../clock/master-clock.js';
import type { Logger } from '../logger.js';
import type { PreparedSpawn } from '../runtime/user-pool.js';

/** The timer is set this long before the instant; the rest is spun, ms. */
const SPIN_MS = 4;
/**
 * FAULT TESTS ONLY: delay every edge of this worker by this many ms after its instant, so that
 * the master's edge report has a late worker to name. Never set it in a real run.
 */
export const EDGE_FAULT_DELAY_ENV = 'LOCUST_TS_FAULT_EDGE_DELAY_MS';

export interface EdgeHost {
  readonly logger: Logger;
  sendAck(data: EdgeAckData): void;
  /** the users now running here (after a commit) */
  userCount(): number;
  /** a local run's in-process worker: the master's clock is this process's own */
  readonly sameClock?: boolean;
}

export class EdgeSpawner {
  readonly clock = new MasterClock();
  private timer: NodeJS.Timeout | null = null;
  private readonly faultDelayMs = Math.max(0, Number(process.env[EDGE_FAULT_DELAY_ENV] ?? 0) || 0);

  constructor(private readonly host: EdgeHost) {
    if (this.faultDelayMs > 0) host.logger.warning(`${EDGE_FAULT_DELAY_ENV}=${this.faultDelayMs}: every synchronized edge starts late (fault tests only)`);
  }

  /** The keys a locust-ts worker adds to its heartbeat. */
  heartbeatKeys(): { [CLOCK_KEY]: number; [RTT_KEY]?: number } {
    const rtt = this.clock.lastRtt;
    return rtt === null ? { [CLOCK_KEY]: this.clock.now() } : { [CLOCK_KEY]: this.clock.now(), [RTT_KEY]: rtt };
  }

  /** A master heartbeat: a clock sample when it carries one (Python masters send null). */
  onHeartbeatReply(data: HeartbeatReplyData | null): void {
    if (!data) return;
    const before = this.clock.offset;
    const [sentAt, masterAt] = data.locust_ts_clock;
    this.clock.addSample(sentAt, masterAt, this.clock.now());
    const after = this.clock.offset;
    if (after !== null && (before === null || Math.abs(after - before) > 0.0005)) {
      this.host.logger.debug(`Clock offset to the master: ${(after * 1000).toFixed(1)} ms (best round trip ${((this.clock.bestRtt ?? 0) * 1000).toFixed(1)} ms, ${this.clock.sampleCount} samples)`);
    }
  }

  /** How long until the edge's instant on this worker's clock, ms (negative once it passed). */
  msUntil(edge: SpawnEdge): number {
    return this.localInstantMs(edge) - epochMs();
  }

  /** The edge's instant on this worker's clock, epoch ms (the fault delay included). */
  private localInstantMs(edge: SpawnEdge): number {
    return this.clock.toLocal(edge.start_at) * 1000 + this.faultDelayMs;
  }

  /**
   * Commit `prepared` at the edge's instant, then call `done` and acknowledge. A later spawn,
   * stop or quit cancels it first ({@link cancel}).
   */
  schedule(edge: SpawnEdge, prepared: PreparedSpawn, stopTimeout: number, done: () => void): void {
    this.cancel();
    const atMs = this.localInstantMs(edge);
    const preparedMs = epochMs() - atMs;
    if (this.clock.offset === null && !this.host.sameClock) this.host.logger.warning(`Edge ${edge.id}: no clock sample from the master yet; taking its clock as equal to this one`);
    const fire = (): void => {
      this.timer = null;
      while (epochMs() < atMs) {
        // spin the last few ms: see the file comment
      }
      const firedMs = epochMs();
      prepared.commit(stopTimeout);
      done();
      const users = this.host.userCount();
      const offset = this.clock.offset;
      this.host.logger.debug(
        `Edge ${edge.id}: ${users} users at ${((firedMs - atMs) | 0)} ms from the instant (prepared ${(-preparedMs).toFixed(1)} ms ahead, clock offset ${offset === null ? 'unknown' : `${(offset * 1000).toFixed(1)} ms`})`,
      );
      this.host.sendAck({ id: edge.id, started_at: this.clock.toMaster(firedMs / 1000), users, offset, prepared_ms: preparedMs });
    };
    const wait = atMs - epochMs() - SPIN_MS;
    if (wait <= 0) fire();
    else this.timer = setTimeout(fire, wait);
  }

  /** Drop a scheduled edge that was not committed yet (its prepared users never start). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
