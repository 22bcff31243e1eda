import { describe, expect, it } from 'vitest';
import { LoadTestShape, asMasterShape, isConcreteLoadTestShapeClass } from './shape.js';

class WebUser {}

class Stages extends LoadTestShape {
  seen: number[] = [];
  tick() {
    const t = this.getRunTime();
    this.seen.push(t);
    if (t < 10) return [5, 2] as const;
    if (t < 20) return [8, 4, [WebUser, 'ApiUser']] as const;
    return null;
  }
}

describe('LoadTestShape', () => {
  it('getRunTime() counts from construction and from resetTime()', async () => {
    const shape = new Stages();
    await new Promise((r) => setTimeout(r, 30));
    expect(shape.getRunTime()).toBeGreaterThanOrEqual(0.02);
    shape.resetTime();
    expect(shape.getRunTime()).toBeLessThan(0.02);
  });

  it("as the master drives it: the master's run time is the shape's, classes become names, null ends", () => {
    const shape = new Stages();
    let ended = 0;
    const driven = asMasterShape(shape, { onEnd: () => ended++ });
    expect(driven.tick(3)).toEqual([5, 2]);
    expect(driven.tick(12.5)).toEqual([8, 4, ['WebUser', 'ApiUser']]);
    expect(shape.seen[0]).toBeCloseTo(3, 1);
    expect(shape.seen[1]).toBeCloseTo(12.5, 1);
    expect(ended).toBe(0);
    expect(driven.tick(25)).toBeNull();
    expect(ended).toBe(1);
    // the master names the shape by its class
    expect((driven as object).constructor.name).toBe('Stages');
    expect(driven.useCommonOptions).toBe(false);
  });

  it('useCommonOptions is read from the class or the instance', () => {
    class Common extends Stages {
      static useCommonOptions = true;
    }
    class Field extends Stages {
      useCommonOptions = true;
    }
    expect(asMasterShape(new Common()).useCommonOptions).toBe(true);
    expect(asMasterShape(new Field()).useCommonOptions).toBe(true);
  });

  it('getCurrentUserCount() reads the runner the CLI attaches', () => {
    const shape = new Stages();
    expect(() => shape.getCurrentUserCount()).toThrow(/not driven by a runner/);
    shape.runner = { userCount: 7 };
    expect(shape.getCurrentUserCount()).toBe(7);
  });

  it('concrete shape classes: subclasses without their own static abstract = true', () => {
    class Base extends LoadTestShape {
      static abstract = true;
      tick() {
        return null;
      }
    }
    class Real extends Base {}
    expect(isConcreteLoadTestShapeClass(Base)).toBe(false);
    expect(isConcreteLoadTestShapeClass(Real)).toBe(true);
    expect(isConcreteLoadTestShapeClass(LoadTestShape)).toBe(false);
    expect(isConcreteLoadTestShapeClass(WebUser)).toBe(false);
  });
});
