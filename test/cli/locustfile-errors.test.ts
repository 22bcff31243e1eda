/**
 * Errors point at the user's code (issue 19): with the locustfile in a temp folder outside the
 * repository, a throwing task, `onStart`, listener and shape, an error while the module runs and a syntax
 * error each name the locustfile's own `path:line:column` (source-mapped: the fixtures have
 * type-only lines that compiling removes) — in the console and in the exceptions the master
 * reports (`--csv` exceptions, the HTML report). No `data:` URL anywhere. The task's traceback
 * is read beside Python Locust 2.12.1's for the same error: the raising frame, with its source
 * line below it, in Python's layout.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, killAll, runBin, startBin } from '@locust-ts/test-support/process';
import { waitFor } from '@locust-ts/test-support/wait';
import { freePort } from '@locust-ts/test-support/ports';

const scratch = mkdtempSync(join(tmpdir(), 'locustfile-errors-'));
afterAll(() => {
  killAll();
  rmSync(scratch, { recursive: true, force: true });
});

function write(name: string, source: string): string {
  const path = join(scratch, name);
  writeFileSync(path, source);
  return path;
}

/** `path:line:column` (1-based) of the first `needle` in `source`, as V8 and editors count. */
function at(path: string, source: string, needle: string): string {
  const index = source.indexOf(needle);
  expect(index, needle).toBeGreaterThanOrEqual(0);
  const before = source.slice(0, index).split('\n');
  return `${path}:${before.length}:${before.at(-1)!.length + 1}`;
}

/** Python's CSV quoting undone for one field is enough here: the tracebacks have no commas of interest. */
function csvText(path: string): string {
  return readFileSync(path, 'utf8').replaceAll('""', '"');
}

const TASK_SOURCE = `import { User, StopTest, events, task } from 'locust-ts';

/** Type-only lines: compiling removes them, so only a source map finds the lines below. */
interface Plan {
  stages: number[];
}
type Stage = number;

let runs = 0;

events.testStart.addListener(() => {
  throw new Error('listener says no');
});

export class LoginFails extends User {
  override onStart(): void {
    const token: string | undefined = undefined;
    if (!token) throw new Error('login refused');
  }
  @task() idle(): void {}
}

export class Failing extends User {
  @task() checkout(): void {
    const plan: Plan = { stages: [] as Stage[] };
    if (++runs > 2) throw new StopTest('enough');
    throw new TypeError(\`no stage \${plan.stages.length}\`);
  }
}
`;

const PYTHON_TWIN = `from locust import User, constant, task


class Failing(User):
    wait_time = constant(1)

    @task
    def checkout(self):
        raise TypeError("no stage %d" % 0)
`;

function runPythonLocust(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('/usr/bin/locust', args, { env: cleanEnv(), timeout: 40_000 }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });
}

interface TaskRun {
  locustfile: string;
  output: string;
  csv: string;
  html: string;
}
let taskRun: Promise<TaskRun> | undefined;

/** The run of TASK_SOURCE (once for the file): StopTest ends it after the task's third run. */
function runTaskLocustfile(): Promise<TaskRun> {
  taskRun ??= (async () => {
    const locustfile = write('locustfile.ts', TASK_SOURCE);
    const csv = join(scratch, 'run');
    const html = join(scratch, 'report.html');
    const { output } = await runBin(['-f', locustfile, '--headless', '-u', '2', '-r', '2', '-t', '30s', '--csv', csv, '--html', html], 50_000);
    return { locustfile, output, csv, html };
  })();
  return taskRun;
}

