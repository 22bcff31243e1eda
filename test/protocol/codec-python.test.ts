/**
 * Frames encoded by the TS codec, decoded by real Python (Debian's msgpack with Locust's options
 * `raw=False, strict_map_key=False`): the Python values and their types must be what Python
 * Locust itself would have sent — int keys stay int, str stays str, nil is None, non-integral
 * numbers are float.
 */
import { describe, expect, it } from 'vitest';
import {
  RequestStats,
  encodeMessage,
  formatLocustDatetime,
  makeClientId,
  statsErrorKey,
  type StatsReportData,
} from '@locust-ts/protocol';
import { runPythonJson } from '@locust-ts/test-support/python';

/** Python's view of a value: its type name and value, recursively (dict items keep key types). */
type PyDesc =
  | { t: 'None' }
  | { t: 'bool' | 'int' | 'float' | 'str'; v: boolean | number | string }
  | { t: 'bytes' }
  | { t: 'list'; items: PyDesc[] }
  | { t: 'dict'; items: Array<[PyDesc, PyDesc]> };

interface PyResult {
  ok: boolean;
  error?: string;
  value?: PyDesc;
  /** Python's own encoding of what it decoded (msgpack-python 1.0 defaults, as Locust packs). */
  repacked_b64?: string;
}

const DESCRIBE_FRAMES_PY = String.raw`
import base64, json, sys
import msgpack

def describe(v):
    if v is None: return {"t": "None"}
    if type(v) is bool: return {"t": "bool", "v": v}
    if type(v) is int: return {"t": "int", "v": v}
    if type(v) is float: return {"t": "float", "v": v}
    if type(v) is str: return {"t": "str", "v": v}
    if type(v) is bytes: return {"t": "bytes"}
    if type(v) is list: return {"t": "list", "items": [describe(x) for x in v]}
    if type(v) is dict: return {"t": "dict", "items": [[describe(k), describe(x)] for k, x in v.items()]}
    return {"t": type(v).__name__}

out = []
for b64 in json.load(sys.stdin):
    try:
        v = msgpack.unpackb(base64.b64decode(b64), raw=False, strict_map_key=False)
        out.append({"ok": True, "value": describe(v),
                    "repacked_b64": base64.b64encode(msgpack.packb(v, use_bin_type=True)).decode()})
    except Exception as e:
        out.append({"ok": False, "error": repr(e)})
json.dump(out, sys.stdout)
`;

/** What Python should see for a JS value sent by the TS codec. */
function expected(value: unknown): PyDesc {
  if (value === null || value === undefined) return { t: 'None' };
  if (typeof value === 'boolean') return { t: 'bool', v: value };
  if (typeof value === 'number') return { t: Number.isInteger(value) ? 'int' : 'float', v: value };
  if (typeof value === 'string') return { t: 'str', v: value };
  if (value instanceof Date) {
    return { t: 'dict', items: [[expected('__datetime__'), expected(true)], [expected('as_str'), expected(formatLocustDatetime(value))]] };
  }
  if (Array.isArray(value)) return { t: 'list', items: value.map(expected) };
  if (value instanceof Map) return { t: 'dict', items: [...value].map(([k, v]) => [expected(k), expected(v)]) };
  if (typeof value === 'object') return { t: 'dict', items: Object.entries(value).map(([k, v]) => [expected(k), expected(v)]) };
  throw new Error(`no Python equivalent for ${typeof value}`);
}

/** The keys of a Python dict description (for spot checks). */
function dictItem(desc: PyDesc | undefined, key: string): PyDesc {
  if (!desc || desc.t !== 'dict') throw new Error(`not a dict: ${JSON.stringify(desc)}`);
  const item = desc.items.find(([k]) => k.t === 'str' && k.v === key);
  if (!item) throw new Error(`no key ${key}`);
  return item[1];
}

const NODE_ID = makeClientId('tshost');
const T0 = 1_795_625_303.25;

function workerStatsReport(): StatsReportData {
  const stats = new RequestStats();
  // Exact halves and all four bucket ranges; one request without a time.
  const times = [3, 12.5, 13.5, 99.5, 145, 147.3, 1250, 3432, 58_760, 0.5];
  times.forEach((t, i) => stats.logRequest('GET', '/hello', t, 20, T0 + i * 0.4));
  stats.logRequest('GET', '/async', null, 0, T0 + 1);
  stats.logRequest('GET', '/missing', 4.2, 10, T0 + 2);
  stats.logError('GET', '/missing', "HTTPError('404 Client Error: Not Found for url: /missing')", T0 + 2);
  return stats.takeReport({ WebsiteUser: 3, ApiUser: 0 }, 3, T0 + 3);
}

interface Case {
  name: string;
  type: string;
  data: unknown;
  /** Whether msgpack-python re-packs Python's decoded value to the very same bytes. */
  sameBytes: boolean;
}

