import { ShapeSpecError } from '@locust-ts/protocol';
/**
 * The value syntax of `--shape` specs: durations with units (`30s`, `1m30s`, `500ms`, `2.5`
 * = seconds) and levels (a whole user count, or a rate for `unit=rps`). Each parser throws
 * {@link ShapeSpecError} naming the `key=value` it could not read.
 */

/** A `--shape` spec that cannot be used; the message names the bad part. */
export { ShapeSpecError };

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, ms: 0.001 };
/** `1h`, `1m30s`, `2.5s`, `500ms`: one or more number+unit parts (`ms` before `m`). */
const DURATION_PART = /(\d+(?:\.\d+)?|\.\d+)(ms|h|m|s)/g;
const DURATION = /^(?:(?:\d+(?:\.\d+)?|\.\d+)(?:ms|h|m|s))+$/;
const PLAIN_NUMBER = /^(?:\d+(?:\.\d+)?|\.\d+)$/;

export const DURATION_EXAMPLES = '30s, 1m30s, 500ms, 2.5 (seconds)';

/** Seconds in `text` (`30s`, `1m30s`, `500ms`, `2.5`), or null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (PLAIN_NUMBER.test(t)) return Number(t);
  if (!DURATION.test(t)) return null;
  let seconds = 0;
  for (const [, n, unit] of t.matchAll(DURATION_PART)) seconds += Number(n) * SECONDS_PER_UNIT[unit!]!;
  return seconds;
}

/** A duration value of `key`; `positive` refuses 0. */
export function durationValue(key: string, text: string, positive: boolean): number {
  const seconds = parseDuration(text);
  if (seconds === null) throw new ShapeSpecError(`${key}=${text} is not a duration (examples: ${DURATION_EXAMPLES})`);
  if (positive && seconds <= 0) throw new ShapeSpecError(`${key}=${text} must be longer than 0`);
  return seconds;
}

/** A level: users (whole, >= 0) or, for `unit=rps`, iterations per second (>= 0). */
export function levelValue(key: string, text: string, unit: 'users' | 'rps'): number {
  const t = text.trim();
  if (!PLAIN_NUMBER.test(t)) {
    throw new ShapeSpecError(`${key}=${text} is not ${unit === 'users' ? 'a user count' : 'a rate (iterations/s)'}`);
  }
  const value = Number(t);
  if (unit === 'users' && !Number.isInteger(value)) throw new ShapeSpecError(`${key}=${text} must be a whole number of users`);
  return value;
}

/** A count of repetitions or users per step: a whole number >= 1. */
export function countValue(key: string, text: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < 1) throw new ShapeSpecError(`${key}=${text} must be a whole number >= 1`);
  return Number(t);
}

/** A spawn rate: users per second, > 0. */
export function rateValue(key: string, text: string): number {
  const t = text.trim();
  if (!PLAIN_NUMBER.test(t) || Number(t) <= 0) throw new ShapeSpecError(`${key}=${text} must be a spawn rate > 0 (users/s)`);
  return Number(t);
}
