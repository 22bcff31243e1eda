/**
 * A load shape drives a headless run (Locust's LoadTestShape / shape_worker): 2 users for 2 s,
 * 4 users for 2 s, then null. Two real locust-ts workers; the master's user count follows the
 * shape (ticked every 100 ms), `-u`/`-t` are ignored with Locust's warning, and the run ends by itself with exit code 0.
 */
import type { LoadShape, LoadShapeTick } from '@locust-ts/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPE_TICK_INTERVAL_SECONDS } from '@locust-ts/master';
import { loggedAt } from '@locust-ts/test-support/log-time';
import { TestSwarm } from '@locust-ts/test-support/swarm';

const STAGE_SECONDS = 2;
/** How often the test reads the master's user count (an observation, never a synchronisation). */
const SAMPLE_MS = 100;
/** Guards against a hang only: the run ends by the shape's null (≈ 2 × STAGE_SECONDS). */
const HANG_GUARD_MS = 45_000;

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
    // every count the master shows is recorded until the run ends by itself (nobody quits it)
    const counts: number[] = [];
    const sampler = setInterval(() => counts.push(runner.userCount), SAMPLE_MS);
    let guard: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((r) => (guard = setTimeout(() => r('hung'), HANG_GUARD_MS)));
    const code = await Promise.race([master.done, hung]);
    clearInterval(sampler);
    clearTimeout(guard);
    expect(code).toBe(0);

    expect(Math.max(...counts)).toBe(4); // never the ignored -u 10
    const firstTwo = counts.indexOf(2);
    const firstFour = counts.indexOf(4);
    expect(firstTwo).toBeGreaterThanOrEqual(0);
    expect(firstFour).toBeGreaterThan(firstTwo);
    expect(counts.slice(firstTwo, firstFour).every((n) => n >= 2 && n <= 4)).toBe(true);
    // the stages change on the master's own clock: its log stamps them a stage apart (less the first
    // tick's run time; the stamps are truncated to milliseconds)
    const stage = loggedAt(sink.text, /Shape test updating to 4 users/) - loggedAt(sink.text, /Shape test updating to 2 users/);
    expect(stage).toBeGreaterThanOrEqual(STAGE_SECONDS - shape.runTimes[0]! - 0.002);

    // ticked every 100 ms from 0 (late ticks skipped, never replayed), until the null at ≥ 4 s
    expect(shape.runTimes[0]).toBeLessThan(0.5);
    expect(shape.runTimes.every((t, i) => i === 0 || t > shape.runTimes[i - 1]!)).toBe(true);
    expect(shape.runTimes.at(-1)).toBeGreaterThanOrEqual(2 * STAGE_SECONDS);
    expect(shape.runTimes.length).toBeLessThanOrEqual(Math.round((2 * STAGE_SECONDS) / SHAPE_TICK_INTERVAL_SECONDS) + 2);

    expect(sink.text).toContain('Shape test starting.');
    expect(sink.text).toContain('Shape test updating to 2 users at 10.00 spawn rate');
    expect(sink.text).toContain('Shape test updating to 4 users at 10.00 spawn rate');
    expect(sink.text).toContain('Shape test stopping');
    expect(sink.text).toContain('The following option(s) will be ignored: --users, --run-time');
    expect(sink.text).not.toContain('Run time limit set to');
    expect(runner.stats.get('/hello', 'GET').numRequests).toBeGreaterThan(0);
    const compressed = counts.filter((n, i) => i === 0 || n !== counts[i - 1]);
    console.log(`load shape: user counts ${compressed.join('→')}; stage 2→4 users ${stage.toFixed(2)} s apart in the master's log; ticks at ${shape.runTimes.map((t) => t.toFixed(2)).join(', ')} s`);
  });
});
