/**
 * What users felt over a window of the run (before / during / after a scale-up): true
 * percentiles over the window's requests, from the master's merged response-time histogram
 * (Locust's `response_times` dict). The recorder reads the run's total entry and keeps its own
 * cumulative histogram (immune to stats resets), with a copy ("mark") at each moment a window can
 * start or end; a window's histogram is the difference of the marks at its bounds, as Locust
 * diffs its cached dicts for the current percentiles.
 *
 * Bounds are as precise as the workers' stats reports (every 3 s): a request counts at the moment
 * its report reached the master.
 */
import { calculateResponseTimePercentile, diffResponseTimes, type StatsEntry } from '@locust-ts/protocol';

/** Marks kept (a mark per replica change, test start/stop and edge: thousands is days of pulses). */
const MARKS_KEPT = 10_000;

export interface PhaseFigures {
  /** p95 response time over the window's requests, ms (Locust's percentile arithmetic); null without timed requests */
  p95: number | null;
  /** failures ÷ requests over the window; null without requests */
  failRatio: number | null;
  /** requests in the window */
  requests: number;
}

export const EMPTY_PHASE: PhaseFigures = { p95: null, failRatio: null, requests: 0 };

/** A window's figures between two moments (epoch s). */
export interface PhaseSource {
  phase(from: number, to: number): PhaseFigures;
}

interface Counts {
  requests: number;
  /** requests with a response time (those in the histogram) */
  timed: number;
  failures: number;
  responseTimes: Map<number, number>;
}

interface Mark extends Counts {
  time: number;
}

function copy(c: Counts): Counts {
  return { requests: c.requests, timed: c.timed, failures: c.failures, responseTimes: new Map(c.responseTimes) };
}

const ZERO: Counts = { requests: 0, timed: 0, failures: 0, responseTimes: new Map() };

export class WindowStats implements PhaseSource {
  private readonly cumulative: Counts = copy(ZERO);
  /** the run's total at the last reading; null after a reset: the next reading is all new */
  private lastReading: Counts | null = null;
  private readonly marks: Mark[] = [];

  /** Fold in what the run's total gained since the last reading. */
  absorb(total: StatsEntry): void {
    const reading: Counts = {
      requests: total.numRequests,
      timed: total.numRequests - total.numNoneRequests,
      failures: total.numFailures,
      responseTimes: total.responseTimes,
    };
    const last = this.lastReading;
    const reset = last !== null && (reading.requests < last.requests || reading.failures < last.failures);
    const base = last === null || reset ? ZERO : last;
    const delta = diffResponseTimes(reading.responseTimes, base.responseTimes);
    for (const [t, n] of delta) this.cumulative.responseTimes.set(t, (this.cumulative.responseTimes.get(t) ?? 0) + n);
    this.cumulative.requests += reading.requests - base.requests;
    this.cumulative.timed += reading.timed - base.timed;
    this.cumulative.failures += reading.failures - base.failures;
    this.lastReading = copy(reading);
  }

  /**
   * The run's stats were just cleared (a new test, a stats reset): what the total holds now is
   * all new. Requests reported between the last reading and the reset are lost (at most a sample).
   */
  statsCleared(): void {
    this.lastReading = null;
  }

  /** Keep the cumulative histogram as of `time` (after absorbing the total). */
  mark(time: number, total: StatsEntry | null): void {
    if (total) this.absorb(total);
    // a mark stamped with a planned instant (an edge) can come a little after a later one
    let i = this.marks.length;
    while (i > 0 && this.marks[i - 1]!.time > time) i--;
    // (then the next mark's counts are the nearest reading to `time` there is)
    this.marks.splice(i, 0, { time, ...copy(this.marks[i] ?? this.cumulative) });
    if (this.marks.length > MARKS_KEPT) this.marks.shift();
  }

  /** The latest mark at or before `time`; after the last mark, the cumulative now. */
  private at(time: number): Counts {
    let found: Counts | null = null;
    for (const m of this.marks) {
      if (m.time > time + 1e-6) break;
      found = m;
    }
    const last = this.marks.at(-1);
    if (!last || time > last.time + 1e-6) return this.cumulative;
    return found ?? this.marks[0]!;
  }

  phase(from: number, to: number): PhaseFigures {
    if (to <= from) return EMPTY_PHASE;
    const a = this.at(from);
    const b = this.at(to);
    const requests = b.requests - a.requests;
    const timed = b.timed - a.timed;
    const failures = b.failures - a.failures;
    return {
      p95: timed > 0 ? calculateResponseTimePercentile(diffResponseTimes(b.responseTimes, a.responseTimes), timed, 0.95) : null,
      failRatio: requests > 0 ? failures / requests : null,
      requests,
    };
  }
}
