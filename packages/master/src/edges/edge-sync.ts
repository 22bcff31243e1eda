/**
 * The master's side of synchronized edges (contract K2): clock samples in heartbeat replies, the
 * lead an edge needs, the `locust_ts_edge` of each edge, and the acknowledgements that complete
 * its report.
 *
 * An edge is a target change whose spawn rate covers the whole user change in one step (Locust's
 * dispatcher would send it in one iteration too). Its spawns are sent `lead` ahead of one
 * master-clock instant; each locust-ts worker starts or stops its users at that instant on its own
 * clock. Python workers get plain spawns and ramp as Locust does (said once in the log).
 */
import {
  type EdgeAckData,
  type EdgeRequestsData,
  type HeartbeatData,
  type HeartbeatReplyData,
  type SpawnEdge,
  decodeEdgeAck,
  decodeEdgeRequests,
  nowSeconds,
} from '@locust-ts/protocol';
import type { MasterLogger } from '../log/master-logger.js';
import type { WorkerNode } from '../runner/worker-registry.js';
import { EdgeReport, type EdgeRecord, type EdgesView, edgeLogLine, edgeWorkerLines, firstRequestsOf, summarizeEdge } from './edge-report.js';

/** The lead is never shorter than this, seconds: preparing a few hundred users takes tens of ms. */
export const MIN_EDGE_LEAD_SECONDS = 0.1;
/** …nor longer than this: a worker with a terrible round trip is reported late rather than stalling every edge. */
const MAX_EDGE_LEAD_SECONDS = 2;
/** Lead = this × the 99th percentile of recent heartbeat round trips. */
const LEAD_RTT_FACTOR = 3;
/**
 * Lead added per user a worker must get ready before the instant, seconds: construct it (1,250
 * users took over 0.7 s on a loaded 2-core machine, about 0.03 ms each when idle) and open its
 * connection to the target ahead (worker's connection-stash.ts; ~0.2-0.4 ms each under load).
 */
export const PREPARE_SECONDS_PER_USER = 0.001;
/** Round trips kept per worker. */
const RTTS_KEPT = 30;
/**
 * Edge instants sit on a grid of this step from the test's start (half a step off it): a shape's
 * ticks come every 100 ms from its start, so two ticks' edges land exactly a whole number of steps
 * apart however late each tick ran (by less than half a step), and stages keep their length.
 */
const EDGE_GRID_SECONDS = 0.1;
/**
 * An edge is reported this long after its instant even if acknowledgements (or first-request
 * figures) are missing, seconds; a worker sends its figures 8 s after the instant at the latest.
 */
const ACK_WAIT_SECONDS = 10;

export const PYTHON_WORKERS_NOTICE =
  'Python (Locust) workers cannot take part in synchronized edges: they ramp their users at the spawn rate as Locust does, while locust-ts workers jump at the edge instant';

interface PendingEdge {
  record: Omit<EdgeRecord, 'spreadMs' | 'lateWorkers' | 'firstRequests'>;
  acks: Map<string, EdgeAckData>;
  /** first-request figures, from the workers whose ack said they follow */
  requests: Map<string, EdgeRequestsData>;
  timer: NodeJS.Timeout;
}

function p99(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}

export class EdgeSync {
  readonly report: EdgeReport;
  private readonly rtts = new Map<string, number[]>();
  private readonly pending = new Map<number, PendingEdge>();
  private nextId = 1;
  private noticeGiven = false;
  /** the lead of this test so far: it only grows, so that equal stages stay equal */
  private testLead = 0;
  /**
   * The round-trip part of this test's lead, taken at its first edge. Under a pulse the busy
   * workers answer heartbeats hundreds of ms late (1,000 users on 2 cores: p99 ≈ 0.3 s): a lead
   * re-sized from those grew from 0.4 s to 1.2 s and stretched a 3 s stage to 3.8 s. A spawn that
   * reaches a busy worker late makes it start late, and the edge report names it instead.
   */
  private testRttLead: number | null = null;
  private gridAnchor: number | null = null;

