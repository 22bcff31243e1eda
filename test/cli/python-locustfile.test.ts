/**
 * A `.py` locustfile on the locust-ts master, side by side with Python Locust 2.12.1's master:
 * its custom arguments are parsed as Python's master parses them and reach the Python workers
 * with the same values (the worker prints what it got); a bad value gives the same error and
 * exit code; and what the TS master cannot run (a LoadTestShape, listeners of master-side
 * events) is named at start, one line each, with what to do instead — never dropped silently.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Started, cleanEnv, killAll, startBin, startProcess } from '@locust-ts/test-support/process';
import { LOCUST_BIN, REPO_ROOT } from '@locust-ts/test-support/paths';
import { freePort } from '@locust-ts/test-support/ports';

const ARGS_FILE = join(REPO_ROOT, 'test/api/fixtures/py-master-args.py');
const DROPPED_FILE = join(REPO_ROOT, 'test/api/fixtures/py-master-dropped.py');
const RUN_TIMEOUT_MS = 60_000;

afterAll(() => killAll());

async function finished(p: Started): Promise<number> {
  const timer = setTimeout(() => p.kill(), RUN_TIMEOUT_MS);
  const code = await p.exited;
  clearTimeout(timer);
  return code;
}

/** A master (`locust` or `locust-ts`) with one Python worker; what the worker saw and the master's exit code. */
async function masterWithPythonWorker(master: 'python' | 'ts', args: readonly string[], env: Record<string, string>) {
  const port = await freePort();
  const masterArgs = ['-f', ARGS_FILE, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port), '--expect-workers', '1', ...args];
  const m = master === 'python' ? startProcess(LOCUST_BIN, masterArgs, { env: cleanEnv(env) }) : startBin(masterArgs, { env: cleanEnv(env) });
  const w = startProcess(LOCUST_BIN, ['-f', ARGS_FILE, '--worker', '--master-host', '127.0.0.1', '--master-port', String(port)]);
  const [masterCode] = await Promise.all([finished(m), finished(w)]);
  const mark = /^MARK worker (.*)$/m.exec(w.output());
  return { masterCode, seen: mark ? (JSON.parse(mark[1]!) as Record<string, unknown>) : null, masterOutput: m.output(), workerOutput: w.output() };
}

describe('a .py locustfile on the locust-ts master', () => {
  it('its custom arguments reach the Python workers with the values Python\'s master sends', async () => {
    const args = ['--headless', '-u', '1', '-r', '1', '-t', '2s', '--my-flag', 'false', '--mode', 'b', '--verbose-x'];
    const env = { PY_COUNT: '7' };
    const [py, ts] = await Promise.all([masterWithPythonWorker('python', args, env), masterWithPythonWorker('ts', args, env)]);
    expect(py.seen, py.workerOutput).toEqual({ my_flag: 'false', count: 7, mode: 'b', verbose_x: true });
    expect(ts.seen, `${ts.masterOutput}\n${ts.workerOutput}`).toEqual(py.seen);
    expect(ts.masterCode).toBe(py.masterCode);
  }, 120_000);

  it('a bad value of its custom argument: the same error line and exit code as Python\'s master', async () => {
    const args = ['-f', ARGS_FILE, '--master', '--headless', '--mode', 'c'];
    const py = startProcess(LOCUST_BIN, args);
    const ts = startBin(args);
    const [pyCode, tsCode] = await Promise.all([finished(py), finished(ts)]);
    const line = (output: string) => /^(?:locust|locust-ts): error: (.*)$/m.exec(output)?.[1] ?? output;
    expect(line(ts.output())).toBe(line(py.output()));
    expect(line(py.output())).toBe("argument --mode: invalid choice: 'c' (choose from 'a', 'b')");
    expect([tsCode, pyCode]).toEqual([2, 2]);
  }, 90_000);

  it('names its LoadTestShape and master-side listeners at start, with what to do instead', async () => {
    const port = await freePort();
    const master = startBin(['-f', DROPPED_FILE, '--master', '--headless', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port)]);
    const shape = await master.waitFor(/WARNING.*: (Steps \(LoadTestShape\) in .*py-master-dropped\.py does not run on the locust-ts master: .*)$/m, RUN_TIMEOUT_MS);
    expect(shape[1]).toMatch(/write the shape in a \.ts locustfile .*or use --shape/);
    const listeners = await master.waitFor(/WARNING.*: (Listeners of (.*) in .*py-master-dropped\.py do not run on the locust-ts master.*)$/m, RUN_TIMEOUT_MS);
    // init and test_start run on the master in Locust; request listeners run on the workers, which load the file
    expect(listeners[2]).toBe('init, test_start');
    expect(listeners[1]).toMatch(/give that to the master$/);
    master.kill();
  }, 90_000);
});
