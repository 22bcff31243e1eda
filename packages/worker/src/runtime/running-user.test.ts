import { describe, expect, it, vi } from 'vitest';
import { StopUser } from '../errors.js';
import { HttpPools } from '../http/pools.js';
import { silentLogger } from '../logger.js';
import { TaskSet } from '../task-set.js';
import { User, type UserClass } from '../user.js';
import { constant } from '../wait-time.js';
import { RunningUser } from './running-user.js';
import { StatsRecorder } from './stats-recorder.js';
import { userClassInfo } from './user-class-info.js';
import { createEnvironment } from '@locust-ts/protocol';

/** A wait a stopped user must not sit out. */
const WAIT_SECONDS = 60;

const environment = { ...createEnvironment(), http: { pools: new HttpPools(), stats: new StatsRecorder() }, logger: silentLogger };

function run(cls: UserClass) {
  const exits: RunningUser[] = [];
  const errors: unknown[] = [];
  const user = new RunningUser(userClassInfo(cls), environment, { onException: (e) => errors.push(e), onExit: (u) => exits.push(u) });
  user.start();
  return { user, exits, errors };
}

describe('a running user', () => {
  it('runs onStart, its tasks, then onStop when stopped; a TaskSet runs until interrupt()', async () => {
    const events: string[] = [];
    class Browse extends TaskSet {
      static tasks = { page: 1 };
      count = 0;
      page(): void {
        events.push('page');
        if (++this.count === 2) this.interrupt();
      }
      override onStart(): void {
        events.push('set-start');
      }
      override onStop(): void {
        events.push('set-stop');
      }
    }
    class Visitor extends User {
      static tasks = [Browse];
      waitTime = constant(0);
      override onStart(): void {
        events.push('start');
      }
      override onStop(): void {
        events.push('stop');
      }
    }
    const { user, errors } = run(Visitor);
    await vi.waitFor(() => expect(events.filter((e) => e === 'page').length).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 5 });
    user.stop();
    await user.done;
    expect(errors).toEqual([]);
    expect(events.slice(0, 5)).toEqual(['start', 'set-start', 'page', 'page', 'set-stop']);
    expect(events.at(-1)).toBe('stop');
  });

  it('StopUser ends the user without an exception report; other errors are reported and it goes on', async () => {
    let calls = 0;
    class Quitter extends User {
      static tasks = { work: 1 };
      work(): void {
        calls++;
        if (calls === 1) throw new Error('first fails');
        throw new StopUser();
      }
    }
    const { user, exits, errors } = run(Quitter);
    await user.done;
    expect(calls).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['first fails']);
    expect(exits).toEqual([user]);
  });

  it('a stopped user waiting out a long wait time ends at once', async () => {
    let napped = false;
    class Sleeper extends User {
      static tasks = { nap: 1 };
      waitTime = constant(WAIT_SECONDS);
      nap(): void {
        napped = true;
      }
    }
    const { user } = run(Sleeper);
    await vi.waitFor(() => expect(napped).toBe(true), { timeout: 10_000, interval: 5 });
    user.stop();
    // done well before the wait would have ended (the guard is half of it, only against a hang)
    let guard: NodeJS.Timeout | undefined;
    const stillWaiting = new Promise((r) => (guard = setTimeout(() => r('still waiting'), (WAIT_SECONDS / 2) * 1000)));
    const ended = await Promise.race([user.done.then(() => 'ended'), stillWaiting]);
    clearTimeout(guard);
    expect(ended).toBe('ended');
  });
});
