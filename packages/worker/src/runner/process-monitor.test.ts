import { describe, expect, it } from 'vitest';
import { type CpuClock, CpuSampler, ProcessMonitor } from './process-monitor.js';

/** A clock the test moves: `burn(ms)` uses CPU for `ms` of wall time, `idle(ms)` only passes time. */
function fakeClock(): CpuClock & { burn(ms: number, share?: number): void; idle(ms: number): void } {
  let cpu = 0;
  let now = 1_000;
  return {
    cpuMicros: () => cpu,
    nowMs: () => now,
    burn(ms, share = 1) {
      cpu += ms * 1000 * share;
      now += ms;
    },
    idle(ms) {
      now += ms;
    },
  };
}

describe('CpuSampler', () => {
  it('CPU burnt before the sampler starts (tsx start-up) is not in the first sample', () => {
    const clock = fakeClock();
    clock.burn(3_000); // loading tsx and the locustfile at 100% of a core
    const sampler = new CpuSampler(clock);
    expect(sampler.current).toBe(0);
    clock.burn(1_000, 0.1);
    clock.idle(4_000);
    expect(sampler.sample()).toBeCloseTo(2, 5);
  });

  it('each sample covers only the interval since the previous one', () => {
    const clock = fakeClock();
    const sampler = new CpuSampler(clock);
    clock.burn(5_000, 0.95);
    expect(sampler.sample()).toBeCloseTo(95, 5);
    clock.burn(5_000, 0.2);
    expect(sampler.sample()).toBeCloseTo(20, 5);
    expect(sampler.current).toBeCloseTo(20, 5);
    // two cores fully used read 200, as psutil's cpu_percent()
    clock.burn(5_000, 2);
    expect(sampler.sample()).toBeCloseTo(200, 5);
  });
});

describe('ProcessMonitor', () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('reports 0 until an interval has passed, then warns once, only for an interval above 90%', async () => {
    const clock = fakeClock();
    clock.burn(10_000); // start-up
    const warnings: number[] = [];
    const monitor = new ProcessMonitor({ intervalSeconds: 0.05, clock, onHighCpu: (p) => warnings.push(p) });
    monitor.start();
    try {
      expect(monitor.cpuPercent()).toBe(0);
      clock.burn(5_000, 0.5);
      await tick(80);
      expect(monitor.cpuPercent()).toBeCloseTo(50, 5);
      expect(warnings).toEqual([]);
      clock.burn(5_000, 0.97);
      await tick(80);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toBeCloseTo(97, 5);
      clock.burn(5_000, 0.99);
      await tick(80);
      expect(warnings).toHaveLength(1); // once per worker, as Locust
      expect(monitor.memoryBytes()).toBeGreaterThan(0);
    } finally {
      monitor.stop();
    }
  });
});
