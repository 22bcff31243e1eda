/**
 * Fault matrix — ramp-down in real time: going from 8 to 2 users at spawn rate 2, the master sends
 * the stops in steps of 2 users, one step a second (Locust's dispatcher: `max(1, floor(rate))` users
 * per iteration, `users / rate` seconds apart), not all at once. Read from the `spawn` messages
 * two worker sockets receive: their `timestamp` is the master's own clock at sending.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TestSwarm, waitFor } from '@locust-ts/test-support/swarm';

const RATE = 2;
/** Node timers may fire a millisecond early against the wall clock. */
const TIMER_ROUNDING_SECONDS = 0.002;

interface Spawn {
  timestamp: number;
  user_classes_count: Record<string, number>;
}

describe('fault matrix: ramp-down paced by the spawn rate', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('8 → 2 users at rate 2: 3 steps of 2 users, a second apart on the master clock', async () => {
    const master = await swarm.startMaster({ userClasses: [{ name: 'SimpleUser', weight: 1, fixedCount: 0 }], webHost: '127.0.0.1', webPort: 0 });
    const workers = await swarm.registerScriptedWorkers(2);
    const runner = master.runner;
    await runner.start({ userCount: 8, spawnRate: 100 });
    await waitFor(() => runner.state === 'running' && runner.userCount === 8, 30_000, '8 users');
    const seen = workers.map((w) => w.received.length);
    await runner.start({ userCount: 2, spawnRate: RATE });
    await waitFor(() => runner.state === 'running' && runner.userCount === 2, 30_000, '2 users');

    const spawns = workers.map((w, i) => w.received.slice(seen[i]).filter((m) => m.type === 'spawn').map((m) => m.data as Spawn));
    const users = (s: Spawn) => Object.values(s.user_classes_count).reduce((a, b) => a + b, 0);
    expect(spawns.map((s) => s.length)).toEqual([3, 3]);
    // the total after each step: 2 users fewer each time
    expect([0, 1, 2].map((step) => users(spawns[0]![step]!) + users(spawns[1]![step]!))).toEqual([6, 4, 2]);
    const gaps = spawns[0]!.slice(1).map((s, i) => s.timestamp - spawns[0]![i]!.timestamp);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1 - TIMER_ROUNDING_SECONDS);
    console.log(`ramp-down 8 → 2 at rate 2: steps ${gaps.map((g) => g.toFixed(3)).join(' s, ')} s apart (master's spawn timestamps)`);
  });
});
