/**
 * `runSingleUser` as Locust 2.12.1's `run_single_user`, side by side: the Python locustfile run
 * as a script (`python3 single-user.py`) and its TypeScript port run with the worker's
 * register.mjs (`node --import packages/worker/register.mjs single-user.ts`) print the same
 * header, the same line per request (response times aside), the same event marks (init and
 * testStart, never testStop) and end when the user raises StopUser. The same TypeScript file given
 * to the locust-ts CLI is an ordinary locustfile (runSingleUser does nothing there), as the Python
 * one is to `locust` behind its `__main__` guard.
 */
import { describe, expect, it } from 'vitest';
import { type Started, cleanEnv, startBin, startProcess } from '@locust-ts/test-support/process';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { PYTHON } from '@locust-ts/test-support/python';

const runs = useBinRuns('run-single-user-');
const RUN_GUARD_MS = 45_000;
const FIXTURE = { python: 'test/api/fixtures/single-user.py', ts: 'test/api/fixtures/single-user.ts' };

async function ended(p: Started): Promise<number> {
  const guard = setTimeout(() => p.kill(), RUN_GUARD_MS);
  const code = await p.exited;
  clearTimeout(guard);
  return code;
}

/** stdout with each request line's response time (the third column) blanked. */
function printed(p: Started): string[] {
  return p
    .output()
    .split('\n')
    .map((line) => {
      const cells = line.split('\t');
      if (cells[0] === 'GET' && cells.length > 3) cells[2] = '<ms>';
      return cells.join('\t');
    });
}

describe("runSingleUser, as Locust's run_single_user", () => {
  it('prints every request as Python Locust 2.12.1 does and ends with the user', async () => {
    const env = cleanEnv({ TARGET_URL: runs.targetUrl });
    const python = startProcess(PYTHON, [FIXTURE.python], { env });
    const ts = startProcess(process.execPath, ['--import', './packages/worker/register.mjs', FIXTURE.ts], { env });
    const [pythonCode, tsCode] = await Promise.all([ended(python), ended(ts)]);
    expect(pythonCode, python.output()).toBe(0);
    expect(printed(python)).toContain('GET\tchecked                                           \t<ms>\taccount locked\t');
    expect(printed(python).filter((l) => l.startsWith('GET')).length).toBe(4);
    expect(printed(ts)).toEqual(printed(python));
    expect(tsCode).toBe(pythonCode);
  }, 120_000);

  it('the same file is an ordinary locustfile for the CLI', async () => {
    const args = ['--headless', '-u', '1', '-r', '1', '-t', '2s', '--only-summary'];
    const env = cleanEnv({ TARGET_URL: runs.targetUrl });
    const python = startProcess('/usr/bin/locust', ['-f', FIXTURE.python, ...args], { env });
    const ts = startBin(['-f', FIXTURE.ts, ...args], { env });
    const [pythonCode, tsCode] = await Promise.all([ended(python), ended(ts)]);
    const marks = (p: Started) => [...new Set([...p.output().matchAll(/^MARK (init|testStart|testStop|onStop)$/gm)].map((m) => m[1]))];
    expect(marks(python)).toEqual(['init', 'testStart', 'onStop', 'testStop']);
    expect(marks(ts)).toEqual(marks(python));
    expect(ts.output()).toMatch(/GET\s+checked\s+\d+/);
    expect(tsCode).toBe(pythonCode);
  }, 120_000);
});
