/**
 * The edge report (contract K2): for every synchronized edge, the planned instant, each locust-ts
 * worker's acknowledged start and the spread between them. One log line per edge, a row in
 * `PREFIX_edges.csv`, and the list `GET /edges` serves.
 */
import { appendFileSync, writeFileSync } from 'node:fs';

/** A worker this late (ms after the planned instant) is named in the report. */
export const LATE_WORKER_MS = 50;
/** Edges kept for `GET /edges` (the CSV keeps all). */
const EDGES_KEPT = 1000;

export const EDGES_CSV_HEADER = 'Timestamp,Target Users,Workers,Spread ms,Late Worker';

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

/** The log line of an edge. */
export function edgeLogLine(edge: EdgeRecord): string {
  const acked = edge.workers.filter((w) => w.startedAt !== null).length;
  const spread = edge.spreadMs === null ? 'no acknowledgement' : `spread ${edge.spreadMs.toFixed(1)} ms`;
  const late = edge.lateWorkers.length > 0 ? `; late: ${edge.lateWorkers.join(', ')}` : '';
  const ramping = edge.rampingWorkers > 0 ? `; ${edge.rampingWorkers} Python worker(s) ramped instead` : '';
  return `Edge ${edge.id} to ${edge.targetUsers} users: ${acked}/${edge.workers.length} locust-ts workers started, ${spread} (lead ${edge.leadMs.toFixed(0)} ms)${late}${ramping}`;
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function edgeCsvRow(edge: EdgeRecord): string {
  return [
    edge.startAt.toFixed(3),
    String(edge.targetUsers),
    String(edge.workers.length),
    edge.spreadMs === null ? '' : edge.spreadMs.toFixed(1),
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
