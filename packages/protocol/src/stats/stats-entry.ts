/**
 * One stats entry (name, method), the unit Locust counts in (spec §5). Used by the worker to
 * count requests (hot path: no allocation per request beyond map slots) and by the master to
 * merge worker deltas and derive the numbers people read.
 */
import type { StatsEntryData } from '../messages.js';
import {
  CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW,
  calculateResponseTimePercentile,
  diffResponseTimes,
  medianFromDict,
} from './percentile.js';
import { bucketResponseTime } from './rounding.js';

/** Seconds since the epoch, as a float, like Python's `time.time()`. */
export function nowSeconds(): number {
  return Date.now() / 1000;
}

interface CachedResponseTimes {
  responseTimes: Map<number, number>;
  numRequests: number;
  /** the newest Locust keeps this too: its current percentiles leave untimed requests out */
  numNoneRequests: number;
}

/** The window the "current" figures come from: the total's newest request and start. */
export interface TotalWindow {
  lastRequestTimestamp: number | null;
  startTime: number;
}

function addInto(target: Map<number, number>, source: Map<number, number>): void {
  for (const [k, v] of source) target.set(k, (target.get(k) ?? 0) + v);
}

export class StatsEntry {
  numRequests = 0;
  numNoneRequests = 0;
  numFailures = 0;
  totalResponseTime = 0;
  minResponseTime: number | null = null;
  maxResponseTime = 0;
  totalContentLength = 0;
  startTime = 0;
  lastRequestTimestamp: number | null = null;
  responseTimes = new Map<number, number>();
  numReqsPerSec = new Map<number, number>();
  numFailPerSec = new Map<number, number>();
  /** Master only: a copy of `responseTimes` per second for the last 20 s (current percentiles). */
  private responseTimesCache: Map<number, CachedResponseTimes> | null = null;

  constructor(
    readonly name: string,
    readonly method: string | null,
    private readonly useResponseTimesCache = false,
    now = nowSeconds(),
  ) {
    this.reset(now);
  }

  reset(now = nowSeconds()): void {
    this.startTime = now;
    this.numRequests = 0;
    this.numNoneRequests = 0;
    this.numFailures = 0;
    this.totalResponseTime = 0;
    this.responseTimes = new Map();
    this.minResponseTime = null;
    this.maxResponseTime = 0;
    this.lastRequestTimestamp = null;
    this.numReqsPerSec = new Map();
    this.numFailPerSec = new Map();
    this.totalContentLength = 0;
    if (this.useResponseTimesCache) {
      this.responseTimesCache = new Map();
      this.cacheResponseTimes(Math.floor(now));
    }
  }

  /** Count one request. `responseTime` null = an async request with no time (num_none_requests). */
  log(responseTime: number | null, contentLength: number, now = nowSeconds()): void {
    const t = Math.floor(now);
    if (this.useResponseTimesCache && this.lastRequestTimestamp && t > Math.floor(this.lastRequestTimestamp)) {
      this.cacheResponseTimes(t - 1);
    }
    this.numRequests++;
    this.numReqsPerSec.set(t, (this.numReqsPerSec.get(t) ?? 0) + 1);
    this.lastRequestTimestamp = now;
    if (responseTime === null) {
      this.numNoneRequests++;
    } else {
      this.totalResponseTime += responseTime;
      if (this.minResponseTime === null || responseTime < this.minResponseTime) this.minResponseTime = responseTime;
      if (responseTime > this.maxResponseTime) this.maxResponseTime = responseTime;
      const bucket = bucketResponseTime(responseTime);
      this.responseTimes.set(bucket, (this.responseTimes.get(bucket) ?? 0) + 1);
    }
    this.totalContentLength += contentLength;
  }

  logError(now = nowSeconds()): void {
    this.numFailures++;
    const t = Math.floor(now);
    this.numFailPerSec.set(t, (this.numFailPerSec.get(t) ?? 0) + 1);
  }

  get failRatio(): number {
    if (this.numRequests === 0) return this.numFailures > 0 ? 1 : 0;
    return this.numFailures / this.numRequests;
  }

  get avgResponseTime(): number {
    const n = this.numRequests - this.numNoneRequests;
    return n === 0 ? 0 : this.totalResponseTime / n;
  }

  get medianResponseTime(): number {
    if (this.responseTimes.size === 0) return 0;
    let median = medianFromDict(this.numRequests - this.numNoneRequests, this.responseTimes) || 0;
    if (median > this.maxResponseTime) median = this.maxResponseTime;
    else if (this.minResponseTime !== null && median < this.minResponseTime) median = this.minResponseTime;
    return median;
  }

  get avgContentLength(): number {
    return this.numRequests === 0 ? 0 : this.totalContentLength / this.numRequests;
  }