  /** the next edge is the test's first (a local run starts it at once) */
  private firstOfTest = true;

  /**
   * `local`: a local run, whose one worker is in this process on this clock. No round trip to
   * allow for: an edge's lead is the users' preparation alone, and the test's first edge (from
   * zero users) starts as soon as they are prepared, off the grid, so the first request is not
   * held back (Locust's LocalRunner starts its users at once); later edges stay on the grid.
   */
  constructor(
    private readonly log: MasterLogger,
    csvPath: string | null,
    private readonly local = false,
  ) {
    this.report = new EdgeReport(csvPath);
  }

  /** The heartbeat reply for `node`: a clock sample for locust-ts workers, null for the others (spec §3.3). */
  heartbeatReply(node: WorkerNode | undefined, data: HeartbeatData): HeartbeatReplyData | null {
    if (!node?.dialect.locustTs || data.locust_ts_clock === undefined) return null;
    if (data.locust_ts_rtt !== undefined) {
      const list = this.rtts.get(node.id) ?? [];
      list.push(data.locust_ts_rtt);
      if (list.length > RTTS_KEPT) list.shift();
      this.rtts.set(node.id, list);
    }
    return { locust_ts_clock: [data.locust_ts_clock, nowSeconds()] };
  }

  /** A new test: edges are placed on a grid from `startTime` (epoch s), and the lead starts over. */
  beginTest(startTime: number): void {
    this.gridAnchor = startTime + EDGE_GRID_SECONDS / 2;
    this.testLead = 0;
    this.testRttLead = null;
    this.firstOfTest = true;
  }

  /** max(MIN, 3 × p99 round trip of the given workers), capped. */
  leadSeconds(nodes: readonly WorkerNode[]): number {
    const all = nodes.flatMap((n) => this.rtts.get(n.id) ?? []);
    return Math.min(MAX_EDGE_LEAD_SECONDS, Math.max(MIN_EDGE_LEAD_SECONDS, LEAD_RTT_FACTOR * p99(all)));
  }

  /**
   * Plan an edge to `targetUsers` over `nodes` (the workers its spawns go to): the `locust_ts_edge`
   * for the locust-ts ones, or null when none can take part. `userChange` (users started over
   * all workers) adds time for the workers to construct their users and open their connections first.
   */
  begin(targetUsers: number, nodes: readonly WorkerNode[], userChange = 0): SpawnEdge | null {
    const ts = nodes.filter((n) => n.dialect.locustTs);
    const python = nodes.length - ts.length;
    if (python > 0 && !this.noticeGiven) {
      this.noticeGiven = true;
      this.report.notice = PYTHON_WORKERS_NOTICE;
      this.log.warning(PYTHON_WORKERS_NOTICE);
    }
    if (ts.length === 0) return null;
    const prepare = (Math.ceil(userChange / nodes.length) || 0) * PREPARE_SECONDS_PER_USER;
    this.testRttLead ??= this.local ? 0 : this.leadSeconds(ts);
    const needed = Math.ceil((this.testRttLead + prepare) / EDGE_GRID_SECONDS - 1e-9) * EDGE_GRID_SECONDS;
    this.testLead = Math.max(this.testLead, needed);
    const now = nowSeconds();
    const anchor = this.gridAnchor ?? now;
    const immediate = this.local && this.firstOfTest;
    this.firstOfTest = false;
    const startAt = immediate ? now + prepare : anchor + Math.ceil((now + this.testLead - anchor) / EDGE_GRID_SECONDS) * EDGE_GRID_SECONDS;
    const lead = startAt - now;
    const edge: SpawnEdge = { id: this.nextId++, start_at: startAt };
    const workers = ts.map((n) => ({ workerId: n.id, workerIndex: n.index, startedAt: null, lateMs: null, users: null, offsetMs: null, firstRequests: null }));
    const record = { id: edge.id, startAt: edge.start_at, leadMs: lead * 1000, targetUsers, workers, rampingWorkers: python };
    const timer = setTimeout(() => this.complete(edge.id), (lead + ACK_WAIT_SECONDS) * 1000);
    this.pending.set(edge.id, { record, acks: new Map(), requests: new Map(), timer });
    return edge;
  }

