/**
 * A reader of msgpack bytes for the master's fast paths (heartbeat.ts, stats.ts): it reads the few
 * types Locust's hot messages hold, in place, and throws {@link NOT_SURE} at anything else — another
 * type, a float32, a cut value. The fast paths catch it and leave the payload to the general decoder
 * (codec.ts), which decides what it is; so a fast path never gives a result the general one would not.
 */

/** Thrown (not an Error: no stack is taken) when the bytes are not what a fast path reads. */
export const NOT_SURE = Symbol('not sure');

export class Cursor {
  at = 0;
  buf: Buffer = Buffer.alloc(0);

  reset(buf: Buffer, at: number): void {
    this.buf = buf;
    this.at = at;
  }

  get done(): boolean {
    return this.at === this.buf.length;
  }

  private need(n: number): void {
    if (this.at + n > this.buf.length) throw NOT_SURE;
  }

  /** A map header (fixmap, map16): its entry count. */
  mapHeader(): number {
    this.need(1);
    const b = this.buf[this.at] as number;
    if (b >= 0x80 && b <= 0x8f) {
      this.at += 1;
      return b - 0x80;
    }
    if (b !== 0xde) throw NOT_SURE;
    this.need(3);
    const n = this.buf.readUInt16BE(this.at + 1);
    this.at += 3;
    return n;
  }

  /** An array header (fixarray, array16): its length. */
  arrayHeader(): number {
    this.need(1);
    const b = this.buf[this.at] as number;
    if (b >= 0x90 && b <= 0x9f) {
      this.at += 1;
      return b - 0x90;
    }
    if (b !== 0xdc) throw NOT_SURE;
    this.need(3);
    const n = this.buf.readUInt16BE(this.at + 1);
    this.at += 3;
    return n;
  }

  /** True (and the nil consumed) when the next value is nil. */
  nil(): boolean {
    if (this.buf[this.at] !== 0xc0) return false;
    this.at += 1;
    return true;
  }

  /** A str header (fixstr, str8, str16): the start of its bytes; `at` moves past them. */
  strStart(): number {
    this.need(1);
    const buf = this.buf;
    const b = buf[this.at] as number;
    let start: number;
    let length: number;
    if (b >= 0xa0 && b <= 0xbf) {
      start = this.at + 1;
      length = b - 0xa0;
    } else if (b === 0xd9) {
      this.need(2);
      start = this.at + 2;
      length = buf[this.at + 1] as number;
    } else if (b === 0xda) {
      this.need(3);
      start = this.at + 3;
      length = buf.readUInt16BE(this.at + 1);
    } else {
      throw NOT_SURE;
    }
    if (start + length > buf.length) throw NOT_SURE;
    this.at = start + length;
    return start;
  }

  /** A str as a JS string (UTF-8, as the general decoder reads it). */
  str(): string {
    const start = this.strStart();
    return this.buf.toString('utf8', start, this.at);
  }

  /** Which of `words` the next str is (its index); NOT_SURE for any other. */
  oneOf(words: readonly Buffer[]): number {
    const w = this.wordAt(this.strStart(), words);
    if (w < 0) throw NOT_SURE;
    return w;
  }

  /** Which of `words` the str just read (its bytes from `start` to `at`) is; -1 for none. */
  wordAt(start: number, words: readonly Buffer[]): number {
    const length = this.at - start;
    const buf = this.buf;
    for (let w = 0; w < words.length; w++) {
      const word = words[w] as Buffer;
      if (word.length !== length) continue;
      let i = 0;
      while (i < length && buf[start + i] === word[i]) i++;
      if (i === length) return w;
    }
    return -1;
  }

  /** A number (any msgpack int, a float64), or null for nil; NOT_SURE for anything else. */
  numberOrNil(): number | null {
    this.need(1);
    const buf = this.buf;
    const at = this.at;
    const b = buf[at] as number;
    if (b <= 0x7f) {
      this.at = at + 1;
      return b;
    }
    if (b >= 0xe0) {
      this.at = at + 1;
      return b - 0x100;
    }
    switch (b) {
      case 0xc0:
        this.at = at + 1;
        return null;
      case 0xcb:
        this.need(9);
        this.at = at + 9;
        return buf.readDoubleBE(at + 1);
      case 0xcc:
        this.need(2);
        this.at = at + 2;
        return buf[at + 1] as number;
      case 0xcd:
        this.need(3);
        this.at = at + 3;
        return buf.readUInt16BE(at + 1);
      case 0xce:
        this.need(5);
        this.at = at + 5;
        return buf.readUInt32BE(at + 1);
      case 0xcf:
        this.need(9);
        this.at = at + 9;
        // one rounding of the exact value, as the general decoder's int64-as-number does
        return buf.readUInt32BE(at + 1) * 2 ** 32 + buf.readUInt32BE(at + 5);
      case 0xd0:
        this.need(2);
        this.at = at + 2;
        return buf.readInt8(at + 1);
      case 0xd1:
        this.need(3);
        this.at = at + 3;
        return buf.readInt16BE(at + 1);
      case 0xd2:
        this.need(5);
        this.at = at + 5;
        return buf.readInt32BE(at + 1);
      case 0xd3:
        this.need(9);
        this.at = at + 9;
        return buf.readInt32BE(at + 1) * 2 ** 32 + buf.readUInt32BE(at + 5);
      default:
        throw NOT_SURE;
    }
  }

  /** A number; nil or anything else is NOT_SURE. */
  number(): number {
    const v = this.numberOrNil();
    if (v === null) throw NOT_SURE;
    return v;
  }

  /**
   * The envelope's end: the node_id, used only when it is `identity` byte for byte (an ASCII
   * routing id, as Locust's are), and nothing after it. Returns `identity` itself: the master's
   * maps already hold its hash.
   */
  nodeIdIs(identity: string): string {
    const start = this.strStart();
    if (this.at !== this.buf.length || this.at - start !== identity.length) throw NOT_SURE;
    const buf = this.buf;
    for (let i = 0; i < identity.length; i++) {
      const c = identity.charCodeAt(i);
      if (c >= 0x80 || buf[start + i] !== c) throw NOT_SURE;
    }
    return identity;
  }
}
