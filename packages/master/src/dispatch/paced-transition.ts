/**
 * Moving users between workers at the spawn rate (better than Locust, whose rebalance jumps to
 * the new distribution at once): when a worker leaves, its users must be started on the others,
 * and starting them all in one go would ignore `-r`.
 *
 * Surplus users are stopped in the first step (stopping never overloads anything); missing users
 * are started `usersPerIteration` at a time, one user per worker per round so every worker ramps
 * evenly. The last step always equals `target`.
 */
import type { UsersOnWorkers } from './users-dispatcher.js';

export function pacedTransition(from: UsersOnWorkers, target: UsersOnWorkers, usersPerIteration: number): UsersOnWorkers[] {
  const perStep = Math.max(1, Math.floor(usersPerIteration));
  const current: UsersOnWorkers = new Map();
  /** per worker, the class names still to start, one entry per user */
  const pending = new Map<string, string[]>();
  for (const [worker, wanted] of target) {
    const had = from.get(worker) ?? {};
    const now: Record<string, number> = {};
    const toStart: string[] = [];
    for (const [userClass, n] of Object.entries(wanted)) {
      const have = had[userClass] ?? 0;
      now[userClass] = Math.min(have, n);
      for (let i = have; i < n; i++) toStart.push(userClass);
    }
    current.set(worker, now);
    pending.set(worker, toStart);
  }
  const order: string[] = [];
  for (let round = 0; ; round++) {
    let any = false;
    for (const [worker, list] of pending) {
      const userClass = list[round];
      if (userClass !== undefined) {
        order.push(`${worker}\u0000${userClass}`);
        any = true;
      }
    }
    if (!any) break;
  }
  const steps: UsersOnWorkers[] = [];
  const snapshot = (): UsersOnWorkers => new Map([...current].map(([w, c]) => [w, { ...c }]));
  if (order.length === 0) return [snapshot()];
  for (let i = 0; i < order.length; i += perStep) {
    for (const key of order.slice(i, i + perStep)) {
      const [worker, userClass] = key.split('\u0000') as [string, string];
      const counts = current.get(worker)!;
      counts[userClass] = (counts[userClass] ?? 0) + 1;
    }
    steps.push(snapshot());
  }
  return steps;
}
