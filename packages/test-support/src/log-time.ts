/**
 * Timing figures from the processes' own records: Locust's log lines start with
 * `[YYYY-MM-DD HH:MM:SS,mmm]` (local time, which is UTC on these machines; only differences of
 * stamps from one clock are used).
 */

/** Epoch seconds of a log line's stamp. */
export function logTime(line: string): number {
  const m = /^\[(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3})\]/.exec(line);
  if (!m) throw new Error(`no [date time,ms] stamp in ${JSON.stringify(line.slice(0, 200))}`);
  return Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`) / 1000;
}

/** Epoch seconds of the first (or last) line of `text` matching `pattern`. */
export function loggedAt(text: string, pattern: RegExp, which: 'first' | 'last' = 'first'): number {
  const lines = text.split('\n').filter((l) => pattern.test(l));
  const line = which === 'first' ? lines[0] : lines.at(-1);
  if (line === undefined) throw new Error(`no log line matching ${pattern} in:\n${text.slice(-3000)}`);
  return logTime(line);
}
