import { describe, expect, it } from 'vitest';
import { damagedCopies, generalRead, recordedWorkerFrames } from '@locust-ts/test-support/fast-read';
import { encodeMessage } from '../codec.js';
import { CLOCK_KEY, RTT_KEY } from '../edges.js';
import { readHeartbeat } from './heartbeat.js';

const workerFrames = recordedWorkerFrames();
/** Byte values each byte of a recorded frame is set to (msgpack type markers at their edges). */
const DAMAGE = [0x00, 0x7f, 0x80, 0x8f, 0xa0, 0xc0, 0xca, 0xcb, 0xce, 0xcf, 0xd3, 0xd9, 0xde, 0xff];
const heartbeats = workerFrames.filter((f) => f.type === 'heartbeat');

describe('readHeartbeat (the master fast path) against recorded heartbeats', () => {
  it('reads every heartbeat Locust 2.12.1 and the newest Locust sent, as the general path and Python read them', () => {
    const versions = new Set(heartbeats.map((f) => f.file.split('-')[0]));
    expect(versions).toEqual(new Set(['cross', 'head', 'v2121']));
    for (const f of heartbeats) {
      const fast = readHeartbeat(f.payload, f.identity);
      expect(fast, `${f.file} #${f.seq}`).not.toBeNull();
      expect(fast).toEqual(generalRead(f.payload));
      expect(fast!.data).toEqual(f.data);
      // the routing id's own string, whose hash the master's maps already hold
      expect(fast!.nodeId).toBe(f.identity);
    }
  });

  it('leaves every other recorded message to the general path', () => {
    const others = workerFrames.filter((f) => f.type !== 'heartbeat');
    expect(others.length).toBeGreaterThan(50);
    for (const f of others) expect(readHeartbeat(f.payload, f.identity), `${f.file} #${f.seq} ${f.type}`).toBeNull();
  });

  it("reads a locust-ts worker's heartbeat with its clock keys", () => {
    const id = 'node-1_0123456789abcdef0123456789abcdef';
    const data = { state: 'running', current_cpu_usage: 12.5, current_memory_usage: 5_000_000_000, [CLOCK_KEY]: 1795625249.084824, [RTT_KEY]: 0.0007 };
    const payload = encodeMessage('heartbeat', data, id);
    expect(readHeartbeat(payload, id)).toEqual(generalRead(payload));
    expect(readHeartbeat(payload, id)!.data).toEqual(data);
  });

  it('gives a node_id other than the routing id to the general path', () => {
    const f = heartbeats[0]!;
    expect(readHeartbeat(f.payload, `${f.identity}x`)).toBeNull();
    expect(readHeartbeat(f.payload, f.identity.replace(/.$/, 'z'))).toBeNull();
    expect(readHeartbeat(f.payload, '')).toBeNull();
  });

  it('never reads a damaged heartbeat differently from the general path: every byte changed, every cut', () => {
    let taken = 0;
    let refused = 0;
    for (const f of heartbeats.filter((_, i) => i % 7 === 0)) {
      for (const v of damagedCopies(f.payload, DAMAGE)) {
        const fast = readHeartbeat(v, f.identity);
        if (fast === null) {
          refused++;
          continue;
        }
        taken++;
        expect(fast).toEqual(generalRead(v));
      }
    }
    // both outcomes happen: damage the reader can read (a changed number) and damage it refuses
    expect(taken).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
