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
  type EdgeRequestsData,
  type HeartbeatReplyData,
  RTT_KEY,
  type SpawnEdge,
} from '@locust-ts/protocol';
import { MasterClock, epochMs } from '../clock/master-clock.js';
import { FirstRequestWatch } from '../http/first-requests.js';
import type { Logger } from '../logger.js';
import type { PreparedSpawn } from '../runtime/user-pool.js';
import { HttpUser } from '../user.js';

/**
 * An edge's first-request figures are sent once every user started at it answered its first
 * request, or this long after the instant at the latest (a user that waits before its first
 * request, or a target that does not answer), ms — within the master's wait for them.
 */
const FIRST_REQUESTS_WAIT_MS = 8_000;
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
  /** the edge's first-request figures (after its ack) */
  sendFirstRequests(data: EdgeRequestsData): void;
  /** the users now running here (after a commit) */
  userCount(): number;
  /** a local run's in-process worker: the master's clock is this process's own */
  readonly sameClock?: boolean;
}

export class EdgeSpawner {
  readonly clock = new MasterClock();
  private timer: NodeJS.Timeout | null = null;
  /** the first requests of the last edge's users, until reported */
  private watch: FirstRequestWatch | null = null;
  private watchTimer: NodeJS.Timeout | null = null;
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
      const firedAt = performance.now();
      // the planned instant, without the fault delay: a late worker's first requests read late
      const plannedAt = firedAt - (firedMs - (atMs - this.faultDelayMs));
      const watch = prepared.starting > 0 ? this.watchFirstRequests(edge.id, plannedAt, firedAt, (atMs - this.faultDelayMs) / 1000) : null;
      prepared.commit(stopTimeout, watch ? (u) => {
        if (!(u.user instanceof HttpUser)) return;
        u.user.client.firstRequest = watch;
        watch.expect();
      } : undefined);
      // only HttpUsers' first requests are watched: without any, no figures follow the ack
      const watching = watch !== null && watch.arm();
      done();
      const users = this.host.userCount();
      const offset = this.clock.offset;
      this.host.logger.debug(
        `Edge ${edge.id}: ${users} users at ${((firedMs - atMs) | 0)} ms from the instant (prepared ${(-preparedMs).toFixed(1)} ms ahead, clock offset ${offset === null ? 'unknown' : `${(offset * 1000).toFixed(1)} ms`})`,
      );
      this.host.sendAck({
        id: edge.id,
        started_at: this.clock.toMaster(firedMs / 1000),
        users,
        offset,
        prepared_ms: preparedMs,
        ...(watching ? { first_requests: true } : {}),
      });
    };
    const wait = atMs - epochMs() - SPIN_MS;
    if (wait <= 0) fire();
    else this.timer = setTimeout(fire, wait);
  }

  /** Watch the first requests of the users started now; report them to the master when all came or at the limit. */
  private watchFirstRequests(id: number, plannedAt: number, firedAt: number, instantLocal: number): FirstRequestWatch {
    this.finishWatch();
    const watch = new FirstRequestWatch(plannedAt, firedAt, (figures) => {
      if (this.watch === watch) {
        this.watch = null;
        if (this.watchTimer) clearTimeout(this.watchTimer);
        this.watchTimer = null;
      }
      // after the ack, which is sent in the same turn as the commit
      setImmediate(() => this.host.sendFirstRequests({ id, ...figures, instant_local: instantLocal }));
    });
    this.watch = watch;
    this.watchTimer = setTimeout(() => watch.finish(), FIRST_REQUESTS_WAIT_MS);
    this.watchTimer.unref();
    return watch;
  }

  /** Report the watched first requests so far (the next edge, a stop or quit). */
  private finishWatch(): void {
    this.watch?.finish();
  }

  /** Drop a scheduled edge that was not committed yet (its prepared users never start). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.finishWatch();
  }
}
