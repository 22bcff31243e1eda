/** Locust's `parse_timespan`: `20`, `20s`, `3m`, `2h`, `1h20m`, `3h30m10s` → seconds. */

export const TIMESPAN_ERROR = 'Valid run_time formats are : 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.';

const TIMESPAN = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds, or null when the text is not a time span. */
export function parseTimespan(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  const m = TIMESPAN.exec(text);
  if (!text || !m || (!m[1] && !m[2] && !m[3])) return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
