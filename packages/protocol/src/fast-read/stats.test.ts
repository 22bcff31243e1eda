import { describe, expect, it } from 'vitest';
import { type CapturedFrame, captureFiles, loadCapturedFrames } from '../../../../test/helpers/captures.js';
import { decodeFlatMessage, encodeMessage } from '../codec.js';
import { parseWorkerMessage } from '../messages.js';
import { readHotMessage } from './index.js';
import { readStats } from './stats.js';

/** What the master's general path makes of a payload, or the error it throws. */
function general(payload: Buffer): unknown {
  try {
    return parseWorkerMessage(decodeFlatMessage(payload));
  } catch (err) {
    return err;
  }
}

const workerFrames: CapturedFrame[] = captureFiles()
  .flatMap((file) => loadCapturedFrames(file))
  .filter((f) => f.dir === 'worker->master');
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
      expect(fast).toEqual(general(f.payload));
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
    const report = general(f.payload) as { data: Record<string, unknown> };
    const extra = encodeMessage('stats', { ...report.data, my_extra: 7 }, f.identity);
    expect(readStats(extra, f.identity)).toBeNull();
    expect((general(extra) as { data: Record<string, unknown> }).data.my_extra).toBe(7);
  });

  it('never reads a damaged report differently from the general path: every byte changed, every cut', () => {
    let taken = 0;
    let refused = 0;
    const samples = plain.filter((p) => (p.data as { stats: unknown[] }).stats.length > 0).slice(0, 3);
    for (const f of samples) {
      const variants: Buffer[] = [];
      for (let cut = 0; cut < f.payload.length; cut++) variants.push(f.payload.subarray(0, cut));
      variants.push(Buffer.concat([f.payload, Buffer.from([0xc0])]));
      for (let i = 0; i < f.payload.length; i++) {
        for (const value of [0x00, 0x7f, 0x80, 0x8f, 0x90, 0xa0, 0xc0, 0xca, 0xcb, 0xce, 0xcf, 0xd3, 0xd9, 0xdc, 0xde, 0xff, f.payload[i]! ^ 0x01]) {
          const v = Buffer.from(f.payload);
          v[i] = value;
          variants.push(v);
        }
      }
      for (const v of variants) {
        const fast = readStats(v, f.identity);
        if (fast === null) {
          refused++;
          continue;
        }
        taken++;
        expect(fast).toEqual(general(v));
      }
    }
    expect(taken).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
