import { describe, expect, it } from 'vitest';
import { damagedCopies, generalRead, recordedWorkerFrames } from '@locust-ts/test-support/fast-read';
import { encodeMessage } from '../codec.js';
import { readHotMessage } from './index.js';
import { readStats } from './stats.js';

const workerFrames = recordedWorkerFrames();
/** Byte values each byte of a recorded frame is set to (msgpack type markers at their edges). */
const DAMAGE = [0x00, 0x7f, 0x80, 0x8f, 0x90, 0xa0, 0xc0, 0xca, 0xcb, 0xce, 0xcf, 0xd3, 0xd9, 0xdc, 0xde, 0xff];
const reports = workerFrames.filter((f) => f.type === 'stats');
/** The usual report: no error rows (those go the general way on purpose). */
const plain = reports.filter((f) => Object.keys((f.data as { errors: object }).errors).length === 0);

describe('readStats (the master fast path) against recorded reports', () => {
  it('reads every recorded report without errors, from both Locust versions, as the general path does', () => {
    expect(new Set(plain.map((f) => f.file.split('-')[0]))).toEqual(new Set(['cross', 'head', 'v2121']));
    // with requests in them: buckets, per-second counts, user classes
    const withRequests = plain.filter((f) => (f.data as { stats: unknown[] }).stats.length > 0);
    expect(withRequests.length).toBeGreaterThan(10);
    for (const f of plain) {
      const fast = readStats(f.payload, f.identity);
      expect(fast, `${f.file} #${f.seq}`).not.toBeNull();
      expect(fast).toEqual(generalRead(f.payload));
      expect(fast!.nodeId).toBe(f.identity);
    }
  });

  it('leaves reports with error rows, and every other message, to the general path', () => {
    const withErrors = reports.filter((f) => !plain.includes(f));
    expect(withErrors.length).toBeGreaterThan(0);
    for (const f of withErrors) expect(readStats(f.payload, f.identity), `${f.file} #${f.seq}`).toBeNull();
    for (const f of workerFrames.filter((w) => w.type !== 'stats' && w.type !== 'heartbeat')) {
      expect(readHotMessage(f.payload, f.identity), `${f.file} #${f.seq} ${f.type}`).toBeNull();
    }
  });

  it("leaves a report with a listener's extra key to the general path, which keeps the key", () => {
    const f = plain.find((p) => (p.data as { stats: unknown[] }).stats.length > 0)!;
    const report = generalRead(f.payload) as { data: Record<string, unknown> };
    const extra = encodeMessage('stats', { ...report.data, my_extra: 7 }, f.identity);
    expect(readStats(extra, f.identity)).toBeNull();
    expect((generalRead(extra) as { data: Record<string, unknown> }).data.my_extra).toBe(7);
  });

  it('reads an entry without its optional keys, or with them nil, with the general path\'s defaults', () => {
    const f = plain.find((p) => (p.data as { stats: unknown[] }).stats.length > 0)!;
    const report = (generalRead(f.payload) as { data: { stats: Array<Record<string, unknown>>; stats_total: Record<string, unknown> } }).data;
    const optional = ['method', 'last_request_timestamp', 'num_none_requests', 'max_response_time', 'min_response_time', 'total_content_length', 'response_times', 'num_reqs_per_sec', 'num_fail_per_sec'];
    const without = (e: Record<string, unknown>) => Object.fromEntries(Object.entries(e).filter(([k]) => !optional.includes(k)));
    const nil = (e: Record<string, unknown>) => ({ ...e, ...Object.fromEntries(optional.map((k) => [k, null])) });
    for (const change of [without, nil]) {
      const payload = encodeMessage('stats', { ...report, stats: report.stats.map(change), stats_total: change(report.stats_total) }, f.identity);
      const fast = readStats(payload, f.identity);
      expect(fast).not.toBeNull();
      expect(fast).toEqual(generalRead(payload));
    }
  });

  it('never reads a damaged report differently from the general path: every byte changed, every cut', () => {
    let taken = 0;
    let refused = 0;
    const samples = plain.filter((p) => (p.data as { stats: unknown[] }).stats.length > 0).slice(0, 3);
    for (const f of samples) {
      for (const v of damagedCopies(f.payload, DAMAGE)) {
        const fast = readStats(v, f.identity);
        if (fast === null) {
          refused++;
          continue;
        }
        taken++;
        expect(fast).toEqual(generalRead(v));
      }
    }
    expect(taken).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
