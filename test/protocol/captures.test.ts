/**
 * Every frame of the golden captures (real Python Locust 2.12.1 and HEAD sessions) decodes into
 * the typed messages with Python's values, and re-encodes to bytes that decode to the same value.
 */
import { describe, expect, it } from 'vitest';
import {
  FrameDecodeError,
  decodeMessage,
  encodeMessage,
  isCustom,
  parseMasterMessage,
  parseWorkerMessage,
  type CustomMessage,
  type Envelope,
  type MasterMessage,
  type WorkerMessage,
} from '@locust-ts/protocol';
import { type CapturedFrame, captureFiles, loadCapturedFrames } from '@locust-ts/test-support/captures';
import { comparable } from '@locust-ts/test-support/wire-compare';

function parseByDirection(frame: CapturedFrame, env: Envelope): WorkerMessage | MasterMessage | CustomMessage {
  return frame.dir === 'worker->master' ? parseWorkerMessage(env) : parseMasterMessage(env);
}

/** Types each side is expected to know; everything else in the captures is a custom message. */
const CUSTOM_TYPES = new Set(['capture_hello', 'capture_ack', 'no_such_type']);

const files = captureFiles();

describe('golden captures', () => {
  it('are all present (10 sessions, ~600 frames)', () => {
    expect(files.length).toBe(10);
    expect(files.flatMap(loadCapturedFrames).length).toBeGreaterThan(500);
  });

  describe.each(files)('%s', (file) => {
    const frames = loadCapturedFrames(file);

    it('every decodable frame decodes to the typed message with the captured data', () => {
      let checked = 0;
      for (const frame of frames.filter((f) => f.decodeError === undefined)) {
        const where = `${file} seq ${frame.seq} (${frame.type})`;
        const env = decodeMessage(frame.payload);
        expect(env.type, where).toBe(frame.type);
        expect(env.nodeId, where).toBe(frame.identity);
        expect(comparable(env.data), where).toEqual(comparable(frame.data));

        const message = parseByDirection(frame, env);
        expect(isCustom(message), where).toBe(CUSTOM_TYPES.has(env.type));
        expect(comparable(message.data), where).toEqual(comparable(frame.data));
        if (!isCustom(message) && message.type === 'stats') {
          // The typed report holds the integer-keyed maps as Map<number, number>.
          const report = message.data;
          for (const entry of [...report.stats, report.stats_total]) {
            for (const m of [entry.response_times, entry.num_reqs_per_sec, entry.num_fail_per_sec]) {
              expect(m, where).toBeInstanceOf(Map);
              for (const k of m.keys()) expect(typeof k, where).toBe('number');
            }
          }
        }
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });

    it('every decodable frame re-encodes to bytes that decode to the same value', () => {
      for (const frame of frames.filter((f) => f.decodeError === undefined)) {
        const where = `${file} seq ${frame.seq} (${frame.type})`;
        const env = decodeMessage(frame.payload);
        const message = parseByDirection(frame, env);
        const again = decodeMessage(encodeMessage(message.type, message.data, message.nodeId));
        expect(again.type, where).toBe(env.type);
        expect(again.nodeId, where).toBe(env.nodeId);
        expect(comparable(again.data), where).toEqual(comparable(frame.data));
      }
    });

    const undecodable = frames.filter((f) => f.decodeError !== undefined);
    if (undecodable.length > 0) {
      it(`the ${undecodable.length} frame(s) Python could not decode throw FrameDecodeError`, () => {
        for (const frame of undecodable) {
          expect(() => decodeMessage(frame.payload), `seq ${frame.seq}: ${frame.decodeError}`).toThrow(FrameDecodeError);
        }
      });
    }
  });
});
