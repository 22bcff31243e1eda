/**
 * The built-in shapes from their specs. Every expected value is read off the spec by hand
 * (e.g. square on=3s,off=2s: peak in [0,3), base in [3,5), peak again in [5,8), ...).
 */
import { describe, expect, it } from 'vitest';
import { ShapeSpecError, parseDuration, parseShapeSpec } from './index.js';

/** The users (first element) the shape asks for at each run time, null once it ended. */
function usersAt(spec: string, times: number[]): (number | null)[] {
  const shape = parseShapeSpec(spec);
  return times.map((t) => shape.tick(t)?.[0] ?? null);
}

describe('parseDuration', () => {
  it('reads seconds, units and combinations', () => {
    expect(parseDuration('30')).toBe(30);
    expect(parseDuration('2.5')).toBe(2.5);
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('1m30s')).toBe(90);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('1h1m1s')).toBe(3661);
    expect(parseDuration('1.5m')).toBe(90);
    expect(parseDuration('abc')).toBeNull();
    expect(parseDuration('10x')).toBeNull();
    expect(parseDuration('-3s')).toBeNull();
  });
});

describe('square', () => {
  const spec = 'square:base=0,peak=1000,on=3s,off=2s,cycles=2';
  it('is peak for `on`, base for `off`, `cycles` times, then ends', () => {
    expect(usersAt(spec, [0, 2.9, 3, 4.99, 5, 7.9, 8, 9.9, 10, 11])).toEqual([1000, 1000, 0, 0, 1000, 1000, 0, 0, null, null]);
  });
  it('changes at an instant spawn rate (the peak: no change can be larger)', () => {
    expect(parseShapeSpec(spec).tick(0)).toEqual([1000, 1000]);
  });
  it('off defaults to on, base to 0, and without cycles it repeats until stopped (cycle 2 s: 1000.5 s is on, 1001.5 s off)', () => {
    expect(usersAt('square:peak=10,on=1s', [0, 1, 2, 3, 1000.5, 1001.5])).toEqual([10, 0, 10, 0, 10, 0]);
  });
  it('takes a time unit on any duration and a spawn rate', () => {
    expect(usersAt('square:base=5,peak=50,on=500ms,off=1m,cycles=1', [0.4, 0.5, 60.4, 60.5])).toEqual([50, 5, 5, null]);
    expect(parseShapeSpec('square:peak=50,on=1s,rate=5').tick(0)).toEqual([50, 5]);
  });
  it('tells when its next change comes (and the end)', () => {
    const shape = parseShapeSpec(spec);
    expect([0, 2.9, 3, 4, 5.5, 9.99, 10].map((t) => shape.nextChangeAfter(t))).toEqual([3, 3, 5, 5, 8, 10, null]);
  });
  it('knows its intended line, also after the end', () => {
    const shape = parseShapeSpec(spec);
    expect(shape.intended(1)).toBe(1000);
    expect(shape.intended(4)).toBe(0);
    expect(shape.intended(60)).toBe(0);
    expect(shape.unit).toBe('users');
  });
});

describe('steps', () => {
  it('starts at start, adds step every period up to max, holds max one period, then ends', () => {
    expect(usersAt('steps:start=10,step=10,every=30s,max=40', [0, 29.9, 30, 60, 90, 119.9, 120])).toEqual([10, 10, 20, 30, 40, 40, null]);
  });
  it('ends on max even when the steps do not land on it; start defaults to step', () => {
    expect(usersAt('steps:step=20,every=1s,max=50', [0, 1, 2, 3, 4])).toEqual([20, 40, 50, null, null]);
  });
});

describe('spike', () => {
  it('is base until at, peak for hold, base again for `after` (default: at), then ends', () => {
    expect(usersAt('spike:base=20,peak=500,at=60s,hold=10s', [0, 59.9, 60, 69.9, 70, 129.9, 130])).toEqual([20, 20, 500, 500, 20, 20, null]);
    expect(usersAt('spike:peak=100,at=1s,hold=1s,after=5s', [0, 1, 2, 6.9, 7])).toEqual([0, 100, 0, 0, null]);
  });
});

