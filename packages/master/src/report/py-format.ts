/**
 * Python's number and string formatting where Locust's console tables and CSV files depend on
 * it, so the output matches Locust's character for character.
 */

/** Python `'%.Nf' % x`: the exact binary value rounded, ties to even (JS `toFixed` rounds ties up). */
export function pyFixed(x: number, digits: number): string {
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 30));
  const dot = exact.indexOf('.');
  // toFixed already picks the nearest; only an exact tie (…5000…) needs Python's even choice
  if (!/^50*$/.test(exact.slice(dot + 1 + digits))) return x.toFixed(digits);
  const kept = exact.slice(0, digits > 0 ? dot + 1 + digits : dot);
  if (Number(kept[kept.length - 1]) % 2 === 0) return (x < 0 ? '-' : '') + kept;
  return x.toFixed(digits);
}

/** Python `'%Nd' % x` for an int or float (floats are truncated toward zero). */
export function pyInt(x: number, width = 0): string {
  return String(Math.trunc(x)).padStart(width);
}

/** Python `'%-Ns' % s`. */
export function left(s: string, width: number): string {
  return s.padEnd(width);
}

/** Python `'%Ns' % s`. */
export function right(s: string, width: number): string {
  return s.padStart(width);
}

/** Python `repr(float)`: `12.0`, `0.1`, `1e-05`, `1.5e+16`. */
export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exp] = x.toExponential().split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exp.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** A value Python may hold as int or float (response times): integral values print as ints. */
export function pyNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : pyFloat(x);
}

/** Locust's `get_readable_percentiles`: 0.5 → `50%`, 0.999 → `99.9%`. */
export function readablePercentile(p: number): string {
  const pct = p * 100;
  if (Number.isInteger(pct)) return `${pct}%`;
  return `${pyNumber(Math.round(pct * 1e6) / 1e6)}%`;
}

/** `2026-11-25T16:48:49Z` — Locust's `format_utc_timestamp` (whole seconds, UTC). */
export function formatUtcTimestamp(epochSeconds: number): string {
  return new Date(Math.trunc(epochSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