  /** Average of the per-second counts over up to 10 s, excluding the 2 newest seconds. */
  private currentPerSec(perSec: Map<number, number>, total: TotalWindow): number {
    if (total.lastRequestTimestamp === null) return 0;
    const last = Math.floor(total.lastRequestTimestamp);
    const start = Math.max(last - 12, Math.floor(total.startTime || 0));
    let sum = 0;
    let n = 0;
    for (let t = start; t < last - 2; t++) {
      sum += perSec.get(t) ?? 0;
      n++;
    }
    return sum / Math.max(n, 1);
  }

  currentRps(total: TotalWindow): number {
    return this.currentPerSec(this.numReqsPerSec, total);
  }

  currentFailPerSec(total: TotalWindow): number {
    return this.currentPerSec(this.numFailPerSec, total);
  }

  totalRps(total: TotalWindow): number {
    if (!total.lastRequestTimestamp || !total.startTime) return 0;
    const span = total.lastRequestTimestamp - total.startTime;
    return span === 0 ? 0 : this.numRequests / span;
  }

  totalFailPerSec(total: TotalWindow): number {
    if (!total.lastRequestTimestamp || !total.startTime) return 0;
    const span = total.lastRequestTimestamp - total.startTime;
    return span === 0 ? 0 : this.numFailures / span;
  }

  /**
   * Percentile over the whole run. `excludeNone` = the newest Locust's arithmetic
   * (num_requests − num_none_requests); 2.12.1 uses num_requests.
   */
  getResponseTimePercentile(percent: number, excludeNone = false): number {
    const n = excludeNone ? this.numRequests - this.numNoneRequests : this.numRequests;
    return calculateResponseTimePercentile(this.responseTimes, n, percent);
  }

  /**
   * Percentile over roughly the last 10 s; null when no cached snapshot is old enough.
   * `excludeNone`: as {@link getResponseTimePercentile}, over requests that have a response time.
   */
  getCurrentResponseTimePercentile(percent: number, now = nowSeconds(), excludeNone = false): number | null {
    const cache = this.responseTimesCache;
    if (!cache) return null;
    const t = Math.floor(now) - CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW;
    let cached = cache.get(t);
    for (let i = 1; i < 9 && !cached; i++) cached = cache.get(t - i) ?? cache.get(t + i);
    if (!cached) return null;
    const requests = this.numRequests - cached.numRequests;
    const untimed = excludeNone ? this.numNoneRequests - cached.numNoneRequests : 0;
    return calculateResponseTimePercentile(diffResponseTimes(this.responseTimes, cached.responseTimes), requests - untimed, percent);
  }

  private cacheResponseTimes(t: number): void {
    const cache = (this.responseTimesCache ??= new Map());
    cache.delete(t);
    cache.set(t, { responseTimes: new Map(this.responseTimes), numRequests: this.numRequests, numNoneRequests: this.numNoneRequests });
    const size = CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW + 10;
    while (cache.size > size) {
      const oldest = cache.keys().next().value as number;
      cache.delete(oldest);
    }
  }

  /** Merge a delta received from a worker (Locust's `StatsEntry.extend`). */
  extend(other: StatsEntryData): void {
    const oldLast = this.lastRequestTimestamp;
    if (other.last_request_timestamp !== null) {
      this.lastRequestTimestamp =
        this.lastRequestTimestamp === null ? other.last_request_timestamp : Math.max(this.lastRequestTimestamp, other.last_request_timestamp);
    }
    this.startTime = Math.min(this.startTime, other.start_time);
    this.numRequests += other.num_requests;
    this.numNoneRequests += other.num_none_requests;
    this.numFailures += other.num_failures;
    this.totalResponseTime += other.total_response_time;
    this.maxResponseTime = Math.max(this.maxResponseTime, other.max_response_time);
    if (other.min_response_time !== null) {
      this.minResponseTime = this.minResponseTime === null ? other.min_response_time : Math.min(this.minResponseTime, other.min_response_time);
    }
    this.totalContentLength += other.total_content_length;
    addInto(this.responseTimes, other.response_times);
    addInto(this.numReqsPerSec, other.num_reqs_per_sec);
    addInto(this.numFailPerSec, other.num_fail_per_sec);
    if (this.useResponseTimesCache && this.lastRequestTimestamp) {
      const lastTime = Math.floor(this.lastRequestTimestamp);
      if (lastTime > (oldLast ? Math.floor(oldLast) : 0)) this.cacheResponseTimes(lastTime);
    }
  }

  /** The wire form (spec §5.1); maps are handed over, not copied: call {@link reset} after. */
  serialize(): StatsEntryData {
    return {
      name: this.name,
      method: this.method,
      last_request_timestamp: this.lastRequestTimestamp,
      start_time: this.startTime,
      num_requests: this.numRequests,
      num_none_requests: this.numNoneRequests,
      num_failures: this.numFailures,
      total_response_time: this.totalResponseTime,
      max_response_time: this.maxResponseTime,
      min_response_time: this.minResponseTime,
      total_content_length: this.totalContentLength,
      response_times: this.responseTimes,
      num_reqs_per_sec: this.numReqsPerSec,
      num_fail_per_sec: this.numFailPerSec,
    };
  }
}
