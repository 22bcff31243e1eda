/**
 * An async `testStart` listener ("fetch test data at test start") is done before any user runs a
 * task, and an async `init` listener before the test starts, side by side with Python Locust 2.12.1 running the same scenario: in a local run, and on
 * a worker (Python's worker runs test_start before it spawns users). The listener's marks and the
 * first task's, in the order they appear, must be the same on both sides.
 */
import { describe, expect, it } from 'vitest';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { ended, pairStarter, marks } from '@locust-ts/test-support/side-by-side';
import { freePort } from '@locust-ts/test-support/ports';

const runs = useBinRuns('test-start-await-');
const FIXTURE = { python: 'test/api/fixtures/test-start-await.py', ts: 'test/api/fixtures/test-start-await.ts' };

const start = pairStarter(FIXTURE);

const common = () => ['--headless', '-u', '2', '-r', '10', '-t', '3s', '-H', runs.targetUrl, '--only-summary'];

async function local(side: 'python' | 'ts'): Promise<{ code: number; marks: string[] }> {
  const p = start(side, common());
  const code = await ended(p);
  return { code, marks: marks(p) };
}

async function distributed(side: 'python' | 'ts'): Promise<{ code: number; marks: string[] }> {
  const port = String(await freePort());
  const master = start(side, [...common(), '--master', '--expect-workers', '1', '--master-bind-host', '127.0.0.1', '--master-bind-port', port]);
  const worker = start(side, ['--worker', '--master-host', '127.0.0.1', '--master-port', port]);
  const [code] = await Promise.all([ended(master), ended(worker)]);
  expect(marks(master)).toEqual([]);
  return { code, marks: marks(worker) };
}

describe('async testStart listeners finish before the first task, as in Python Locust 2.12.1', () => {
  it('local run: an async init listener is done before testStart, testStart before the first task', async () => {
    const [python, ts] = await Promise.all([local('python'), local('ts')]);
    expect(python.marks).toEqual(['init done', 'testStart done', 'first task']);
    expect(ts.marks).toEqual(python.marks);
    expect(ts.code).toBe(python.code);
  }, 120_000);

  it('master and worker: the worker runs testStart before it spawns users', async () => {
    const [python, ts] = await Promise.all([distributed('python'), distributed('ts')]);
    expect(python.marks).toEqual(['testStart done', 'first task']);
    expect(ts.marks).toEqual(python.marks);
    expect(ts.code).toBe(python.code);
  }, 120_000);
});
