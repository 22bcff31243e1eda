/**
 * The recorder's figures against known request sets: p95 and failure ratio before / during /
 * after a scale-up are computed over exactly the requests of each window (Locust's percentile
 * arithmetic on the merged histogram), and the load's start and stop are the moments the runner
 * fired test_start / test_stopping (a fake clock, so "the moment" is exact).
 */
import { Events, RequestStats, createEnvironment } from '@locust-ts/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ScaleRecorder, type RunSource } from './recorder.js';
import { scaleReportPayload } from './report-payload.js';
import type { ClusterSnapshot, ScaleListener, ScaleSource } from './source.js';

const T0 = 1_800_000_000_000; // ms
const environment = createEnvironment();

/** Nearest rank as Locust reads it: the value below which int(n × 0.95) requests lie. */
function p95Of(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.trunc(sorted.length * 0.95)]!;
}

/** `n` response times that are already Locust buckets (< 100 ms exact, then tens), from a fixed pattern. */
function times(n: number, base: number, spread: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const v = base + ((i * 37) % spread);
    return v < 100 ? v : Math.round(v / 10) * 10;
  });
}

function cluster(desired: number, ready: number): ClusterSnapshot {
  return {
    deployment: { desired, current: desired, updated: desired, ready, available: ready },
    hpa: { name: 'web', currentReplicas: desired, desiredReplicas: desired, minReplicas: 1, maxReplicas: 5, cpuUtilization: 50, cpuTarget: 70, metrics: [] },
    pods: { pending: desired - ready, notReady: 0, ready },
  };
}

class FakeSource implements ScaleSource {
  readonly deployment = 'web';
  readonly namespace = 'default';
  listener!: ScaleListener;
  start(listener: ScaleListener): void {
    this.listener = listener;
  }
  async stop(): Promise<void> {}
}

interface Harness {
  run: { state: string; userCount: number; stats: RequestStats; startTime: number | null };
  events: Events;
  source: FakeSource;
  recorder: ScaleRecorder;
  /** log these response times now, `failures` of them failed */
  log(rts: readonly number[], failures?: number): void;
  advance(seconds: number): void;
  now(): number;
}

function harness(): Harness {
  const run = { state: 'ready', userCount: 0, stats: new RequestStats(true), startTime: null as number | null };
  const events = new Events();
  const source = new FakeSource();
  const recorder = new ScaleRecorder(source, [], { info: () => {}, warning: () => {} });
  recorder.start(run satisfies RunSource, events);
  source.listener.state(cluster(1, 1));
  return {
    run,
    events,
    source,
    recorder,
    log(rts, failures = 0) {
      const now = Date.now() / 1000;
      for (const rt of rts) run.stats.logRequest('GET', '/x', rt, 0, now);
      for (let i = 0; i < failures; i++) run.stats.logError('GET', '/x', 'HTTPError', now);
    },
    advance(seconds) {
      vi.advanceTimersByTime(seconds * 1000);
    },
    now: () => Date.now() / 1000,
  };
}

