/**
 * A load shape in a TypeScript locustfile, through the real `locust-ts` bin: local headless runs
 * follow the shape's stages and end by themselves when it answers null; `--autostart` in web
 * mode starts the shape instead of `-u`/`-r`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBin } from '@locust-ts/test-support/process';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';

const runs = useBinRuns('cli-shape-');
const { scratch } = runs;

/** Two stages of `seconds` each: 2 users, then 4 users of `Quick` (given as a class), then the end. */
function shapeLocustfile(name: string, seconds: number): string {
  const path = join(scratch, name);
  writeFileSync(
    path,
    `import { HttpUser, LoadTestShape, constant, task } from 'locust-ts';
export class Quick extends HttpUser {
  waitTime = constant(0.2);
  @task() hello() { return this.client.get('/hello'); }
}
/** a base for shapes: not used itself */
export class BaseShape extends LoadTestShape {
  static abstract = true;
  tick() { return null; }
}
export class TwoStages extends BaseShape {
  tick() {
    const t = this.getRunTime();
    if (t < ${seconds}) return [2, 10] as const;
    if (t < ${2 * seconds}) return [4, 10, [Quick]] as const;
    return null;
  }
}
`,
  );
  return path;
}

/** The "User Count" column of a `_stats_history.csv`, in order. */
function historyUserCounts(csvPrefix: string): number[] {
  const rows = readFileSync(`${csvPrefix}_stats_history.csv`, 'utf8').trim().split('\n').map((l) => l.split(','));
  const column = rows[0]!.indexOf('User Count');
  return rows.slice(1).map((r) => Number(r[column]));
}

/** Consecutive duplicates removed: [0, 0, 2, 2, 4, 0] → [0, 2, 4, 0]. */
function stages(values: number[]): number[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

describe('load shapes from a TypeScript locustfile', () => {
  it('local --headless: users follow the 2-stage shape and the run ends by itself with exit 0', async () => {
    const csv = join(scratch, 'headless');
    const run = startBin(['-f', shapeLocustfile('headless.ts', 2), '--headless', '-H', runs.targetUrl, '--csv', csv, '--only-summary']);
    expect(await run.exited).toBe(0);
    const output = run.output();
    expect(output).toContain('Shape test starting.');
    expect(output).toMatch(/Shape test updating to 2 users at 10\.00 spawn rate[\s\S]*Shape test updating to 4 users at 10\.00 spawn rate[\s\S]*Shape test stopping/);
    expect(output).toContain('Shutting down (exit code 0)');
    // the history samples the user count every second: 2 users, then 4, in that order
    const counts = stages(historyUserCounts(csv).filter((n) => n > 0));
    expect(counts).toEqual([2, 4]);
  });

  it('local web mode: --autostart runs the shape (not -u/-r) until its end, then --autoquit quits', async () => {
    const run = startBin([
      '-f', shapeLocustfile('autostart.ts', 1), '--autostart', '-u', '7', '-r', '7', '--autoquit', '0',
      '--web-host', '127.0.0.1', '--web-port', '0', '-H', runs.targetUrl, '--only-summary',
    ]);
    expect(await run.exited).toBe(0);
    const output = run.output();
    expect(output).toMatch(/Shape test updating to 2 users[\s\S]*Shape test updating to 4 users[\s\S]*Shape test stopping/);
    expect(output).not.toMatch(/7 users/);
    expect(output).toContain('--autoquit time reached, shutting down');
  });
});
