/**
 * Python's number semantics where Locust's results depend on them (spec §5.3, §10.11, §10.22).
 */

/** Python 3 `round(x)`: nearest integer, exact halves to even. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff === 0.5) return floor % 2 === 0 ? floor : floor + 1;
  return Math.round(x);
}

/** Python `round(x, -digits)` for digits ≥ 0 as used by Locust's bucketing. */
function roundToStep(x: number, step: number): number {
  return roundHalfEven(x / step) * step;
}

/**
 * The response-time bucket Locust stores a time under: 147 → 150, 3432 → 3400, 58760 → 59000.
 * Keys are always integers (what the newest Locust sends; 2.12.1 sent 130.0 for the same bucket).
 */
export function bucketResponseTime(ms: number): number {
  if (ms < 100) return roundHalfEven(ms);
  if (ms < 1000) return roundToStep(ms, 10);
  if (ms < 10000) return roundToStep(ms, 100);
  return roundToStep(ms, 1000);
}

/** Locust's `proper_round`: halves away from zero (used for displayed min/max). */
export function properRound(x: number): number {
  return x >= 0 ? Math.floor(x + 0.5) : -Math.floor(-x + 0.5);
}
