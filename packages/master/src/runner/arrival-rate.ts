/**
 * The master's side of the arrival rate (open model, contract K3): the swarm's iterations per
 * second split over the locust-ts workers, each with its share of a pool of at most `maxUsers`
 * users, sent as `locust_ts_rate`. The pool is split over workers and classes exactly as the
 * dispatcher would split `maxUsers` users (weights, `fixed_count`, worker order); a worker's
 * rate is the swarm's rate times its share of the pool, so every user is equally busy.
 *
 * A worker joining, leaving or going missing re-splits at once. Python workers cannot run an
 * arrival rate: they get nothing, and the log says so once per worker; with no locust-ts worker
 * at all the start is refused ({@link ArrivalRateError}).
 *
 * Changing the rate is cheap (a shape with `unit=rps` does it every tick): the pool split is
 * cached while the workers and `maxUsers` stay, and only workers whose share changed get a message.
 */
import { type ArrivalRateData, LOCUST_TS_RATE, type UserClassDescription, ArrivalRateError } from '@locust-ts/protocol';
import type { UsersOnWorkers } from '../dispatch/index.js';
import type { MasterLogger } from '../log/master-logger.js';
import { type ArrivalShare, PoolSplitter, shareRate } from './arrival-split.js';
import type { ArrivalRateView } from './runner-view.js';
import type { WorkerNode, WorkerRegistry } from './worker-registry.js';

/** Without `--max-users`: this many users per iteration/s (a 10 s iteration still keeps the rate). */
export const DEFAULT_USERS_PER_RATE = 10;

/** Without `--max-users`, a pool that must grow grows by this factor at least. */
const MAX_USERS_GROWTH = 1.25;

/** A start or rate change that cannot be applied: one line for the log or the CLI. */
export { ArrivalRateError };

/** What the web layer and the reports show of an arrival-rate test (runner-view.ts). */
export type { ArrivalRateView };

/** The default pool: 10 users per iteration/s, at least one per worker. */
export function defaultMaxUsers(rate: number, workers: number): number {
  return Math.max(Math.ceil(rate * DEFAULT_USERS_PER_RATE), workers, 1);
}

/** What the controller needs from the master runner. */
export interface ArrivalRateContext {
  readonly registry: WorkerRegistry;
  readonly log: MasterLogger;
  /** the classes this test runs (a class picker may narrow them) */
  dispatchedClasses(): UserClassDescription[];
  /** the host sent to workers (as `spawn`'s) */
  host(): string | null;
  sendMessage(type: string, data: unknown, clientId: string): void;
}

export class ArrivalRateController {
  private rate = 0;
  private maxUsers = 0;
  /** `--max-users` given: it stays; otherwise it follows the rate (never shrinking within a test) */
  private maxUsersFixed = false;
  private running = false;
  private dropped = 0;
  /** locust-ts workers at the last split (kept after the test, for the final report) */
  private sharedBy = 0;
  private timestamp = 0;
  private readonly sent = new Map<string, string>();
  private readonly pythonNoticed = new Set<string>();
  private readonly splitter = new PoolSplitter();

  constructor(private readonly ctx: ArrivalRateContext) {}

  /** An arrival-rate test runs (started and not stopped). */
  get active(): boolean {
    return this.running;
  }

  view(): ArrivalRateView | null {
    if (!this.running && this.rate === 0) return null;
    return { rate: this.rate, maxUsers: this.maxUsers, droppedIterations: this.dropped, workers: this.sharedBy };
  }

  /** Validate a rate and pool size; throws {@link ArrivalRateError} naming the bad value. */
  static check(rate: number, maxUsers?: number): void {
    if (!Number.isFinite(rate) || rate < 0) throw new ArrivalRateError(`the arrival rate must be a number >= 0 (iterations per second), got ${rate}`);
    if (maxUsers !== undefined && (!Number.isInteger(maxUsers) || maxUsers < 1)) {
      throw new ArrivalRateError(`--max-users must be a whole number >= 1, got ${maxUsers}`);
    }
  }

