/**
 * Typed Locust messages (spec §3), for both Locust 2.12.1 and the newest Locust.
 * Decoding is `unknown` → validated type at the edge; nothing past here sees `any`.
 */
import type { Envelope } from './codec.js';
import { MessageValidationError } from './errors.js';
import {
  CLOCK_KEY,
  EDGE_KEY,
  type HeartbeatReplyData,
  RTT_KEY,
  type SpawnEdge,
  decodeHeartbeatReply,
  decodeSpawnEdge,
  optionalSeconds,
} from './edges.js';

/** State a worker reports about itself (spec §7.1). */
export type WorkerState = 'ready' | 'spawning' | 'running' | 'stopped' | 'cleanup';

/** Per-class user counts, class name → users. */
export type UserClassesCount = Record<string, number>;

/** One stats entry as it travels (spec §5.1). Numeric-keyed maps are `Map<number, number>`. */
export interface StatsEntryData {
  name: string;
  method: string | null;
  last_request_timestamp: number | null;
  start_time: number;
  num_requests: number;
  num_none_requests: number;
  num_failures: number;
  total_response_time: number;
  max_response_time: number;
  min_response_time: number | null;
  total_content_length: number;
  response_times: Map<number, number>;
  num_reqs_per_sec: Map<number, number>;
  num_fail_per_sec: Map<number, number>;
}

/** One error row (spec §5.1); `first_seen`/`last_seen` only from the newest Locust. */
export interface StatsErrorData {
  name: string;
  method: string;
  error: string;
  occurrences: number;
  first_seen?: number;
  last_seen?: number;
}

/** The `stats` report a worker sends every 3 s: a delta since the previous one. */
export interface StatsReportData {
  stats: StatsEntryData[];
  stats_total: StatsEntryData;
  errors: Record<string, StatsErrorData>;
  user_classes_count: UserClassesCount;
  user_count?: number;
  /** locust-ts workers in arrival-rate mode: iterations they could not start since the last report (arrival-rate.ts) */
  locust_ts_dropped?: number;
}

export interface HeartbeatData {
  state: string;
  current_cpu_usage: number;
  current_memory_usage?: number;
  /** locust-ts workers: their clock when sending, and their best round trip (edges.ts) */
  locust_ts_clock?: number;
  locust_ts_rtt?: number;
}

export interface SpawnData {
  timestamp: number;
  user_classes_count: UserClassesCount;
  host: string | null;
  stop_timeout: number | null;
  parsed_options: Record<string, unknown>;
  /** locust-ts workers only: start the users at this master-clock instant (edges.ts) */
  locust_ts_edge?: SpawnEdge;
  /**
   * locust-ts workers only: write the failure texts of this Locust release (its Python workers'),
   * so their error rows merge with the Python workers' (worker/src/http/error-text.ts).
   */
  locust_ts_texts?: string;
}

export interface SpawningCompleteData {
  user_classes_count: UserClassesCount;
  user_count: number;
}

export interface ExceptionData {
  msg: string;
  traceback: string;
}

export interface AckData {
  /** Absent from masters ≤ 2.10.2. */
  index?: number;
}

export interface LogsData {
  worker_id: string;
  logs: string[];
}

export interface UpdateUserClassData {
  user_class_name: string;
  [attribute: string]: unknown;
}

export interface LocustfileReplyData {
  locustfiles?: Array<{ filename: string; contents: string } | string>;
  error?: string;
  filename?: string;
  contents?: string;
}

/** What a worker sends (spec §3 table, W→M). */
export interface WorkerMessageMap {
  /** A version string, or the int -1 that skips the version check. Debian's Locust sends "". */
  client_ready: string | number | null;
  heartbeat: HeartbeatData;
  stats: StatsReportData;
  spawning: null;
  spawning_complete: SpawningCompleteData;
  client_stopped: null;
  quit: null;
  exception: ExceptionData;
  logs: LogsData;
  locustfile: { version?: string } | null;
}

