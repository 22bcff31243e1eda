/**
 * The edge report (contract K2): for every synchronized edge, the planned instant, each locust-ts
 * worker's acknowledged start and the spread between them, and — what the target saw of it — when
 * the users started at the edge sent their first requests and had them answered (p50/p99/max ms
 * after the planned instant) and how many of them had no connection open at the instant. The
 * workers' start spread alone once read "11.1 ms" for an edge whose first requests reached a cold
 * target over 1.6 s (SYN retries). One log line per edge (and one per worker with first requests),
 * a row in `PREFIX_edges.csv`, and the list `GET /edges` serves.
 */
import { appendFileSync, writeFileSync } from 'node:fs';

/** A worker this late (ms after the planned instant) is named in the report. */
export const LATE_WORKER_MS = 50;
/** Edges kept for `GET /edges` (the CSV keeps all). */
const EDGES_KEPT = 1000;

export const EDGES_CSV_HEADER =
  'Timestamp,Target Users,Workers,Spread ms,First Requests,Sent p50 ms,Sent p99 ms,Sent max ms,Answered p50 ms,Answered p99 ms,Answered max ms,Cold Connections,Late Worker';

/** Times after the planned instant, ms. */
export interface TimeSummary {
  /** how many */
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** The first requests of the users an edge started (on one worker, or over all). */
export interface FirstRequests {
  /** users started at the edge */
  users: number;
  /** first requests written to their connection */
  sent: TimeSummary;
  /** first requests answered (or failed) */
  answered: TimeSummary;
  /** users whose first request went over a connection not open at the instant (or never went) */
  cold: number;
  /** one worker's: the planned instant on its own clock (epoch s), which its times count from */
  instantLocal?: number;
}

/** Locust's percentile rule on an ascending list: the value at ceil(n × q) − 1. */
function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))]!;
}

export function summarizeTimes(values: readonly number[]): TimeSummary {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? null };
}

/** A worker's (or every worker's) raw first-request times, summarized. */
export function firstRequestsOf(users: number, sent: readonly number[], answered: readonly number[], cold: number, instantLocal?: number): FirstRequests {
  const f: FirstRequests = { users, sent: summarizeTimes(sent), answered: summarizeTimes(answered), cold };
  if (instantLocal !== undefined) f.instantLocal = instantLocal;
  return f;
}

export interface EdgeWorkerStart {
  workerId: string;
  workerIndex: number;
  /** master-clock epoch seconds; null: no acknowledgement arrived */
  startedAt: number | null;
  /** ms after the planned instant (negative: early); null without an acknowledgement */
  lateMs: number | null;
  users: number | null;
  /** the worker's clock offset estimate, ms */
  offsetMs: number | null;
  /** its users' first requests; null when it started none (or did not report them) */
  firstRequests: FirstRequests | null;
}

export interface EdgeRecord {
  id: number;
  /** planned instant, master-clock epoch seconds */
  startAt: number;
  /** how far ahead of the instant the spawns were sent, ms */
  leadMs: number;
  targetUsers: number;
  /** locust-ts workers that took part */
  workers: EdgeWorkerStart[];
  /** last acknowledged start − first, ms (null when fewer than one worker acknowledged) */
  spreadMs: number | null;
  /** workers more than LATE_WORKER_MS late or without acknowledgement */
  lateWorkers: string[];
  /** Python workers that ramped instead */
  rampingWorkers: number;
  /** every started user's first request over all workers; null when the edge started none */
  firstRequests: FirstRequests | null;
}

/** What `GET /edges` answers. */
export interface EdgesView {
  edges: EdgeRecord[];
  /** why some workers cannot take part (Python workers), or null */
  notice: string | null;
}

function describeWorker(w: EdgeWorkerStart): string {
  const late = w.lateMs === null ? 'no acknowledgement' : `+${w.lateMs.toFixed(0)} ms`;
  return `${w.workerId} (index ${w.workerIndex}, ${late})`;
}

/** Finish a record from its workers' acknowledgements. */
export function summarizeEdge(record: Omit<EdgeRecord, 'spreadMs' | 'lateWorkers'>): EdgeRecord {
  const starts = record.workers.map((w) => w.startedAt).filter((t): t is number => t !== null);
  const spreadMs = starts.length > 0 ? (Math.max(...starts) - Math.min(...starts)) * 1000 : null;
  const lateWorkers = record.workers.filter((w) => w.lateMs === null || w.lateMs > LATE_WORKER_MS).map(describeWorker);
  return { ...record, spreadMs, lateWorkers };
}

