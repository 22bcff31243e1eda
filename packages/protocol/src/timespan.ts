/**
 * Shared by the CLI (`-t/--run-time`) and the master's web `/swarm` (`run_time`).
 * Locust's time span syntax (`locust/util/timespan.py`): a bare integer is seconds, otherwise
 * any of `Nh`, `Nm`, `Ns` in that order (`30s`, `20m`, `1h20m`, `3h30m10s`).
 * Unlike Python's `re.match` we require the whole string to match, so `10x` is an error
 * instead of silently becoming something else.
 */
const TIMESPAN = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;

export const TIMESPAN_FORMATS = '20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.';

/** Seconds in `text`, or `null` when it is not a Locust time span. */
export function parseTimespan(text: string): number | null {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const match = TIMESPAN.exec(value);
  if (!match || (!match[1] && !match[2] && !match[3])) return null;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * SECONDS_PER_HOUR + Number(minutes) * SECONDS_PER_MINUTE + Number(seconds);
}