/** What a master sends (spec §3 table, M→W). */
export interface MasterMessageMap {
  ack: AckData;
  /** null from Locust masters; a clock sample for locust-ts workers (edges.ts) */
  heartbeat: HeartbeatReplyData | null;
  spawn: SpawnData;
  spawning_complete: { user_count: number };
  stop: null;
  quit: null;
  reconnect: null;
  update_user_class: UpdateUserClassData;
  locustfile: LocustfileReplyData;
}

export type WorkerMessageType = keyof WorkerMessageMap;
export type MasterMessageType = keyof MasterMessageMap;

/** A message with its type and data tied together. */
export type TypedMessage<M, K extends keyof M = keyof M> = K extends keyof M
  ? { type: K; data: M[K]; nodeId: string }
  : never;

export type WorkerMessage = TypedMessage<WorkerMessageMap>;
export type MasterMessage = TypedMessage<MasterMessageMap>;

/** A message whose type this side does not know: a custom message (spec §3.15) or a newer one. */
export interface CustomMessage {
  type: string;
  data: unknown;
  nodeId: string;
  custom: true;
}

// ---------------------------------------------------------------------------
// validation helpers

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Date);
}

function fail(type: string, detail: string): never {
  throw new MessageValidationError(type, detail);
}

function obj(type: string, v: unknown, what = 'data'): Obj {
  if (!isObj(v)) fail(type, `${what} must be a map`);
  return v;
}

function num(type: string, o: Obj, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || Number.isNaN(v)) fail(type, `'${key}' must be a number`);
  return v;
}

function optNum(type: string, o: Obj, key: string): number | null {
  const v = o[key];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number') fail(type, `'${key}' must be a number or nil`);
  return v;
}

function str(type: string, o: Obj, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(type, `'${key}' must be a string`);
  return v;
}

function countsMap(type: string, v: unknown, key: string): UserClassesCount {
  const o = obj(type, v, `'${key}'`);
  const out: UserClassesCount = {};
  for (const [k, c] of Object.entries(o)) {
    if (typeof c !== 'number') fail(type, `'${key}.${k}' must be a number`);
    out[k] = c;
  }
  return out;
}

function isNumberToNumberMap(m: Map<unknown, unknown>): m is Map<number, number> {
  // forEach, not for…of: no [key, count] array per entry (six maps of ~20 buckets per stats message)
  let ok = true;
  m.forEach((c, k) => {
    if (typeof k !== 'number' || Number.isNaN(k) || typeof c !== 'number') ok = false;
  });
  return ok;
}

/**
 * A number-keyed map: int *or float* keys (130 and 130.0 are one bucket; JS numbers already
 * make them equal). Also accepts string keys (an older TS encoder, or JSON) leniently.
 */
export function toNumberKeyMap(type: string, v: unknown, key: string): Map<number, number> {
  // what the codec decodes from any Locust: a Map with number keys and counts, owned by this
  // message alone — taken as it is instead of copied (two or three maps per stats entry)
  if (v instanceof Map && isNumberToNumberMap(v)) return v;
  const out = new Map<number, number>();
  const add = (k: unknown, c: unknown): void => {
    const kn = typeof k === 'number' ? k : typeof k === 'string' ? Number(k) : NaN;
    if (Number.isNaN(kn) || typeof c !== 'number') fail(type, `'${key}' must map numbers to counts`);
    out.set(kn, (out.get(kn) ?? 0) + c);
  };
  if (v instanceof Map) for (const [k, c] of v) add(k, c);
  // (for…in, not Object.entries: no array of pairs per map; decoded objects have no inherited keys)
  else if (isObj(v)) for (const k in v) add(k, v[k]);
  else if (v !== null && v !== undefined) fail(type, `'${key}' must be a map`);
  return out;
}

