/** Small formatting helpers shared by the JSON, CSV and HTML outputs (Locust's `util/date.py`). */

// one implementation for the CSV files and the web outputs
export { formatUtcTimestamp } from '../report/py-format.js';

/** `2026-11-25-16h48` in local time — Locust's `format_safe_timestamp`, used in download names. */
export function formatSafeTimestamp(epochSeconds: number): string {
  const d = new Date(Math.trunc(epochSeconds) * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}h${pad(d.getMinutes())}`;
}

/** "1 minute and 5 seconds" — Locust's `format_duration`. */
export function formatDuration(startSeconds: number, endSeconds: number): string {
  let seconds = Math.trunc(endSeconds) - Math.trunc(startSeconds);
  const units: [number, string][] = [];
  units.push([Math.floor(seconds / 86400), 'day']);
  seconds %= 86400;
  units.push([Math.floor(seconds / 3600), 'hour']);
  seconds %= 3600;
  units.push([Math.floor(seconds / 60), 'minute'], [seconds % 60, 'second']);
  const parts = units.filter(([v]) => v > 0).map(([v, label]) => `${v} ${label}${v === 1 ? '' : 's'}`);
  if (parts.length === 0) return '0 seconds';
  if (parts.length === 1) return parts[0];
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
