/**
 * CPU % and RSS of this process: a worker's heartbeats (spec §3.2, §4) and every runner's
 * `usageMonitor` / `cpuWarning` events (Locust's `monitor_cpu_and_memory`, on master, worker and local).
 *
 * CPU is sampled as psutil's `cpu_percent()` does — CPU time used over the wall time since the
 * previous sample (one core fully used = 100) — every CPU_MONITOR_INTERVAL seconds. The first
 * sample comes one interval after the monitor starts (as the newest Locust's), and the baseline
 * is taken at that start: the CPU burnt loading tsx and the locustfile before the worker
 * connected never shows up as load (it used to trip the master's "exceeded cpu threshold"
 * warning right after connecting). Until the first sample the reported CPU is 0, as Locust's.
 */
import { CPU_MONITOR_INTERVAL, CPU_WARNING_THRESHOLD } from './constants.js';

/** Where the sampler reads time from; tests pass a fake one. */
export interface CpuClock {
  /** CPU time (user + system) used by this process so far, microseconds. */
  cpuMicros(): number;
  /** A monotonic wall clock, milliseconds. */
  nowMs(): number;
}

export const PROCESS_CLOCK: CpuClock = {
  cpuMicros: () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  },
  nowMs: () => performance.now(),
};

/** CPU % over the intervals between samples; the first interval starts at construction. */
export class CpuSampler {
  private lastCpu: number;
  private lastWall: number;
  /** The last completed interval's CPU %, 0 before the first sample. */
  current = 0;

  constructor(private readonly clock: CpuClock = PROCESS_CLOCK) {
    this.lastCpu = clock.cpuMicros();
    this.lastWall = clock.nowMs();
  }

  /** Close the interval since the previous sample (or construction); returns its CPU %. */
  sample(): number {
    const cpu = this.clock.cpuMicros();
    const wall = this.clock.nowMs();
    const wallMicros = (wall - this.lastWall) * 1000;
    if (wallMicros > 0) this.current = ((cpu - this.lastCpu) / wallMicros) * 100;
    this.lastCpu = cpu;
    this.lastWall = wall;
    return this.current;
  }
}

export interface ProcessMonitorOptions {
  /** Seconds between CPU samples (default CPU_MONITOR_INTERVAL). */
  intervalSeconds?: number;
  /** Called once, on the first sample above CPU_WARNING_THRESHOLD (Locust warns once per worker). */
  onHighCpu?: (percent: number) => void;
  /** Called on every sample (the `cpuWarning` and `usageMonitor` events). */
  onSample?: (percent: number) => void;
  clock?: CpuClock;
}

export class ProcessMonitor {
  private sampler: CpuSampler | null = null;
  private timer: NodeJS.Timeout | null = null;
  private warned = false;

  constructor(private readonly options: ProcessMonitorOptions = {}) {}

  /** Take the baseline now and sample every interval from here on. */
  start(): void {
    if (this.timer) return;
    const sampler = new CpuSampler(this.options.clock);
    this.sampler = sampler;
    const every = (this.options.intervalSeconds ?? CPU_MONITOR_INTERVAL) * 1000;
    this.timer = setInterval(() => this.check(sampler.sample()), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** CPU % of the last completed interval (0 until one has completed). */
  cpuPercent(): number {
    return this.sampler?.current ?? 0;
  }

  /** Resident set size, bytes. */
  memoryBytes(): number {
    return process.memoryUsage.rss();
  }

  private check(percent: number): void {
    this.options.onSample?.(percent);
    if (percent <= CPU_WARNING_THRESHOLD || this.warned) return;
    this.warned = true;
    this.options.onHighCpu?.(percent);
  }
}
