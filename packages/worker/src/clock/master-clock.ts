/**
 * This worker's estimate of the master's clock (contract K2), from heartbeat round trips: each
 * heartbeat carries the worker's send time, the master's reply carries that time back with the
 * master's receipt time, and the reply's arrival closes the round trip. As in NTP, the sample with
 * the shortest round trip bounds the offset best: offset = master − (send + receive) / 2, wrong by
 * at most half that round trip. The best few of the recent samples are averaged.
 */

/** Samples kept (one per heartbeat: the last minute or so). */
const SAMPLES_KEPT = 60;
/** How many of the lowest-round-trip samples the offset is averaged over. */
const BEST_SAMPLES = 3;

/** Epoch ms with sub-ms resolution that never jumps: Date.now() once, then the monotonic clock. */
const EPOCH_BASE_MS = Date.now() - performance.now();
export function epochMs(): number {
  return EPOCH_BASE_MS + performance.now();
}

interface ClockSample {
  rtt: number;
  offset: number;
}

export class MasterClock {
  private readonly samples: ClockSample[] = [];
  private estimate: number | null = null;
  private best: number | null = null;
  private last: number | null = null;

  /**
   * One round trip, all in epoch seconds: `sentAt` and `receivedAt` on this worker's clock,
   * `masterAt` on the master's. A reply to a heartbeat of an earlier link (a negative round trip
   * or one that took more than a minute) is ignored.
   */
  addSample(sentAt: number, masterAt: number, receivedAt: number): void {
    const rtt = receivedAt - sentAt;
    if (!(rtt >= 0) || rtt > 60) return;
    this.last = rtt;
    this.samples.push({ rtt, offset: masterAt - (sentAt + receivedAt) / 2 });
    if (this.samples.length > SAMPLES_KEPT) this.samples.shift();
    const best = [...this.samples].sort((a, b) => a.rtt - b.rtt).slice(0, BEST_SAMPLES);
    this.estimate = best.reduce((s, x) => s + x.offset, 0) / best.length;
    this.best = best[0]!.rtt;
  }

  /** master − worker, seconds; null before the first sample. */
  get offset(): number | null {
    return this.estimate;
  }

  /** The shortest recent round trip, seconds; null before the first sample. */
  get bestRtt(): number | null {
    return this.best;
  }

  /** The latest round trip, seconds (the master sizes an edge's lead from these). */
  get lastRtt(): number | null {
    return this.last;
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  /** This worker's epoch seconds now. */
  now(): number {
    return epochMs() / 1000;
  }

  /** A master-clock instant on this worker's clock (no sample yet: the clocks are taken as equal). */
  toLocal(masterSeconds: number): number {
    return masterSeconds - (this.estimate ?? 0);
  }

  toMaster(localSeconds: number): number {
    return localSeconds + (this.estimate ?? 0);
  }
}