const cases: Case[] = [
  { name: 'client_ready', type: 'client_ready', data: '2.12.1', sameBytes: true },
  { name: 'client_ready -1', type: 'client_ready', data: -1, sameBytes: true },
  { name: 'heartbeat', type: 'heartbeat', data: { state: 'running', current_cpu_usage: 12.5, current_memory_usage: 123_456_789 }, sameBytes: true },
  // > 4 GiB of RSS: an int in Python, not a float (msgpackr alone would send float64).
  { name: 'heartbeat with wide int', type: 'heartbeat', data: { state: 'ready', current_cpu_usage: 0.25, current_memory_usage: 5_000_000_000 }, sameBytes: false },
  { name: 'stats', type: 'stats', data: workerStatsReport(), sameBytes: true },
  { name: 'spawning', type: 'spawning', data: null, sameBytes: true },
  { name: 'spawning_complete', type: 'spawning_complete', data: { user_classes_count: { ApiUser: 1, WebsiteUser: 3 }, user_count: 4 }, sameBytes: true },
  { name: 'exception', type: 'exception', data: { msg: 'boom ✓', traceback: 'Traceback (most recent call last):\n  File "x"\n' }, sameBytes: true },
  { name: 'logs', type: 'logs', data: { worker_id: NODE_ID, logs: ['a', 'b'.repeat(300)] }, sameBytes: true },
  { name: 'ack', type: 'ack', data: { index: 7 }, sameBytes: true },
  {
    name: 'spawn',
    type: 'spawn',
    data: { timestamp: T0, user_classes_count: { ApiUser: 0, WebsiteUser: 5 }, host: null, stop_timeout: undefined, parsed_options: { num_users: 10, spawn_rate: 2.5, tags: [], expect_workers: 2 } },
    sameBytes: true,
  },
  {
    name: 'custom with datetime and nested values',
    type: 'capture_hello',
    data: { greeting: 'hello', n: 1, ratio: 0.5, flags: [true, false, null], when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), neg: -33, big: 70_000 },
    sameBytes: true,
  },
];

describe('TS-encoded frames decoded by real Python msgpack', async () => {
  const frames = cases.map((c) => encodeMessage(c.type, c.data, NODE_ID));
  const results = await runPythonJson<PyResult[]>(DESCRIBE_FRAMES_PY, frames.map((f) => f.toString('base64')));

  it.each(cases.map((c, i) => [c.name, i] as const))('%s: Python gets the same values with Python types', (_name, i) => {
    const c = cases[i]!;
    const result = results[i]!;
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual(expected([c.type, c.data, NODE_ID]));
    if (c.sameBytes) expect(result.repacked_b64).toBe(frames[i]!.toString('base64'));
  });

  it('stats maps arrive with int keys, error rows keyed as Python keys them', () => {
    const i = cases.findIndex((c) => c.name === 'stats');
    const value = results[i]!.value;
    if (value?.t !== 'list') throw new Error('not a list');
    const data = value.items[1];
    const entries = dictItem(data, 'stats');
    if (entries.t !== 'list') throw new Error('stats not a list');
    for (const entry of [...entries.items, dictItem(data, 'stats_total')]) {
      for (const map of ['response_times', 'num_reqs_per_sec', 'num_fail_per_sec']) {
        const m = dictItem(entry, map);
        if (m.t !== 'dict') throw new Error(`${map} not a dict`);
        for (const [k, v] of m.items) {
          expect(k.t, map).toBe('int');
          expect(v.t, map).toBe('int');
        }
      }
      expect(dictItem(entry, 'min_response_time').t).not.toBe('str');
    }
    const rt = dictItem(dictItem(data, 'stats_total'), 'response_times');
    if (rt.t !== 'dict') throw new Error('response_times not a dict');
    // Half-even buckets, as Python's round(): 12.5→12, 13.5→14, 99.5→100, 145→140, 1250→1200.
    expect(rt.items.map(([k]) => (k as { v: number }).v).sort((a, b) => a - b)).toEqual([0, 3, 4, 12, 14, 100, 140, 150, 1200, 3400, 59_000]);
    const errors = dictItem(data, 'errors');
    if (errors.t !== 'dict') throw new Error('errors not a dict');
    expect(errors.items.map(([k]) => k)).toEqual([
      { t: 'str', v: statsErrorKey('GET', '/missing', "HTTPError('404 Client Error: Not Found for url: /missing')") },
    ]);
  });

  it('null, undefined and a Date arrive as None, None and the datetime map', () => {
    const spawn = results[cases.findIndex((c) => c.name === 'spawn')]!.value;
    if (spawn?.t !== 'list') throw new Error('not a list');
    expect(dictItem(spawn.items[1], 'host')).toEqual({ t: 'None' });
    expect(dictItem(spawn.items[1], 'stop_timeout')).toEqual({ t: 'None' });
    const custom = results[cases.findIndex((c) => c.type === 'capture_hello')]!.value;
    if (custom?.t !== 'list') throw new Error('not a list');
    const when = dictItem(custom.items[1], 'when');
    expect(dictItem(when, '__datetime__')).toEqual({ t: 'bool', v: true });
    expect(dictItem(when, 'as_str')).toEqual({ t: 'str', v: '20240102T03:04:05.678000' });
  });
});
