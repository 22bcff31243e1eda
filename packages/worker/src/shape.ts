/**
 * Locust's `LoadTestShape` for locustfiles:
 *
 *   export class Stages extends LoadTestShape {
 *     tick() {
 *       const t = this.getRunTime();
 *       if (t < 10) return [10, 10];
 *       if (t < 20) return [50, 10, [WebUser]];   // classes or their names
 *       return null;                              // ends the test
 *     }
 *   }
 *
 * The master drives it (see `asMasterShape`): about once a second it asks `tick()` for the
 * target user count and spawn rate; `null` ends the test. A locustfile may hold one concrete
 * shape class; a base meant for subclassing says `static abstract = true`.
 */
import type { Environment, LoadShape, LoadShapeTick } from '@locust-ts/protocol';

/** A user class (or anything named, e.g. a class reference) or a user class name. */
export type ShapeUserClassRef = string | { readonly name: string };

/** What `tick()` answers: `[users, spawnRate]`, `[users, spawnRate, userClasses]`, or null to end. */
export type LoadTestShapeTick =
  | readonly [users: number, spawnRate: number]
  | readonly [users: number, spawnRate: number, userClasses: readonly ShapeUserClassRef[] | null];

/** What a shape can read of the runner driving it (Locust's `runner.user_count`). */
export interface ShapeRunner {
  readonly userCount: number;
}

export abstract class LoadTestShape {
  /** Locust's `runner`: set by the process that drives this shape (the master). */
  runner: ShapeRunner | null = null;
  /** Locust's `self.runner.environment`: set with the runner. */
  environment: Environment | null = null;
  private startTime = performance.now();

  /** Start the run time from 0 (the master does this when the shape test starts). */
  resetTime(): void {
    this.startTime = performance.now();
  }

  /** Seconds since the shape test started (Locust's `get_run_time()`). */
  getRunTime(): number {
    return (performance.now() - this.startTime) / 1000;
  }

  /** Users currently running on all workers (Locust's `get_current_user_count()`). */
  getCurrentUserCount(): number {
    if (!this.runner) throw new Error('getCurrentUserCount(): this shape is not driven by a runner yet');
    return this.runner.userCount;
  }

  /** The target now: `[users, spawnRate]`, `[users, spawnRate, userClasses]`, or null to end the test. */
  abstract tick(): LoadTestShapeTick | null;
}

/** A class deriving from {@link LoadTestShape}, with its optional static settings. */
export type LoadTestShapeClass = (abstract new () => LoadTestShape) & {
  readonly name: string;
  /** A base for other shapes, not used itself. */
  abstract?: boolean;
  /** Locust's `use_common_options`: `-u`, `-r`, `-t` (and the web form) stay in effect. */
  useCommonOptions?: boolean;
};

export function isLoadTestShapeClass(value: unknown): value is LoadTestShapeClass {
  return typeof value === 'function' && value.prototype instanceof LoadTestShape;
}

/** Concrete = a subclass without its own `static abstract = true` (as user classes). */
export function isConcreteLoadTestShapeClass(value: unknown): value is LoadTestShapeClass {
  if (!isLoadTestShapeClass(value)) return false;
  return !(Object.prototype.hasOwnProperty.call(value, 'abstract') && value.abstract === true);
}

function className(ref: ShapeUserClassRef): string {
  return typeof ref === 'string' ? ref : ref.name;
}

/**
 * The shape as the master drives it (`LoadShape` from protocol): before each tick the shape's
 * run time is set to the master's, so `getRunTime()` agrees with the master's clock however
 * long it waited for workers; user classes given as classes are sent as their names;
 * `hooks.onEnd` hears when the shape answers null (the end of the shape test). The
 * object's `constructor` stays the shape's class, so the master logs and shows its name.
 */
export function asMasterShape(shape: LoadTestShape, hooks: { onEnd?: () => void } = {}): LoadShape {
  const cls = shape.constructor as LoadTestShapeClass;
  const own = (shape as { useCommonOptions?: unknown }).useCommonOptions;
  const useCommonOptions = typeof own === 'boolean' ? own : cls.useCommonOptions === true;
  const adapter = Object.create(shape) as LoadShape & { useCommonOptions: boolean };
  Object.defineProperties(adapter, {
    useCommonOptions: { value: useCommonOptions, enumerable: true },
    tick: {
      value: (runTimeSeconds: number): LoadShapeTick | null => {
        (shape as unknown as { startTime: number }).startTime = performance.now() - runTimeSeconds * 1000;
        let answer: LoadTestShapeTick | null;
        try {
          answer = shape.tick();
        } catch (err) {
          hooks.onEnd?.(); // the master ends the shape test on a throwing tick
          throw err;
        }
        if (answer === null || answer === undefined) {
          hooks.onEnd?.();
          return null;
        }
        if (!Array.isArray(answer)) return answer as unknown as LoadShapeTick;
        const [users, spawnRate, classes] = answer as readonly [number, number, (readonly ShapeUserClassRef[] | null)?];
        // anything malformed is passed on as is: the master's shape driver names the problem
        if (!Array.isArray(classes)) return answer as unknown as LoadShapeTick;
        return [users, spawnRate, classes.map(className)];
      },
    },
  });
  return adapter;
}