/** What the master runner does when a test starts: clear stats, then fire test_start. */
function startTest(h: Harness): number {
  h.run.stats.clearAll();
  h.run.startTime = h.now();
  h.run.state = 'spawning';
  h.events.testStart.fire({ environment });
  return h.run.startTime;
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'setInterval', 'clearInterval', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('scale figures over the windows of a pulse', () => {
  it('p95 and failure ratio before / during / after are those of exactly the requests in each window', async () => {
    const h = harness();
    h.log(times(40, 500, 400)); // a previous test's requests: never in any window
    h.advance(1);
    const start = startTest(h);
    // before: fast; during (new pods not ready): slow with a tail; after: medium
    const before = [...times(95, 10, 30), ...times(5, 200, 100)];
    const during = [...times(60, 150, 300), ...times(20, 700, 250)];
    const after = times(120, 40, 50);
    for (let i = 0; i < 5; i++) {
      h.advance(1);
      h.log(before.slice(i * 20, i * 20 + 20), i === 2 ? 2 : 0);
    }
    h.advance(0.5);
    const decision = h.now();
    h.source.listener.state(cluster(3, 1)); // the HPA decides 3
    for (let i = 0; i < 4; i++) {
      h.advance(1);
      h.log(during.slice(i * 20, i * 20 + 20), 3);
    }
    h.advance(0.25);
    const ready = h.now();
    h.source.listener.state(cluster(3, 3)); // the new pods are Ready
    for (let i = 0; i < 6; i++) {
      h.advance(1);
      h.log(after.slice(i * 20, i * 20 + 20));
    }
    h.advance(0.3);
    const stopped = h.now();
    h.run.state = 'stopping';
    h.events.testStopping.fire({ environment });
    h.log(times(30, 900, 90), 30); // reported after the stop: not the "after" window's
    h.advance(2.5);
    h.source.listener.state(cluster(1, 1)); // scaled back down
    h.advance(1);

    const f = h.recorder.figures();
    expect(f.anchorKind).toBe('test start');
    expect(f.anchor).toBe(start);
    expect(f.loadStopped).toBe(stopped);
    expect(f.scaleUpDecisionSeconds).toBeCloseTo(decision - start, 9);
    expect(f.newPodsReadySeconds).toBeCloseTo(ready - start, 9);
    expect(f.scaleDownSeconds).toBeCloseTo(2.5, 9);
    expect(f.peakReplicas).toBe(3);
    expect(f.before).toEqual({ p95: p95Of(before), failRatio: 2 / before.length, requests: before.length });
    expect(f.during).toEqual({ p95: p95Of(during), failRatio: 12 / during.length, requests: during.length });
    expect(f.after).toEqual({ p95: p95Of(after), failRatio: 0, requests: after.length });
    // the report's payload carries the same figures and the console's lines
    const payload = scaleReportPayload(h.recorder);
    expect(payload.figures).toEqual(f);
    expect(payload.summary[1]).toMatch(/^ {2}from test start: HPA scale-up decision 5\.5s, new pods Ready 9\.8s; replicas 1 -> peak 3 \(3 ready\)$/);
    expect(payload.summary[2]).toBe(`  p95 before / during / after scale-up: ${p95Of(before)} ms / ${p95Of(during)} ms / ${p95Of(after)} ms; failure ratio 2.0% / 15.0% / 0.0%`);
    await h.recorder.stop();
  });

  it('a stats reset mid-window (web UI, --reset-stats) neither loses nor double-counts the window', async () => {
    const h = harness();
    startTest(h);
    h.advance(1);
    h.log(times(50, 20, 10));
    h.source.listener.state(cluster(3, 1)); // decision: reads 50 requests
    h.advance(1);
    h.log(times(30, 300, 100));
    h.advance(1);
    h.recorder.figures(); // a /scale poll reads the total (80)
    h.run.stats.resetAll();
    h.events.resetStats.fire({});
    h.log(times(10, 60, 10));
    h.advance(1);
    h.source.listener.state(cluster(3, 3));
    const f = h.recorder.figures();
    expect(f.during.requests).toBe(40);
    expect(f.during.p95).toBe(p95Of([...times(30, 300, 100), ...times(10, 60, 10)]));
    await h.recorder.stop();
  });

  it('figures count from the first pulse edge: requests before the edge are not "before"', async () => {
    const h = harness();
    startTest(h);
    h.advance(1);
    h.log(times(100, 900, 50)); // the base load before the edge
    const edge = h.now() + 0.5; // planned a little ahead, as the master plans edges
    h.recorder.setFirstEdgeTime(edge);
    h.advance(1);
    const pulse = times(40, 30, 20);
    h.log(pulse);
    h.advance(1);
    h.source.listener.state(cluster(2, 1));
    const f = h.recorder.figures();
    expect(f.anchorKind).toBe('edge');
    expect(f.anchor).toBe(edge);
    expect(f.before).toEqual({ p95: p95Of(pulse), failRatio: 0, requests: pulse.length });
    await h.recorder.stop();
  });

  it('a run that never fires test_start (an arrival rate) is still timed: start from the runner, stop within one sample', async () => {
    const h = harness();
    h.advance(0.2);
    h.run.startTime = h.now();
    h.run.state = 'running';
    h.advance(1);
    expect(h.recorder.anchor).toEqual({ time: h.run.startTime, kind: 'test start' });
    h.advance(3.4);
    const stoppedAt = h.now();
    h.run.state = 'stopped';
    h.advance(1);
    const f = h.recorder.figures();
    expect(f.loadStopped).not.toBeNull();
    expect(f.loadStopped! - stoppedAt).toBeGreaterThanOrEqual(0);
    expect(f.loadStopped! - stoppedAt).toBeLessThanOrEqual(1);
    await h.recorder.stop();
  });
});
