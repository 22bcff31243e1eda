/**
 * The master's table of workers (spec §7.2): one record per registered client id, plus the
 * worker indexes, which are handed out once and never reused or changed while the master lives.
 */
import { HEARTBEAT_LIVENESS, type WorkerDialect, workerDialect } from '@locust-ts/protocol';
import type { WorkerView } from './runner-view.js';

/** Worker record states the master uses itself; any heartbeat overwrites `state` with the worker's own. */
export const WORKER_STATE = {
  ready: 'ready',
  spawning: 'spawning',
  running: 'running',
  missing: 'missing',
} as const;

/** Worker states that count as connected (`worker_count`, spec §7.2). */
const ACTIVE_STATES: ReadonlySet<string> = new Set([WORKER_STATE.ready, WORKER_STATE.spawning, WORKER_STATE.running]);

/** Records per state, kept by the records themselves: the registry's counts are O(1) per message. */
type StateCounts = Map<string, number>;

function bump(counts: StateCounts, state: string, by: number): void {
  counts.set(state, (counts.get(state) ?? 0) + by);
}

export class WorkerNode {
  private currentState: string = WORKER_STATE.ready;
  /** the registry's counts while this record is in it (null once deleted or replaced) */
  counts: StateCounts | null = null;
  /** heartbeat credit (spec §4): reset on each heartbeat, decremented each liveness tick */
  heartbeat: number = HEARTBEAT_LIVENESS;
  cpuUsage = 0;
  memoryUsage = 0;
  cpuWarningEmitted = false;
  /** last reported running users per class */
  userClassesCount: Record<string, number> = {};
  /** requests and failures this worker reported since it registered (its `stats_total` deltas) */
  numRequests = 0;
  numFailures = 0;
  /** epoch seconds of its last heartbeat here, and of the moment it was marked missing (fault figures) */
  lastHeartbeatAt: number | null = null;
  missingAt: number | null = null;
  /** the protocol it speaks and whether it is a locust-ts worker, from its `client_ready` version */
  readonly dialect: WorkerDialect;
  /** the version string (or -1) from `client_ready` */
  constructor(
    readonly id: string,
    readonly index: number,
    readonly version: string | number | null,
  ) {
    this.dialect = workerDialect(version);
  }

  get state(): string {
    return this.currentState;
  }

  set state(state: string) {
    if (state === this.currentState) return;
    if (this.counts) {
      bump(this.counts, this.currentState, -1);
      bump(this.counts, state, 1);
    }
    this.currentState = state;
  }

  get userCount(): number {
    let n = 0;
    for (const c of Object.values(this.userClassesCount)) n += c;
    return n;
  }

  get active(): boolean {
    return ACTIVE_STATES.has(this.state);
  }

  view(): WorkerView {
    return {
      id: this.id,
      state: this.state,
      index: this.index,
      userCount: this.userCount,
      userClassesCount: { ...this.userClassesCount },
      cpuUsage: this.cpuUsage,
      memoryUsage: this.memoryUsage,
    };
  }
}

export class WorkerRegistry {
  private readonly nodes = new Map<string, WorkerNode>();
  private readonly indexes = new Map<string, number>();
  private readonly counts: StateCounts = new Map();
  private nextIndex = 0;
  /** ids that registered here at some time (a stopped worker is deleted until its next client_ready) */
  private readonly registeredIds = new Set<string>();

  /** The stable 0-based index of a client id (assigned on first sight). */
  indexOf(id: string): number {
    let index = this.indexes.get(id);
    if (index === undefined) {
      index = this.nextIndex++;
      this.indexes.set(id, index);
    }
    return index;
  }

  /** (Re)create the record of a worker that sent `client_ready`. */
  register(id: string, version: string | number | null): WorkerNode {
    this.delete(id);
    const node = new WorkerNode(id, this.indexOf(id), version);
    node.counts = this.counts;
    bump(this.counts, node.state, 1);
    this.nodes.set(id, node);
    this.registeredIds.add(id);
    return node;
  }

  get(id: string): WorkerNode | undefined {
    return this.nodes.get(id);
  }

  /** True for a worker this master registered once, even if its record is deleted now. */
  wasRegistered(id: string): boolean {
    return this.registeredIds.has(id);
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  delete(id: string): boolean {
    const node = this.nodes.get(id);
    if (!node) return false;
    bump(this.counts, node.state, -1);
    node.counts = null;
    return this.nodes.delete(id);
  }

  all(): WorkerNode[] {
    return [...this.nodes.values()];
  }

  active(): WorkerNode[] {
    return this.all().filter((n) => n.active);
  }

  // The counting queries below run per message or per registration, so they read counts kept
  // up to date by the records (walking or copying N records per message made a master of N
  // workers O(N) per message).

  countInState(state: string): number {
    return this.counts.get(state) ?? 0;
  }

  activeCount(): number {
    let n = 0;
    for (const state of ACTIVE_STATES) n += this.countInState(state);
    return n;
  }

  someActive(): boolean {
    return this.activeCount() > 0;
  }

  /** Every record is in `state` (true when there are none). */
  allInState(state: string): boolean {
    return this.countInState(state) === this.nodes.size;
  }

  inState(state: string): WorkerNode[] {
    return this.all().filter((n) => n.state === state);
  }

  get size(): number {
    return this.nodes.size;
  }
}
