/**
 * `--assert-scale EXPR`: `replicas>=3 within 90s`, `ready>=3 within 2m`, `replicas<=1 within 300s
 * after stop`. The window opens at the first pulse edge (or the test start), or at the moment the
 * load stopped (`after stop`); the assertion passes when any sample inside the window meets it.
 */
import { ScaleAssertionSyntaxError, parseTimespan } from '@locust-ts/protocol';
import type { ScaleSample } from './sample.js';

/** The quantity an expression names → the sample column it reads. */
export const ASSERT_FIELDS = {
  replicas: 'desiredReplicas',
  desired: 'desiredReplicas',
  current: 'currentReplicas',
  ready: 'readyReplicas',
  available: 'availableReplicas',
  hpa: 'hpaDesiredReplicas',
  pending: 'pendingPods',
  cpu: 'cpuUtilization',
} as const satisfies Record<string, keyof ScaleSample>;

type Field = keyof typeof ASSERT_FIELDS;
type Op = '>=' | '<=' | '==' | '>' | '<';

export interface ScaleAssertion {
  readonly expr: string;
  readonly field: Field;
  readonly op: Op;
  readonly value: number;
  /** seconds */
  readonly within: number;
  readonly from: 'start' | 'stop';
}

export { ScaleAssertionSyntaxError };

const PATTERN = /^\s*([a-z]+)\s*(>=|<=|==|=|>|<)\s*(\d+(?:\.\d+)?)\s+within\s+(\S+)(?:\s+after\s+(stop|start))?\s*$/;

export function parseScaleAssertion(expr: string): ScaleAssertion {
  const m = PATTERN.exec(expr);
  const usage = `expected e.g. 'replicas>=3 within 90s' or 'replicas<=1 within 300s after stop'`;
  if (!m) throw new ScaleAssertionSyntaxError(`invalid --assert-scale '${expr}': ${usage}`);
  const [, name, rawOp, number, span, anchor] = m;
  if (!(name in ASSERT_FIELDS)) {
    throw new ScaleAssertionSyntaxError(`invalid --assert-scale '${expr}': unknown quantity '${name}' (one of ${Object.keys(ASSERT_FIELDS).join(', ')})`);
  }
  const within = parseTimespan(span);
  if (within === null || within <= 0) {
    throw new ScaleAssertionSyntaxError(`invalid --assert-scale '${expr}': '${span}' is not a time span (90s, 5m, 1h30m)`);
  }
  return {
    expr: expr.trim(),
    field: name as Field,
    op: (rawOp === '=' ? '==' : rawOp) as Op,
    value: Number(number),
    within,
    from: anchor === 'stop' ? 'stop' : 'start',
  };
}

function meets(op: Op, a: number, b: number): boolean {
  switch (op) {
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '==':
      return a === b;
  }
}

export interface AssertionResult {
  expr: string;
  /** null while the window is still open and the condition not yet met */
  passed: boolean | null;
  /** what was measured, in words: `3 at +42.1s`, `max 2 within 90s` */
  measured: string;
}

/**
 * Judge one assertion. `anchor` is the window's opening (epoch s) or null when it never opened
 * (e.g. the load never stopped); `now` the end of what was observed.
 */
export function judge(a: ScaleAssertion, samples: readonly ScaleSample[], anchor: number | null, now: number, final: boolean): AssertionResult {
  const column = ASSERT_FIELDS[a.field];
  if (anchor === null) {
    const why = a.from === 'stop' ? 'the load never stopped' : 'the test never started';
    return { expr: a.expr, passed: final ? false : null, measured: why };
  }
  const end = anchor + a.within;
  let best: number | null = null;
  for (const s of samples) {
    if (s.time < anchor - 1e-3) continue;
    if (s.time > end) break;
    const v = s[column];
    if (v === null) continue;
    if (meets(a.op, v, a.value)) return { expr: a.expr, passed: true, measured: `${v} at +${(s.time - anchor).toFixed(1)}s` };
    if (best === null || (a.op.startsWith('<') ? v < best : v > best)) best = v;
  }
  const closed = now >= end;
  if (!closed && !final) return { expr: a.expr, passed: null, measured: best === null ? 'not measured yet' : `so far ${best}` };
  const kind = a.op.startsWith('<') ? 'min' : a.op === '==' ? 'closest' : 'max';
  const seen = best === null ? `${a.field} never measured` : `${kind} ${best}`;
  const span = closed ? `within ${a.within}s` : `in the ${(now - anchor).toFixed(0)}s observed (run ended)`;
  return { expr: a.expr, passed: false, measured: `${seen} ${span}` };
}
