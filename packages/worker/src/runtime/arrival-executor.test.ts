import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpPools } from '../http/pools.js';
import { StopUser } from '../errors.js';
import { silentLogger } from '../logger.js';
import { TaskSet } from '../task-set.js';
import { HttpUser, User, type UserClass } from '../user.js';
import { ArrivalExecutor } from './arrival-executor.js';
import { StatsRecorder } from './stats-recorder.js';
import { userClassInfo } from './user-class-info.js';
import { createEnvironment } from '@locust-ts/protocol';

function environment(host?: string) {
  return { ...createEnvironment(), host, http: { pools: new HttpPools(), stats: new StatsRecorder() }, logger: silentLogger };
}

function executor(classes: UserClass[], env = environment(), now?: () => number) {
  const errors: unknown[] = [];
  const infos = new Map(classes.map((c) => [c.name, userClassInfo(c)]));
  const ex = new ArrivalExecutor(infos, env, { onException: (e) => errors.push(e) }, now);
  return { ex, errors, env };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the arrival-rate executor', () => {
  it('starts rate × time iterations on schedule, onStart once per user, and follows a rate change at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let iterations = 0;
    let starts = 0;
    class Quick extends User {
      static tasks = { go: 1 };
      override onStart(): void {
        starts++;
      }
      go(): void {
        iterations++;
      }
    }
    const { ex, errors } = executor([Quick]);
    ex.apply({ rate: 100, maxUsers: 10 });
    await vi.advanceTimersByTimeAsync(1000);
    // due at 0, 10, …, 1000 ms: 101 (no drift from timer lateness)
    expect(iterations).toBe(101);
    // tasks finish at once: one user is enough and onStart ran once
    expect(starts).toBe(1);
    expect(ex.userCount).toBe(1);
    ex.apply({ rate: 20, maxUsers: 10 });
    await vi.advanceTimersByTimeAsync(1000);
    // the next one is due 50 ms after the last (1000 ms): 1050, 1100, …, 2000
    expect(iterations).toBe(101 + 20);
    ex.apply({ rate: 0, maxUsers: 10 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(iterations).toBe(121);
    expect(ex.totals).toEqual({ started: 121, dropped: 0 });
    await ex.stop();
    expect(errors).toEqual([]);
  });

  it('grows the pool up to max users, then drops and counts iterations that find no idle user', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    class Slow extends User {
      static tasks = { go: 1 };
      async go(): Promise<void> {
        await gate;
      }
    }
    const { ex } = executor([Slow]);
    ex.apply({ rate: 100, maxUsers: 3 });
    await vi.advanceTimersByTimeAsync(100);
    // 11 due (0…100 ms): 3 users busy, 8 dropped
    expect(ex.userCount).toBe(3);
    expect(ex.totals).toEqual({ started: 3, dropped: 8 });
    expect(ex.takeDropped()).toBe(8);
    expect(ex.takeDropped()).toBe(0);
    release();
    gate = new Promise<void>((r) => (release = r));
    await vi.advanceTimersByTimeAsync(100);
    // the idle users take the next three, the pool stays at 3
    expect(ex.userCount).toBe(3);
    expect(ex.totals).toEqual({ started: 6, dropped: 15 });
    release();
    await ex.stop();
    expect(ex.userCount).toBe(0);
  });

  it('picks classes by their share of the pool (smooth weighted order), each class capped by its count', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const picks: string[] = [];
    class A extends User {
      static tasks = { go: 1 };
      go(): void {
        picks.push('A');
      }
    }
    class B extends User {
      static tasks = { go: 1 };
      go(): void {
        picks.push('B');
      }
    }
    const { ex } = executor([A, B]);
    ex.apply({ rate: 1000, maxUsers: 4, userClassesCount: { A: 3, B: 1 } });
    await vi.advanceTimersByTimeAsync(7);
    expect(picks.join('')).toBe('AABAAABA');
    await ex.stop();
  });

  it('StopUser retires a user (onStop runs, a new user takes its place); a TaskSet runs one pick per iteration', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const events: string[] = [];
    class Browse extends TaskSet {
      static tasks = { page: 1 };
      override onStart(): void {
        events.push('set-start');
      }
      page(): void {
        events.push('page');
      }
      override onStop(): void {
        events.push('set-stop');
      }
    }
    let n = 0;
    class Visitor extends User {
      static tasks = [Browse];
      override onStart(): void {
        events.push('start');
      }
      override onStop(): void {
        events.push('stop');
      }
    }
    class Leaver extends User {
      static tasks = { go: 1 };
      override onStart(): void {
        events.push('leaver-start');
      }
      go(): void {
        if (++n === 1) throw new StopUser('done');
      }
      override onStop(): void {
        events.push('leaver-stop');
      }
    }
    const { ex, errors } = executor([Visitor, Leaver]);
    ex.apply({ rate: 1000, maxUsers: 4, userClassesCount: { Visitor: 1, Leaver: 1 } });
    await vi.advanceTimersByTimeAsync(3);
    expect(events).toEqual(['start', 'set-start', 'page', 'set-stop', 'leaver-start', 'leaver-stop', 'set-start', 'page', 'set-stop', 'leaver-start']);
    expect(ex.counts()).toEqual({ Visitor: 1, Leaver: 1 });
    await ex.stop();
    expect(events.slice(-2).sort()).toEqual(['leaver-stop', 'stop']);
    expect(errors).toEqual([]);
  });

  it("adds an iteration's lateness to its first request's response time only", async () => {
    const server: Server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      class TwoRequests extends HttpUser {
        static tasks = { go: 1 };
        async go(): Promise<void> {
          await this.client.get('/a', { name: 'first' });
          await this.client.get('/b', { name: 'second' });
        }
      }
      // a clock that jumps 2 s ahead: as if the event loop had been blocked for 2 s
      let skew = 0;
      const { ex, env, errors } = executor([TwoRequests], environment(url), () => performance.now() + skew);
      ex.apply({ rate: 2, maxUsers: 10 });
      skew = 2000;
      // due at 0, 500, 1000, 1500, 2000 ms of the skewed clock: late by 2000 … 0 ms
      const stats = env.http.stats.stats;
      const deadline = Date.now() + 10_000;
      while (stats.get('second', 'GET').numRequests < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      ex.apply({ rate: 0, maxUsers: 10 });
      await ex.stop();
      expect(errors).toEqual([]);
      const first = stats.get('first', 'GET');
      const second = stats.get('second', 'GET');
      expect(first.numRequests).toBeGreaterThanOrEqual(5);
      expect(first.maxResponseTime).toBeGreaterThanOrEqual(2000);
      // the lateness is spread over the late iterations: 2000, 1500, 1000, 500, 0 (+ wire time)
      expect(first.totalResponseTime).toBeGreaterThanOrEqual(5000);
      expect(second.maxResponseTime).toBeLessThan(1000);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
