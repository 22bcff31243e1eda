/**
 * ZMTP command frames (rfc 23/ZMTP §"Commands", 37/ZMTP §"Connection heartbeat"): a command body
 * is a 1-byte name length, the name, then command data. READY's data is a list of properties
 * (1-byte name length, name, 4-byte big-endian value length, value); PING's is a 2-byte TTL and
 * up to 16 bytes of context, which PONG echoes.
 */
import { ZmtpProtocolError } from '../errors.js';

export const FLAG_MORE = 0x01;
export const FLAG_LONG = 0x02;
export const FLAG_COMMAND = 0x04;

/** Frames up to this size carry a 1-byte size, larger ones an 8-byte size. */
export const SHORT_FRAME_MAX = 0xff;

/** The header size of a frame whose body is `length` bytes: a 1-byte size up to 255, else 8 bytes. */
export function frameHeaderLength(length: number): number {
  return length > SHORT_FRAME_MAX ? 9 : 2;
}

/** Write a frame's header (`flags`, LONG added when needed) at the start of `frame`; `headerLength` from {@link frameHeaderLength}. */
export function writeFrameHeader(frame: Buffer, flags: number, length: number, headerLength: number): void {
  if (headerLength === 2) {
    frame[0] = flags;
    frame[1] = length;
  } else {
    frame[0] = flags | FLAG_LONG;
    // two halves: no BigInt per frame (sizes stay far below 2^53)
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 1);
    frame.writeUInt32BE(length >>> 0, 5);
  }
}

export interface Command {
  name: string;
  data: Buffer;
}

export function parseCommand(body: Buffer): Command {
  const nameLength = body[0];
  if (nameLength === undefined || 1 + nameLength > body.length) throw new ZmtpProtocolError('malformed command frame');
  return { name: body.toString('latin1', 1, 1 + nameLength), data: body.subarray(1 + nameLength) };
}

/** READY's properties; names are case-insensitive (rfc 23), so they are kept lower-cased. */
export function parseProperties(data: Buffer): Map<string, Buffer> {
  const properties = new Map<string, Buffer>();
  let at = 0;
  while (at < data.length) {
    const nameLength = data[at] ?? 0;
    if (at + 1 + nameLength + 4 > data.length) throw new ZmtpProtocolError('malformed READY property');
    const name = data.toString('latin1', at + 1, at + 1 + nameLength).toLowerCase();
    at += 1 + nameLength;
    const valueLength = data.readUInt32BE(at);
    at += 4;
    if (at + valueLength > data.length) throw new ZmtpProtocolError(`READY property '${name}' runs past the frame`);
    properties.set(name, data.subarray(at, at + valueLength));
    at += valueLength;
  }
  return properties;
}

/** A whole command frame (header + body), ready to write. */
export function encodeCommand(name: string, data: Buffer): Buffer {
  const bodyLength = 1 + name.length + data.length;
  const headerLength = frameHeaderLength(bodyLength);
  const frame = Buffer.alloc(headerLength + bodyLength);
  writeFrameHeader(frame, FLAG_COMMAND, bodyLength, headerLength);
  frame[headerLength] = name.length;
  frame.write(name, headerLength + 1, 'latin1');
  data.copy(frame, headerLength + 1 + name.length);
  return frame;
}

export function encodeProperties(properties: ReadonlyArray<readonly [string, string]>): Buffer {
  return Buffer.concat(
    properties.map(([name, value]) => {
      const v = Buffer.from(value, 'utf8');
      const p = Buffer.alloc(1 + name.length + 4 + v.length);
      p[0] = name.length;
      p.write(name, 1, 'latin1');
      p.writeUInt32BE(v.length, 1 + name.length);
      v.copy(p, 1 + name.length + 4);
      return p;
    }),
  );
}

/** The ROUTER's READY, as libzmq sends it: its socket type and an empty identity. */
export const ROUTER_READY: Buffer = encodeCommand('READY', encodeProperties([['Socket-Type', 'ROUTER'], ['Identity', '']]));

/** Socket types a ROUTER may talk to (rfc 28/REQREP). */
export const ROUTER_PEERS: ReadonlySet<string> = new Set(['DEALER', 'REQ', 'ROUTER']);

/** PONG for a PING's data: the context (after the 2-byte TTL) comes back unchanged. */
export function pongFor(pingData: Buffer): Buffer {
  return encodeCommand('PONG', pingData.subarray(Math.min(2, pingData.length)));
}
