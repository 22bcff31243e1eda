/**
 * `--shape` through the real `locust-ts` bin: a bad spec is one `locust-ts: error: --shape …`
 * line and exit 2; a square pulse over 2 TS worker processes changes its target every 3 s,
 * measured from the master's own DEBUG log of sending the spawn messages; `-t` caps an endless
 * shape.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, startBin } from '@locust-ts/test-support/process';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { REPO_ROOT } from '@locust-ts/test-support/paths';

const runs = useBinRuns('cli-builtin-shapes-');
const LOCUSTFILE = join(REPO_ROOT, 'examples/locustfile.ts');
const SHAPE_LOCUSTFILE = join(REPO_ROOT, 'examples/shape-locustfile.ts');
/** A stage of the pulse below, seconds, and the tolerance the issue asks for. */
const STAGE_SECONDS = 3;
const STAGE_TOLERANCE_SECONDS = 0.1;
/** Guards against a hung run only (the pulse takes 12 s plus start-up, slow on a loaded machine). */
const RUN_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = RUN_TIMEOUT_MS + 30_000;

function lines(output: string): string[] {
  return output.split('\n').filter((l) => l.trim() !== '');
}

/** `[2026-11-29 15:29:22,702] host/DEBUG/locust.runners: Sending spawn messages for 10 total users to 2 worker(s)` → epoch ms, users. */
function spawnSends(output: string): Array<{ at: number; users: number }> {
  const re = /^\[(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3})\] \S+\/DEBUG\/locust\.runners: Sending spawn messages for (\d+) total users to (\d+) worker/gm;
  return [...output.matchAll(re)].map((m) => ({ at: new Date(`${m[1]}T${m[2]}.${m[3]}`).getTime(), users: Number(m[4]) }));
}

describe('--shape on the command line', () => {
  it.each([
    ['square:peak=lots,on=3s', 'peak=lots is not a user count'],
    ['triangle:peak=10', "unknown shape 'triangle'"],
    ['spike:peak=100,at=1m,hold=10s,width=3', "spike has no key 'width'"],
    ['stages:30s=100,later=0', "'later=0' is not <duration>=<target>"],
  ])('a bad spec %j is one error line naming the bad part, exit 2', async (spec, part) => {
    const { code, output } = await runBin(['-f', LOCUSTFILE, '--headless', '--shape', spec]);
    expect(code).toBe(2);
    const out = lines(output);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^locust-ts: error: --shape /);
    expect(out[0]).toContain(part);
  });

  it('a locustfile shape and --shape together: one error line, exit 2', async () => {
    const { code, output } = await runBin(['-f', SHAPE_LOCUSTFILE, '--headless', '--shape', 'square:peak=2,on=1s']);
    expect(code).toBe(2);
    expect(lines(output)).toEqual([
      'locust-ts: error: --shape cannot be combined with the load shape class StagesShape in the locustfile: remove one of them',
    ]);
  });

  it('a square pulse over 2 TS workers: each stage, from spawn send to spawn send, lasts 3.0 ± 0.1 s; the shape ends the run', async () => {
    const spec = `square:base=0,peak=20,on=${STAGE_SECONDS}s,off=${STAGE_SECONDS}s,cycles=2`;
    const run = startBin(['-f', LOCUSTFILE, '--headless', '--processes', '2', '--shape', spec, '-H', runs.targetUrl, '-L', 'DEBUG', '--only-summary']);
    const timer = setTimeout(() => run.kill(), RUN_TIMEOUT_MS);
    const code = await run.exited;
    clearTimeout(timer);
    const output = run.output();
    expect(code).toBe(0);
    expect(output).toContain('Shape test stopping');
    // one spawn per worker per target change, each change sent in one step (instant spawn rate)
    const sends = spawnSends(output);
    expect(sends.map((s) => s.users)).toEqual([20, 0, 20, 0]);
    const stages = sends.slice(1).map((s, i) => (s.at - sends[i]!.at) / 1000);
    for (const seconds of stages) expect(Math.abs(seconds - STAGE_SECONDS)).toBeLessThanOrEqual(STAGE_TOLERANCE_SECONDS);
    console.log(`square pulse stage lengths (master spawn sends): ${stages.map((s) => s.toFixed(3)).join(', ')} s`);
  }, TEST_TIMEOUT_MS);

  it('-t caps a shape that would repeat forever', async () => {
    const { code, output } = await runBin(
      ['-f', LOCUSTFILE, '--headless', '--processes', '1', '--shape', 'square:peak=2,on=1s', '-t', '3s', '-H', runs.targetUrl, '--only-summary'],
      RUN_TIMEOUT_MS,
    );
    expect(code).toBe(0);
    expect(output).toContain('Run time limit set to 3 seconds');
    expect(output).toContain('--run-time limit reached, shutting down');
    expect(output).not.toContain('will be ignored: --run-time');
  }, TEST_TIMEOUT_MS);
});
