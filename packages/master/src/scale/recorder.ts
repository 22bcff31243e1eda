/**
 * The scale watch on the master: one timeline of the target's replicas next to the run's load, on
 * the master's clock. A sample every second and at each change the source reports; Kubernetes
 * events kept with their message; warnings kept for `/scale` and logged once. The recorder only
 * reads the runner (never drives it), so a broken watch cannot hurt the run.
 */
import type { RequestStats } from '@locust-ts/protocol';
import { currentResponseTimePercentile } from '../report/percentiles.js';
import { judge, type AssertionResult, type ScaleAssertion } from './assertions.js';
import { computeFigures, type ScaleFigures } from './figures.js';
import { makeSample, type RunReading, type ScaleSample } from './sample.js';
import type { ClusterEvent, ClusterSnapshot, ScaleListener, ScaleSource } from './source.js';

/** A sample every second (and at each change). */
export const SCALE_SAMPLE_INTERVAL_SECONDS = 1;
/** How often the runner's state is read, to time the load's start and stop closely. */
const STATE_POLL_MS = 200;
/** A day of one-second samples. */
const SAMPLES_KEPT = 86_400;
const EVENTS_KEPT = 1_000;

/** What the recorder reads from the runner (MasterRunner has all of it). */
export interface RunSource {
  readonly state: string;
  readonly userCount: number;
  readonly stats: RequestStats;
  readonly startTime: number | null;
}

export interface ScaleLog {
  info(line: string): void;
  warning(line: string): void;
}

/** `GET /scale` (contract K5). */
export interface ScaleView {
  enabled: boolean;
  deployment: string | null;
  namespace: string | null;
  samples: ScaleSample[];
  events: ClusterEvent[];
  figures: ScaleFigures | Record<string, never>;
  assertions: AssertionResult[];
  warnings: string[];
}

export const DISABLED_SCALE_VIEW: ScaleView = {
  enabled: false, deployment: null, namespace: null, samples: [], events: [], figures: {}, assertions: [], warnings: [],
};

const EMPTY_CLUSTER: ClusterSnapshot = { deployment: null, hpa: null, pods: null };

export class ScaleRecorder {
  readonly samples: ScaleSample[] = [];
  readonly events: ClusterEvent[] = [];
  readonly warnings: string[] = [];
  private cluster: ClusterSnapshot = EMPTY_CLUSTER;
  private timer: NodeJS.Timeout | null = null;
  private lastSampleAt = 0;
  private testStart: number | null = null;
  private firstEdge: number | null = null;
  private loadStopped: number | null = null;
  private loadRunning = false;
  private run: RunSource | null = null;
  private stopped = false;
  private readonly sampleListeners = new Set<(s: ScaleSample) => void>();

  constructor(
    private readonly source: ScaleSource,
    readonly assertions: readonly ScaleAssertion[],
    private readonly log: ScaleLog,
  ) {}

  get deployment(): string {
    return this.source.deployment;
  }

  get namespace(): string {
    return this.source.namespace;
  }

  /** The latest cluster snapshot (for `/metrics` and the UI header). */
  get current(): ClusterSnapshot {
    return this.cluster;
  }

  start(run: RunSource): void {
    this.run = run;
    const listener: ScaleListener = {
      state: (snapshot) => {
        this.cluster = snapshot;
        this.sample(); // at each change
      },
      event: (event) => {
        this.events.push(event);
        if (this.events.length > EVENTS_KEPT) this.events.shift();
      },
      warning: (line) => {
        this.warnings.push(line);
        this.log.warning(line);
      },
      info: (line) => this.log.info(line),
    };
    try {
      this.source.start(listener);
    } catch (error) {
      listener.warning(`scale watch: could not start: ${(error as Error).message}`);
    }
    this.timer = setInterval(() => this.poll(), STATE_POLL_MS);
    this.timer.unref();
  }

  /**
   * The coordinator's hook for synchronized edges: figures and assertions count from the first
   * pulse edge (epoch s, master clock) instead of the test start.
   */
  setFirstEdgeTime(time: number): void {
    this.firstEdge ??= time;
  }

  /** Each sample as it is taken (the CSV writer). */
  onSample(listener: (s: ScaleSample) => void): void {
    this.sampleListeners.add(listener);
  }

  get anchor(): { time: number; kind: 'edge' | 'test start' } | null {
    if (this.firstEdge !== null) return { time: this.firstEdge, kind: 'edge' };
    return this.testStart !== null ? { time: this.testStart, kind: 'test start' } : null;
  }

  get loadStoppedAt(): number | null {
    return this.loadStopped;
  }

  figures(now = Date.now() / 1000): ScaleFigures {
    return computeFigures(this.samples, this.anchor, this.loadStopped, now);
  }

  results(final = false, now = Date.now() / 1000): AssertionResult[] {
    return this.assertions.map((a) => judge(a, this.samples, a.from === 'stop' ? this.loadStopped : (this.anchor?.time ?? null), now, final));
  }

  /** Assertions on the scale-down still waiting for their window (the run should keep watching). */
  undecidedAfterStop(now = Date.now() / 1000): ScaleAssertion[] {
    const results = this.results(false, now);
    return this.assertions.filter((a, i) => a.from === 'stop' && results[i].passed === null);
  }

  view(): ScaleView {
    return {
      enabled: true,
      deployment: this.deployment,
      namespace: this.namespace,
      samples: this.samples,
      events: this.events,
      figures: this.figures(),
      assertions: this.results(),
      warnings: this.warnings,
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.poll();
    this.sample(true); // the final state is the CSV's last row
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.source.stop().catch(() => undefined);
  }

  private poll(): void {
    const run = this.run;
    if (!run) return;
    const now = Date.now() / 1000;
    const running = run.state === 'spawning' || run.state === 'running';
    if (running && !this.loadRunning) {
      this.testStart ??= run.startTime ?? now;
      this.loadStopped = null;
    }
    if (!running && this.loadRunning) this.loadStopped = now;
    this.loadRunning = running;
    if (now - this.lastSampleAt >= SCALE_SAMPLE_INTERVAL_SECONDS - STATE_POLL_MS / 2000) this.sample(true);
  }

  private reading(now: number): RunReading {
    const run = this.run;
    if (!run) return { userCount: 0, rps: 0, p95: null, failRatio: 0 };
    const total = run.stats.total;
    const rps = total.currentRps(total);
    const failPerSec = total.currentFailPerSec(total);
    return { userCount: run.userCount, rps, p95: currentResponseTimePercentile(total, 0.95, now), failRatio: rps > 0 ? failPerSec / rps : 0 };
  }

  private sample(periodic = false): void {
    if (this.stopped && !periodic) return;
    const now = Date.now() / 1000;
    const s = makeSample(now, this.reading(now), this.cluster);
    this.samples.push(s);
    if (this.samples.length > SAMPLES_KEPT) this.samples.shift();
    if (periodic) {
      this.lastSampleAt = now;
      for (const l of this.sampleListeners) l(s);
    }
  }
}
