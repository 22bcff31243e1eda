/**
 * A built-in shape's "instant" spawn rate through the real dispatcher: every target change of
 * the shape reaches every worker in one step — one output, no pause — up and down, even from an
 * unfinished ramp (the change is then larger than the shape's own step).
 */
import { describe, expect, it } from 'vitest';
import { type DispatchStep, UsersDispatcher } from '../dispatch/index.js';
import { parseShapeSpec } from './index.js';

const WORKERS = ['w1', 'w2', 'w3', 'w4'];

function steps(dispatcher: UsersDispatcher, users: number, spawnRate: number): DispatchStep[] {
  dispatcher.newDispatch(users, spawnRate);
  return [...dispatcher.iterate()];
}

function perWorker(step: DispatchStep | undefined): number[] {
  if (step?.kind !== 'output') throw new Error(`expected an output, got ${JSON.stringify(step)}`);
  return WORKERS.map((w) => step.usersOnWorkers.get(w)!.User!);
}

describe('the dispatcher at a built-in shape\'s instant spawn rate', () => {
  const shape = parseShapeSpec('square:base=100,peak=1000,on=3s,off=3s');
  it('sends each change to every worker in one step, with no pause', () => {
    const dispatcher = new UsersDispatcher(WORKERS, [{ name: 'User', weight: 1, fixedCount: 0 }], () => 0);
    const [users, rate] = shape.tick(0)!;
    const up = steps(dispatcher, users, rate);
    expect(up).toHaveLength(1);
    expect(perWorker(up[0])).toEqual([250, 250, 250, 250]);
    const [base, rate2] = shape.tick(3)!;
    const down = steps(dispatcher, base, rate2);
    expect(down).toHaveLength(1);
    expect(perWorker(down[0])).toEqual([25, 25, 25, 25]);
  });
  it('a change larger than the shape\'s step (from 0, an unfinished ramp) is still one step', () => {
    const dispatcher = new UsersDispatcher(WORKERS, [{ name: 'User', weight: 1, fixedCount: 0 }], () => 0);
    const [users, rate] = shape.tick(0)!;
    expect(rate).toBeGreaterThanOrEqual(users); // 0 → 1000: the whole peak at once
    expect(steps(dispatcher, users, rate).filter((s) => s.kind === 'wait')).toEqual([]);
  });
});
