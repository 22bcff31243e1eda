/**
 * How an arrival rate's pool of users is split over workers and classes (contract K3): as the
 * dispatcher splits that many users (weights, `fixed_count`, worker order), and each worker's
 * rate in proportion to its share of the pool, so every user is equally busy.
 *
 * The dispatcher walks user by user (≈10 µs each), too slow for a pool of 100,000 re-split at
 * every 100 ms shape tick. Up to {@link EXACT_SPLIT_MAX_USERS} users the split is the
 * dispatcher's own; above, each worker's total is still exactly the dispatcher's round robin
 * and its classes follow the proportions of the dispatcher's split of that many users (fixed
 * counts kept). Results are cached: a rate change with the same pool and workers costs nothing.
 */
import type { UserClassDescription } from '@locust-ts/protocol';
import { UsersDispatcher, type UsersOnWorkers, sortWorkers } from '../dispatch/index.js';

/** Pools up to this size are split by the dispatcher itself. */
export const EXACT_SPLIT_MAX_USERS = 1000;

/** One worker's share. */
export interface ArrivalShare {
  rate: number;
  maxUsers: number;
  userClassesCount: Record<string, number>;
}

function total(counts: Record<string, number>): number {
  let n = 0;
  for (const c of Object.values(counts)) n += c;
  return n;
}

/** The dispatcher's distribution of `users` users ramped up from zero in one step. */
export function dispatcherSplit(users: number, workerIds: readonly string[], classes: readonly UserClassDescription[]): UsersOnWorkers {
  const dispatcher = new UsersDispatcher(workerIds, classes, () => 0);
  dispatcher.newDispatch(users, Math.max(1, users));
  let last: UsersOnWorkers = new Map();
  for (const step of dispatcher.iterate()) if (step.kind === 'output') last = step.usersOnWorkers;
  return last;
}

/** `users` over `weights` (largest remainder; ties to the first class), whole numbers summing to `users`. */
function proportional(users: number, weights: Array<[string, number]>): Record<string, number> {
  const sum = weights.reduce((n, [, w]) => n + w, 0);
  const out: Record<string, number> = {};
  if (sum <= 0) return out;
  const rest: Array<[string, number]> = [];
  let given = 0;
  for (const [name, w] of weights) {
    const exact = (users * w) / sum;
    out[name] = Math.floor(exact);
    given += out[name];
    rest.push([name, exact - out[name]]);
  }
  rest.sort((a, b) => b[1] - a[1]);
  for (let i = 0; i < users - given; i++) out[rest[i % rest.length]![0]]! += 1;
  return out;
}

/** A large pool: worker totals by the dispatcher's round robin, classes as in `sample`. */
function scaledSplit(users: number, workerIds: readonly string[], classes: readonly UserClassDescription[], sample: UsersOnWorkers): UsersOnWorkers {
  const order = sortWorkers(workerIds);
  const fixed = new Set(classes.filter((c) => c.fixedCount).map((c) => c.name));
  const out: UsersOnWorkers = new Map();
  order.forEach((id, i) => {
    const counts = { ...sample.get(id) };
    const share = Math.floor(users / order.length) + (i < users % order.length ? 1 : 0);
    let fixedHere = 0;
    for (const name of fixed) fixedHere += counts[name] ?? 0;
    const weighted = Object.entries(counts).filter(([name]) => !fixed.has(name));
    Object.assign(counts, proportional(Math.max(0, share - fixedHere), weighted));
    out.set(id, counts);
  });
  return out;
}

export class PoolSplitter {
  private sample: { key: string; split: UsersOnWorkers } | null = null;
  private last: { key: string; split: UsersOnWorkers } | null = null;

  split(users: number, workerIds: readonly string[], classes: readonly UserClassDescription[]): UsersOnWorkers {
    const shape = JSON.stringify([[...workerIds].sort(), classes.map((c) => [c.name, c.weight, c.fixedCount ?? 0])]);
    const key = `${users} ${shape}`;
    if (this.last?.key === key) return this.last.split;
    let split: UsersOnWorkers;
    if (users <= EXACT_SPLIT_MAX_USERS) split = dispatcherSplit(users, workerIds, classes);
    else {
      if (this.sample?.key !== shape) this.sample = { key: shape, split: dispatcherSplit(EXACT_SPLIT_MAX_USERS, workerIds, classes) };
      split = scaledSplit(users, workerIds, classes, this.sample.split);
    }
    this.last = { key, split };
    return split;
  }
}

/** Each worker's rate in proportion to its share of the pool. */
export function shareRate(rate: number, pool: UsersOnWorkers): Map<string, ArrivalShare> {
  let users = 0;
  for (const counts of pool.values()) users += total(counts);
  const out = new Map<string, ArrivalShare>();
  for (const [id, counts] of pool) {
    const own = total(counts);
    out.set(id, { rate: users > 0 ? (rate * own) / users : 0, maxUsers: own, userClassesCount: counts });
  }
  return out;
}
