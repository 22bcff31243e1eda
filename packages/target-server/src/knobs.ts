/**
 * Per-request load knobs: added latency, CPU work, injected errors. Defaults come from flags/env;
 * each request may override them with query parameters (`?latency_ms=50&cpu_ms=5&error_ratio=0.1`).
 */

/** Upper bounds, so a typo in a load test cannot park the target for hours. */
export const MAX_LATENCY_MS = 60_000;
export const MAX_CPU_MS = 10_000;

export interface Knobs {
  /** Added latency before answering, ms (timer, not CPU). */
  latencyMs: number;
  /** Share of requests answered with HTTP 500, 0..1. */
  errorRatio: number;
  /** CPU time burnt per request, ms (gives an autoscaler something to react to). */
  cpuMs: number;
}

export const NO_KNOBS: Knobs = { latencyMs: 0, errorRatio: 0, cpuMs: 0 };

/** The query parameter (and flag stem) of each knob. */
export const KNOB_PARAMS = { latencyMs: 'latency_ms', errorRatio: 'error_ratio', cpuMs: 'cpu_ms' } as const satisfies Record<keyof Knobs, string>;

const LIMITS: Record<keyof Knobs, number> = { latencyMs: MAX_LATENCY_MS, errorRatio: 1, cpuMs: MAX_CPU_MS };

/** A knob value that is not a number in its range; the message names the knob. */
export class KnobError extends Error {
  override readonly name = 'KnobError';
}

/** Parse one knob value from text (flag, env or query); throws {@link KnobError} when out of range. */
export function parseKnob(knob: keyof Knobs, text: string, source: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const max = LIMITS[knob];
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new KnobError(`${source} must be a number from 0 to ${max}, got '${text}'`);
  }
  return value;
}

/** Defaults overridden by whichever knobs the query string sets. */
export function knobsFromQuery(defaults: Knobs, query: Record<string, unknown>): Knobs {
  const knobs = { ...defaults };
  for (const knob of Object.keys(KNOB_PARAMS) as Array<keyof Knobs>) {
    const param = KNOB_PARAMS[knob];
    const raw = query[param];
    if (raw === undefined) continue;
    if (typeof raw !== 'string') throw new KnobError(`query parameter ${param} must be given once`);
    knobs[knob] = parseKnob(knob, raw, `query parameter ${param}`);
  }
  return knobs;
}

/**
 * Burn `ms` of this process's CPU time (user + system), not of wall time: on a busy machine each
 * request still costs the same CPU, which is what an autoscaler measures.
 */
export function burnCpu(ms: number): void {
  const start = process.cpuUsage();
  const budgetMicros = ms * 1000;
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= budgetMicros) return;
  }
}
