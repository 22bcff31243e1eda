import { describe, expect, it } from 'vitest';
import { WaitTimeError } from './errors.js';
import { between, constant, constantPacing, constantThroughput } from './wait-time.js';

describe('wait times', () => {
  it('between(a, b) stays within [a, b]; constant(s) is s', () => {
    const wt = between(1, 2);
    for (let i = 0; i < 200; i++) {
      const s = wt({});
      expect(s).toBeGreaterThanOrEqual(1);
      expect(s).toBeLessThanOrEqual(2);
    }
    expect(constant(0.5)({})).toBe(0.5);
  });

  it('constantPacing waits the period minus the run time, per owner, and not at all the first time', async () => {
    const wt = constantPacing(0.3);
    const a = {};
    expect(wt(a)).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    const second = wt(a);
    expect(second).toBeGreaterThan(0.1);
    expect(second).toBeLessThanOrEqual(0.21);
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
