import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveLocustfile } from './locustfile.js';
import { UNSUPPORTED_OPTION_DEFAULTS } from './option-specs.js';
import { loadCapturedFrames } from '@locust-ts/test-support/captures';
import { UsageError, parseOptions, type CliOptions, type ParsedOptions } from './options.js';
import { parseTimespan } from '@locust-ts/protocol';

const scratch = mkdtempSync(join(tmpdir(), 'cli-options-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Parse with no environment and no config files unless given. */
function parse(argv: string[], env: Record<string, string> = {}, cwd = scratch): { options: CliOptions; parsed: ParsedOptions } {
  const result = parseOptions(argv, { env, cwd, home: null });
  if (result.kind !== 'run') throw new Error(`expected a run, got ${result.kind}`);
  return { options: result.options, parsed: result.parsedOptions };
}

function usageError(argv: string[], env: Record<string, string> = {}): UsageError {
  try {
    parseOptions(argv, { env, cwd: scratch, home: null });
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('Locust time spans', () => {
  it.each([
    ['90', 90],
    ['30s', 30],
    ['20m', 1200],
    ['2h', 7200],
    ['1h20m', 4800],
    ['3h30m10s', 12610],
    ['1m30s', 90],
  ])('%s = %d s', (text, seconds) => expect(parseTimespan(text)).toBe(seconds));

  it.each(['', 'abc', '10x', '1.5s', 's', '5s3m', '-3'])('rejects %j', (text) => expect(parseTimespan(text)).toBeNull());
});

describe('defaults are Locust defaults', () => {
  it('match argument_parser.py', () => {
    const { options } = parse([]);
    expect(options).toMatchObject({
      locustfile: 'locustfile',
      host: null,
      users: null,
      spawnRate: null,
      runTime: null,
      webHost: '',
      webPort: 8089,
      headless: false,
      autoquit: -1,
      master: false,
      masterBindHost: '*',
      masterBindPort: 5557,
      expectWorkers: 1,
      expectWorkersMaxWait: 0,
      worker: false,
      processes: null,
      masterHost: '127.0.0.1',
      masterPort: 5557,
      loglevel: 'INFO',
      exitCodeOnError: 1,
      stopTimeout: null,
      userClasses: [],
    });
  });
});

describe('command-line flags', () => {
  it('reads the original container worker command unchanged', () => {
    const { options } = parse(['-f', '/mnt/locust/locustfile.py', '--worker', '--master-host', 'locust-master', '--master-port=5557', '-L', 'debug']);
    expect(options).toMatchObject({ locustfile: '/mnt/locust/locustfile.py', worker: true, masterHost: 'locust-master', masterPort: 5557, loglevel: 'DEBUG' });
  });

  it('reads a headless master command with typed values', () => {
    const { options } = parse([
      '--master', '--headless', '-u', '10', '-r', '2.5', '-t', '1h20m', '--expect-workers', '4', '--expect-workers-max-wait', '30',
      '-H', 'http://127.0.0.1:8000', '--csv', 'out/run', '--csv-full-history', '--html', 'r.html', '--exit-code-on-error', '3',
      '--stop-timeout', '10', '--only-summary', '--reset-stats', '--enable-rebalancing', '--master-bind-host', '127.0.0.1',
      '--master-bind-port', '6000',
    ]);
    expect(options).toMatchObject({
      master: true, headless: true, users: 10, spawnRate: 2.5, runTime: 4800, expectWorkers: 4, expectWorkersMaxWait: 30,
      host: 'http://127.0.0.1:8000', csvPrefix: 'out/run', csvFullHistory: true, htmlFile: 'r.html', exitCodeOnError: 3,
      stopTimeout: 10, onlySummary: true, resetStats: true, enableRebalancing: true, masterBindHost: '127.0.0.1', masterBindPort: 6000,
    });
  });

  it('reads web options, attached short values, abbreviations and user classes', () => {
    const { options } = parse(['-u10', '--web-host', '127.0.0.1', '-P', '9000', '--web-auth', 'a:b', '--autostart', '--autoquit', '5', '--enable-reb', 'UserA', 'UserB']);
    expect(options).toMatchObject({ users: 10, webHost: '127.0.0.1', webPort: 9000, webAuth: 'a:b', autostart: true, autoquit: 5, enableRebalancing: true, userClasses: ['UserA', 'UserB'] });
  });

  it('reads --web-base-path and --class-picker (and their LOCUST_* variables) into options and parsed_options', () => {
    const { options, parsed } = parse(['--web-base-path', '/locust', '--class-picker']);
    expect(options).toMatchObject({ webBasePath: '/locust', classPicker: true });
    expect(parsed).toMatchObject({ web_base_path: '/locust', class_picker: true });
    const fromEnv = parse([], { LOCUST_WEB_BASE_PATH: '/lt', LOCUST_USERCLASS_PICKER: 'true' });
    expect(fromEnv.options).toMatchObject({ webBasePath: '/lt', classPicker: true });
    expect(parse([]).options).toMatchObject({ webBasePath: '', classPicker: false });
  });

  it('takes -1 as the value of --processes and resolves it to one worker per core', () => {
    const { options, parsed } = parse(['--worker', '--processes', '-1']);
    expect(options.processes).toBeGreaterThanOrEqual(1);
    expect(parsed.processes).toBe(-1);
  });

  it('collects --tags values until the next option', () => {
    const { options } = parse(['-T', 'a', 'b', '--headless', 'MyUser']);
    expect(options.tags).toEqual(['a', 'b']);
    expect(options.userClasses).toEqual(['MyUser']);
  });

  it('lets the last of a repeated flag win, and --headful override --headless', () => {
    expect(parse(['-u', '1', '-u', '2']).options.users).toBe(2);
    expect(parse(['--headless', '--headful']).options.headless).toBe(false);
  });

  it('returns help and version', () => {
    const help = parseOptions(['-h'], { env: {}, cwd: scratch, home: null });
    expect(help.kind).toBe('help');
    expect(help.kind === 'help' && help.text).toContain('--expect-workers');
    const version = parseOptions(['--version'], { env: {}, cwd: scratch, home: null, version: '1.2.3' });
    expect(version).toEqual({ kind: 'version', text: 'locust-ts 1.2.3' });
  });
});

describe('LOCUST_* environment variables', () => {
  it('are read with ConfigArgParse names', () => {
    const { options } = parse([], {
      LOCUST_LOCUSTFILE: 'x.ts', LOCUST_HOST: 'http://h', LOCUST_USERS: '7', LOCUST_SPAWN_RATE: '3', LOCUST_RUN_TIME: '30s',
      LOCUST_HEADLESS: 'true', LOCUST_MODE_MASTER: '1', LOCUST_EXPECT_WORKERS: '2', LOCUST_MASTER_BIND_PORT: '6001',
      LOCUST_CSV: 'p', LOCUST_LOGLEVEL: 'warning', LOCUST_WEB_PORT: '9001',
    });
    expect(options).toMatchObject({
      locustfile: 'x.ts', host: 'http://h', users: 7, spawnRate: 3, runTime: 30, headless: true, master: true, expectWorkers: 2,
      masterBindPort: 6001, csvPrefix: 'p', loglevel: 'WARNING', webPort: 9001,
    });
  });

  it('are read for a worker (LOCUST_MODE_WORKER, LOCUST_MASTER_NODE_HOST/PORT)', () => {
    const { options } = parse([], { LOCUST_MODE_WORKER: 'yes', LOCUST_MASTER_NODE_HOST: 'locust-master', LOCUST_MASTER_NODE_PORT: '5558' });
    expect(options).toMatchObject({ worker: true, masterHost: 'locust-master', masterPort: 5558 });
  });

  it('lose to the command line, and false/empty values leave defaults', () => {
    const { options } = parse(['-u', '9', '-H', 'http://cli'], { LOCUST_USERS: '7', LOCUST_HOST: 'http://env', LOCUST_HEADLESS: 'false', LOCUST_CSV: '' });
    expect(options).toMatchObject({ users: 9, host: 'http://cli', headless: false, csvPrefix: null });
  });

  it('with a bad value are a usage error naming the variable', () => {
    const err = usageError([], { LOCUST_USERS: 'many' });
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe("LOCUST_USERS: argument -u/--users: invalid int value: 'many'");
    expect(usageError([], { LOCUST_HEADLESS: 'maybe' }).message).toContain('LOCUST_HEADLESS');
  });
});

describe('config files (locust.conf, --config)', () => {
  it('sit between defaults and the environment', () => {
    const dir = mkdtempSync(join(scratch, 'conf-'));
    writeFileSync(join(dir, 'locust.conf'), '# comment\n[locust]\nlocustfile = a.ts\nheadless = true\nusers = 5\nspawn-rate: 2\nhost http://conf\n');
    writeFileSync(join(dir, 'other.conf'), 'users = 6\n');
    expect(parse([], {}, dir).options).toMatchObject({ locustfile: 'a.ts', headless: true, users: 5, spawnRate: 2, host: 'http://conf' });
    expect(parse(['--config', 'other.conf'], {}, dir).options.users).toBe(6);
    expect(parse([], { LOCUST_USERS: '8' }, dir).options.users).toBe(8);
    expect(parse(['-u', '9'], { LOCUST_USERS: '8' }, dir).options.users).toBe(9);
  });
});

describe('bad flags and values', () => {
  it.each([
    [['--no-such-flag'], 'unrecognized arguments: --no-such-flag'],
    [['-u', 'abc'], "argument -u/--users: invalid int value: 'abc'"],
    [['-r', 'fast'], "argument -r/--spawn-rate: invalid float value: 'fast'"],
    [['--web-port'], 'argument --web-port/-P: expected one argument'],
    [['-u', '--headless'], 'argument -u/--users: expected one argument'],
    [['--headless=yes'], "argument --headless: ignored explicit argument 'yes'"],
    [['--master-'], 'ambiguous option: --master- could match --master-bind-host, --master-bind-port, --master-host, --master-port'],
    [['--csv-full-history'], "'--csv-full-history' requires '--csv'."],
    [['-s', 'soon'], "argument -s/--stop-timeout: invalid time span: 'soon' (valid: 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.)"],
  ])('%j → exit 2: %s', (argv, message) => {
    const err = usageError(argv);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(message);
    expect(err.message).not.toContain('\n');
  });

  it.each([
    [['-t', '10x'], 'Valid --run-time formats are: 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.'],
    [['--autoquit', '3'], '--autoquit is only meaningful in combination with --autostart'],
    [['--master', '--worker'], 'The --master argument cannot be combined with --worker'],
    [['--worker', '-t', '10s'], '--run-time should be specified on the master node, and not on worker nodes'],
    [['-L', 'LOUD'], 'Invalid --loglevel. Valid values are: DEBUG/INFO/WARNING/ERROR/CRITICAL'],
    [['--web-auth', 'nopassword'], 'Credentials supplied with --web-auth should have the format: username:password'],
    [['--processes', '0'], '--processes must be a positive number or -1 (one per CPU core), got 0'],
  ])("%j → exit 1 like Locust's own checks: %s", (argv, message) => {
    const err = usageError(argv);
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe(message);
  });
});

describe('parsed_options sent with spawn', () => {
  it("has the newest Locust's keys, snake_case names and parsed values", () => {
    const { parsed } = parse(['--master', '--headless', '-u', '10', '-r', '10', '-t', '6s', '--expect-workers', '2', '-H', 'http://x', 'SimpleUser']);
    // the keys, in order, of the parsed_options the newest Locust master sent (golden capture)
    const spawn = loadCapturedFrames('head-headless.jsonl').find((f) => f.type === 'spawn')!;
    const captured = (spawn.data as { parsed_options: Record<string, unknown> }).parsed_options;
    expect(Object.keys(parsed)).toEqual(Object.keys(captured));
    // options locust-ts has no flag for carry the value the newest Locust sent by default
    for (const key of Object.keys(UNSUPPORTED_OPTION_DEFAULTS)) expect([key, parsed[key]]).toEqual([key, captured[key]]);
    expect(parsed).toMatchObject({
      num_users: 10, spawn_rate: 10, run_time: 6, headless: true, master: true, expect_workers: 2, host: 'http://x',
      loglevel: 'INFO', exit_code_on_error: 1, stop_timeout: null, tags: null, web_base_path: '', user_classes: ['SimpleUser'],
    });
  });
});

describe('locustfile lookup', () => {
  it('finds locustfile.ts by the default name in the directory or a parent, and refuses a missing one in one line', () => {
    const root = mkdtempSync(join(scratch, 'lf-'));
    const nested = join(root, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(root, 'locustfile.ts'), '');
    writeFileSync(join(root, 'notes.txt'), '');
    expect(resolveLocustfile('locustfile', nested)).toBe(join(root, 'locustfile.ts'));
    expect(resolveLocustfile('./locustfile.ts', root)).toBe(join(root, 'locustfile.ts'));
    const missing = (() => { try { resolveLocustfile('./nope.ts', root); } catch (e) { return e as UsageError; } })();
    expect(missing?.exitCode).toBe(1);
    expect(missing?.message).toBe("Could not find './nope.ts'. See --help for available options.");
    expect(() => resolveLocustfile('./notes.txt', root)).toThrow(/Invalid locustfile 'notes.txt'/);
  });
});
