/**
 * `pnpm kube pulse --assert-scale EXPR`: the master's own grammar and judge
 * (`replicas>=3 within 90s`, `ready>=3 within 2m`, `replicas<=1 within 300s after stop`), applied to
 * the samples the pulse recorded, so one expression means the same in the pulse Job and here.
 */
import {
  ASSERT_FIELDS,
  type ScaleAssertion,
  ScaleAssertionSyntaxError,
  judge,
  parseScaleAssertion,
} from '@locust-ts/master/scale-assertions';
import { DeployError } from '../errors.js';

export type { ScaleAssertion };

export interface AssertionResult {
  readonly expr: string;
  readonly passed: boolean;
  readonly measured: string | number | null;
}

/** Parse one expression; a malformed one is a {@link DeployError} (one line). */
export function parseAssertion(expr: string): ScaleAssertion {
  try {
    return parseScaleAssertion(expr);
  } catch (err) {
    if (err instanceof ScaleAssertionSyntaxError) throw new DeployError(err.message);
    throw err;
  }
}

type Sample = { readonly time: number | null } & Readonly<Record<string, number | null | undefined>>;

/**
 * Judge an assertion over the pulse's samples: windows open at `startedAt` (or at `stoppedAt` for
 * `after stop`; null when the load never stopped) and are closed by the end of the pulse.
 */
export function evaluate(a: ScaleAssertion, samples: readonly Sample[], startedAt: number, stoppedAt: number | null): AssertionResult {
  const columns = Object.values(ASSERT_FIELDS);
  // a column the pulse could not read is unknown (null), as in the master's samples
  const rows = samples
    .filter((s) => typeof s.time === 'number')
    .map((s) => Object.fromEntries([['time', s.time], ...columns.map((c) => [c, typeof s[c] === 'number' ? s[c] : null])]));
  const now = rows.length ? (rows[rows.length - 1]!.time as number) : startedAt;
  const result = judge(a, rows as unknown as Parameters<typeof judge>[1], a.from === 'stop' ? stoppedAt : startedAt, now, true);
  return { expr: result.expr, passed: result.passed === true, measured: result.measured };
}