export function parseStatsEntry(type: string, v: unknown): StatsEntryData {
  const o = obj(type, v, 'stats entry');
  const method = o.method;
  if (method !== null && method !== undefined && typeof method !== 'string') fail(type, "'method' must be a string or nil");
  return {
    name: str(type, o, 'name'),
    method: (method as string | null | undefined) ?? null,
    last_request_timestamp: optNum(type, o, 'last_request_timestamp'),
    start_time: num(type, o, 'start_time'),
    num_requests: num(type, o, 'num_requests'),
    num_none_requests: optNum(type, o, 'num_none_requests') ?? 0,
    num_failures: num(type, o, 'num_failures'),
    total_response_time: num(type, o, 'total_response_time'),
    max_response_time: optNum(type, o, 'max_response_time') ?? 0,
    min_response_time: optNum(type, o, 'min_response_time'),
    total_content_length: optNum(type, o, 'total_content_length') ?? 0,
    response_times: toNumberKeyMap(type, o.response_times, 'response_times'),
    num_reqs_per_sec: toNumberKeyMap(type, o.num_reqs_per_sec, 'num_reqs_per_sec'),
    num_fail_per_sec: toNumberKeyMap(type, o.num_fail_per_sec, 'num_fail_per_sec'),
  };
}

function parseStatsReport(type: string, v: unknown): StatsReportData {
  const o = obj(type, v);
  if (!Array.isArray(o.stats)) fail(type, "'stats' must be a list");
  const errors: Record<string, StatsErrorData> = {};
  for (const [key, e] of Object.entries(obj(type, o.errors, "'errors'"))) {
    const eo = obj(type, e, 'error');
    const row: StatsErrorData = {
      name: str(type, eo, 'name'),
      method: typeof eo.method === 'string' ? eo.method : '',
      error: typeof eo.error === 'string' ? eo.error : String(eo.error),
      occurrences: num(type, eo, 'occurrences'),
    };
    const first = optNum(type, eo, 'first_seen');
    const last = optNum(type, eo, 'last_seen');
    if (first !== null) row.first_seen = first;
    if (last !== null) row.last_seen = last;
    errors[key] = row;
  }
  const report: StatsReportData = {
    stats: o.stats.map((e) => parseStatsEntry(type, e)),
    stats_total: parseStatsEntry(type, o.stats_total),
    errors,
    user_classes_count: countsMap(type, o.user_classes_count, 'user_classes_count'),
  };
  if (typeof o.user_count === 'number') report.user_count = o.user_count;
  if (typeof o.locust_ts_dropped === 'number' && o.locust_ts_dropped > 0) report.locust_ts_dropped = o.locust_ts_dropped;
  keepExtraKeys(report, o);
  return report;
}

/** Keys a worker's `report_to_master` listeners added travel on to `worker_report` listeners. */
function keepExtraKeys(report: StatsReportData, o: Record<string, unknown>): void {
  for (const key of Object.keys(o)) if (!(key in report) && key !== 'user_count') (report as unknown as Record<string, unknown>)[key] = o[key];
}

function nil(): null {
  return null;
}

type Parsers<M> = { [K in keyof M]: (type: string, data: unknown) => M[K] };