describe('stages (k6-style)', () => {
  const spec = 'stages:30s=100,60s=100,10s=0';
  it('intends a line from the previous target (0 first): up, hold, down', () => {
    // 0 → 100 over 30 s: 3.33 users/s; hold 100 for 60 s; 100 → 0 over 10 s
    const shape = parseShapeSpec(spec);
    expect([0, 3, 15, 30, 60, 90, 95, 99.9].map((t) => shape.intended(t))).toEqual([0, 10, 50, 100, 100, 100, 50, expect.closeTo(1, 10)]);
  });
  it('asks for each ramp\'s end target at the ramp\'s slope (the dispatcher paces it), holds at the instant rate, then ends', () => {
    const shape = parseShapeSpec(spec);
    expect(shape.tick(0)).toEqual([100, 100 / 30]);
    expect(shape.tick(29.9)).toEqual([100, 100 / 30]);
    expect(shape.tick(30)).toEqual([100, 100]);
    expect(shape.tick(90)).toEqual([0, 10]);
    expect(shape.tick(100)).toBeNull();
    expect(parseShapeSpec('stages:10s=50,rate=2').tick(1)).toEqual([50, 2]);
  });
  it('a 0 s stage is a jump', () => {
    expect(usersAt('stages:0s=50,2s=50,0s=10,1s=10', [0, 1.9, 2, 2.9, 3])).toEqual([50, 50, 10, 10, null]);
  });
  it('intended() is the unrounded line', () => {
    expect(parseShapeSpec(spec).intended(1)).toBeCloseTo(100 / 30, 10);
  });
});

describe('unit=rps', () => {
  it('levels are rates (decimals allowed) and the shape says so', () => {
    const shape = parseShapeSpec('stages:10s=200,unit=rps');
    expect(shape.unit).toBe('rps');
    expect(shape.tick(1)?.[0]).toBe(20);
    expect(shape.tick(0.25)?.[0]).toBe(5);
    expect(parseShapeSpec('square:base=0.5,peak=2.5,on=1s,unit=rps').tick(1.5)?.[0]).toBe(0.5);
  });
});

describe('bad specs name the bad part', () => {
  const cases: Array<[spec: string, message: RegExp]> = [
    ['', /empty spec/],
    ['circle:peak=1', /unknown shape 'circle'/],
    ['square', /square needs key=value settings/],
    ['square:', /square needs key=value settings/],
    ['square:peak=10', /square needs on=/],
    ['square:on=1s', /square needs peak=/],
    ['square:peak=10,on=1s,foo=3', /square has no key 'foo'/],
    ['square:peak=10,on=soon', /on=soon is not a duration/],
    ['square:peak=10,on=0s', /on=0s must be longer than 0/],
    ['square:peak=ten,on=1s', /peak=ten is not a user count/],
    ['square:peak=1.5,on=1s', /peak=1.5 must be a whole number of users/],
    ['square:peak=-5,on=1s', /peak=-5 is not a user count/],
    ['square:peak=10,on=1s,cycles=0', /cycles=0 must be a whole number >= 1/],
    ['square:peak=10,on=1s,peak=20', /peak= is given twice/],
    ['square:peak=10,,on=1s', /empty item/],
    ['square:peak10,on=1s', /'peak10' is not key=value/],
    ['square:peak=10,on=1s,unit=qps', /unit=qps must be users or rps/],
    ['square:peak=10,on=1s,rate=0', /rate=0 must be a spawn rate > 0/],
    ['square:peak=10,on=1s,rate=5,unit=rps', /rate= .* does not apply to unit=rps/],
    ['steps:step=0,every=1s,max=10', /step= must be more than 0/],
    ['steps:start=50,step=10,every=1s,max=10', /max=10 is below start=50/],
    ['spike:peak=100,at=1m', /spike needs hold=/],
    ['stages:30s=100,soon=5', /'soon=5' is not <duration>=<target>/],
    ['stages:30s=many', /30s=many is not a user count/],
    ['stages:unit=users', /stages needs at least one/],
    ['stages:0s=10', /last 0 s in total/],
  ];
  for (const [spec, message] of cases) {
    it(JSON.stringify(spec), () => {
      expect(() => parseShapeSpec(spec)).toThrow(ShapeSpecError);
      expect(() => parseShapeSpec(spec)).toThrow(message);
    });
  }
});
