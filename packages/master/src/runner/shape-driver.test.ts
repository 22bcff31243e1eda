/**
 * The shape driver on a fake clock: ticks at start + k × 100 ms, a changed answer applied once,
 * `unit=rps` shapes going to `applyRate` (or ending with one error line when the master has none).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoadShape, LoadShapeTick } from '@locust-ts/protocol';
import { MasterLogger } from '../log/master-logger.js';
import { parseShapeSpec } from '../shapes/index.js';
import { SHAPE_TICK_INTERVAL_SECONDS, ShapeDriver, type ShapeTarget } from './shape-driver.js';

function target(overrides: Partial<ShapeTarget> = {}) {
  const log = { text: '', write(chunk: string) { this.text += chunk; return true; } };
  const applied: Array<[number, number]> = [];
  const ends: string[] = [];
  const t: ShapeTarget = {
    log: new MasterLogger('DEBUG', log),
    apply: (users, spawnRate) => (applied.push([users, spawnRate]), true),
    end: (reason) => ends.push(reason),
    ...overrides,
  };
  return { t, log, applied, ends };
}

describe('ShapeDriver', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('ticks every 100 ms from the start, applies each change once, ends on null', () => {
    const runTimes: number[] = [];
    const shape: LoadShape = {
      tick(t): LoadShapeTick | null {
        runTimes.push(t);
        return t < 0.5 ? [5, 5] : t < 1 ? [9, 9] : null;
      },
    };
    const { t, applied, ends } = target();
    new ShapeDriver(shape, t).start();
    vi.advanceTimersByTime(2_000);
    expect(SHAPE_TICK_INTERVAL_SECONDS).toBe(0.1);
    expect(runTimes.map((x) => Math.round(x * 1000))).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(applied).toEqual([[5, 5], [9, 9]]);
    expect(ends).toEqual(['done']);
  });

  it('a built-in shape is also ticked at its own changes between the 100 ms ticks', () => {
    const { t, applied } = target();
    const driver = new ShapeDriver(parseShapeSpec('square:peak=8,on=250ms,off=250ms,cycles=1'), t);
    driver.start();
    vi.advanceTimersByTime(250);
    expect(applied).toEqual([[8, 8], [0, 8]]); // at 250 ms, not at the 300 ms tick
  });

  it('a built-in unit=rps shape sets the arrival rate through applyRate', () => {
    const rates: number[] = [];
    const { t, applied } = target({ applyRate: (rate) => (rates.push(rate), true) });
    const driver = new ShapeDriver(parseShapeSpec('stages:1s=10,unit=rps'), t);
    driver.start();
    vi.advanceTimersByTime(300);
    expect(rates).toEqual([0, 1, 2, 3]);
    expect(applied).toEqual([]);
    expect(driver.intended()).toBeCloseTo(3, 5);
  });

  it('without applyRate a unit=rps shape ends with one error line', () => {
    const { t, log, ends } = target();
    new ShapeDriver(parseShapeSpec('square:peak=5,on=1s,unit=rps'), t).start();
    expect(ends).toEqual(['error']);
    expect(log.text).toContain('Load shape square:peak=5,on=1s,unit=rps sets an arrival rate (unit=rps), which this master cannot run; stopping the shape test');
  });
});
