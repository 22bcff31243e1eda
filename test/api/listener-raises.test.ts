/**
 * An error thrown by a `request` listener acts as Locust 2.12.1's does, side by side with real
 * Python Locust on the same target: RescheduleTask ends the task that made the request (the user
 * goes on), StopUser stops that user (its onStop runs), InterruptTaskSet in a user's own task ends
 * the user without onStop (Locust's greenlet dies of it), and any other error is logged as
 * "Uncaught exception in event handler" while the task goes on (exit code 2). No run adds a
 * failure row for the listener's error, and none hangs. The same exceptions thrown by the task
 * itself, right after its request, act as Python's too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, startBin, startProcess } from '@locust-ts/test-support/process';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';

const runs = useBinRuns('listener-raises-');
const RUN_GUARD_MS = 45_000;

interface Side {
  code: number;
  output: string;
  /** request count by row name (Aggregated left out) */
  counts: Record<string, number>;
  /** failure rows: `name error` */
  failures: string[];
}

function readCsv(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split(','));
}

type RaiseIn = 'listener' | 'task';

async function run(side: 'python' | 'ts', mode: string, raiseIn: RaiseIn): Promise<Side> {
  const prefix = join(runs.scratch, `${side}-${mode}-${raiseIn}`);
  const args = ['--headless', '-u', '1', '-r', '1', '-t', '3s', '-H', runs.targetUrl, '--only-summary', '--csv', prefix];
  const env = cleanEnv({ LISTENER_RAISES: mode, RAISE_IN: raiseIn });
  const p =
    side === 'python'
      ? startProcess('/usr/bin/locust', ['-f', 'test/api/fixtures/listener-raises.py', ...args], { env })
      : startBin(['-f', 'test/api/fixtures/listener-raises.ts', ...args], { env });
  const guard = setTimeout(() => p.kill(), RUN_GUARD_MS);
  const code = await p.exited;
  clearTimeout(guard);
  const counts: Record<string, number> = {};
  for (const row of readCsv(`${prefix}_stats.csv`)) if (row[1] !== 'Aggregated') counts[row[1]!] = Number(row[2]);
  const failures = readCsv(`${prefix}_failures.csv`).map((row) => `${row[1]} ${row[2]}`);
  return { code, output: p.output(), counts, failures };
}

async function sideBySide(mode: string, raiseIn: RaiseIn = 'listener'): Promise<{ python: Side; ts: Side }> {
  const [python, ts] = await Promise.all([run('python', mode, raiseIn), run('ts', mode, raiseIn)]);
  expect(ts.code, ts.output.slice(-3000)).toBe(python.code);
  expect(Object.keys(ts.counts).sort()).toEqual(Object.keys(python.counts).sort());
  expect(ts.failures).toEqual(python.failures);
  expect(python.failures).toEqual([]);
  return { python, ts };
}

/**
 * Both sides kept requesting: many requests each, within a bounded ratio of each other where the
 * wait time paces them. Without the wait (RescheduleTask(true)) each side runs as fast as its CPU
 * allows, so only the lower bound says anything (locust-ts is the faster one).
 */
function bothKeptGoing(python: number, ts: number, paced = true): void {
  expect(python).toBeGreaterThan(10);
  expect(ts).toBeGreaterThan(10);
  expect(ts / python).toBeGreaterThan(0.2);
  if (paced) expect(ts / python).toBeLessThan(5);
}

const onStopRan = (s: Side) => /^MARK onStop$/m.test(s.output);

describe('an exception thrown by a request listener, as Python Locust 2.12.1', () => {
  it('RescheduleTask: the task ends at that request and the user goes on', async () => {
    const { python, ts } = await sideBySide('reschedule');
    expect(python.code).toBe(0);
    expect(python.counts.b).toBeUndefined();
    bothKeptGoing(python.counts.a!, ts.counts.a!);
    expect(onStopRan(ts)).toBe(onStopRan(python));
  }, 120_000);

  it('RescheduleTask(true) (RescheduleTaskImmediately): as RescheduleTask, without the wait', async () => {
    const { python, ts } = await sideBySide('reschedule-immediately');
    expect(python.counts.b).toBeUndefined();
    bothKeptGoing(python.counts.a!, ts.counts.a!, false);
  }, 120_000);

  it('StopUser: that user stops after its one request and its onStop runs', async () => {
    const { python, ts } = await sideBySide('stop-user');
    expect(python.counts).toEqual({ a: 1 });
    expect(ts.counts).toEqual({ a: 1 });
    expect(onStopRan(python)).toBe(true);
    expect(onStopRan(ts)).toBe(true);
  }, 120_000);

  it("InterruptTaskSet in a user's own task: the user ends without onStop, the run's exit code stays 0", async () => {
    const { python, ts } = await sideBySide('interrupt');
    expect(python.code).toBe(0);
    expect(python.counts).toEqual({ a: 1 });
    expect(ts.counts).toEqual({ a: 1 });
    expect(onStopRan(python)).toBe(false);
    expect(onStopRan(ts)).toBe(false);
  }, 120_000);

  it('any other error: logged as an uncaught exception in an event handler, the task goes on, exit code 2', async () => {
    const { python, ts } = await sideBySide('error');
    expect(python.code).toBe(2);
    for (const side of [python, ts]) {
      expect(side.output).toMatch(/Uncaught exception in event handler/);
      expect(Math.abs(side.counts.a! - side.counts.b!)).toBeLessThanOrEqual(1);
    }
    bothKeptGoing(python.counts.a!, ts.counts.a!);
  }, 120_000);
});

describe('the same exceptions thrown by the task itself, as Python Locust 2.12.1', () => {
  it('RescheduleTask', async () => {
    const { python, ts } = await sideBySide('reschedule', 'task');
    expect(python.counts.b).toBeUndefined();
    bothKeptGoing(python.counts.a!, ts.counts.a!);
  }, 120_000);

  it('StopUser', async () => {
    const { python, ts } = await sideBySide('stop-user', 'task');
    expect(python.counts).toEqual({ a: 1 });
    expect(ts.counts).toEqual({ a: 1 });
    expect(onStopRan(ts)).toBe(onStopRan(python));
  }, 120_000);

  it("InterruptTaskSet in a user's own task", async () => {
    const { python, ts } = await sideBySide('interrupt', 'task');
    expect(python.counts).toEqual({ a: 1 });
    expect(ts.counts).toEqual({ a: 1 });
    expect(onStopRan(ts)).toBe(onStopRan(python));
  }, 120_000);

  it('any other error: logged, counted as an exception (exit code 1), the user goes on', async () => {
    const { python, ts } = await sideBySide('error', 'task');
    expect(python.code).toBe(1);
    expect(python.counts.b).toBeUndefined();
    bothKeptGoing(python.counts.a!, ts.counts.a!);
  }, 120_000);
});
