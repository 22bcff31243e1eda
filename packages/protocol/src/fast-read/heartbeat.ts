/**
 * The master's fast path for the message every worker sends every second: a `heartbeat` read
 * straight from its msgpack bytes (cursor.ts), with no general decoder, no intermediate objects and
 * no new strings — its state is one of a few fixed strings, its node_id the routing id's own string.
 * Anything else returns null and takes the general path, so the result is always the general
 * path's (tested on recorded frames and every one-byte damage of them).
 */
import { CLOCK_KEY, RTT_KEY } from '../edges.js';
import type { HeartbeatData } from '../messages.js';
import { hasMessageType } from '../codec.js';
import { Cursor, NOT_SURE } from './cursor.js';

/** A heartbeat as the general path returns it from parseWorkerMessage. */
export interface FastHeartbeat {
  type: 'heartbeat';
  data: HeartbeatData;
  nodeId: string;
}

const TYPE = Buffer.from('heartbeat');
const STATE = 0;
const CPU = 1;
const MEMORY = 2;
const CLOCK = 3;
const RTT = 4;
const KEYS = ['state', 'current_cpu_usage', 'current_memory_usage', CLOCK_KEY, RTT_KEY].map((k) => Buffer.from(k));

/** Worker states seen every second: the same string objects each time instead of new ones. */
const STATES = ['ready', 'spawning', 'running', 'cleanup', 'stopping', 'stopped', 'missing'];
const STATE_WORDS = STATES.map((s) => Buffer.from(s));

const cursor = new Cursor();

function state(c: Cursor): string {
  const start = c.strStart();
  const known = c.wordAt(start, STATE_WORDS);
  if (known >= 0) return STATES[known] as string;
  const buf = c.buf;
  for (let i = start; i < c.at; i++) if ((buf[i] as number) >= 0x80) throw NOT_SURE;
  return buf.toString('latin1', start, c.at);
}

function finite(v: number | null): v is number {
  return v !== null && Number.isFinite(v);
}

/**
 * Read `payload` as a heartbeat from the worker whose routing id is `identity`, or return null
 * (not a heartbeat, or not one this reader is sure of: the general path takes it).
 */
export function readHeartbeat(payload: Buffer, identity: string): FastHeartbeat | null {
  if (!hasMessageType(payload, TYPE)) return null;
  const c = cursor;
  c.reset(payload, TYPE.length + 2);
  try {
    let entries = c.mapHeader();
    let st: string | null = null;
    let cpu: number | null = null;
    let memory: number | null = null;
    let clock: number | null = null;
    let rtt: number | null = null;
    while (entries-- > 0) {
      const key = c.oneOf(KEYS);
      if (key === STATE) st = state(c);
      else if (key === CPU) cpu = c.numberOrNil();
      else if (key === MEMORY) memory = c.numberOrNil();
      else if (key === CLOCK) clock = c.numberOrNil();
      else rtt = c.numberOrNil();
    }
    if (st === null) return null;
    const nodeId = c.nodeIdIs(identity);
    const data: HeartbeatData = { state: st, current_cpu_usage: cpu ?? 0 };
    if (memory !== null) data.current_memory_usage = memory;
    if (finite(clock)) data.locust_ts_clock = clock;
    if (finite(rtt)) data.locust_ts_rtt = rtt;
    return { type: 'heartbeat', data, nodeId };
  } catch (err) {
    if (err === NOT_SURE) return null;
    throw err;
  }
}
