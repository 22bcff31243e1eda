/** The master's fast paths for the two messages every worker sends every few seconds. */
import type { WorkerMessage } from '../messages.js';
import { readHeartbeat } from './heartbeat.js';
import { readStats } from './stats.js';

/** A heartbeat or a stats report read from its bytes, or null: the general path decides. */
export function readHotMessage(payload: Buffer, identity: string): WorkerMessage | null {
  return readHeartbeat(payload, identity) ?? readStats(payload, identity);
}
