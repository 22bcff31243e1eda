/**
 * The ramp: walks the dispatcher's paced steps (spec §4), sends each step's `spawn` messages,
 * paces a rebalance at the spawn rate, plans synchronized edges, and after the last step waits
 * for the workers to report the new counts. It remembers what each worker was last sent (the
 * start of a paced rebalance, and what a worker's report is checked against).
 */
import { type SpawnEdge, nowSeconds, textsVersionFor } from '@locust-ts/protocol';
import type { UserClassDescription } from '@locust-ts/protocol';
import { UsersDispatcher, pacedTransition, type UsersOnWorkers } from '../dispatch/index.js';
import type { EdgeSync } from '../edges/edge-sync.js';
import type { MasterLogger } from '../log/master-logger.js';
import type { Outbox } from './outbox.js';
import type { Sleeper } from './sleeper.js';
import { SpawnClock } from './spawn-clock.js';
import { formatCounts, sortedCounts, sumCounts } from './user-counts.js';
import type { WorkerNode, WorkerRegistry } from './worker-registry.js';

/** Locust waits this long after a ramp for workers to report the new counts (spec §4). */
export const DEFAULT_REPORT_WAIT_AFTER_RAMP = 1.0;

/** A worker that does not have a class the master dispatches to it. */
export interface UnknownUserClass {
  workerId: string;
  userClass: string;
}

export interface RampDeps {
  registry: WorkerRegistry;
  log: MasterLogger;
  outbox: Outbox;
  sleeper: Sleeper;
  edgeSync: EdgeSync;
  /** `--stop-timeout` (sent in `spawn`) and the report wait after a ramp, seconds */
  stopTimeout: number;
  reportWaitAfterRamp: number;
  /** the `host` and `parsed_options` each `spawn` carries, read at each send */
  spawnSettings(): { host: string | null; parsedOptions: Record<string, unknown> };
  /** users the workers report now */
  userCount(): number;
  /** the master is quitting: every ramp gives up */
  quitting(): boolean;
  /** the ramp reached its target (`reported`: the workers' counts say so before the wait ran out) */
  completed(target: number, reported: boolean): void;
  /** A local run (one in-process worker): Locust's LocalRunner line (its edges: edge-sync.ts). */
  local?: boolean;
}

export class Ramp {
  private dispatcher: UsersDispatcher | null = null;
  /** what each worker was last told to run (the start point of a paced rebalance) */
  private readonly lastSent: UsersOnWorkers = new Map();
  private targetUserCount = 0;
  private spawnRate = 1;
  /** bumped by every new ramp and by {@link abandon}: an older ramp sees it and gives up */
  private generation = 0;
  /** the dispatcher's iteration is being walked (a join/leave is then folded into it) */
  private iterating = false;
  private readonly spawnClock = new SpawnClock();
  /** the edge the next spawns belong to (set when a target change is an edge) */
  private nextEdge: SpawnEdge | null = null;
  private readonly edgeListeners = new Set<(startAt: number) => void>();
  /** the instant (epoch s) of the edge the current ramp's spawns carried, until the ramp completes */
  private pendingEdgeStart: number | null = null;
  private readonly unknownClasses = new Map<string, UnknownUserClass>();

  constructor(private readonly deps: RampDeps) {}

  setTarget(userCount: number, spawnRate: number): void {
    this.targetUserCount = userCount;
    this.spawnRate = spawnRate;
    this.targetSet = true;
  }

  /** Locust's `target_user_count` and `spawn_rate`: set by each start, before its ramp. */
  get target(): { userCount: number; spawnRate: number } {
    // Locust's master starts with spawn_rate 0.0, until a first start sets it
    return { userCount: this.targetUserCount, spawnRate: this.targetSet ? this.spawnRate : 0 };
  }

  private targetSet = false;

  /** Locust's `target_user_classes_count`: the users per class of the last ramp's final dispatch. */
  targetUserClassesCount: Record<string, number> = {};

  /** `Sending spawn jobs of …`: the line Locust's master logs when a dispatch starts (`Ramping to …` its LocalRunner). */
  describe(workers: number): string {
    if (this.deps.local) return `Ramping to ${this.targetUserCount} users at a rate of ${this.spawnRate.toFixed(2)} per second`;
    return `Sending spawn jobs of ${this.targetUserCount} users at ${this.spawnRate.toFixed(2)} spawn rate to ${workers} ready workers`;
  }

