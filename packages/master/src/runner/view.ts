/**
 * The master's read side: the records the web layer, reports and the headless summary read
 * (runner-view.ts' {@link MasterRunnerView} getters). The runner (master-runner.ts) extends it
 * and is the only writer.
 */
import { RequestStats, type UserClassDescription } from '@locust-ts/protocol';
import { MasterLogger } from '../log/master-logger.js';
import { ExceptionTable } from './exceptions.js';
import { History } from './history.js';
import type { ExceptionView, HistoryPoint, MasterState, WorkerView } from './runner-view.js';
import { WorkerRegistry } from './worker-registry.js';

export interface MasterViewOptions {
  userClasses: UserClassDescription[];
  host?: string | null;
  locustfile?: string;
  logger?: MasterLogger;
}

export class MasterView {
  readonly registry = new WorkerRegistry();
  readonly stats = new RequestStats(true);
  readonly locustfile: string;

  protected readonly log: MasterLogger;
  protected currentState: MasterState = 'ready';
  protected currentHost: string | null;
  /** epoch seconds of the current test's start */
  protected testStartTime: number | null = null;
  /** the master's own copies of the user classes (`POST /user` changes them) */
  protected readonly classes: UserClassDescription[];
  protected readonly exceptionTable = new ExceptionTable();
  protected readonly workerLogs = new Map<string, string[]>();
  protected readonly historyPoints = new History();

  constructor(options: MasterViewOptions) {
    if (options.userClasses.length === 0) throw new Error('the master needs at least one user class');
    // own copies: `POST /user` changes weights here, never in the caller's objects
    this.classes = options.userClasses.map((c) => ({ ...c, ...(c.tasks ? { tasks: { ...c.tasks } } : {}) }));
    this.currentHost = options.host ?? null;
    this.locustfile = options.locustfile ?? '';
    this.log = options.logger ?? new MasterLogger();
  }

  get state(): MasterState {
    return this.currentState;
  }

  get host(): string | null {
    return this.currentHost;
  }

  /** Sum of every known worker's last reported user count. */
  get userCount(): number {
    let n = 0;
    for (const node of this.registry.all()) n += node.userCount;
    return n;
  }

  get startTime(): number | null {
    return this.testStartTime;
  }

  /** Worker table rows (missing workers included), sorted by worker index. */
  workers(): WorkerView[] {
    return this.registry
      .all()
      .map((n) => n.view())
      .sort((a, b) => a.index - b.index);
  }

  workerCount(): number {
    return this.registry.activeCount();
  }

  exceptions(): ExceptionView[] {
    return this.exceptionTable.list();
  }

  userClasses(): UserClassDescription[] {
    return [...this.classes];
  }

  history(): HistoryPoint[] {
    return this.historyPoints.list();
  }

  logs(): { master: string[]; workers: Record<string, string[]> } {
    return { master: this.log.recent(), workers: Object.fromEntries(this.workerLogs) };
  }

  /** Running users per class, summed over the workers' last reports. */
  userClassesCount(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.classes) out[c.name] = 0;
    for (const node of this.registry.active()) {
      for (const [name, n] of Object.entries(node.userClassesCount)) out[name] = (out[name] ?? 0) + n;
    }
    return out;
  }
}
