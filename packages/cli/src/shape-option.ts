/**
 * `--shape SPEC`: the built-in load shape the CLI hands to the master. A bad spec is one
 * `locust-ts: error: --shape …` line and exit 2, like any bad flag value (checked while parsing
 * the options, so the error comes before the master and worker are even loaded).
 */
import { EXIT_USAGE, type LoadShape, UsageError } from '@locust-ts/protocol';
import { type BuiltinShape, ShapeSpecError, parseShapeSpec } from '@locust-ts/master/shapes';

export function parseShapeOption(spec: string): BuiltinShape {
  try {
    return parseShapeSpec(spec);
  } catch (err) {
    if (err instanceof ShapeSpecError) throw new UsageError(`--shape ${JSON.stringify(spec)}: ${err.message}`, EXIT_USAGE);
    throw err;
  }
}

/** A locustfile's shape and `--shape` cannot both drive the run. */
export function checkOneShape(locustfileShape: string | null, builtin: BuiltinShape | null): void {
  if (locustfileShape && builtin) {
    throw new UsageError(`--shape cannot be combined with the load shape class ${locustfileShape} in the locustfile: remove one of them`, EXIT_USAGE);
  }
}

/**
 * The same shape, telling `onEnd` when its tick answers null (the shape test is over). It stays
 * a `BuiltinShape` (prototype chain) so the master still sees its unit and intended line.
 */
export function withEndHook<T extends LoadShape>(shape: T, onEnd: () => void): T {
  const hooked = Object.create(shape) as T;
  hooked.tick = (runTime: number) => {
    const answer = shape.tick(runTime);
    if (answer === null) onEnd();
    return answer;
  };
  return hooked;
}
