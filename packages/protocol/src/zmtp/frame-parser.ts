/**
 * Reads a ZMTP 3.x byte stream (rfc 23/ZMTP §"Framing"): the peer's 64-byte greeting, then frames
 * of a flags byte (bit 0 MORE, bit 1 LONG, bit 2 COMMAND), a 1-byte or 8-byte big-endian size
 * and the body. Bytes arrive in chunks cut anywhere; a frame that lies inside one chunk is handed
 * on as a view of it (no copy), one cut across chunks is joined once when it is complete. Any
 * violation throws {@link ZmtpProtocolError}; the caller closes that connection.
 */
import { ZmtpProtocolError } from '../errors.js';
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE } from './commands.js';
import { GREETING_SIZE, greetingProblem } from './greeting.js';

export interface FrameSink {
  /** The peer's greeting is complete and acceptable. */
  greeting(): void;
  command(body: Buffer): void;
  /** A message frame; `more`: further frames of the same message follow. */
  frame(body: Buffer, more: boolean): void;
}

const SHORT_HEADER = 2;
const LONG_HEADER = 9;

export class FrameParser {
  private readonly greetingBytes = Buffer.alloc(GREETING_SIZE);
  private greetingFilled = 0;
  /** A header cut across chunks, gathered here. */
  private readonly header = Buffer.alloc(LONG_HEADER);
  private headerFilled = 0;
  /** The frame being read: flags and body size, and its body pieces when cut across chunks. */
  private flags = 0;
  private size = 0;
  private inBody = false;
  private pieces: Buffer[] = [];
  private piecesLength = 0;
  /** Bytes of the current message's earlier frames (MORE set), for the size cap. */
  private messageSize = 0;
  private stopped = false;

  constructor(
    private readonly sink: FrameSink,
    /** A message larger than this (all its frames) is refused: the connection is closed. */
    private readonly maxMessageSize: number,
  ) {}

  /** Deliver nothing more, even from the rest of the current chunk (the connection is gone). */
  stop(): void {
    this.stopped = true;
    this.pieces = [];
  }

  feed(chunk: Buffer): void {
    let at = 0;
    if (this.greetingFilled < GREETING_SIZE) {
      at = Math.min(GREETING_SIZE - this.greetingFilled, chunk.length);
      chunk.copy(this.greetingBytes, this.greetingFilled, 0, at);
      this.greetingFilled += at;
      const problem = greetingProblem(this.greetingBytes, this.greetingFilled);
      if (problem) throw new ZmtpProtocolError(problem);
      if (this.greetingFilled < GREETING_SIZE) return;
      this.sink.greeting();
    }
    const end = chunk.length;
    while (at < end && !this.stopped) {
      if (this.inBody) {
        const take = Math.min(this.size - this.piecesLength, end - at);
        this.pieces.push(chunk.subarray(at, at + take));
        this.piecesLength += take;
        at += take;
        if (this.piecesLength < this.size) return;
        const body = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces, this.size);
        this.pieces = [];
        this.piecesLength = 0;
        this.inBody = false;
        this.deliver(body);
        continue;
      }
      // The usual case: a whole header inside this chunk, read in place.
      if (this.headerFilled === 0 && at + SHORT_HEADER <= end && ((chunk[at] as number) & FLAG_LONG) === 0) {
        this.startFrame(chunk[at] as number, chunk[at + 1] as number);
        at += SHORT_HEADER;
      } else if (this.headerFilled === 0 && at + LONG_HEADER <= end) {
        this.startFrame(chunk[at] as number, this.longSize(chunk, at + 1));
        at += LONG_HEADER;
      } else {
        // A header cut across chunks: gather byte by byte (at most 9).
        this.header[this.headerFilled++] = chunk[at++] as number;
        const flags = this.header[0] as number;
        const needed = (flags & FLAG_LONG) === 0 ? SHORT_HEADER : LONG_HEADER;
        if (this.headerFilled < needed) continue;
        this.headerFilled = 0;
        this.startFrame(flags, needed === SHORT_HEADER ? (this.header[1] as number) : this.longSize(this.header, 1));
      }
      if (end - at >= this.size) {
        const body = chunk.subarray(at, at + this.size);
        at += this.size;
        this.deliver(body);
      } else {
        this.inBody = true;
      }
    }
  }

  private longSize(bytes: Buffer, offset: number): number {
    // Sizes of 4 GiB or more fail the cap anyway; reading two halves avoids a BigInt per frame.
    if (bytes.readUInt32BE(offset) !== 0) throw new ZmtpProtocolError(`frame of ${bytes.readBigUInt64BE(offset)} bytes is over the ${this.maxMessageSize}-byte limit`);
    return bytes.readUInt32BE(offset + 4);
  }

  private startFrame(flags: number, size: number): void {
    if ((flags & FLAG_COMMAND) !== 0 && (flags & FLAG_MORE) !== 0) throw new ZmtpProtocolError('command frame with MORE set');
    const total = (flags & FLAG_COMMAND) !== 0 ? size : this.messageSize + size;
    if (total > this.maxMessageSize) throw new ZmtpProtocolError(`message of ${total} bytes is over the ${this.maxMessageSize}-byte limit`);
    this.flags = flags;
    this.size = size;
  }

  private deliver(body: Buffer): void {
    const flags = this.flags;
    if ((flags & FLAG_COMMAND) !== 0) {
      this.sink.command(body);
      return;
    }
    const more = (flags & FLAG_MORE) !== 0;
    this.messageSize = more ? this.messageSize + body.length : 0;
    this.sink.frame(body, more);
  }
}
