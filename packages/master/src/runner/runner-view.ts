/**
 * The contract between the master runner (packages/master/src/runner) and the web server
 * (packages/master/src/web): everything the UI and REST API read or do. The master runner
 * implements it; the web layer depends only on this interface.
 */
import type { LoadShape, RequestStats, UpdateUserClassData, UserClassDescription } from '@locust-ts/protocol';
import type { EdgesView } from '../edges/edge-report.js';

/** What the web layer and the reports show of an arrival-rate test (arrival-rate.ts). */
export interface ArrivalRateView {
  /** iterations per second over the swarm */
  rate: number;
  maxUsers: number;
  /** iterations the workers could not start (no idle user, pool full) since the stats were reset */
  droppedIterations: number;
  /** locust-ts workers sharing the rate (at the last split) */
  workers: number;
}

/** Master runner state (spec §7.3). */
export type MasterState = 'ready' | 'spawning' | 'running' | 'stopping' | 'stopped';

/** One row of the workers table (spec §7.2). */
export interface WorkerView {
  id: string;
  /** 'ready' | 'spawning' | 'running' | 'missing' | whatever the worker last reported. */
  state: string;
  index: number;
  userCount: number;
  userClassesCount: Record<string, number>;
  cpuUsage: number;
  memoryUsage: number;
}

/** One exception row, keyed by traceback on the master (spec §3.8). */
export interface ExceptionView {
  count: number;
  msg: string;
  traceback: string;
  nodes: string[];
}

/** One point of the run's history, sampled every second while a test runs (charts, HTML report). */
export interface HistoryPoint {
  /** epoch seconds */
  time: number;
  userCount: number;
  currentRps: number;
  currentFailPerSec: number;
  /** current (≈10 s) response-time percentiles, null before enough data */
  currentResponseTimePercentile50: number | null;
  currentResponseTimePercentile95: number | null;
  totalAvgResponseTime: number;
  /** what a running load shape intended at that moment (users, or iterations/s for `unit=rps`) */
  intended?: IntendedLoad | null;
}

/** A load shape's intended users (or arrival rate) now: the charts' intended line. */
export interface IntendedLoad {
  unit: 'users' | 'rps';
  value: number;
}

export interface SwarmRequest {
  userCount: number;
  spawnRate: number;
  /** overrides the host sent to workers in `spawn` */
  host?: string;
  /** seconds; schedules a stop (web mode) or quit (headless) */
  runTime?: number;
  /** restrict to these user classes (class picker) */
  userClasses?: string[];
}

/** Body of `POST /user` (newest Locust, spec §3.12): the `update_user_class` message's data, sent on to the workers. */
export type UserClassUpdate = UpdateUserClassData;

export interface MasterRunnerView {
  readonly state: MasterState;
  /** `--host` or the host of the last /swarm */
  readonly host: string | null;
  /** master-side merged stats (RequestStats with the response-times cache on) */
  readonly stats: RequestStats;
  /** sum of all workers' last reported user counts */
  readonly userCount: number;
  /** epoch seconds of the current test's start, null before the first */
  readonly startTime: number | null;
  /** the locustfile path the master was started with (reports, CSV names) */
  readonly locustfile: string;
  workers(): WorkerView[];
  /** active workers: ready + spawning + running */
  workerCount(): number;
  exceptions(): ExceptionView[];
  userClasses(): UserClassDescription[];
  history(): HistoryPoint[];
  /** users per class when the last test began to stop (the report's final ratio); optional */
  finalUserClassesCount?(): Record<string, number>;
  /** master's own log lines and each worker's (`logs` message, newest Locust) */
  logs(): { master: string[]; workers: Record<string, string[]> };
  /** start or re-target a swarm (a new call replaces an unfinished ramp) */
  start(request: SwarmRequest): Promise<void>;
  /** stop the test: `stop` to all workers */
  stop(): Promise<void>;
  /** clear stats and exceptions */
  resetStats(): void;
  /**
   * `POST /user`: apply the update to the master's user class and broadcast `update_user_class`
   * to the workers (spec §3.12). Throws (one-line message) when it cannot apply: the route answers
   * 400. Optional: without it the route answers `{}` 201, as Locust does.
   */
  updateUserClass?(update: UserClassUpdate): void;
  /**
   * With a load shape: `POST /swarm` runs the test from the shape (user count and spawn rate are
   * ignored, as Locust's `start_shape`). Optional: runners without shapes need not have it.
   */
  startShape?(request: { host?: string; shape?: LoadShape; runTime?: number }): boolean;
  /** What the running load shape intends now (the charts' intended line); null without a shape test. */
  intendedLoad?(): IntendedLoad | null;
  /** `GET /edges`: the synchronized edges and their spreads. Optional: only the master has them. */
  edges?(): EdgesView;
  /**
   * Arrival rate (open model, contract K3): start it, or change its rate; throws one line when
   * it cannot start. Optional: runners without it answer `/swarm`'s `arrival_rate` with an error.
   */
  startArrivalRate?(rate: number, options?: { maxUsers?: number; runTime?: number; host?: string }): void;
  /** The arrival-rate test's figures, or null when the test runs by user count. */
  arrivalRate?(): ArrivalRateView | null;
}
