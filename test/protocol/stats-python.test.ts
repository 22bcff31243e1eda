/**
 * Locust's stats math, TS vs the real `locust.stats` of Python Locust 2.12.1 on the same inputs:
 * response-time bucketing (Python's half-even `round`), percentiles, median, `repr` and the
 * error-row key. Inputs are generated deterministically (seeded), including exact halves and
 * their floating-point neighbours.
 */
import { describe, expect, it } from 'vitest';
import {
  bucketResponseTime,
  calculateResponseTimePercentile,
  medianFromDict,
  pyRepr,
  statsErrorKey,
} from '@locust-ts/protocol';
import { runPythonJson } from '@locust-ts/test-support/python';

/** mulberry32: a tiny seeded PRNG, so every run checks the same inputs. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The next double up or down from x (x > 0). */
function neighbour(x: number, direction: 1 | -1): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + BigInt(direction));
  return view.getFloat64(0);
}

const rand = seededRandom(20_261_125);

/** Exact ties of every bucket range, as named in spec §5.3, and values around them. */
const HALVES = [0.5, 1.5, 2.5, 12.5, 13.5, 98.5, 99.5, 105, 115, 145, 155, 995, 999.5, 1050, 1150, 1250, 9950, 10_500, 11_500, 12_500, 58_500];
const RESPONSE_TIMES: number[] = [
  0, 1, 99, 100, 147, 999, 1000, 3432, 9999, 10_000, 58_760, 123_456,
  ...HALVES,
  ...HALVES.flatMap((h) => [neighbour(h, 1), neighbour(h, -1)]),
  ...Array.from({ length: 60 }, () => rand() * 100),
  ...Array.from({ length: 60 }, () => 100 + rand() * 900),
  ...Array.from({ length: 60 }, () => 1000 + rand() * 9000),
  ...Array.from({ length: 30 }, () => 10_000 + rand() * 90_000),
  ...Array.from({ length: 40 }, () => Math.floor(rand() * 20_000)),
  // performance.now() differences, the worker's real inputs.
  ...Array.from({ length: 40 }, () => {
    const start = 1_000 + rand() * 1e7;
    return start + rand() * 2_000 - start;
  }),
];

interface Dist {
  responseTimes: Array<[number, number]>;
  numRequests: number;
  percent: number;
}

const PERCENTS = [0, 0.01, 0.29, 0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1];
const DISTS: Dist[] = Array.from({ length: 300 }, (_, i) => {
  const n = 1 + Math.floor(rand() * 12);
  const keys = new Set<number>();
  while (keys.size < n) keys.add(bucketResponseTime(rand() < 0.5 ? rand() * 200 : rand() * 20_000));
  const responseTimes = [...keys].map((k) => [k, 1 + Math.floor(rand() * (i % 3 === 0 ? 3 : 500))] as [number, number]);
  const total = responseTimes.reduce((s, [, c]) => s + c, 0);
  // Sometimes more requests than timed ones (requests with a None response time).
  const numRequests = total + (i % 5 === 0 ? Math.floor(rand() * 10) : 0);
  return { responseTimes, numRequests, percent: PERCENTS[i % PERCENTS.length]! };
});

const CHAR_POOL = [
  'a', 'Z', '0', ' ', '/', '.', "'", '"', '\\', '\n', '\r', '\t', '\x00', '\x1b', '\x7f', '\x85', '\xa0', '\xad',
  'é', 'ß', '€', '\u2028', '\u200b', '\u200d', '\u0301', '\ufeff', '😀', '\u{1d11e}', '中', '\u{e000}', '\u3000',
];
const STRINGS: string[] = [
  '', "'", '"', `'"`, "it's", 'say "hi"', 'back\\slash', "HTTPError('404 Client Error: Not Found for url: /missing')",
  ...Array.from({ length: 200 }, () =>
    Array.from({ length: Math.floor(rand() * 12) }, () => CHAR_POOL[Math.floor(rand() * CHAR_POOL.length)]).join(''),
  ),
];