const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(0));
const times = (t: TimeSummary): string => `${ms(t.p50)}/${ms(t.p99)}/${ms(t.max)} ms`;

/** "first requests of 1000 users: sent 1000 at p50/p99/max 4/61/70 ms, answered 1000 at 9/96/101 ms after the instant; 0 without a warm connection" */
export function describeFirstRequests(f: FirstRequests): string {
  return `first requests of ${f.users} users: sent ${f.sent.count} at p50/p99/max ${times(f.sent)}, answered ${f.answered.count} at ${times(f.answered)} after the instant; ${f.cold} without a warm connection`;
}

/** The log line of an edge. */
export function edgeLogLine(edge: EdgeRecord): string {
  const acked = edge.workers.filter((w) => w.startedAt !== null).length;
  const spread = edge.spreadMs === null ? 'no acknowledgement' : `start spread ${edge.spreadMs.toFixed(1)} ms`;
  const first = edge.firstRequests ? `; ${describeFirstRequests(edge.firstRequests)}` : '';
  const late = edge.lateWorkers.length > 0 ? `; late: ${edge.lateWorkers.join(', ')}` : '';
  const ramping = edge.rampingWorkers > 0 ? `; ${edge.rampingWorkers} Python worker(s) ramped instead` : '';
  return `Edge ${edge.id} to ${edge.targetUsers} users: ${acked}/${edge.workers.length} locust-ts workers started, ${spread} (lead ${edge.leadMs.toFixed(0)} ms)${first}${late}${ramping}`;
}

/** Workers given a line of their own under an edge's line (the slowest answered first). */
const WORKER_LINES_KEPT = 10;

/** One line per worker that started users at the edge: its users' first requests. */
export function edgeWorkerLines(edge: EdgeRecord): string[] {
  const withFirst = edge.workers.filter((w) => w.firstRequests !== null);
  const slowest = [...withFirst].sort((a, b) => (b.firstRequests!.answered.max ?? Infinity) - (a.firstRequests!.answered.max ?? Infinity));
  const lines = slowest.slice(0, WORKER_LINES_KEPT).map((w) => `Edge ${edge.id}, worker ${w.workerId} (index ${w.workerIndex}): ${describeFirstRequests(w.firstRequests!)}`);
  if (slowest.length > WORKER_LINES_KEPT) lines.push(`Edge ${edge.id}: ${slowest.length - WORKER_LINES_KEPT} more workers (GET /edges has them all)`);
  return lines;
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function firstRequestsCsv(f: FirstRequests | null): string[] {
  if (!f) return ['0', '', '', '', '', '', '', ''];
  const v = (x: number | null): string => (x === null ? '' : x.toFixed(1));
  return [String(f.users), v(f.sent.p50), v(f.sent.p99), v(f.sent.max), v(f.answered.p50), v(f.answered.p99), v(f.answered.max), String(f.cold)];
}

export function edgeCsvRow(edge: EdgeRecord): string {
  return [
    edge.startAt.toFixed(3),
    String(edge.targetUsers),
    String(edge.workers.length),
    edge.spreadMs === null ? '' : edge.spreadMs.toFixed(1),
    ...firstRequestsCsv(edge.firstRequests),
    csvField(edge.lateWorkers.join('; ')),
  ].join(',');
}

export class EdgeReport {
  private readonly records: EdgeRecord[] = [];
  notice: string | null = null;

  /** `csvPath`: `PREFIX_edges.csv` (`--csv`), written row by row as edges complete. */
  constructor(private readonly csvPath: string | null) {
    if (csvPath) writeFileSync(csvPath, `${EDGES_CSV_HEADER}\n`);
  }

  add(edge: EdgeRecord): void {
    this.records.push(edge);
    if (this.records.length > EDGES_KEPT) this.records.shift();
    if (this.csvPath) appendFileSync(this.csvPath, `${edgeCsvRow(edge)}\n`);
  }

  view(): EdgesView {
    return { edges: [...this.records], notice: this.notice };
  }
}
