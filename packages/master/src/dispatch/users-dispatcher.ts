/**
 * Locust's UsersDispatcher as the newest Locust runs it (spec §6): which worker runs how many
 * users of which class, one dispatch iteration at a time, paced by the spawn rate.
 *
 * The dispatcher is a pure state machine: it never sleeps or sends. {@link UsersDispatcher.iterate}
 * yields the per-worker targets to send (`output`) and the pauses between them (`wait`), in the
 * order Locust produces them; the master runner sends and sleeps. That keeps it testable against
 * `dispatch-vectors.json` without clocks.
 *
 * Deliberate differences from Locust (none visible in the vectors):
 * - the 2.12.1 fixed-count hang cannot happen (the newest Locust's fixed-class sequence is used);
 * - `inProgress` is cleared when a dispatch ends early after a rebalance (Locust leaves it set, so
 *   later joins/leaves are not re-dispatched — the "stuck in_progress" quirk of spec §6.4).
 */
import type { UserClassDescription, UserClassesCount } from '@locust-ts/protocol';
import { klSequence } from './kl-sequence.js';
import { sortWorkers } from './worker-order.js';

/** class name → users, keys in class-name order (what a `spawn` carries): the protocol's type. */
export type { UserClassesCount } from '@locust-ts/protocol';
/** worker id → its complete per-class target. */
export type UsersOnWorkers = Map<string, UserClassesCount>;

/** What the dispatcher needs from a user class. */
export type DispatchUserClass = Pick<UserClassDescription, 'name' | 'weight' | 'fixedCount'>;

export type DispatchStep =
  /** Send these targets (one `spawn` per worker). `rebalance`: a redistribution over a changed worker set. */
  | { kind: 'output'; usersOnWorkers: UsersOnWorkers; rebalance: boolean }
  /** Pause this long (already reduced by the time the step took) before asking for the next step. */
  | { kind: 'wait'; seconds: number };

type Clock = () => number;

const defaultClock: Clock = () => performance.now() / 1000;

function byName(a: DispatchUserClass, b: DispatchUserClass): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function copyUsers(users: UsersOnWorkers): UsersOnWorkers {
  const out: UsersOnWorkers = new Map();
  for (const [id, counts] of users) out.set(id, { ...counts });
  return out;
}

/** Endless round-robin over a snapshot of the worker order (Python's `itertools.cycle`). */
function* cycle<T>(items: readonly T[]): Generator<T, void, undefined> {
  if (items.length === 0) return;
  for (;;) yield* items;
}

export class UsersDispatcher {
  private workers: string[];
  /** every class ever given, sorted: per-worker maps always carry all of them (zeros included) */
  private readonly originalClasses: DispatchUserClass[];
  /** the classes currently dispatched (a class picker or shape may narrow them) */
  private classes: DispatchUserClass[];

  private targetUserCount = 0;
  private usersPerIteration = 1;
  private waitBetweenDispatch = 1;

  private initialUsersOnWorkers: UsersOnWorkers;
  private usersOnWorkers: UsersOnWorkers;
  private currentUserCount = 0;

  private userGenerator: Generator<string | null, void, undefined>;
  private workerCycle: Generator<string, void, undefined>;
  /** (worker, class) in the order users were added: ramp-down removes the newest first */
  private activeUsers: Array<[worker: string, userClass: string]> = [];

  private dispatchInProgress = false;
  private rebalance = false;
  private tryDispatchFixed = true;
  private noUserToSpawn = false;

  constructor(
    workerIds: readonly string[],
    userClasses: readonly DispatchUserClass[],
    private readonly clock: Clock = defaultClock,
  ) {
    if (userClasses.length === 0) throw new Error('UsersDispatcher needs at least one user class');
    const names = new Set(userClasses.map((c) => c.name));
    if (names.size !== userClasses.length) throw new Error('UsersDispatcher: user class names must be unique');
    this.workers = sortWorkers(workerIds);
    this.originalClasses = [...userClasses].sort(byName);
    this.classes = [...this.originalClasses];
    this.initialUsersOnWorkers = this.emptyUsers(this.workers);
    this.usersOnWorkers = copyUsers(this.initialUsersOnWorkers);
    this.userGenerator = this.userGen();
    this.workerCycle = cycle(this.workers);
  }