  /** A test is being dispatched (a dispatcher exists until {@link abandon}). */
  get dispatching(): boolean {
    return this.dispatcher !== null;
  }

  /** A ramp's steps are being walked now: a join or leave is folded into its next step. */
  get walking(): boolean {
    return this.iterating;
  }

  /** Dispatch to these workers from now on (the dispatcher is made on the first ramp of a test). */
  prepare(workerIds: string[], classes: UserClassDescription[]): void {
    this.dispatcher ??= new UsersDispatcher(workerIds, classes);
  }

  /** A worker (re-)registered: whatever it was sent before is no longer running. */
  forget(id: string): void {
    this.lastSent.delete(id);
  }

  /** A worker registered or healed: true when a test is dispatched (the caller re-dispatches). */
  workerJoined(id: string): boolean {
    if (!this.dispatcher) return false;
    this.dispatcher.addWorker(id);
    return true;
  }

  /** A worker left (stopped, quit, missing): true when a test is dispatched (the caller re-dispatches). */
  workerLeft(id: string): boolean {
    this.lastSent.delete(id);
    if (!this.dispatcher) return false;
    this.dispatcher.removeWorker(id);
    return true;
  }

  /** The test ended (or became an arrival-rate test): the running ramp gives up, nothing is remembered. */
  abandon(): void {
    this.generation++;
    this.iterating = false;
    this.dispatcher = null;
    this.lastSent.clear();
  }

  /** A new test: the unknown classes reported in the last one are forgotten. */
  beginTest(): void {
    this.unknownClasses.clear();
  }

  /** Classes the master dispatched to a worker that does not have them (reported once each). */
  unknownUserClasses(): UnknownUserClass[] {
    return [...this.unknownClasses.values()];
  }

  /** Called with each synchronized edge's planned instant (epoch s, master clock). */
  onEdgePlanned(listener: (startAt: number) => void): void {
    this.edgeListeners.add(listener);
  }

  /** Ramp to the target over `active` workers; returns when done or superseded. */
  async run(active: WorkerNode[], selectedClasses: UserClassDescription[] | undefined): Promise<void> {
    const dispatcher = this.dispatcher;
    if (!dispatcher) return;
    dispatcher.newDispatch(this.targetUserCount, this.spawnRate, selectedClasses);
    this.nextEdge = this.planEdge(active);
    const generation = ++this.generation;
    await this.walk(generation, dispatcher);
  }

  /** An edge when the spawn rate covers the whole change in one step (edge-sync.ts). */
  private planEdge(active: WorkerNode[]): SpawnEdge | null {
    let current = 0;
    for (const counts of this.lastSent.values()) current += sumCounts(counts);
    const change = Math.abs(this.targetUserCount - current);
    if (change === 0 || this.spawnRate < change) return null;
    // only users that start need getting ready before the instant (stopping ones do not)
    const edge = this.deps.edgeSync.begin(this.targetUserCount, active, Math.max(0, this.targetUserCount - current));
    if (edge) for (const listener of this.edgeListeners) listener(edge.start_at);
    return edge;
  }

  private superseded(generation: number): boolean {
    return generation !== this.generation || this.deps.quitting();
  }

  private async walk(generation: number, dispatcher: UsersDispatcher): Promise<void> {
    let last: UsersOnWorkers | null = null;
    this.iterating = true;
    try {
      for (const step of dispatcher.iterate()) {
        if (this.superseded(generation)) return;
        if (step.kind === 'wait') {
          await this.deps.sleeper.sleep(step.seconds);
          continue;
        }
        if (step.rebalance) await this.sendRebalance(generation, dispatcher, step.usersOnWorkers);
        else await this.sendSpawns(step.usersOnWorkers);
        last = step.usersOnWorkers;
      }
    } finally {
      if (generation === this.generation) this.iterating = false;
    }
    if (this.superseded(generation) || !last) return;
    await this.complete(generation, last);
  }

  /**
   * Send a rebalanced distribution. Locust sends it at once; here the users a worker must newly
   * start arrive at the spawn rate (surplus users stop at once).
   */
  private async sendRebalance(generation: number, dispatcher: UsersDispatcher, target: UsersOnWorkers): Promise<void> {
    const steps = pacedTransition(this.lastSent, target, dispatcher.userCountPerIteration);
    for (let i = 0; i < steps.length; i++) {
      if (i > 0) {
        await this.deps.sleeper.sleep(dispatcher.secondsBetweenIterations);
        if (this.superseded(generation)) return;
      }
      await this.sendSpawns(steps[i]!);
    }
  }