  /** `locust_ts_edge_ack` from a worker. */
  onAck(nodeId: string, data: unknown): void {
    const ack = decodeEdgeAck(data);
    if (!ack) {
      this.log.warning(`Ignoring a malformed locust_ts_edge_ack from worker ${nodeId}`);
      return;
    }
    const edge = this.pending.get(ack.id);
    if (!edge) {
      this.log.debug(`Edge acknowledgement from ${nodeId} for edge ${ack.id}, which is no longer pending`);
      return;
    }
    edge.acks.set(nodeId, ack);
    this.completeIfAnswered(edge);
  }

  /** `locust_ts_edge_requests` from a worker: its users' first requests at an edge. */
  onRequests(nodeId: string, data: unknown): void {
    const figures = decodeEdgeRequests(data);
    if (!figures) {
      this.log.warning(`Ignoring a malformed locust_ts_edge_requests from worker ${nodeId}`);
      return;
    }
    const edge = this.pending.get(figures.id);
    if (!edge) {
      this.log.debug(`First-request figures from ${nodeId} for edge ${figures.id}, which is no longer pending`);
      return;
    }
    edge.requests.set(nodeId, figures);
    this.completeIfAnswered(edge);
  }

  /** Every worker acknowledged, and sent its first-request figures when its ack announced them. */
  private completeIfAnswered(edge: PendingEdge): void {
    const answered = edge.record.workers.every((w) => {
      const ack = edge.acks.get(w.workerId);
      return ack !== undefined && (!ack.first_requests || edge.requests.has(w.workerId));
    });
    if (answered) this.complete(edge.record.id);
  }

  /** Stop waiting for acknowledgements (the master quits). */
  close(): void {
    for (const id of [...this.pending.keys()]) this.complete(id);
  }

  private complete(id: number): void {
    const edge = this.pending.get(id);
    if (!edge) return;
    this.pending.delete(id);
    clearTimeout(edge.timer);
    const { record, acks, requests } = edge;
    const workers = record.workers.map((w) => {
      const ack = acks.get(w.workerId);
      const figures = requests.get(w.workerId);
      const firstRequests = figures ? firstRequestsOf(figures.users, figures.sent, figures.answered, figures.cold, figures.instant_local) : null;
      if (!ack) return { ...w, firstRequests };
      return {
        ...w,
        startedAt: ack.started_at,
        lateMs: (ack.started_at - record.startAt) * 1000,
        users: ack.users,
        offsetMs: ack.offset === null ? null : ack.offset * 1000,
        firstRequests,
      };
    });
    const all = [...requests.values()];
    const firstRequests = all.length === 0
      ? null
      : firstRequestsOf(
        all.reduce((n, f) => n + f.users, 0),
        all.flatMap((f) => f.sent),
        all.flatMap((f) => f.answered),
        all.reduce((n, f) => n + f.cold, 0),
      );
    const done = summarizeEdge({ ...record, workers, firstRequests });
    this.report.add(done);
    if (done.lateWorkers.length > 0) this.log.warning(edgeLogLine(done));
    // a local run's one in-process worker is never late: the line is news only with workers
    else if (this.local) this.log.debug(edgeLogLine(done));
    else this.log.info(edgeLogLine(done));
    // per worker: a local run has one, whose figures the edge line (debug there) already holds
    for (const line of edgeWorkerLines(done)) {
      if (this.local) this.log.debug(line);
      else this.log.info(line);
    }
  }

  view(): EdgesView {
    return this.report.view();
  }
}
