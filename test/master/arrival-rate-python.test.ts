/**
 * Arrival rate with Python workers attached (they cannot run one: never silently wrong) and the
 * command line's checks of `--arrival-rate` / `--max-users` (one line, exit 2).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError, parseOptions } from '../../packages/cli/src/options.js';
import { runBin } from '@locust-ts/test-support/process';
import { writePythonLocustfile } from '@locust-ts/test-support/locustfiles';
import { TestSwarm, startPythonWorker, startTsWorker, waitFor } from '@locust-ts/test-support/swarm';

let swarm: TestSwarm | undefined;
afterEach(async () => {
  await swarm?.stop();
  swarm = undefined;
});

const PYTHON_NOTICE = /is a Python Locust worker: it cannot run an arrival rate and gets no users; only locust-ts workers share the rate/g;

describe('--arrival-rate with Python workers', () => {
  it('a mixed swarm: the locust-ts worker runs the whole rate, the Python worker none, and the log says so once', async () => {
    swarm = new TestSwarm();
    const { master } = await swarm.startHeadless({
      userClassNames: ['SimpleUser'],
      arrivalRate: 20,
      runTime: 60,
      expectWorkers: 2,
      onlySummary: true,
    });
    const runner = master.runner;
    // an arrival-rate test is a test: Locust's test events fire on the master as for -u
    const fired: string[] = [];
    const { events } = runner.locust.environment;
    for (const name of ['testStart', 'testStopping', 'testStop'] as const) events[name].addListener(() => void fired.push(name));
    swarm.processes.push(startTsWorker(master.port), startPythonWorker(writePythonLocustfile(), master.port));
    await waitFor(() => runner.stats.total.numRequests >= 20, 30_000, 'requests from the arrival rate');
    expect(fired).toEqual(['testStart']);
    const nodes = runner.registry.all();
    const python = nodes.find((n) => !n.dialect.locustTs)!;
    const ts = nodes.find((n) => n.dialect.locustTs)!;
    expect(python.numRequests).toBe(0);
    expect(python.userCount).toBe(0);
    expect(ts.numRequests).toBe(runner.stats.total.numRequests);
    expect(runner.arrivalRate()).toMatchObject({ rate: 20, workers: 1 });
    expect(swarm.sink.text.match(PYTHON_NOTICE)).toHaveLength(1);
    expect(swarm.sink.text).toContain(`Worker ${python.id} (index ${python.index}) is a Python Locust worker`);
    expect(await master.quit()).toBe(0);
    expect(fired).toEqual(['testStart', 'testStopping', 'testStop']);
  });

  it('only Python workers: the start is refused with one line and exit code 1', async () => {
    swarm = new TestSwarm();
    const { master } = await swarm.startHeadless({ userClassNames: ['SimpleUser'], arrivalRate: 10, expectWorkers: 1, onlySummary: true });
    swarm.processes.push(startPythonWorker(writePythonLocustfile(), master.port));
    expect(await master.done).toBe(1);
    const refusals = swarm.sink.text.split('\n').filter((l) => l.includes('Cannot start the arrival rate'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(
      /ERROR\/locust\.main: Cannot start the arrival rate: an arrival rate needs locust-ts workers: the 1 connected worker\(s\) are Python Locust workers, which cannot run one/,
    );
    expect(master.runner.stats.total.numRequests).toBe(0);
  });
});

describe('--arrival-rate / --max-users on the command line', () => {
  const parse = (args: string[], env: NodeJS.ProcessEnv = {}) => parseOptions(args, { env, home: null, cwd: '/nonexistent' });

  it('reads the flags and their LOCUST_* variables', () => {
    const flags = parse(['--arrival-rate', '12.5', '--max-users', '40']);
    expect(flags.kind === 'run' && [flags.options.arrivalRate, flags.options.maxUsers]).toEqual([12.5, 40]);
    const env = parse([], { LOCUST_ARRIVAL_RATE: '200', LOCUST_MAX_USERS: '5' });
    expect(env.kind === 'run' && [env.options.arrivalRate, env.options.maxUsers]).toEqual([200, 5]);
  });

  it.each([
    [['--arrival-rate', '0'], 'argument --arrival-rate: must be a number of iterations per second > 0, got 0'],
    [['--arrival-rate', '-3'], 'argument --arrival-rate: must be a number of iterations per second > 0, got -3'],
    [['--arrival-rate', 'fast'], "argument --arrival-rate: invalid float value: 'fast'"],
    [['--arrival-rate', '10', '--max-users', '0'], 'argument --max-users: must be a whole number >= 1, got 0'],
    [['--max-users', '5'], 'argument --max-users: only meaningful with --arrival-rate'],
    [['--arrival-rate', '10', '-u', '5'], 'argument --arrival-rate: not allowed with -u/--users (an arrival rate sizes its own pool: use --max-users)'],
    [['--arrival-rate', '10', '--worker'], 'argument --arrival-rate: set it on the master (or a local run), not on a worker'],
  ])('%j is refused: %s', (args, message) => {
    let error: unknown;
    try {
      parse(args);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(message);
    expect((error as UsageError).exitCode).toBe(2);
  });

  it('the bin refuses --arrival-rate with a locustfile LoadTestShape: one line, exit 2', async () => {
    const { code, output } = await runBin(['-f', 'examples/shape-locustfile.ts', '--headless', '--arrival-rate', '5']);
    expect(code).toBe(2);
    expect(output.trim().split('\n')).toEqual([
      'locust-ts: error: argument --arrival-rate: not allowed with the load shape StagesShape in examples/shape-locustfile.ts (a shape sets users, not rates)',
    ]);
  });

  it('the bin prints one error line and exits 2', async () => {
    const { code, output } = await runBin(['--headless', '--arrival-rate', '0']);
    expect(code).toBe(2);
    expect(output.trim().split('\n')).toEqual(['locust-ts: error: argument --arrival-rate: must be a number of iterations per second > 0, got 0']);
  });
});
