/**
 * The master's fast path for the report every worker sends every few seconds: a `stats` message
 * read straight from its msgpack bytes (cursor.ts) into the typed report parseWorkerMessage gives,
 * without the general decoder's objects and the number-keyed maps built twice. Only the report's
 * usual shape is read: the keys Locust's `StatsEntry.serialize` writes, no errors, no extra keys from
 * `report_to_master` listeners. Anything else returns null and takes the general path, so the
 * result is always the general path's (tested on recorded frames and every one-byte damage).
 */
import type { StatsEntryData, StatsReportData, UserClassesCount } from '../messages.js';
import { hasMessageType } from '../codec.js';
import { Cursor, NOT_SURE } from './cursor.js';

/** A stats report as the general path returns it from parseWorkerMessage. */
export interface FastStats {
  type: 'stats';
  data: StatsReportData;
  nodeId: string;
}

const TYPE = Buffer.from('stats');
const words = (keys: string[]): Buffer[] => keys.map((k) => Buffer.from(k));

const REPORT_KEYS = words(['stats', 'stats_total', 'errors', 'user_classes_count', 'user_count']);
const enum Report {
  Stats,
  Total,
  Errors,
  Classes,
  UserCount,
}

const ENTRY_KEYS = words([
  'name',
  'method',
  'last_request_timestamp',
  'start_time',
  'num_requests',
  'num_none_requests',
  'num_failures',
  'total_response_time',
  'max_response_time',
  'min_response_time',
  'total_content_length',
  'response_times',
  'num_reqs_per_sec',
  'num_fail_per_sec',
]);
const enum Entry {
  Name,
  Method,
  LastRequest,
  StartTime,
  Requests,
  NoneRequests,
  Failures,
  TotalResponseTime,
  MaxResponseTime,
  MinResponseTime,
  ContentLength,
  ResponseTimes,
  RequestsPerSec,
  FailuresPerSec,
}

const cursor = new Cursor();

/** A number the general path requires (nil and NaN fail there). */
function required(c: Cursor): number {
  const v = c.number();
  if (Number.isNaN(v)) throw NOT_SURE;
  return v;
}

/** Response-time buckets or per-second counts: int or float keys, number counts; nil is empty. */
function numberMap(c: Cursor): Map<number, number> {
  const map = new Map<number, number>();
  if (c.nil()) return map;
  let n = c.mapHeader();
  while (n-- > 0) {
    const key = c.number();
    if (Number.isNaN(key)) throw NOT_SURE;
    map.set(key, c.number());
  }
  return map;
}

function entry(c: Cursor): StatsEntryData {
  let n = c.mapHeader();
  let name: string | undefined;
  let method: string | null = null;
  let lastRequest: number | null = null;
  let startTime: number | undefined;
  let requests: number | undefined;
  let noneRequests: number | null = null;
  let failures: number | undefined;
  let totalResponseTime: number | undefined;
  let maxResponseTime: number | null = null;
  let minResponseTime: number | null = null;
  let contentLength: number | null = null;
  let responseTimes: Map<number, number> | undefined;
  let requestsPerSec: Map<number, number> | undefined;
  let failuresPerSec: Map<number, number> | undefined;
  while (n-- > 0) {
    switch (c.oneOf(ENTRY_KEYS) as Entry) {
      case Entry.Name:
        name = c.str();
        break;
      case Entry.Method:
        method = c.nil() ? null : c.str();
        break;
      case Entry.LastRequest:
        lastRequest = c.numberOrNil();
        break;
      case Entry.StartTime:
        startTime = required(c);
        break;
      case Entry.Requests:
        requests = required(c);
        break;
      case Entry.NoneRequests:
        noneRequests = c.numberOrNil();
        break;
      case Entry.Failures:
        failures = required(c);
        break;
      case Entry.TotalResponseTime:
        totalResponseTime = required(c);
        break;
      case Entry.MaxResponseTime:
        maxResponseTime = c.numberOrNil();
        break;
      case Entry.MinResponseTime:
        minResponseTime = c.numberOrNil();
        break;
      case Entry.ContentLength:
        contentLength = c.numberOrNil();
        break;
      case Entry.ResponseTimes:
        responseTimes = numberMap(c);
        break;
      case Entry.RequestsPerSec:
        requestsPerSec = numberMap(c);
        break;
      case Entry.FailuresPerSec:
        failuresPerSec = numberMap(c);
        break;
    }
  }
  if (name === undefined || startTime === undefined || requests === undefined || failures === undefined || totalResponseTime === undefined) throw NOT_SURE;
  return {
    name,
    method,
    last_request_timestamp: lastRequest,
    start_time: startTime,
    num_requests: requests,
    num_none_requests: noneRequests ?? 0,
    num_failures: failures,
    total_response_time: totalResponseTime,
    max_response_time: maxResponseTime ?? 0,
    min_response_time: minResponseTime,
    total_content_length: contentLength ?? 0,
    response_times: responseTimes ?? new Map(),
    num_reqs_per_sec: requestsPerSec ?? new Map(),
    num_fail_per_sec: failuresPerSec ?? new Map(),
  };
}

function userClassesCount(c: Cursor): UserClassesCount {
  const counts: UserClassesCount = {};
  let n = c.mapHeader();
  while (n-- > 0) {
    const name = c.str();
    // a class named __proto__ would set the prototype: the general path knows how to keep it
    if (name === '__proto__') throw NOT_SURE;
    counts[name] = c.number();
  }
  return counts;
}

/**
 * Read `payload` as a stats report from the worker whose routing id is `identity`, or return null
 * (not a report, or not one this reader is sure of: the general path takes it).
 */
export function readStats(payload: Buffer, identity: string): FastStats | null {
  if (!hasMessageType(payload, TYPE)) return null;
  const c = cursor;
  c.reset(payload, TYPE.length + 2);
  try {
    let n = c.mapHeader();
    let stats: StatsEntryData[] | undefined;
    let total: StatsEntryData | undefined;
    let errors = false;
    let classes: UserClassesCount | undefined;
    let userCount: number | null = null;
    while (n-- > 0) {
      switch (c.oneOf(REPORT_KEYS) as Report) {
        case Report.Stats: {
          let length = c.arrayHeader();
          stats = [];
          while (length-- > 0) stats.push(entry(c));
          break;
        }
        case Report.Total:
          total = entry(c);
          break;
        case Report.Errors:
          // error rows are rare and varied: a report with any goes the general way
          if (c.mapHeader() !== 0) throw NOT_SURE;
          errors = true;
          break;
        case Report.Classes:
          classes = userClassesCount(c);
          break;
        case Report.UserCount:
          userCount = c.numberOrNil();
          break;
      }
    }
    if (stats === undefined || total === undefined || !errors || classes === undefined) return null;
    const nodeId = c.nodeIdIs(identity);
    const data: StatsReportData = { stats, stats_total: total, errors: {}, user_classes_count: classes };
    if (userCount !== null) data.user_count = userCount;
    return { type: 'stats', data, nodeId };
  } catch (err) {
    if (err === NOT_SURE) return null;
    throw err;
  }
}
