/**
 * The scale watch on the master: one timeline of the target's replicas next to the run's load, on
 * the master's clock. A sample every second and at each change the source reports; Kubernetes
 * events kept with their message; warnings kept for `/scale` and logged once. The load's start
 * and stop come from the runner's own events (Locust's test_start / test_stopping), at the moment
 * they happen. The recorder only reads the runner (never drives it), so a broken watch cannot hurt
 * the run.
 */
import type { Events, RequestStats } from '@locust-ts/protocol';
import { currentResponseTimePercentile } from '../report/percentiles.js';
import { judge, type AssertionResult, type ScaleAssertion } from './assertions.js';
import { computeFigures, type ScaleFigures } from './figures.js';
import { makeSample, type RunReading, type ScaleSample } from './sample.js';
import type { ClusterEvent, ClusterSnapshot, ScaleListener, ScaleSource } from './source.js';
import { WindowStats } from './window-stats.js';

/** A sample every second (and at each change). */
export const SCALE_SAMPLE_INTERVAL_SECONDS = 1;
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

/** The runner's events the recorder listens to (the master environment fires them as Locust's runner does). */
export type RunEvents = Pick<Events, 'testStart' | 'testStopping' | 'testStop' | 'spawningComplete' | 'resetStats'>;

const isRunning = (state: string): boolean => state === 'spawning' || state === 'running';

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
  private testStart: number | null = null;
  private firstEdge: number | null = null;
  private loadStopped: number | null = null;
  private loadRunning = false;
  private run: RunSource | null = null;
  private stopped = false;
  private readonly sampleListeners = new Set<(s: ScaleSample) => void>();
  private readonly unsubscribe: (() => void)[] = [];
  /** the run's response times at each possible window bound (before / during / after figures) */
  private readonly windows = new WindowStats();
  private lastReplicas = '';

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

  start(run: RunSource, events: RunEvents): void {
    this.run = run;
    this.windows.mark(Date.now() / 1000, run.stats.total);
    this.unsubscribe.push(
      events.testStart.addListener(() => this.loadStarted()),
      events.testStopping.addListener(() => this.loadEnded()),
      // a stop that never went through test_stopping (e.g. all workers gone) still ends the load
      events.testStop.addListener(() => this.loadEnded()),
      events.spawningComplete.addListener(() => this.sample()),
      events.resetStats.addListener(() => this.windows.statsCleared()),
    );
    if (isRunning(run.state)) this.loadStarted();
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
    this.timer = setInterval(() => this.tick(), SCALE_SAMPLE_INTERVAL_SECONDS * 1000);
    this.timer.unref();
  }

  /** test_start: the load begins (stats were just cleared for the new test). */
  private loadStarted(): void {
    const run = this.run;
    if (!run || this.loadRunning) return;
    const now = Date.now() / 1000;
    this.loadRunning = true;
    this.loadStopped = null;
    this.windows.statsCleared();
    const start = run.startTime ?? now;
    this.testStart ??= start;
    this.windows.mark(start, run.stats.total);
    this.sample();
  }

  /** test_stopping (or test_stop): the workers are told to stop, the load ends now. */
  private loadEnded(): void {
    if (!this.run || !this.loadRunning) return;
    this.loadRunning = false;
    this.loadStopped = Date.now() / 1000;
    this.windows.mark(this.loadStopped, this.run.stats.total);
    this.sample();
  }

  /**
   * The coordinator's hook for synchronized edges: figures and assertions count from the first
   * pulse edge (epoch s, master clock) instead of the test start.
   */
  setFirstEdgeTime(time: number): void {
    if (this.firstEdge !== null) return;
    this.firstEdge = time;
    // the "before" window opens at the edge: keep the response times as they are then
    const markEdge = (): void => this.windows.mark(time, this.run?.stats.total ?? null);
    const wait = (time - Date.now() / 1000) * 1000;
    if (wait <= 0) markEdge();
    else setTimeout(markEdge, wait).unref();
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
    if (this.run && !this.stopped) this.windows.absorb(this.run.stats.total);
    return computeFigures(this.samples, this.anchor, this.loadStopped, now, this.windows);
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
    this.sample(true); // the final state is the CSV's last row
    if (this.run) this.windows.absorb(this.run.stats.total);
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const off of this.unsubscribe.splice(0)) off();
    await this.source.stop().catch(() => undefined);
  }

  /**
   * The periodic sample. A test started without test_start (an arrival-rate run) or stopped
   * without test_stopping is picked up here, a sample late at most.
   */
  private tick(): void {
    const run = this.run;
    if (!run) return;
    const running = isRunning(run.state);
    if (running && !this.loadRunning) this.loadStarted();
    else if (!running && this.loadRunning) this.loadEnded();
    this.sample(true);
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
    // a replica change may bound a before / during / after window
    const replicas = `${s.hpaDesiredReplicas}/${s.desiredReplicas}/${s.readyReplicas}`;
    if (replicas !== this.lastReplicas) {
      this.lastReplicas = replicas;
      this.windows.mark(now, this.run?.stats.total ?? null);
    }
    if (this.samples.length > SAMPLES_KEPT) this.samples.shift();
    if (periodic) {
      for (const l of this.sampleListeners) l(s);
    }
  }
}