  /** Workers in dispatch order (spec §6.2). */
  get workerOrder(): readonly string[] {
    return this.workers;
  }

  get inProgress(): boolean {
    return this.dispatchInProgress;
  }

  /** Users per dispatch iteration: `max(1, floor(rate))`. */
  get userCountPerIteration(): number {
    return this.usersPerIteration;
  }

  /** Seconds between two iterations: `usersPerIteration / rate`. */
  get secondsBetweenIterations(): number {
    return this.waitBetweenDispatch;
  }

  /** The targets as last computed (rebalanced or dispatched), copied. */
  get currentUsersOnWorkers(): UsersOnWorkers {
    return copyUsers(this.usersOnWorkers);
  }

  get userCount(): number {
    return this.currentUserCount;
  }

  /** Start a dispatch cycle towards `targetUserCount` at `spawnRate` users/s; then {@link iterate}. */
  newDispatch(targetUserCount: number, spawnRate: number, userClasses?: readonly DispatchUserClass[]): void {
    if (userClasses) {
      const sorted = [...userClasses].sort(byName);
      const same = sorted.length === this.classes.length && sorted.every((c, i) => c.name === this.classes[i]!.name);
      if (!same) {
        this.classes = sorted;
        this.userGenerator = this.userGen();
      }
    }
    this.targetUserCount = targetUserCount;
    this.usersPerIteration = Math.max(1, Math.floor(spawnRate));
    this.waitBetweenDispatch = this.usersPerIteration / spawnRate;
    this.initialUsersOnWorkers = this.usersOnWorkers;
    this.usersOnWorkers = copyUsers(this.initialUsersOnWorkers);
    this.currentUserCount = this.countUsers(this.usersOnWorkers);
  }

  /** The outputs and pauses of the current dispatch cycle (see {@link DispatchStep}). */
  *iterate(): Generator<DispatchStep, void, undefined> {
    this.dispatchInProgress = true;
    try {
      if (this.rebalance) {
        this.rebalance = false;
        yield this.output(this.usersOnWorkers, true);
        if (this.currentUserCount === this.targetUserCount) return;
      }
      if (this.currentUserCount === this.targetUserCount) {
        yield this.output(this.initialUsersOnWorkers, false);
        return;
      }
      while (this.currentUserCount < this.targetUserCount) {
        yield* this.rampStep(() => this.addUsersOnWorkers());
        if (this.noUserToSpawn) {
          this.noUserToSpawn = false;
          break;
        }
      }
      while (this.currentUserCount > this.targetUserCount) {
        yield* this.rampStep(() => this.removeUsersFromWorkers());
      }
    } finally {
      this.dispatchInProgress = false;
    }
  }

  /**
   * One paced step of a ramp (up or down): its output, the rebalanced map if a worker joined or
   * left meanwhile, then the pause that keeps the spawn rate.
   */
  private *rampStep(takeStep: () => UsersOnWorkers): Generator<DispatchStep, void, undefined> {
    const started = this.clock();
    yield this.output(takeStep(), false);
    if (this.rebalance) {
      this.rebalance = false;
      yield this.output(this.usersOnWorkers, true);
    }
    const wait = this.waitAfterStep(started);
    if (wait) yield wait;
  }

  /** A worker joined: redistribute the current users over all workers (spec §6.5). */
  addWorker(id: string): void {
    if (this.workers.includes(id)) return;
    this.workers = sortWorkers([...this.workers, id]);
    this.prepareRebalance();
  }

  /** A worker left or went missing: redistribute its users over the others (spec §6.5). */
  removeWorker(id: string): void {
    if (!this.workers.includes(id)) return;
    this.workers = this.workers.filter((w) => w !== id);
    if (this.workers.length === 0) return;
    this.prepareRebalance();
  }

  hasWorker(id: string): boolean {
    return this.workers.includes(id);
  }

  // -------------------------------------------------------------------------

  private output(users: UsersOnWorkers, rebalance: boolean): DispatchStep {
    return { kind: 'output', usersOnWorkers: copyUsers(users), rebalance };
  }

