/** Codec details: datetimes, header sizes as msgpack-python writes them, nil, strict envelope checks. */
import { describe, expect, it } from 'vitest';
import {
  FrameDecodeError,
  LocustDatetime,
  MessageValidationError,
  decodeMessage,
  encodeMessage,
  formatLocustDatetime,
  isCustom,
  parseMasterMessage,
  parseWorkerMessage,
} from './index.js';
import { Packr } from 'msgpackr';
import { findCapturedFrame } from '@locust-ts/test-support/captures';

/** A plain msgpackr to build frames the codec itself would never write. */
const raw = new Packr({ useRecords: false, variableMapSize: true });

/** The payload bytes between the type and the node id of an encoded envelope. */
function dataBytes(type: string, data: unknown, nodeId = 'n'): string {
  const hex = encodeMessage(type, data, nodeId).toString('hex');
  const prefix = `93${(0xa0 + type.length).toString(16)}${Buffer.from(type).toString('hex')}`;
  const suffix = `a16e`;
  expect(hex.startsWith(prefix) && hex.endsWith(suffix)).toBe(true);
  return hex.slice(prefix.length, hex.length - suffix.length);
}

describe('datetimes (HEAD msgpack hook, spec §2.2)', () => {
  it('a Date is sent as {"__datetime__": true, "as_str": "%Y%m%dT%H:%M:%S.%f"}', () => {
    const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    const env = decodeMessage(encodeMessage('x', { when }, 'n'));
    expect(env.data).toEqual({ when });
    const plain = raw.unpack(encodeMessage('x', { when }, 'n')) as unknown[];
    expect(plain[1]).toEqual({ when: { __datetime__: true, as_str: '20240102T03:04:05.678000' } });
  });

  it('a received datetime keeps its microseconds when echoed back', () => {
    const frame = findCapturedFrame('head-headless.jsonl', 'master->worker', 'capture_hello');
    const env = decodeMessage(frame.payload);
    const when = (env.data as { when: Date }).when;
    expect(when).toBeInstanceOf(Date);
    expect(when).toBeInstanceOf(LocustDatetime);
    expect(when.toISOString()).toBe('2024-01-02T03:04:05.678Z');
    expect((when as LocustDatetime).microsecond).toBe(678_901);
    expect(formatLocustDatetime(when)).toBe('20240102T03:04:05.678901');
    expect(encodeMessage(env.type, env.data, env.nodeId).equals(frame.payload)).toBe(true);
  });

  it('a changed LocustDatetime is formatted from its new milliseconds', () => {
    const d = new LocustDatetime(Date.UTC(2024, 0, 2, 3, 4, 5, 678), 678_901);
    d.setUTCMilliseconds(5);
    expect(formatLocustDatetime(d)).toBe('20240102T03:04:05.005000');
  });

  it('a datetime map without fraction or with a bad date stays usable', () => {
    const noFraction = decodeMessage(raw.pack(['x', { __datetime__: true, as_str: '20240102T03:04:05' }, 'n']));
    expect(noFraction.data).toEqual(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)));
    const bad = decodeMessage(raw.pack(['x', { __datetime__: true, as_str: 'yesterday' }, 'n']));
    expect(bad.data).toEqual({ __datetime__: true, as_str: 'yesterday' });
  });
});

