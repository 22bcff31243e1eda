/**
 * A locustfile's custom arguments side by side with Python Locust 2.12.1: the same locustfile in
 * .py (`parser.add_argument`) and .ts (`parser.addArgument`), the same command line, environment
 * and config file; the value each locustfile sees (printed by its init listener) and the exit code
 * and error line must be the same. Python's truth comes from `/usr/bin/locust` in the same run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, killAll, runBin, startProcess } from '@locust-ts/test-support/process';
import { LOCUST_BIN, REPO_ROOT } from '@locust-ts/test-support/paths';

const TS_FILE = join(REPO_ROOT, 'test/api/fixtures/custom-args.ts');
const PY_FILE = join(REPO_ROOT, 'test/api/fixtures/custom-args.py');
const RUN_TIMEOUT_MS = 45_000;

const scratch = mkdtempSync(join(tmpdir(), 'cli-custom-args-'));
afterAll(() => {
  killAll();
  rmSync(scratch, { recursive: true, force: true });
});

interface Outcome {
  code: number;
  /** what the init listener printed, or null */
  seen: Record<string, unknown> | null;
  /** the `prog: error: …` line without the program's name, or null */
  error: string | null;
  output: string;
}

function outcome(code: number, output: string): Outcome {
  const mark = /^MARK (.*)$/m.exec(output);
  const error = /^(?:locust|locust-ts): error: (.*)$/m.exec(output);
  return { code, seen: mark ? (JSON.parse(mark[1]!) as Record<string, unknown>) : null, error: error ? error[1]! : null, output };
}

async function python(args: readonly string[], env: Record<string, string> = {}): Promise<Outcome> {
  const p = startProcess(LOCUST_BIN, ['-f', PY_FILE, ...args], { env: cleanEnv(env), cwd: scratch });
  const timer = setTimeout(() => p.kill(), RUN_TIMEOUT_MS);
  const code = await p.exited;
  clearTimeout(timer);
  return outcome(code, p.output());
}

async function typescript(args: readonly string[], env: Record<string, string> = {}, file = TS_FILE): Promise<Outcome> {
  const { code, output } = await runBin(['-f', file, ...args], RUN_TIMEOUT_MS, { env: cleanEnv(env), cwd: scratch });
  return outcome(code, output);
}

/** Both, at the same time (the machine is shared: no order between them is assumed). */
async function sideBySide(args: readonly string[], env: Record<string, string> = {}): Promise<[Outcome, Outcome]> {
  return Promise.all([python(args, env), typescript(args, env)]);
}

describe('custom arguments as Python Locust 2.12.1 parses them', () => {
  it('defaults: a True/False default stays a bool until a value is given', async () => {
    const [py, ts] = await sideBySide(['--headless']);
    expect(py.seen, py.output).not.toBeNull();
    expect(py.seen).toMatchObject({ my_flag: true, off_flag: false, count: 3, items: [], many: null });
    expect(ts.seen, ts.output).toEqual(py.seen);
    expect(ts.code).toBe(py.code);
  }, 60_000);

  it('`--my-flag false` takes the value (not a user class name), and every other kind of option', async () => {
    const args = [
      '--headless', '--my-flag', 'false', '--off-flag', 'true', '--count', ' 1_0 ', '--ratio', '1e3', '--mode', 'b',
      '--verbose-x', '--quiet-x', '--plain', 'x', '--items', 'a', 'b', '--many', '1', '--many', '2', '--no-default', 'z',
    ];
    const [py, ts] = await sideBySide(args);
    expect(py.seen, py.output).toMatchObject({ my_flag: 'false', off_flag: 'true', count: 10, ratio: 1000, items: ['a', 'b'], many: ['1', '2'] });
    expect(ts.seen, ts.output).toEqual(py.seen);
    expect(ts.code).toBe(py.code);
  }, 60_000);

  it('abbreviated and --flag=value spellings, as argparse reads them', async () => {
    const [py, ts] = await sideBySide(['--headless', '--my-fl', 'off', '--cou=5', '--items=a', '--verb']);
    expect(py.seen, py.output).toMatchObject({ my_flag: 'off', count: 5, items: ['a'], verbose_x: true });
    expect(ts.seen, ts.output).toEqual(py.seen);
  }, 60_000);

  it('the environment is read only where env_var/envVar is given', async () => {
    const env = { LOCUST_PLAIN: 'from-env', LOCUST_MY_FLAG: 'from-env', LOCUST_COUNT: 'x', MY_WITH_ENV: 'from-env' };
    const [py, ts] = await sideBySide(['--headless'], env);
    expect(py.seen, py.output).toMatchObject({ plain: 'p', my_flag: true, with_env: 'from-env' });
    expect(ts.seen, ts.output).toEqual(py.seen);
  }, 60_000);

  it('a config file sets custom arguments, a bool default included', async () => {
    const config = join(scratch, 'custom.conf');
    writeFileSync(config, 'my-flag = false\ncount = 9\nitems = [a, b]\n');
    const [py, ts] = await sideBySide(['--config', config, '--headless']);
    expect(py.seen, py.output).toMatchObject({ my_flag: 'false', count: 9, items: ['a', 'b'] });
    expect(ts.seen, ts.output).toEqual(py.seen);
  }, 60_000);

  it.each([
    [['--count', 'x']],
    [['--mode', 'c']],
    [['--ratio', '0x10']],
    [['--many']],
  ])('a bad value %j: the same error line and exit code 2', async (bad) => {
    const [py, ts] = await sideBySide(['--headless', ...bad]);
    expect(py.error, py.output).not.toBeNull();
    expect(ts.error, ts.output).toBe(py.error);
    expect([ts.code, py.code]).toEqual([2, 2]);
  }, 60_000);

  it('--help shows choices as {a,b} and nargs as [ITEMS ...], as argparse does', async () => {
    const [py, ts] = await sideBySide(['--help']);
    for (const outcome of [py, ts]) {
      expect(outcome.output).toMatch(/--mode \{a,b\}/);
      expect(outcome.output).toMatch(/--items \[ITEMS \.\.\.\]/);
      expect(outcome.output).toMatch(/--my-flag MY_FLAG/);
      expect(outcome.code).toBe(0);
    }
  }, 60_000);
});

describe('addArgument refuses what Locust does not have', () => {
  it.each([
    ["{ defualt: 1 }", /unknown option key 'defualt' \(Locust's add_argument has default, help/],
    ["{ env_var: 'X' }", /unknown option key 'env_var': Locust's env_var is spelled envVar here/],
  ])('%s: one line, exit 1, nothing runs', async (options, expected) => {
    const file = join(scratch, `bad-key-${Math.random().toString(36).slice(2)}.ts`);
    writeFileSync(
      file,
      `import { User, events, task } from 'locust-ts';\n` +
        `events.initCommandLineParser.addListener(({ parser }) => parser.addArgument('--x', ${options} as never));\n` +
        `export class U extends User { @task() t(): void {} }\n`,
    );
    const ts = await typescript(['--headless', '-t', '1'], {}, file);
    expect(ts.code).toBe(1);
    const lines = ts.output.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length, ts.output.slice(0, 2000)).toBe(1);
    expect(lines[0]).toMatch(/^locust-ts: error: .*bad-key-.*\.ts: addArgument\('--x'\): /);
    expect(lines[0]).toMatch(expected);
  }, 60_000);
});
