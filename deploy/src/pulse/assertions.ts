/**
 * `--assert-scale` expressions over the pulse's samples: `AGG(field) OP number`, e.g.
 * `max(readyReplicas)>=2`, `max(cpuUtilization)>70`, `last(readyReplicas)<=1`, `max(p95)<500`.
 * Fields are the scale samples' names (K5); aggregates skip unknown (null) values.
 */
import { DeployError } from '../errors.js';

export type Sample = Readonly<Record<string, number | null>>;

const AGGREGATES = {
  max: (v: number[]) => Math.max(...v),
  min: (v: number[]) => Math.min(...v),
  avg: (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length,
  first: (v: number[]) => v[0],
  last: (v: number[]) => v[v.length - 1],
} as const;
const COMPARISONS = {
  '>=': (a: number, b: number) => a >= b,
  '<=': (a: number, b: number) => a <= b,
  '==': (a: number, b: number) => a === b,
  '>': (a: number, b: number) => a > b,
  '<': (a: number, b: number) => a < b,
} as const;

const PATTERN = /^\s*(\w+)\((\w+)\)\s*(>=|<=|==|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

export interface ScaleAssertion {
  readonly expr: string;
  readonly aggregate: keyof typeof AGGREGATES;
  readonly field: string;
  readonly op: keyof typeof COMPARISONS;
  readonly value: number;
}

export interface AssertionResult {
  readonly expr: string;
  readonly passed: boolean;
  readonly measured: number | null;
}

export function parseAssertion(expr: string, fields: readonly string[]): ScaleAssertion {
  const match = PATTERN.exec(expr);
  if (!match) throw new DeployError(`--assert-scale "${expr}": expected AGG(field) OP number, e.g. max(readyReplicas)>=2`);
  const [, aggregate, field, op, value] = match;
  if (!Object.hasOwn(AGGREGATES, aggregate)) throw new DeployError(`--assert-scale "${expr}": unknown aggregate ${aggregate} (${Object.keys(AGGREGATES).join(', ')})`);
  if (!fields.includes(field)) throw new DeployError(`--assert-scale "${expr}": unknown field ${field} (${fields.join(', ')})`);
  return { expr: expr.trim(), aggregate: aggregate as ScaleAssertion['aggregate'], field, op: op as ScaleAssertion['op'], value: Number(value) };
}

export function evaluate(assertion: ScaleAssertion, samples: readonly Sample[]): AssertionResult {
  const values = samples.map((s) => s[assertion.field]).filter((v): v is number => typeof v === 'number');
  if (values.length === 0) return { expr: assertion.expr, passed: false, measured: null };
  const measured = AGGREGATES[assertion.aggregate](values);
  return { expr: assertion.expr, passed: COMPARISONS[assertion.op](measured, assertion.value), measured };
}
