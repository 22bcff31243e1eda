/**
 * Every task, transition and wait-time form docs/porting.md shows (test/api/fixtures/task-forms.ts,
 * one request name per form) runs in a local run: each form's requests are counted, none fails,
 * nothing is logged as an error, exit code 0. Among them Locust's `def wait_time(self)` as a
 * `waitTime()` method that uses `this`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBin } from '@locust-ts/test-support/process';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';

const runs = useBinRuns('task-forms-');
const RUN_GUARD_MS = 45_000;

const FORMS = [
  'decorator @task()',
  'decorator @task(3)',
  'decorator @task',
  'function (this)',
  'function (argument)',
  'static tasks: name',
  'static tasks: [name, weight]',
  'static tasks: { name: weight } 1',
  'static tasks: { name: weight } 2',
  'TaskSet task',
  'SequentialTaskSet 1',
  'SequentialTaskSet 2',
  'markov @transition(name)',
  'markov @transition(name, weight)',
  'markov @transitions({ name: weight })',
  'markov @transitions([name, [name, weight]])',
  'custom waitTime() method',
  'custom static waitTime function',
];

/** Name → [requests, failures] from a stats CSV (names may be quoted). */
function rows(file: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
    const cells = [...line.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)].map((m) => m[2] ?? m[1]!);
    if (cells[1] !== 'Aggregated') out.set(cells[1]!, [Number(cells[2]), Number(cells[3])]);
  }
  return out;
}

describe('the task, transition and wait-time forms of docs/porting.md', () => {
  it('each runs and makes requests', async () => {
    const prefix = join(runs.scratch, 'forms');
    // one user of each of the fixture's seven classes
    const p = startBin(['-f', 'test/api/fixtures/task-forms.ts', '--headless', '-u', '7', '-r', '7', '-t', '3s', '-H', runs.targetUrl, '--only-summary', '--csv', prefix]);
    const guard = setTimeout(() => p.kill(), RUN_GUARD_MS);
    const code = await p.exited;
    clearTimeout(guard);
    expect(code, p.output().slice(-3000)).toBe(0);
    expect(p.output()).not.toMatch(/ERROR|Unhandled|Traceback/);
    const stats = rows(`${prefix}_stats.csv`);
    for (const form of FORMS) {
      expect(stats.get(form)?.[0] ?? 0, `requests of '${form}'`).toBeGreaterThan(0);
      expect(stats.get(form)?.[1], `failures of '${form}'`).toBe(0);
    }
  }, 120_000);
});
