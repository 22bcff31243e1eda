/**
 * A load shape drives a headless run (Locust's LoadTestShape / shape_worker): 2 users for 2 s,
 * 4 users for 2 s, then null. Two real locust-ts workers; the master's user count follows the
 * shape, `-u`/`-t` are ignored with Locust's warning, and the run ends by itself with exit code 0.
 */
import type { LoadShape, LoadShapeTick } from '@locust-ts/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPE_TICK_INTERVAL_SECONDS } from '../packages/master/src/runner/shape-driver.js';
import { TestSwarm } from './master-helpers.js';

const STAGE_SECONDS = 2;
/** How often the test reads the master's user count. */
const SAMPLE_MS = 100;
/** The run must end by itself well within this (it takes ≈ 2 × STAGE_SECONDS). */
const RUN_LIMIT_MS = 20_000;

/** Written as a locustfile would write it: a class with `tick`, nothing imported from the master. */
class StepShape implements LoadShape {
  readonly runTimes: number[] = [];
  tick(runTimeSeconds: number): LoadShapeTick | null {
    this.runTimes.push(runTimeSeconds);
    if (runTimeSeconds < STAGE_SECONDS) return [2, 10];
    if (runTimeSeconds < 2 * STAGE_SECONDS) return [4, 10];
    return null;
  }
}

describe('a headless run driven by a load shape', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('follows the shape: 2 users, then 4, then ends by itself', async () => {
    const { sink } = swarm;
    const shape = new StepShape();
    const { master } = await swarm.startHeadlessWithTsWorkers(2, {
      users: 10, // ignored: the shape sets the users
      runTime: 60, // ignored: the shape ends the run
      expectWorkers: 2,
      onlySummary: true,
      shape,
    });
    const runner = master.runner;
    const samples: { at: number; users: number }[] = [];
    let finished = false;
    const done = master.done.finally(() => (finished = true));
    const deadline = Date.now() + RUN_LIMIT_MS;
    while (!finished && Date.now() < deadline) {
      samples.push({ at: Date.now(), users: runner.userCount });
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
    expect(finished).toBe(true); // nobody quit it: the shape's null did
    expect(await done).toBe(0);

    const counts = samples.map((s) => s.users);
    expect(Math.max(...counts)).toBe(4); // never the ignored -u 10
    const firstTwo = samples.findIndex((s) => s.users === 2);
    const firstFour = samples.findIndex((s) => s.users === 4);
    expect(firstTwo).toBeGreaterThanOrEqual(0);
    expect(firstFour).toBeGreaterThan(firstTwo);
    // the first stage held 2 users for a good part of its 2 s before the second began
    expect(samples[firstFour]!.at - samples[firstTwo]!.at).toBeGreaterThanOrEqual(1000);
    expect(counts.slice(firstTwo, firstFour).every((n) => n >= 2 && n <= 4)).toBe(true);

    // ticked every SHAPE_TICK_INTERVAL_SECONDS from 0, until the null at ≥ 4 s
    expect(shape.runTimes[0]).toBeLessThan(0.5);
    expect(shape.runTimes.every((t, i) => i === 0 || t > shape.runTimes[i - 1]!)).toBe(true);
    expect(shape.runTimes.at(-1)).toBeGreaterThanOrEqual(2 * STAGE_SECONDS);
    expect(shape.runTimes.length).toBeLessThanOrEqual((2 * STAGE_SECONDS) / SHAPE_TICK_INTERVAL_SECONDS + 2);

    expect(sink.text).toContain('Shape test starting.');
    expect(sink.text).toContain('Shape test updating to 2 users at 10.00 spawn rate');
    expect(sink.text).toContain('Shape test updating to 4 users at 10.00 spawn rate');
    expect(sink.text).toContain('Shape test stopping');
    expect(sink.text).toContain('The following option(s) will be ignored: --users, --run-time');
    expect(sink.text).not.toContain('Run time limit set to');
    expect(runner.stats.get('/hello', 'GET').numRequests).toBeGreaterThan(0);
    const compressed = counts.filter((n, i) => i === 0 || n !== counts[i - 1]);
    console.log(`load shape: user counts ${compressed.join('→')}; ticks at ${shape.runTimes.map((t) => t.toFixed(2)).join(', ')} s`);
  });
});
