/**
 * The `locust_ts_*` extensions for synchronized edges (contract K2). They ride on Locust's own
 * messages as extra keys, which Python masters and workers ignore, plus one custom message:
 *
 * - heartbeat W→M: `locust_ts_clock: <worker epoch s when sent>`;
 * - heartbeat M→W (locust-ts workers only): `{ locust_ts_clock: [<that worker time>, <master epoch s
 *   on receipt>] }` — one clock sample; the worker also knows when the reply arrived;
 * - spawn M→W (locust-ts workers only): `locust_ts_edge: { id, start_at }` — start/stop at the
 *   master-clock instant `start_at`;
 * - `locust_ts_edge_ack` W→M: `{ id, started_at, users, ... }` once the users were started;
 *   `first_requests: true` when a `locust_ts_edge_requests` follows;
 * - `locust_ts_edge_requests` W→M: `{ id, users, sent, answered, cold, instant_local }` once the users started at
 *   the edge answered their first request (or a time limit passed): when those requests were sent
 *   and answered, ms after the planned instant, and how many had no connection open at the instant.
 *
 * Each decoder accepts anything and returns undefined for what it cannot use: an extension never
 * makes a Locust message invalid.
 */

/** The heartbeat key a locust-ts worker adds (its clock when sending) and the reply's key. */
export const CLOCK_KEY = 'locust_ts_clock';
/** The spawn key that makes a spawn an edge. */
export const EDGE_KEY = 'locust_ts_edge';
/** The custom message a worker sends once an edge's users were started or stopped. */
export const EDGE_ACK_MESSAGE = 'locust_ts_edge_ack';
/** The custom message with an edge's first-request figures (after its ack). */
export const EDGE_REQUESTS_MESSAGE = 'locust_ts_edge_requests';
/** The worker's latest heartbeat round trip, seconds (extra heartbeat key: the master sizes an edge's lead from these). */
export const RTT_KEY = 'locust_ts_rtt';

/** The master's heartbeat reply to a locust-ts worker. */
export interface HeartbeatReplyData {
  /** [worker send time, master receipt time], epoch seconds on each side's own clock */
  locust_ts_clock: [number, number];
}

export interface SpawnEdge {
  id: number;
  /** master-clock epoch seconds */
  start_at: number;
}

export interface EdgeAckData {
  id: number;
  /** master-clock epoch seconds of the moment the users were started (or stopped) */
  started_at: number;
  /** the worker's users after the edge */
  users: number;
  /** the worker's clock offset estimate (master − worker), seconds; null before any sample */
  offset: number | null;
  /** ms between the edge's planned instant and the moment the worker had its users prepared (negative: ready early) */
  prepared_ms: number;
  /** a `locust_ts_edge_requests` for this edge follows (the worker started users at it) */
  first_requests?: boolean;
}

export interface EdgeRequestsData {
  id: number;
  /** users started at the edge on this worker */
  users: number;
  /** each started user's first request: written to its connection, ms after the planned instant (ascending) */
  sent: number[];
  /** …and its response fully read (or its error), ms after the planned instant (ascending) */
  answered: number[];
  /** users whose first request went over a connection that was not open at the instant */
  cold: number;
  /** the planned instant on the worker's own clock (epoch s), which `sent`/`answered` count from */
  instant_local: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function decodeHeartbeatReply(data: unknown): HeartbeatReplyData | undefined {
  if (!isRecord(data)) return undefined;
  const clock = data[CLOCK_KEY];
  if (!Array.isArray(clock) || clock.length !== 2 || !finite(clock[0]) || !finite(clock[1])) return undefined;
  return { locust_ts_clock: [clock[0], clock[1]] };
}

export function decodeSpawnEdge(data: unknown): SpawnEdge | undefined {
  if (!isRecord(data) || !finite(data.id) || !finite(data.start_at)) return undefined;
  return { id: data.id, start_at: data.start_at };
}

export function decodeEdgeAck(data: unknown): EdgeAckData | undefined {
  if (!isRecord(data) || !finite(data.id) || !finite(data.started_at) || !finite(data.users)) return undefined;
  return {
    id: data.id,
    started_at: data.started_at,
    users: data.users,
    offset: finite(data.offset) ? data.offset : null,
    prepared_ms: finite(data.prepared_ms) ? data.prepared_ms : 0,
    ...(data.first_requests === true ? { first_requests: true } : {}),
  };
}

function finiteList(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every(finite) ? (v as number[]) : undefined;
}

export function decodeEdgeRequests(data: unknown): EdgeRequestsData | undefined {
  if (!isRecord(data) || !finite(data.id) || !finite(data.users) || !finite(data.cold) || !finite(data.instant_local)) return undefined;
  const sent = finiteList(data.sent);
  const answered = finiteList(data.answered);
  if (!sent || !answered) return undefined;
  return { id: data.id, users: data.users, sent, answered, cold: data.cold, instant_local: data.instant_local };
}

/** An optional finite number key of a heartbeat (`locust_ts_clock`, `locust_ts_rtt`). */
export function optionalSeconds(data: Record<string, unknown>, key: string): number | undefined {
  const v = data[key];
  return finite(v) ? v : undefined;
}
