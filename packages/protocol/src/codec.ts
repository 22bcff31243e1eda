/**
 * The msgpack envelope `[type, data, node_id]` (spec §2).
 *
 * msgpackr is used because it can encode integer map keys from a JS `Map` (Locust's
 * `response_times`, `num_reqs_per_sec`, `num_fail_per_sec` need them; @msgpack/msgpack
 * cannot, msgpack-javascript#187) and decodes int and float keys as numbers.
 * Options: no records/ext types (Python cannot read them), smallest map headers
 * (byte-identical to msgpack-python), `undefined` as nil, maps decoded as `Map`
 * so numeric keys survive; string-keyed maps are then turned into plain objects.
 */
import { Packr } from 'msgpackr';
import { FrameDecodeError } from './errors.js';

const packr = new Packr({
  useRecords: false,
  mapsAsObjects: false,
  variableMapSize: true,
  encodeUndefinedAsNil: true,
  moreTypes: false,
  int64AsType: 'number',
});

/**
 * The same options, but maps decode straight into plain objects (non-string keys become their
 * decimal strings). Used only by {@link decodeFlatMessage}.
 */
const flatPackr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  encodeUndefinedAsNil: true,
  moreTypes: false,
  int64AsType: 'number',
});

/** A value as it travels in msgpack: plain objects for string-keyed maps, `Map` otherwise. */
export type WireValue =
  | null
  | boolean
  | number
  | string
  | Date
  | WireValue[]
  | Map<number, WireValue>
  | { [key: string]: WireValue };

/** A decoded envelope before its `data` is checked against the message type. */
export interface Envelope {
  type: string;
  data: unknown;
  nodeId: string;
}

/** [HEAD] datetime marker used by Locust's msgpack hooks (spec §2.2). */
const DATETIME_KEY = '__datetime__';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * A datetime received from the newest Locust. Python datetimes carry microseconds, a JS Date only
 * milliseconds; keeping the full value lets a datetime be echoed back unchanged (spec §2.2).
 */
export class LocustDatetime extends Date {
  constructor(
    epochMs: number,
    /** Microseconds within the second, 0..999999, as Python's `datetime.microsecond`. */
    readonly microsecond: number,
  ) {
    super(epochMs);
  }
}

/** Microseconds within the second; from a {@link LocustDatetime} unless the Date was changed since. */
function microsecondOf(d: Date): number {
  const ms = d.getUTCMilliseconds();
  if (d instanceof LocustDatetime && Math.floor(d.microsecond / 1000) === ms) return d.microsecond;
  return ms * 1000;
}

/** Format a Date as Locust's `%Y%m%dT%H:%M:%S.%f` (UTC; Python uses naive local time). */
export function formatLocustDatetime(d: Date): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}T` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.` +
    `${pad(microsecondOf(d), 6)}`
  );
}

function parseLocustDatetime(s: string): LocustDatetime | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(s);
  if (!m) return null;
  const micros = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  const epochMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Math.floor(micros / 1000));
  return Number.isNaN(epochMs) ? null : new LocustDatetime(epochMs, micros);
}

/** msgpackr packs integral numbers beyond 32 bits as float64; Python packs ints as ints. */
const INT32_MIN = -(2 ** 31);
const UINT32_MAX = 2 ** 32 - 1;

function isWideInteger(n: number): boolean {
  return Number.isSafeInteger(n) && (n > UINT32_MAX || n < INT32_MIN);
}

/**
 * Prepare a JS value for the wire: Dates become Locust's datetime maps (HEAD hook), integers
 * wider than 32 bits become BigInt so they travel as msgpack ints (e.g. memory usage in bytes).
 * Unchanged subtrees are not copied.
 */