describe('errors point at the locustfile outside the repository', () => {
  it('a throwing task, onStart and listener: console, --csv exceptions and the HTML report name file:line:column', async () => {
    const { locustfile, output, csv, html } = await runTaskLocustfile();
    const raise = at(locustfile, TASK_SOURCE, 'new TypeError');
    const listener = at(locustfile, TASK_SOURCE, "new Error('listener says no')");
    const onStart = at(locustfile, TASK_SOURCE, "new Error('login refused')");
    expect(output).toContain(`Unhandled error in LoginFails: login refused\n  File "${onStart}", in LoginFails.onStart\n`);
    // the console: Locust's lines, then the user's frame first with its source line below it
    expect(output).toContain(`Unhandled error in Failing: no stage 0\n  File "${raise}", in Failing.checkout\n    throw new TypeError(\`no stage \${plan.stages.length}\`);\n`);
    // the frames end with the error's own line, as Python's log does
    expect(output).toMatch(/Unhandled error in Failing: no stage 0\n(  File .*\n(    .*\n)?)+TypeError: no stage 0\n/);
    expect(output).toContain(`Uncaught exception in event handler: \nError: listener says no\n  File "${listener}", in `);
    // the master's merged exceptions, from the TS worker
    const exceptions = csvText(`${csv}_exceptions.csv`);
    expect(exceptions).toContain(`,no stage 0,"  File "${raise}", in Failing.checkout\n    throw new TypeError(`);
    // one row for the same error raised again (the callers' frames name no column that could differ)
    expect(exceptions.match(/,no stage 0,/g)).toHaveLength(1);
    expect(exceptions).toContain(`,login refused,"  File "${onStart}", in LoginFails.onStart\n`);
    const report = readFileSync(html, 'utf8');
    expect(report).toContain(raise);
    for (const text of [output, exceptions, report]) expect(text).not.toContain('data:text/javascript');
  });

  it("the task's traceback reads as Python Locust 2.12.1's for the same error: the raising frame, its source line below", async () => {
    const py = write('locustfile.py', PYTHON_TWIN);
    const pyCsv = join(scratch, 'py');
    // 2.12.1 has no StopTest: its run-time limit ends this run
    await runPythonLocust(['-f', py, '--headless', '-u', '1', '-r', '1', '-t', '3s', '--csv', pyCsv]);
    const pyRow = csvText(`${pyCsv}_exceptions.csv`);
    // Python: `  File "<locustfile>", line N, in checkout\n    raise TypeError(...)` (its frames most recent last)
    expect(pyRow).toMatch(new RegExp(`  File "${py}", line \\d+, in checkout\\n    raise TypeError\\("no stage %d" % 0\\)\\n`));
    const tsRow = csvText(`${(await runTaskLocustfile()).csv}_exceptions.csv`);
    expect(tsRow).toMatch(new RegExp(`  File "${join(scratch, 'locustfile.ts')}:\\d+:\\d+", in Failing\\.checkout\\n    throw new TypeError\\(`));
  });

  it("a --worker process's task error reaches a web master's Exceptions tab (/exceptions) naming file:line:column", async () => {
    const source = `import { User, constant, task } from 'locust-ts';

type Cart = { items: string[] };

export class Shopper extends User {
  waitTime = constant(0.5);
  @task() checkout(): void {
    const cart: Cart = { items: [] };
    if (cart.items.length === 0) throw new RangeError('empty cart');
  }
}
`;
    const locustfile = write('worker-errors.ts', source);
    const [webPort, masterPort] = [await freePort(), await freePort()];
    const master = startBin(['-f', locustfile, '--master', '--autostart', '-u', '1', '-r', '1', '--web-host', '127.0.0.1',
      '--web-port', String(webPort), '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort)]);
    startBin(['-f', locustfile, '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)]);
    type Row = { msg: string; traceback: string; count: number };
    let rows: Row[] = [];
    await master.waitFor(/Starting web interface at/, 45_000);
    // the worker reports its exceptions with its stats (every 3 s): wait for the master's table
    await waitFor(async () => {
      rows = ((await (await fetch(`http://127.0.0.1:${webPort}/exceptions`)).json()) as { exceptions: Row[] }).exceptions;
      return rows.length > 0;
    }, 45_000, "the worker's exception on the master");
    master.kill();
    expect(rows.map((r) => r.msg)).toEqual(['empty cart']);
    expect(rows[0]!.traceback).toContain(`  File "${at(locustfile, source, 'new RangeError')}", in Shopper.checkout\n    if (cart.items.length === 0) throw new RangeError('empty cart');\n`);
    expect(rows[0]!.traceback).not.toContain('data:');
  });

  it('a throwing shape names its tick in the console', async () => {
    const source = `import { LoadTestShape, User, task } from 'locust-ts';

interface Stage {
  users: number;
}

export class Idle extends User {
  @task() nothing(): void {}
}

export class Stages extends LoadTestShape {
  stages: Stage[] = [];
  tick() {
    const first: Stage | undefined = this.stages[0];
    if (!first) throw new RangeError('stage table is empty');
    return [first.users, 1] as const;
  }
}
`;
    const locustfile = write('shape.ts', source);
    const { output } = await runBin(['-f', locustfile, '--headless', '-t', '30s'], 50_000);
    expect(output).toContain(
      `Load shape Stages.tick(0.0) failed; stopping the shape test\nRangeError: stage table is empty\n  File "${at(locustfile, source, 'new RangeError')}", in Stages.tick\n`,
    );
    expect(output).not.toContain('data:text/javascript');
  });

  it('an error while the module runs, and a syntax error, are one line naming file:line:column; exit code 1', async () => {
    const throws = `import { User } from 'locust-ts';

interface Config {
  port: number;
}

const config = JSON.parse('null') as Config;
export const port: number = config.port;
export class U extends User {}
`;
    const throwing = write('throws.ts', throws);
    const loadRun = await runBin(['-f', throwing, '--headless', '-t', '30s'], 50_000);
    expect(loadRun.output.trim()).toBe(`locust-ts: error: ${at(throwing, throws, 'port;\nexport class')}: TypeError: Cannot read properties of null (reading 'port')`);
    expect(loadRun.code).toBe(1);

    const broken = write('syntax.ts', `import { User, task } from 'locust-ts';\n\nexport class U extends User {\n  @task() t(): number { return 1 +; }\n}\n`);
    const syntaxRun = await runBin(['-f', broken, '--headless', '-t', '30s'], 50_000);
    expect(syntaxRun.output.trim()).toBe(`locust-ts: error: ${broken}:4:35: syntax error: Unexpected ";"`);
    expect(syntaxRun.code).toBe(1);
  });
});