  private async sendSpawns(users: UsersOnWorkers): Promise<void> {
    const sends: Promise<void>[] = [];
    // Locust sends `vars(environment.parsed_options)`: what listeners and the web form changed
    const { host, parsedOptions } = this.deps.spawnSettings();
    const edge = this.nextEdge;
    this.nextEdge = null;
    // locust-ts workers write the failure texts of the Python workers' release, so rows merge
    const texts = textsVersionFor(this.deps.registry.active().map((n) => n.version));
    if (edge) this.pendingEdgeStart = edge.start_at;
    for (const [id, counts] of users) {
      const userClassesCount = sortedCounts(counts);
      this.lastSent.set(id, { ...userClassesCount });
      sends.push(
        this.deps.outbox.send(id, 'spawn', {
          timestamp: this.spawnClock.next(),
          user_classes_count: userClassesCount,
          host,
          stop_timeout: this.deps.stopTimeout,
          parsed_options: parsedOptions,
          ...(edge && this.deps.registry.get(id)?.dialect.locustTs ? { locust_ts_edge: edge } : {}),
          ...(this.deps.registry.get(id)?.dialect.locustTs ? { locust_ts_texts: texts } : {}),
        }),
      );
    }
    const log = this.deps.log;
    log.debug(
      () => `Sending spawn messages for ${[...users.values()].reduce((n, c) => n + sumCounts(c), 0)} total users to ${users.size} worker(s)`,
    );
    await Promise.all(sends);
  }

  private async complete(generation: number, last: UsersOnWorkers): Promise<void> {
    let target = 0;
    const perClass: Record<string, number> = {};
    for (const counts of last.values()) {
      target += sumCounts(counts);
      for (const [name, n] of Object.entries(counts)) perClass[name] = (perClass[name] ?? 0) + n;
    }
    // as Locust's master, once the dispatch is walked and before the wait for the workers' reports
    this.targetUserClassesCount = perClass;
    // an edge's users start at its instant, not when the spawns leave: the report wait counts from there
    const untilEdge = this.pendingEdgeStart === null ? 0 : Math.max(0, this.pendingEdgeStart - nowSeconds());
    this.pendingEdgeStart = null;
    const wait = this.deps.reportWaitAfterRamp + untilEdge;
    const reported = await this.deps.sleeper.waitFor(() => this.deps.userCount() === target, wait, 0.01);
    if (this.superseded(generation)) return;
    this.deps.completed(target, reported);
    if (!reported) this.logLaggingWorkers();
  }

  /** After a ramp, name the workers whose reported users differ from what they were sent. */
  private logLaggingWorkers(): void {
    for (const [id, sent] of this.lastSent) {
      const node = this.deps.registry.get(id);
      if (!node || node.userCount === sumCounts(sent)) continue;
      this.deps.log.warning(`Worker ${id} (index ${node.index}, state ${node.state}) reports ${formatCounts(node.userClassesCount)} but was sent ${formatCounts(sent)}`);
    }
  }

  /**
   * A class dispatched to a worker but absent from the counts it reports is a class the worker
   * does not have (a Python worker's spawn job then fails with KeyError and never completes).
   */
  checkWorkerClasses(nodeId: string): void {
    const node = this.deps.registry.get(nodeId);
    const sent = this.lastSent.get(nodeId);
    if (!node || !sent) return;
    const reported = Object.keys(node.userClassesCount);
    if (reported.length === 0) return;
    for (const [name, n] of Object.entries(sent)) {
      if (n <= 0 || name in node.userClassesCount) continue;
      const key = `${nodeId}\u0000${name}`;
      if (this.unknownClasses.has(key)) continue;
      this.unknownClasses.set(key, { workerId: nodeId, userClass: name });
      this.deps.log.error(
        `Worker ${nodeId} (index ${node.index}) does not have user class '${name}' (it has: ${reported.sort().join(', ')}); ` +
          `its ${n} user(s) of that class cannot start. Run the workers with the same locustfile as the master.`,
      );
    }
  }
}