describe('encoding as msgpack-python writes it (spec §2.2)', () => {
  it("HEAD's captured ack is reproduced byte for byte", () => {
    const frame = findCapturedFrame('head-headless.jsonl', 'master->worker', 'ack');
    const env = decodeMessage(frame.payload);
    expect(env.data).toEqual({ index: 0 });
    expect(encodeMessage('ack', { index: 0 }, frame.identity).equals(frame.payload)).toBe(true);
  });

  it('captured heartbeats are reproduced byte for byte when their floats are not integral', () => {
    // HEAD's real heartbeat carries cpu 0.0, which JS can only send as int 0 (spec §10.4).
    const head = findCapturedFrame('head-headless.jsonl', 'worker->master', 'heartbeat');
    const headData = decodeMessage(head.payload).data;
    expect(headData).toEqual({ state: 'ready', current_cpu_usage: 0, current_memory_usage: 0 });
    const reencoded = encodeMessage('heartbeat', headData, head.identity);
    expect(reencoded.length).toBe(head.payload.length - 8);
    expect(decodeMessage(reencoded)).toEqual(decodeMessage(head.payload));
    // The probe's heartbeat (cpu 1.5, memory 1234) is identical.
    const probe = findCapturedFrame('head-probe.jsonl', 'worker->master', 'heartbeat');
    const env = decodeMessage(probe.payload);
    expect(env.data).toEqual({ state: 'ready', current_cpu_usage: 1.5, current_memory_usage: 1234 });
    expect(encodeMessage('heartbeat', env.data, probe.identity).equals(probe.payload)).toBe(true);
  });

  it('map and array headers are the smallest: fixmap, map16, map32', () => {
    const mapOf = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(dataBytes('x', mapOf(0))).toBe('80');
    expect(dataBytes('x', mapOf(15)).slice(0, 2)).toBe('8f');
    expect(dataBytes('x', mapOf(16)).slice(0, 6)).toBe('de0010');
    expect(dataBytes('x', mapOf(65_536)).slice(0, 10)).toBe('df00010000');
    expect(dataBytes('x', new Map(Array.from({ length: 16 }, (_, i) => [i, i]))).slice(0, 6)).toBe('de0010');
    expect(dataBytes('x', Array.from({ length: 15 }, () => 0)).slice(0, 2)).toBe('9f');
    expect(dataBytes('x', Array.from({ length: 16 }, () => 0)).slice(0, 6)).toBe('dc0010');
  });

  it('integer map keys are msgpack ints (the reason for msgpackr, spec §10.1)', () => {
    expect(dataBytes('x', new Map([[10, 1], [130, 2]]))).toBe('820a01cc8202');
    expect(dataBytes('x', new Map([[1_795_625_303, 4]]))).toBe('81ce6b07115704');
  });

  it('ints use the smallest encoding, wide ints stay ints, non-integral numbers are float64', () => {
    expect(dataBytes('x', 0)).toBe('00');
    expect(dataBytes('x', -1)).toBe('ff');
    expect(dataBytes('x', -33)).toBe('d0df');
    expect(dataBytes('x', 255)).toBe('ccff');
    expect(dataBytes('x', 65_536)).toBe('ce00010000');
    expect(dataBytes('x', 5_000_000_000)).toBe('d3000000012a05f200');
    expect(dataBytes('x', -5_000_000_000)).toBe('d3fffffffed5fa0e00');
    expect(dataBytes('x', 1.5)).toBe('cb3ff8000000000000');
    expect(decodeMessage(encodeMessage('x', { m: 5_000_000_000 }, 'n')).data).toEqual({ m: 5_000_000_000 });
  });

  it('strings are msgpack str (fixstr, str8, str16), never bin', () => {
    expect(dataBytes('x', 'a'.repeat(31)).slice(0, 2)).toBe('bf');
    expect(dataBytes('x', 'a'.repeat(32)).slice(0, 4)).toBe('d920');
    expect(dataBytes('x', 'é'.repeat(20)).slice(0, 4)).toBe('d928');
    expect(dataBytes('x', 'a'.repeat(256)).slice(0, 6)).toBe('da0100');
  });

  it('undefined and null are nil', () => {
    expect(dataBytes('x', undefined)).toBe('c0');
    expect(dataBytes('x', null)).toBe('c0');
    expect(dataBytes('x', { a: undefined })).toBe('81a161c0');
    expect(dataBytes('x', [undefined])).toBe('91c0');
  });

  it('never emits msgpackr records or ext types', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ name: `/p${i}`, method: 'GET', n: i }));
    const bytes = encodeMessage('x', rows, 'n');
    expect(bytes.includes(0xd4) || bytes.includes(0xc7)).toBe(false);
    expect(decodeMessage(bytes).data).toEqual(rows);
  });
});

describe('decoding (spec §2.3)', () => {
  it('int and float keys decode to one numeric Map key space', () => {
    const payload = raw.pack(['x', new Map<number, number>([[130, 1], [150.5, 2]]), 'n']);
    // 130.0 from a 2.12.1 worker is float64 on the wire; build that byte for byte.
    const floatKey = Buffer.from('93a178' + '82' + 'cb4060400000000000' + '01' + 'cb4062d00000000000' + '02' + 'a16e', 'hex');
    expect(decodeMessage(floatKey).data).toEqual(new Map([[130, 1], [150.5, 2]]));
    expect(decodeMessage(payload).data).toEqual(new Map([[130, 1], [150.5, 2]]));
  });

  it('a "__proto__" key is kept as data', () => {
    const env = decodeMessage(Buffer.from('93a178' + '82a95f5f70726f746f5f5f81a17801a17902' + 'a16e', 'hex'));
    const data = env.data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['__proto__', 'y']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(decodeMessage(encodeMessage('x', data, 'n')).data).toEqual(data);
  });

  it.each([
    ['random bytes', Buffer.from('c1c1c1', 'hex')],
    ['empty payload', Buffer.alloc(0)],
    ['trailing byte after a valid envelope', Buffer.concat([encodeMessage('heartbeat', null, 'n'), Buffer.from([0])])],
    ['not an array', raw.pack({ type: 'x' })],
    ['array of 2', raw.pack(['heartbeat', null])],
    ['array of 4', raw.pack(['heartbeat', null, 'n', 1])],
    ['non-string type', raw.pack([1, null, 'n'])],
    ['non-string node_id', raw.pack(['heartbeat', null, 5])],
    ['invalid UTF-8 in the type', Buffer.from('93a2ff fe c0 a16e'.replace(/ /g, ''), 'hex')],
    ['truncated', encodeMessage('heartbeat', { state: 'ready' }, 'n').subarray(0, 10)],
  ])('%s throws FrameDecodeError', (_name, payload) => {
    expect(() => decodeMessage(payload)).toThrow(FrameDecodeError);
  });

  it('a known type with the wrong shape throws MessageValidationError; an unknown type is custom', () => {
    expect(() => parseWorkerMessage(decodeMessage(encodeMessage('heartbeat', 'nope', 'n')))).toThrow(MessageValidationError);
    expect(() => parseMasterMessage(decodeMessage(encodeMessage('spawn', { timestamp: 'x' }, 'n')))).toThrow(MessageValidationError);
    expect(() => parseWorkerMessage(decodeMessage(encodeMessage('stats', { stats: [] }, 'n')))).toThrow(MessageValidationError);
    const custom = parseWorkerMessage(decodeMessage(encodeMessage('no_such_type', { a: 1 }, 'n')));
    expect(isCustom(custom)).toBe(true);
    expect(custom).toEqual({ type: 'no_such_type', data: { a: 1 }, nodeId: 'n', custom: true });
  });
});