  /** No pause once the target is reached; else what is left of the iteration interval. */
  private waitAfterStep(started: number): DispatchStep | null {
    if (this.currentUserCount === this.targetUserCount) return null;
    return { kind: 'wait', seconds: Math.max(0, this.waitBetweenDispatch - (this.clock() - started)) };
  }

  private emptyUsers(workers: readonly string[]): UsersOnWorkers {
    const out: UsersOnWorkers = new Map();
    for (const id of workers) {
      const counts: UserClassesCount = {};
      for (const c of this.originalClasses) counts[c.name] = 0;
      out.set(id, counts);
    }
    return out;
  }

  private countUsers(users: UsersOnWorkers): number {
    let n = 0;
    for (const counts of users.values()) for (const c of Object.values(counts)) n += c;
    return n;
  }

  private dispatchedCountOf(userClass: string): number {
    let n = 0;
    for (const counts of this.usersOnWorkers.values()) n += counts[userClass] ?? 0;
    return n;
  }

  private addUsersOnWorkers(): UsersOnWorkers {
    const goal = Math.min(this.currentUserCount + this.usersPerIteration, this.targetUserCount);
    for (;;) {
      const user = this.userGenerator.next().value;
      if (!user) {
        this.noUserToSpawn = true;
        break;
      }
      const worker = this.workerCycle.next().value;
      if (worker === undefined) break;
      const counts = this.usersOnWorkers.get(worker);
      if (!counts) break;
      counts[user] = (counts[user] ?? 0) + 1;
      this.currentUserCount++;
      this.activeUsers.push([worker, user]);
      if (this.currentUserCount >= goal) break;
    }
    return this.usersOnWorkers;
  }

  private removeUsersFromWorkers(): UsersOnWorkers {
    const goal = Math.max(this.currentUserCount - this.usersPerIteration, this.targetUserCount);
    for (;;) {
      const last = this.activeUsers.pop();
      if (!last) return this.usersOnWorkers;
      const [worker, user] = last;
      const counts = this.usersOnWorkers.get(worker);
      if (counts) counts[user] = (counts[user] ?? 0) - 1;
      this.currentUserCount--;
      this.tryDispatchFixed = true;
      if (this.currentUserCount === 0 || this.currentUserCount <= goal) return this.usersOnWorkers;
    }
  }

  /**
   * Recompute the distribution of the current user count as if ramping up from zero with no
   * pauses; the fresh class sequence and worker cycle then continue the next ramp smoothly.
   */
  private prepareRebalance(): void {
    // zeros first: the fixed-class sequence reads the current counts
    this.usersOnWorkers = this.emptyUsers(this.workers);
    this.tryDispatchFixed = true;

    const users = this.emptyUsers(this.workers);
    const userGen = this.userGen();
    const workerCycle = cycle(this.workers);
    const active: Array<[string, string]> = [];
    let count = 0;
    while (count < this.currentUserCount) {
      const user = userGen.next().value;
      if (!user) break;
      const worker = workerCycle.next().value;
      if (worker === undefined) break;
      const counts = users.get(worker)!;
      counts[user] = (counts[user] ?? 0) + 1;
      count++;
      active.push([worker, user]);
    }
    this.usersOnWorkers = users;
    this.activeUsers = active;
    this.userGenerator = userGen;
    this.workerCycle = workerCycle;
    this.rebalance = true;
  }

  /**
   * Class names in spawn order: whenever `tryDispatchFixed` is set, first exactly the missing
   * fixed-count users (KL sequence over what is missing), then the weighted KL sequence.
   */
  private *userGen(): Generator<string | null, void, undefined> {
    const weighted = klSequence(this.classes.filter((c) => !c.fixedCount).map((c) => [c.name, c.weight] as const));
    for (;;) {
      if (this.tryDispatchFixed) {
        this.tryDispatchFixed = false;
        const missing: Array<[string, number]> = [];
        for (const c of this.classes) {
          if (!c.fixedCount) continue;
          const miss = c.fixedCount - this.dispatchedCountOf(c.name);
          if (miss > 0) missing.push([c.name, miss]);
        }
        const total = missing.reduce((s, [, m]) => s + m, 0);
        const fixed = klSequence(missing);
        for (let i = 0; i < total; i++) yield fixed.next().value;
      } else {
        yield weighted.next().value;
      }
    }
  }
}
