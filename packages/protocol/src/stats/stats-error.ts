/** Error rows keyed as Python workers key them, so they merge on any master (spec §5.1). */
import { createHash } from 'node:crypto';
import type { StatsErrorData } from '../messages.js';

/**
 * Characters Python's `str.isprintable()` rejects (and `repr` therefore escapes): control, format,
 * surrogate, private-use, unassigned, and separators other than the ASCII space. Node's Unicode
 * tables may be a version newer than Python's; that only matters for characters assigned since.
 */
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/** Text whose only escapes are the backslash and the quote (space to tilde). */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function pyEscape(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/**
 * Python `repr()` of a str: single quotes unless the text has ' and no ", escapes for
 * backslash, the chosen quote, \n \r \t and every non-printable character (\xhh, \uhhhh, \Uhhhhhhhh).
 */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  // Hot for failing requests (every error row key): printable ASCII needs no per-character look.
  if (PRINTABLE_ASCII.test(s)) return quote + s.replaceAll('\\', '\\\\').replaceAll(quote, `\\${quote}`) + quote;
  let out = quote;
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += pyEscape(ch.codePointAt(0) ?? 0);
    else out += ch;
  }
  return out + quote;
}

/**
 * Keys remembered, method → name → error text: a failing target repeats a few errors on every
 * request, and the hash is most of what counting a failure costs. Forgotten all at once when full.
 */
const ERROR_KEY_CACHE_SIZE = 1024;
const errorKeyCache = new Map<string, Map<string, Map<string, string>>>();
let errorKeysCached = 0;

/** `sha256_hex(method + "." + name + "." + repr(error))` — Locust's `StatsError.create_key`. */
export function statsErrorKey(method: string, name: string, error: string): string {
  const cached = errorKeyCache.get(method)?.get(name)?.get(error);
  if (cached !== undefined) return cached;
  const key = createHash('sha256').update(`${method}.${name}.${pyRepr(error)}`, 'utf8').digest('hex');
  if (errorKeysCached >= ERROR_KEY_CACHE_SIZE) {
    errorKeyCache.clear();
    errorKeysCached = 0;
  }
  let byName = errorKeyCache.get(method);
  if (!byName) errorKeyCache.set(method, (byName = new Map()));
  let byError = byName.get(name);
  if (!byError) byName.set(name, (byError = new Map()));
  byError.set(error, key);
  errorKeysCached++;
  return key;
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