  /**
   * Start, or change the rate of, the arrival-rate test. Throws {@link ArrivalRateError} when
   * the values are bad or no locust-ts worker is connected (nothing is sent then).
   */
  start(rate: number, maxUsers?: number): void {
    ArrivalRateController.check(rate, maxUsers);
    const workers = this.tsWorkers();
    if (workers.length === 0) {
      const python = this.ctx.registry.active().length;
      throw new ArrivalRateError(
        python > 0
          ? `an arrival rate needs locust-ts workers: the ${python} connected worker(s) are Python Locust workers, which cannot run one (use -u/--users with them)`
          : 'an arrival rate needs at least one connected locust-ts worker',
      );
    }
    if (!this.running) {
      this.maxUsersFixed = maxUsers !== undefined;
      this.maxUsers = 0;
      this.ctx.log.info(
        `Starting an arrival rate of ${rate.toFixed(2)} iterations/s over ${workers.length} locust-ts worker(s)` +
          (maxUsers !== undefined ? `, at most ${maxUsers} users` : ''),
      );
    }
    if (maxUsers !== undefined) {
      this.maxUsersFixed = true;
      this.maxUsers = maxUsers;
    }
    this.rate = rate;
    this.running = true;
    this.resplit();
  }

  /** The test stops: forget the shares (the master's `stop` ends the workers' iterations). */
  stop(): void {
    this.running = false;
    this.sent.clear();
    this.pythonNoticed.clear();
  }

  /**
   * Leave arrival-rate mode while the workers keep running (a `-u` test replaces it): rate 0 to
   * every locust-ts worker, which stops its iterations and users.
   */
  halt(): void {
    if (this.running) {
      for (const node of this.tsWorkers()) this.send(node.id, { rate: 0, maxUsers: 0, userClassesCount: {} });
      this.stop();
    }
    this.rate = 0;
  }

  /** A worker joined, left, healed or went missing: split again (that worker gets its share anew). */
  workersChanged(nodeId: string): void {
    this.sent.delete(nodeId);
    if (this.running && this.tsWorkers().length > 0) this.resplit();
    else if (this.running) this.ctx.log.warning('No locust-ts worker is left to run the arrival rate; iterations resume when one joins');
  }

  /** A worker's stats report carried `locust_ts_dropped`. */
  addDropped(n: number | undefined): void {
    if (n !== undefined && n > 0) this.dropped += n;
  }

  /** The stats were reset (a new test, `/stats/reset`, `--reset-stats`). */
  resetDropped(): void {
    this.dropped = 0;
  }

  private tsWorkers(): WorkerNode[] {
    return this.ctx.registry.active().filter((n) => n.dialect.locustTs);
  }

  private resplit(): void {
    const workers = this.tsWorkers();
    if (!this.maxUsersFixed) {
      // the cap costs nothing until users are needed; growing it by a quarter at least keeps a
      // rising rate (a shape's ramp) from re-splitting the pool at every tick
      const wanted = defaultMaxUsers(this.rate, workers.length);
      if (wanted > this.maxUsers) this.maxUsers = this.maxUsers === 0 ? wanted : Math.max(wanted, Math.ceil(this.maxUsers * MAX_USERS_GROWTH));
    }
    this.noticePythonWorkers();
    const pool = this.pool(workers.map((n) => n.id));
    this.sharedBy = workers.length;
    for (const [id, share] of shareRate(this.rate, pool)) this.send(id, share);
  }

  private pool(ids: string[]): UsersOnWorkers {
    return this.splitter.split(this.maxUsers, ids, this.ctx.dispatchedClasses());
  }

  /** Send a share unless the worker already has exactly this one. */
  private send(id: string, share: ArrivalShare): void {
    const text = JSON.stringify([share.rate, share.maxUsers, share.userClassesCount, this.ctx.host()]);
    if (this.sent.get(id) === text) return;
    this.sent.set(id, text);
    const data: ArrivalRateData = {
      rate: share.rate,
      max_users: share.maxUsers,
      user_classes_count: share.userClassesCount,
      timestamp: ++this.timestamp,
      host: this.ctx.host(),
    };
    this.ctx.sendMessage(LOCUST_TS_RATE, data, id);
  }

  private noticePythonWorkers(): void {
    for (const node of this.ctx.registry.active()) {
      if (node.dialect.locustTs || this.pythonNoticed.has(node.id)) continue;
      this.pythonNoticed.add(node.id);
      this.ctx.log.warning(
        `Worker ${node.id} (index ${node.index}) is a Python Locust worker: it cannot run an arrival rate and gets no users; ` +
          'only locust-ts workers share the rate',
      );
    }
  }
}
