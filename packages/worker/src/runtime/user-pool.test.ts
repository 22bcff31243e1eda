import { createEnvironment } from '@locust-ts/protocol';
import { describe, expect, it, vi } from 'vitest';
import { HttpPools } from '../http/pools.js';
import { silentLogger } from '../logger.js';
import { User } from '../user.js';
import { constant } from '../wait-time.js';
import { StatsRecorder } from './stats-recorder.js';
import { userClassInfo } from './user-class-info.js';
import { UserPool } from './user-pool.js';

const environment = { ...createEnvironment(), http: { pools: new HttpPools(), stats: new StatsRecorder() }, logger: silentLogger };

/** Counts the users whose onStart ran. */
let started = 0;
class Idle extends User {
  static tasks = { idle: 1 };
  waitTime = constant(60);
  override onStart(): void {
    started++;
  }
  idle(): void {}
}

function pool(): UserPool {
  started = 0;
  return new UserPool([userClassInfo(Idle)], environment, { onException: (e) => { throw e; }, onExit: () => undefined });
}

describe('UserPool.spawnPaced (a ramp step)', () => {
  it('starts the users a few at a time, yielding to the event loop between batches, and reports once all run', async () => {
    const users = pool();
    const done = vi.fn();
    users.spawnPaced({ Idle: 100 }, 0, done);
    const inFirstTurn = users.userCount;
    expect(inFirstTurn).toBeGreaterThan(0);
    expect(inFirstTurn).toBeLessThan(100); // not all in one turn: running users' responses get handled in between
    await vi.waitFor(() => expect(done).toHaveBeenCalledTimes(1), { timeout: 10_000, interval: 5 });
    expect(done).toHaveBeenCalledWith({ unknownClasses: [] });
    expect(users.counts()).toEqual({ Idle: 100 });
    await vi.waitFor(() => expect(started).toBe(100), { timeout: 10_000, interval: 5 });
    await users.stopAll();
  });

  it('a stop in the middle drops the batches not started yet: nothing starts afterwards, no report', async () => {
    const users = pool();
    const done = vi.fn();
    users.spawnPaced({ Idle: 100, Missing: 1 }, 0, done);
    await users.stopAll();
    await new Promise((resolve) => setImmediate(resolve));
    expect(users.userCount).toBe(0);
    expect(done).not.toHaveBeenCalled();
  });

  it('surplus users stop at once and unknown classes are reported', async () => {
    const users = pool();
    const first = vi.fn();
    users.spawnPaced({ Idle: 30 }, 0, first);
    await vi.waitFor(() => expect(first).toHaveBeenCalled(), { timeout: 10_000, interval: 5 });
    const second = vi.fn();
    users.spawnPaced({ Idle: 10, Missing: 2 }, 0, second);
    expect(users.counts()).toEqual({ Idle: 10 });
    expect(second).toHaveBeenCalledWith({ unknownClasses: ['Missing'] });
    await users.stopAll();
  });
});