function toWire(value: unknown): unknown {
  if (typeof value === 'number') return isWideInteger(value) ? BigInt(value) : value;
  if (value instanceof Date) return { [DATETIME_KEY]: true, as_str: formatLocustDatetime(value) };
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = toWire(value[i]);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  if (value instanceof Map) {
    let changed = false;
    const entries: Array<[unknown, unknown]> = [];
    for (const [k, v] of value) {
      const wk = toWire(k);
      const wv = toWire(v);
      if (wk !== k || wv !== v) changed = true;
      entries.push([wk, wv]);
    }
    return changed ? new Map(entries) : value;
  }
  if (ArrayBuffer.isView(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const orig = (value as Record<string, unknown>)[key];
    const v = toWire(orig);
    if (v !== orig) setKey((out ??= { ...(value as Record<string, unknown>) }), key, v);
  }
  return out ?? value;
}

/** Set a decoded key as an own property, even `__proto__` (plain assignment would set the prototype). */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Decoded maps: string keys → plain object, any other key → Map with number keys. */
function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = fromWire(value[i]);
    return value;
  }
  if (value instanceof Map) {
    let allStrings = true;
    for (const k of value.keys()) {
      if (typeof k !== 'string') {
        allStrings = false;
        break;
      }
    }
    if (allStrings) {
      const obj: Record<string, unknown> = {};
      for (const [k, v] of value) setKey(obj, k as string, fromWire(v));
      if (obj[DATETIME_KEY] === true && typeof obj.as_str === 'string') {
        return parseLocustDatetime(obj.as_str) ?? obj;
      }
      return obj;
    }
    // number-keyed maps (response times, per-second counts) are kept as decoded: their values
    // are numbers, so converting them in place is a no-op and no second Map is built
    for (const [k, v] of value) {
      const w = fromWire(v);
      if (w !== v) value.set(k, w);
    }
    return value;
  }
  return value;
}

/** Encode one Locust message. `data` may hold `Map<number, number>` for integer-keyed maps. */
export function encodeMessage(type: string, data: unknown, nodeId: string): Buffer {
  return packr.pack([type, toWire(data), nodeId]);
}

function hasReplacementChar(s: string): boolean {
  return s.includes('\uFFFD');
}

/**
 * Decode one payload as leniently as Python Locust does (`raw=False, strict_map_key=False`),
 * and as strictly where Python fails: trailing bytes or a broken envelope throw
 * {@link FrameDecodeError} (the master answers those with `reconnect`, spec §2.3).
 */
export function decodeMessage(payload: Uint8Array): Envelope {
  return decodeWith(packr, payload, fromWire);
}

/** msgpackr renames this key when it decodes maps into objects; such payloads take the general path. */
const PROTO_KEY = Buffer.from('__proto__');

/**
 * {@link decodeMessage} for the messages every worker sends every few seconds (heartbeat, stats)
 * when the master's byte readers (fast-read/) are not sure of their shape, at a fraction of the
 * cost: maps are decoded into objects at once instead of into `Map`s that are then copied, and
 * number keys (response-time buckets, per-second counts) arrive as decimal strings, which the
 * message parser reads as numbers. Only for message types whose data holds no datetime; a payload
 * with a `__proto__` key takes the general path.
 */
export function decodeFlatMessage(payload: Uint8Array): Envelope {
  const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  if (buf.indexOf(PROTO_KEY) !== -1) return decodeMessage(buf);
  try {
    return decodeWith(flatPackr, buf, (data) => data);
  } catch {
    // e.g. a map key that is itself a map: the general path decides what that is
    return decodeMessage(buf);
  }
}

/** msgpack's fixarray-of-3 and fixstr markers: the envelope's start, read without decoding it. */
const FIXARRAY_3 = 0x93;
const FIXSTR = 0xa0;

/** Whether the envelope's type is `type`, read from the payload's first bytes (no decoding). */
export function hasMessageType(payload: Uint8Array, type: Buffer): boolean {
  const n = type.length;
  if (payload.length < n + 2 || payload[0] !== FIXARRAY_3 || payload[1] !== (FIXSTR | n)) return false;
  for (let i = 0; i < n; i++) if (payload[i + 2] !== type[i]) return false;
  return true;
}

function decodeWith(unpacker: Packr, payload: Uint8Array, convert: (data: unknown) => unknown): Envelope {
  let values: unknown[];
  try {
    values = unpacker.unpackMultiple(Buffer.isBuffer(payload) ? payload : Buffer.from(payload)) as unknown[];
  } catch (err) {
    throw new FrameDecodeError(`undecodable msgpack payload (${payload.length} bytes): ${(err as Error).message}`);
  }
  if (values.length !== 1) {
    throw new FrameDecodeError(`payload has extra data after the message (${values.length} values)`);
  }
  const msg = values[0];
  if (!Array.isArray(msg) || msg.length !== 3) {
    throw new FrameDecodeError('payload is not a [type, data, node_id] array');
  }
  const [type, data, nodeId] = msg as unknown[];
  if (typeof type !== 'string' || hasReplacementChar(type)) {
    throw new FrameDecodeError('message type is not a valid string');
  }
  if (typeof nodeId !== 'string' || hasReplacementChar(nodeId)) {
    throw new FrameDecodeError(`'${type}' message has no valid node_id`);
  }
  return { type, data: convert(data), nodeId };
}