const workerMessageParsers: Parsers<WorkerMessageMap> = {
  client_ready: (type, d) => {
    if (d === null || d === undefined) return null;
    if (typeof d !== 'string' && typeof d !== 'number') fail(type, 'version must be a string or -1');
    return d;
  },
  heartbeat: (type, d) => {
    const o = obj(type, d);
    const hb: HeartbeatData = { state: str(type, o, 'state'), current_cpu_usage: optNum(type, o, 'current_cpu_usage') ?? 0 };
    const mem = optNum(type, o, 'current_memory_usage');
    if (mem !== null) hb.current_memory_usage = mem;
    const clock = optionalSeconds(o, CLOCK_KEY);
    const rtt = optionalSeconds(o, RTT_KEY);
    if (clock !== undefined) hb.locust_ts_clock = clock;
    if (rtt !== undefined) hb.locust_ts_rtt = rtt;
    return hb;
  },
  stats: parseStatsReport,
  spawning: nil,
  spawning_complete: (type, d) => {
    const o = obj(type, d);
    return { user_classes_count: countsMap(type, o.user_classes_count, 'user_classes_count'), user_count: num(type, o, 'user_count') };
  },
  client_stopped: nil,
  quit: nil,
  exception: (type, d) => {
    const o = obj(type, d);
    return { msg: String(o.msg ?? ''), traceback: String(o.traceback ?? '') };
  },
  logs: (type, d) => {
    const o = obj(type, d);
    if (!Array.isArray(o.logs)) fail(type, "'logs' must be a list");
    return { worker_id: str(type, o, 'worker_id'), logs: o.logs.map(String) };
  },
  locustfile: (type, d) => {
    if (d === null || d === undefined) return null;
    const o = obj(type, d);
    return typeof o.version === 'string' ? { version: o.version } : {};
  },
};

const masterMessageParsers: Parsers<MasterMessageMap> = {
  ack: (type, d) => {
    if (d === null || d === undefined) return {};
    const o = obj(type, d);
    const index = optNum(type, o, 'index');
    return index === null ? {} : { index };
  },
  heartbeat: (_type, d) => decodeHeartbeatReply(d) ?? null,
  spawn: (type, d) => {
    const o = obj(type, d);
    const host = o.host;
    if (host !== null && host !== undefined && typeof host !== 'string') fail(type, "'host' must be a string or nil");
    const parsed = o.parsed_options;
    const edge = decodeSpawnEdge(o[EDGE_KEY]);
    return {
      timestamp: num(type, o, 'timestamp'),
      user_classes_count: countsMap(type, o.user_classes_count, 'user_classes_count'),
      host: (host as string | null | undefined) ?? null,
      stop_timeout: optNum(type, o, 'stop_timeout'),
      parsed_options: isObj(parsed) ? parsed : {},
      ...(edge ? { locust_ts_edge: edge } : {}),
      ...(typeof o.locust_ts_texts === 'string' ? { locust_ts_texts: o.locust_ts_texts } : {}),
    };
  },
  spawning_complete: (type, d) => ({ user_count: num(type, obj(type, d), 'user_count') }),
  stop: nil,
  quit: nil,
  reconnect: nil,
  update_user_class: (type, d) => {
    const o = obj(type, d);
    str(type, o, 'user_class_name');
    return o as UpdateUserClassData;
  },
  locustfile: (type, d) => obj(type, d) as LocustfileReplyData,
};

function hasParser<M>(parsers: Parsers<M>, type: string): type is Extract<keyof M, string> {
  return Object.prototype.hasOwnProperty.call(parsers, type);
}

/**
 * Validate a decoded envelope as a worker→master message. Unknown types come back as
 * {@link CustomMessage}; a known type with bad data throws {@link MessageValidationError}.
 */
export function parseWorkerMessage(env: Envelope): WorkerMessage | CustomMessage {
  if (!hasParser(workerMessageParsers, env.type)) return { ...env, custom: true };
  const type = env.type;
  const data = workerMessageParsers[type](type, env.data);
  return { type, data, nodeId: env.nodeId } as WorkerMessage;
}

/** Validate a decoded envelope as a master→worker message (see {@link parseWorkerMessage}). */
export function parseMasterMessage(env: Envelope): MasterMessage | CustomMessage {
  if (!hasParser(masterMessageParsers, env.type)) return { ...env, custom: true };
  const type = env.type;
  const data = masterMessageParsers[type](type, env.data);
  return { type, data, nodeId: env.nodeId } as MasterMessage;
}

export function isCustom(m: WorkerMessage | MasterMessage | CustomMessage): m is CustomMessage {
  return (m as CustomMessage).custom === true;
}
