import { afterEach, describe, expect, it, vi } from 'vitest';
import { WaitTimeError } from './errors.js';
import { between, constant, constantPacing, constantThroughput } from './wait-time.js';

describe('wait times', () => {
  afterEach(() => vi.useRealTimers());

  it('between(a, b) stays within [a, b]; constant(s) is s', () => {
    const wt = between(1, 2);
    for (let i = 0; i < 200; i++) {
      const s = wt({});
      expect(s).toBeGreaterThanOrEqual(1);
      expect(s).toBeLessThanOrEqual(2);
    }
    expect(constant(0.5)({})).toBe(0.5);
  });

  it('constantPacing waits the period minus the run time, per owner, and not at all the first time', () => {
    // the clock is set, not slept on: the answer is exact on any machine
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    const wt = constantPacing(0.3);
    const a = {};
    expect(wt(a)).toBe(0);
    vi.setSystemTime(1_000_100); // the task ran 100 ms
    expect(wt(a)).toBeCloseTo(0.2, 9);
    vi.setSystemTime(1_000_100 + 200 + 350); // waited 0.2 s, then a task longer than the period
    expect(wt(a)).toBe(0);
    expect(wt({})).toBe(0);
    expect(constantThroughput(4)(a)).toBe(0);
  });

  it('bad arguments are WaitTimeErrors with a readable reason', () => {
    expect(() => between(2, 1)).toThrow(WaitTimeError);
    expect(() => between(-1, 1)).toThrow(/min must be a number of seconds >= 0/);
    expect(() => constant(Number.NaN)).toThrow(WaitTimeError);
    expect(() => constantThroughput(0)).toThrow(/must be a number > 0/);
  });
});
