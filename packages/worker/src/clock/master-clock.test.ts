import { describe, expect, it } from 'vitest';
import { MasterClock } from './master-clock.js';

describe('MasterClock', () => {
  it('has no offset before a sample and maps instants unchanged', () => {
    const clock = new MasterClock();
    expect(clock.offset).toBeNull();
    expect(clock.toLocal(1000)).toBe(1000);
  });

  it('takes the offset from the lowest-round-trip samples, so a slow reply does not skew it', () => {
    const clock = new MasterClock();
    // master is 3 s ahead; symmetric 2 ms round trips, then one 400 ms round trip delayed one way
    clock.addSample(100.0, 103.001, 100.002);
    clock.addSample(101.0, 104.001, 101.002);
    clock.addSample(102.0, 105.001, 102.002);
    clock.addSample(103.0, 106.39, 103.4);
    expect(clock.offset).toBeCloseTo(3.0, 6);
    expect(clock.bestRtt).toBeCloseTo(0.002, 6);
    expect(clock.toLocal(110)).toBeCloseTo(107, 6);
    expect(clock.toMaster(107)).toBeCloseTo(110, 6);
  });

  it('ignores replies that came back before they were sent or after a minute', () => {
    const clock = new MasterClock();
    clock.addSample(100, 50, 99);
    clock.addSample(100, 50, 200);
    expect(clock.offset).toBeNull();
  });
});