const PY_STATS = String.raw`
import json, sys
from locust.stats import StatsEntry, StatsError, calculate_response_time_percentile, median_from_dict

inp = json.load(sys.stdin)

def bucket(t):
    e = StatsEntry(None, "x", "GET")
    e._log_response_time(t)
    (k,) = e.response_times.keys()
    return k

errors = []
for method, name, make in inp["errors"]:
    exc = eval(make, {"ConnectionRefusedError": ConnectionRefusedError})
    errors.append({"parsed": StatsError.parse_error(exc), "key": StatsError.create_key(method, name, exc)})

json.dump({
    "buckets": [bucket(t) for t in inp["times"]],
    "percentiles": [calculate_response_time_percentile(dict(d["responseTimes"]), d["numRequests"], d["percent"]) for d in inp["dists"]],
    "medians": [median_from_dict(sum(c for _, c in d["responseTimes"]), dict(d["responseTimes"])) for d in inp["dists"]],
    "reprs": [repr(s) for s in inp["strings"]],
    "errors": errors,
}, sys.stdout)
`;

/** Exceptions as Python Locust workers log them (the text before hashing is `repr(exception)`). */
const ERRORS: Array<[string, string, string]> = [
  ['GET', '/missing', "Exception(\"HTTPError('404 Client Error: Not Found for url: /missing')\")"],
  ['GET', '/missing', 'RuntimeError("HTTPError(\'404 Client Error: Not Found for url: /missing\')")'],
  ['POST', '/api', "RuntimeError('capture test exception')"],
  ['GET', '/', 'ConnectionRefusedError(111, "Connection refused")'],
  ['GET', '/x', "ValueError('tab\\there', \"it's\")"],
  ['GET', '/ü', "Exception('ünïcode ✓')"],
];

interface PyStats {
  buckets: number[];
  percentiles: number[];
  medians: number[];
  reprs: string[];
  errors: Array<{ parsed: string; key: string }>;
}

describe('stats math agrees with Python Locust', async () => {
  const py = await runPythonJson<PyStats>(PY_STATS, {
    times: RESPONSE_TIMES,
    dists: DISTS,
    strings: STRINGS,
    errors: ERRORS,
  });

  it(`bucketResponseTime on ${RESPONSE_TIMES.length} response times`, () => {
    const mismatches = RESPONSE_TIMES.map((t, i) => [t, bucketResponseTime(t), py.buckets[i]]).filter(([, ts, p]) => ts !== p);
    expect(mismatches).toEqual([]);
  });

  it('bucketResponseTime on the spec examples', () => {
    expect([12.5, 13.5, 145, 155, 1250, 147, 3432, 58_760].map(bucketResponseTime)).toEqual([12, 14, 140, 160, 1200, 150, 3400, 59_000]);
  });

  it(`calculateResponseTimePercentile on ${DISTS.length} distributions`, () => {
    const ts = DISTS.map((d) => calculateResponseTimePercentile(new Map(d.responseTimes), d.numRequests, d.percent));
    expect(ts).toEqual(py.percentiles);
  });

  it(`medianFromDict on ${DISTS.length} distributions`, () => {
    const ts = DISTS.map((d) => medianFromDict(d.responseTimes.reduce((s, [, c]) => s + c, 0), new Map(d.responseTimes)));
    expect(ts).toEqual(py.medians);
  });

  it(`pyRepr on ${STRINGS.length} strings`, () => {
    const mismatches = STRINGS.map((s, i) => [JSON.stringify(s), pyRepr(s), py.reprs[i]]).filter(([, ts, p]) => ts !== p);
    expect(mismatches).toEqual([]);
  });

  it('statsErrorKey matches StatsError.create_key for real exceptions', () => {
    ERRORS.forEach(([method, name], i) => {
      const { parsed, key } = py.errors[i]!;
      expect(statsErrorKey(method, name, parsed), parsed).toBe(key);
    });
  });

  it("statsErrorKey reproduces the spec's captured key", () => {
    expect(statsErrorKey('GET', '/missing', "HTTPError('404 Client Error: Not Found for url: /missing')")).toBe(
      'b662e1d6e13e22a67d0b329c184fe1d00394e7718b9316e3a7815820fca3bb88',
    );
  });
});
