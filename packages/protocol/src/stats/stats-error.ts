/** Error rows keyed as Python workers key them, so they merge on any master (spec §5.1). */
import { createHash } from 'node:crypto';
import type { StatsErrorData } from '../messages.js';

/**
 * Python `repr()` of a str: single quotes unless the text has ' and no ", escapes for
 * backslash, the chosen quote, \n \r \t and other non-printables.
 */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && cp < 0xa0) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** `sha256_hex(method + "." + name + "." + repr(error))` — Locust's `StatsError.create_key`. */
export function statsErrorKey(method: string, name: string, error: string): string {
  return createHash('sha256').update(`${method}.${name}.${pyRepr(error)}`, 'utf8').digest('hex');
}

/** One error row: what failed, how often, and (newest Locust) when first and last. */
export class StatsError {
  occurrences = 0;
  firstSeen: number | null = null;
  lastSeen: number | null = null;

  constructor(
    readonly method: string,
    readonly name: string,
    /** The error text as Locust shows it, e.g. `HTTPError('404 Client Error: …')`. */
    readonly error: string,
  ) {}

  occurred(now: number): void {
    this.occurrences++;
    if (this.firstSeen === null) this.firstSeen = now;
    this.lastSeen = now;
  }

  /** Merge a row received from a worker. */
  extend(data: StatsErrorData): void {
    this.occurrences += data.occurrences;
    if (data.first_seen !== undefined) this.firstSeen = this.firstSeen === null ? data.first_seen : Math.min(this.firstSeen, data.first_seen);
    if (data.last_seen !== undefined) this.lastSeen = this.lastSeen === null ? data.last_seen : Math.max(this.lastSeen, data.last_seen);
  }

  serialize(): StatsErrorData {
    const out: StatsErrorData = { name: this.name, method: this.method, error: this.error, occurrences: this.occurrences };
    if (this.firstSeen !== null) out.first_seen = this.firstSeen;
    if (this.lastSeen !== null) out.last_seen = this.lastSeen;
    return out;
  }
}
