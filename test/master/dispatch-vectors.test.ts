/**
 * Every newest-Locust scenario of dispatch-vectors.json, through the real UsersDispatcher:
 * same worker order, same per-iteration per-worker per-class targets, same pacing figures.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsersDispatcher, pacedTransition, type UsersOnWorkers } from '@locust-ts/master';
import { SHARED_PROTOCOL_DIR } from '@locust-ts/test-support/paths';

const VECTORS = `${SHARED_PROTOCOL_DIR}/dispatch-vectors.json`;

interface VectorClass {
  name: string;
  weight?: number;
  fixed_count?: number;
}
type VectorStep = { op: 'dispatch'; target: number; rate: number } | { op: 'add_worker'; id: string } | { op: 'remove_worker'; id: string };
interface ResultStep {
  op: string;
  users_per_iteration?: number;
  seconds_between_iterations?: number;
  iterations?: Array<Record<string, Record<string, number>>>;
}
interface Scenario {
  name: string;
  input: { workers: string[]; classes: VectorClass[]; steps: VectorStep[] };
  both?: { worker_order_after_sort: string[]; steps: ResultStep[] };
  head?: { worker_order_after_sort: string[]; steps: ResultStep[] };
}

const scenarios = (JSON.parse(readFileSync(VECTORS, 'utf8')) as { scenarios: Scenario[] }).scenarios;

function plain(users: UsersOnWorkers): Record<string, Record<string, number>> {
  return Object.fromEntries(users);
}

describe('dispatch vectors (newest Locust)', () => {
  const headScenarios = scenarios.filter((s) => s.head ?? s.both);
  it('covers every scenario', () => {
    expect(headScenarios.length).toBe(scenarios.length);
  });

  for (const scenario of headScenarios) {
    it(scenario.name, () => {
      const expected = (scenario.head ?? scenario.both)!;
      const classes = scenario.input.classes.map((c) => ({ name: c.name, weight: c.weight ?? 1, fixedCount: c.fixed_count ?? 0 }));
      const dispatcher = new UsersDispatcher(scenario.input.workers, classes, () => 0);
      scenario.input.steps.forEach((step, i) => {
        const want = expected.steps[i]!;
        if (step.op === 'add_worker') return dispatcher.addWorker(step.id);
        if (step.op === 'remove_worker') return dispatcher.removeWorker(step.id);
        dispatcher.newDispatch(step.target, step.rate);
        const outputs = [];
        for (const out of dispatcher.iterate()) if (out.kind === 'output') outputs.push(plain(out.usersOnWorkers));
        expect(outputs).toEqual(want.iterations);
        expect(dispatcher.userCountPerIteration).toBe(want.users_per_iteration);
        expect(dispatcher.secondsBetweenIterations).toBeCloseTo(want.seconds_between_iterations!, 9);
        expect(dispatcher.inProgress).toBe(false);
      });
      // the vectors record the order after the last step (joins/leaves included)
      expect([...dispatcher.workerOrder]).toEqual(expected.worker_order_after_sort);
    });
  }

  it('10 users over 4 workers are 3,3,2,2', () => {
    const dispatcher = new UsersDispatcher(['h_4', 'h_2', 'h_3', 'h_1'], [{ name: 'U', weight: 1, fixedCount: 0 }]);
    dispatcher.newDispatch(10, 10);
    const outputs = [...dispatcher.iterate()].filter((o) => o.kind === 'output');
    const last = outputs.at(-1)!;
    expect(last.kind === 'output' && [...last.usersOnWorkers.entries()].sort().map(([, c]) => c.U)).toEqual([3, 3, 2, 2]);
  });

  it('waits between iterations are reduced by the time a step took', () => {
    let now = 0;
    const dispatcher = new UsersDispatcher(['w_1'], [{ name: 'U', weight: 1, fixedCount: 0 }], () => now);
    dispatcher.newDispatch(3, 1);
    const waits: number[] = [];
    for (const step of dispatcher.iterate()) {
      if (step.kind === 'output') now += 0.25;
      else waits.push(step.seconds);
    }
    expect(waits).toEqual([0.75, 0.75]);
  });
});

describe('paced transition (moving a lost worker’s users at the spawn rate)', () => {
  it('stops surplus at once and starts missing users per iteration', () => {
    const from: UsersOnWorkers = new Map([
      ['a', { U: 2, V: 1 }],
      ['b', { U: 2, V: 0 }],
    ]);
    const to: UsersOnWorkers = new Map([
      ['a', { U: 3, V: 2 }],
      ['b', { U: 1, V: 3 }],
    ]);
    const steps = pacedTransition(from, to, 2).map((s) => Object.fromEntries(s));
    expect(steps).toEqual([
      { a: { U: 3, V: 1 }, b: { U: 1, V: 1 } },
      { a: { U: 3, V: 2 }, b: { U: 1, V: 2 } },
      { a: { U: 3, V: 2 }, b: { U: 1, V: 3 } },
    ]);
  });
});
