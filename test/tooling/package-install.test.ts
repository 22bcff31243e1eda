/**
 * The `locust-ts` package as a user gets it: `pnpm package` writes the tarball, a fresh project in
 * the temp dir (no workspace, no path back into this repository) installs it with npm, with its
 * dependencies from the registry, and there:
 *  - `npx locust-ts --version` names the release and the Locust protocol;
 *  - `tsc --noEmit` type-checks the TypeScript locustfile under `strict`, and rejects a wrong one;
 *  - `npx locust-ts -f locustfile.ts --headless` runs against the real target: the locustfile
 *    imports the project's own module and an npm package;
 *  - the web UI is served from the package;
 *  - a TS master takes a Python Locust 2.12.1 worker, and a TS worker joins a Python master.
 * Runs on whichever Node runs vitest (CI: Node 22 and 24); that Node goes first on PATH for npx.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CountingTarget, startCountingTarget } from '@locust-ts/test-support/counting-target';
import { LOCUST_BIN, REPO_ROOT } from '@locust-ts/test-support/paths';
import { freePort } from '@locust-ts/test-support/ports';
import { type ChildHandle, killAllChildren, spawnChild } from '@locust-ts/test-support/process';
import { waitFor } from '@locust-ts/test-support/wait';

const run = promisify(execFile);
const VERSION = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
/** npm install from the registry and a cold tsc: generous, a hang guard only */
const INSTALL_TIMEOUT_MS = 300_000;
const RUN_TIMEOUT_MS = 90_000;

const COLD_CACHE = process.env.LOCUST_TS_NPM_COLD_CACHE === '1';
const work = mkdtempSync(join(tmpdir(), 'locust-ts-package-'));
const project = join(work, 'project');
/** this Node first, so `npx`, the bin's `#!/usr/bin/env node` and tsc all run on it */
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
};
for (const key of Object.keys(env)) if (key.startsWith('LOCUST_') || key.startsWith('npm_package_')) delete env[key];
let target: CountingTarget;
let tarball = '';

const LOCUSTFILE = `import { HttpUser, between, task, events } from 'locust-ts';
import { v4 as uuidv4 } from 'uuid';
import { helloPath } from './lib/paths.js';

let started = 0;
events.testStart.addListener(() => {
  started += 1;
});

export class SimpleUser extends HttpUser {
  waitTime = between(0.1, 0.2);

  @task()
  async hello(): Promise<void> {
    const response = await this.client.get(helloPath(), { headers: { 'x-request-id': uuidv4() } });
    if (response.statusCode !== 200) throw new Error(\`unexpected \${response.statusCode} (test starts: \${started})\`);
  }
}
`;
const PROJECT_MODULE = `export function helloPath(): string {
  return '/hello';
}
`;
/** The locustfile API's values, as the README documents them: all that 'locust-ts' exports. */
const API_VALUES = [
  'User', 'HttpUser', 'FastHttpUser', 'TaskSet', 'SequentialTaskSet', 'MarkovTaskSet', 'task', 'tag', 'transition', 'transitions',
  'between', 'constant', 'constantPacing', 'constantThroughput', 'StopUser', 'StopTest', 'InterruptTaskSet', 'RescheduleTask',
  'HttpSession', 'HttpResponse', 'HTTPError', 'LoadTestShape', 'events', 'EventHook', 'runSingleUser',
];
/** every documented name, imported as a user's editor would: tsc must know each one */
const API_SURFACE = `import { ${API_VALUES.join(', ')} } from 'locust-ts';
import type { UserClass, UserEnvironment, TaskSetClass, WaitTime, RequestOptions, LoadTestShapeTick, Environment, RequestEventArgs } from 'locust-ts';

export const values: unknown[] = [${API_VALUES.join(', ')}];
export type Types = [UserClass, UserEnvironment, TaskSetClass, WaitTime, RequestOptions, LoadTestShapeTick, Environment, RequestEventArgs];
`;
/** a type error the editor must show: tsc has to reject it, or the types are not checked at all */
const WRONG_LOCUSTFILE = `import { HttpUser, between, task } from 'locust-ts';
import { runWorker } from 'locust-ts';

export class WrongUser extends HttpUser {
  waitTime = between('1', 2);

  @task()
  async hello(): Promise<void> {
    await this.client.gett('/hello');
  }
}
`;
/** the same user for Python Locust 2.12.1 (pinned version: a Python master refuses an empty one) */
const PY_LOCUSTFILE = `import locust, locust.runners
locust.__version__ = "2.12.1"
locust.runners.__version__ = "2.12.1"
from locust import HttpUser, between, task


class SimpleUser(HttpUser):
    wait_time = between(0.1, 0.2)

    @task
    def hello(self):
        self.client.get("/hello")
`;

/**
 * The user's project: package.json, a strict tsconfig, the locustfiles and a module of its own.
 * `esm`: a `"type": "module"` project (tsx then compiles the locustfile as ESM, else as CommonJS).
 */
function writeProject(dir: string, { esm = false } = {}): void {
  mkdirSync(join(dir, 'lib'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'my-service-load-tests', version: '1.0.0', private: true, ...(esm ? { type: 'module' } : {}) }, null, 2));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'] } }, null, 2),
  );
  writeFileSync(join(dir, 'locustfile.ts'), LOCUSTFILE);
  writeFileSync(join(dir, 'lib/paths.ts'), PROJECT_MODULE);
  writeFileSync(join(dir, 'api-surface.ts'), API_SURFACE);
  writeFileSync(join(dir, 'locustfile.py'), PY_LOCUSTFILE);
}

function npx(args: readonly string[]): ChildHandle {
  return spawnChild('npx', ['--no-install', ...args], { cwd: project, env });
}

/** Rows of a Locust `_stats.csv` by name: request count and failure count. */
function statsCsv(path: string): Map<string, { requests: number; failures: number }> {
  const rows = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1);
  return new Map(
    rows.map((row) => {
      const cells = row.split(',');
      return [cells[1]!, { requests: Number(cells[2]), failures: Number(cells[3]) }];
    }),
  );
}

async function exitCode(child: ChildHandle): Promise<number | null> {
  const { code } = await child.waitForExit(RUN_TIMEOUT_MS);
  return code;
}

// each test runs real processes (tsc twice, whole runs) on a machine busy with other test runs
describe('the locust-ts package installed in a fresh project', { timeout: 3 * RUN_TIMEOUT_MS }, () => {
  beforeAll(async () => {
    target = await startCountingTarget();
    const packStarted = performance.now();
    const pack = await run(process.execPath, [join(REPO_ROOT, 'scripts/package.mjs'), '--out', work], { env, timeout: INSTALL_TIMEOUT_MS });
    console.log(`[package] pnpm package ${((performance.now() - packStarted) / 1000).toFixed(1)} s`);
    expect(pack.stdout).toContain(`locust-ts-${VERSION}.tgz`);
    tarball = join(work, `locust-ts-${VERSION}.tgz`);
    writeProject(project);
    const started = performance.now();
    // LOCUST_TS_NPM_COLD_CACHE=1: an empty npm cache, as a newcomer's machine has (for the figure)
    const cold = COLD_CACHE ? { npm_config_cache: join(work, 'npm-cache') } : {};
    await run('npm', ['install', '--save-dev', '--no-fund', '--no-audit', tarball, 'typescript@~5.9', '@types/node@^22', 'uuid@^11'], {
      cwd: project,
      env: { ...env, ...cold },
      timeout: INSTALL_TIMEOUT_MS,
    });
    const cache = COLD_CACHE ? 'empty' : 'warm';
    console.log(`[package] tarball ${(statSync(tarball).size / 1024).toFixed(0)} KiB; npm install in the fresh project ${((performance.now() - started) / 1000).toFixed(1)} s, ${cache} npm cache (Node ${process.version})`);
  }, INSTALL_TIMEOUT_MS * 2);

  afterAll(async () => {
    await killAllChildren();
    await target?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('was installed from the tarball, not linked to this repository', () => {
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/locust-ts/package.json'), 'utf8'));
    expect(installed.version).toBe(VERSION);
    expect(installed.dependencies).not.toHaveProperty('@locust-ts/worker');
    expect(readFileSync(join(project, 'package.json'), 'utf8')).toMatch(/"locust-ts": "file:.*locust-ts-.*\.tgz"/);
    expect(statSync(join(project, 'node_modules/locust-ts')).isSymbolicLink()).toBe(false);
  });

  it('prints its version and the Locust protocol it speaks', async () => {
    const child = npx(['locust-ts', '--version']);
    expect(await exitCode(child)).toBe(0);
    expect(child.output.trim()).toMatch(new RegExp(`^locust-ts ${VERSION.replace(/\./g, '\\.')} \\(Locust protocol \\d+\\.\\d+\\.\\d+\\)$`));
  });

  it('type-checks the locustfile under strict, and rejects a wrong one', async () => {
    await run('npx', ['--no-install', 'tsc', '--noEmit', '-p', '.'], { cwd: project, env, timeout: RUN_TIMEOUT_MS });
    writeFileSync(join(project, 'wrong-locustfile.ts'), WRONG_LOCUSTFILE);
    try {
      const failed = await run('npx', ['--no-install', 'tsc', '--noEmit', '-p', '.'], { cwd: project, env, timeout: RUN_TIMEOUT_MS }).then(
        () => null,
        (err: { stdout: string }) => err.stdout,
      );
      expect(failed, 'tsc accepted a locustfile with type errors').not.toBeNull();
      expect(failed).toMatch(/wrong-locustfile\.ts\(5,\d+\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'/);
      expect(failed).toMatch(/wrong-locustfile\.ts\(9,\d+\): error TS2551: Property 'gett' does not exist on type 'HttpSession'/);
      // the runner is no part of the API: one name, one face
      expect(failed).toMatch(/wrong-locustfile\.ts\(2,\d+\): error TS2305: Module '"locust-ts"' has no exported member 'runWorker'/);
      expect(failed).not.toContain('node_modules/locust-ts');
    } finally {
      rmSync(join(project, 'wrong-locustfile.ts'));
    }
  });

  it("exports at run time exactly the API its types declare", async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', "const m = await import('locust-ts'); console.log(Object.keys(m).sort().join(','))"], { cwd: project, env, timeout: RUN_TIMEOUT_MS });
    expect(stdout.trim()).toBe([...API_VALUES].sort().join(','));
  });

  it('lists the user classes', async () => {
    const started = performance.now();
    const child = npx(['locust-ts', '-f', 'locustfile.ts', '-l']);
    expect(await exitCode(child)).toBe(0);
    console.log(`[package] npx locust-ts -f locustfile.ts -l: ${Math.round(performance.now() - started)} ms (Node ${process.version})`);
    expect(child.output).toMatch(/Available Users:\s+SimpleUser/);
  });

  it('runs the locustfile headless against the target, in two worker processes', async () => {
    const before = target.arrivals.length;
    const child = npx(['locust-ts', '-f', 'locustfile.ts', '--headless', '-u', '2', '-r', '2', '-t', '3s', '-H', target.url, '--processes', '2', '--csv', 'headless']);
    expect(await exitCode(child), child.output).toBe(0);
    const rows = statsCsv(join(project, 'headless_stats.csv'));
    const hello = rows.get('/hello');
    expect(hello?.requests).toBeGreaterThan(0);
    expect(hello?.failures).toBe(0);
    expect(target.arrivals.length - before).toBeGreaterThanOrEqual(hello!.requests);
  });

  it('serves the built web UI and runs a swarm started from it', async () => {
    const webPort = await freePort();
    // the installed bin itself (what npx runs), so SIGTERM reaches locust-ts and not npm
    const child = spawnChild(join(project, 'node_modules/.bin/locust-ts'), ['-f', 'locustfile.ts', '-H', target.url, '--web-host', '127.0.0.1', '--web-port', String(webPort)], { cwd: project, env });
    await child.waitForLine(/Starting web interface at/, RUN_TIMEOUT_MS);
    const base = `http://127.0.0.1:${webPort}`;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /src="([^"]*assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, html.slice(0, 500)).toBeDefined();
    expect((await fetch(new URL(script!, `${base}/`))).status).toBe(200);
    const before = target.arrivals.length;
    const swarm = await fetch(`${base}/swarm`, { method: 'POST', body: new URLSearchParams({ user_count: '1', spawn_rate: '1', host: target.url }) });
    expect(swarm.status).toBe(200);
    await waitFor(() => target.arrivals.length - before >= 3, RUN_TIMEOUT_MS, '3 requests of the swarm started in the web UI at the target');
    child.signal('SIGTERM', { group: false });
    expect(await exitCode(child), child.output).toBe(0);
  });

  it('runs a TS master with a Python Locust 2.12.1 worker', async () => {
    const masterPort = await freePort();
    const master = npx(['locust-ts', '-f', 'locustfile.py', '--master', '--headless', '--expect-workers', '1', '-u', '2', '-r', '2', '-t', '3s', '-H', target.url, '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort), '--csv', 'ts-master']);
    await master.waitForLine(/Waiting for workers to be ready/, RUN_TIMEOUT_MS);
    const worker = spawnChild(LOCUST_BIN, ['-f', 'locustfile.py', '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)], {
      cwd: project,
      env: { ...env, PYTHONUNBUFFERED: '1' },
    });
    expect(await exitCode(master), master.output).toBe(0);
    await worker.waitForExit(RUN_TIMEOUT_MS);
    const hello = statsCsv(join(project, 'ts-master_stats.csv')).get('/hello');
    expect(hello?.requests).toBeGreaterThan(0);
    expect(hello?.failures).toBe(0);
  });

  it('runs a TS worker under a Python Locust 2.12.1 master', async () => {
    const masterPort = await freePort();
    const master = spawnChild(LOCUST_BIN, ['-f', 'locustfile.py', '--master', '--headless', '--expect-workers', '1', '-u', '2', '-r', '2', '-t', '3s', '-H', target.url, '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort), '--csv', 'py-master'], {
      cwd: project,
      env: { ...env, PYTHONUNBUFFERED: '1' },
    });
    await master.waitForLine(/Waiting for workers to be ready/, RUN_TIMEOUT_MS);
    const worker = npx(['locust-ts', '-f', 'locustfile.ts', '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)]);
    expect(await exitCode(master), master.output).toBe(0);
    await worker.waitForExit(RUN_TIMEOUT_MS);
    const hello = statsCsv(join(project, 'py-master_stats.csv')).get('/hello');
    expect(hello?.requests).toBeGreaterThan(0);
    expect(hello?.failures).toBe(0);
  });

  it('says in one line that --watch-scale needs the optional @kubernetes/client-node', async () => {
    const child = npx(['locust-ts', '-f', 'locustfile.ts', '--headless', '-u', '1', '-t', '1s', '-H', target.url, '--watch-scale', 'web']);
    expect(await exitCode(child)).toBe(1);
    expect(child.output.trim()).toBe("locust-ts: error: Error: '--watch-scale' needs the package @kubernetes/client-node beside locust-ts: npm i -D @kubernetes/client-node@~1.4.0");
  });

  // pnpm (the one running this suite) and yarn 1 (from the npm registry: npm exec yarn@1): the same
  // tarball installs and runs; the pnpm project is an ESM one ("type": "module"). pnpm runs dependency build scripts only when allowed: the user's
  // pnpm-workspace.yaml allows esbuild's and msgpackr-extract's (zeromq ships prebuilt binaries).
  const managers: Array<{ name: string; esm?: boolean; install: (dir: string) => [string, string[]]; setup?: (dir: string) => void }> = [
    {
      name: 'pnpm',
      esm: true,
      setup: (dir) => writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'allowBuilds:\n  esbuild: true\n  msgpackr-extract: true\n  protobufjs: false\n  zeromq: false\n'),
      install: () => ['pnpm', ['add', '--save-dev', tarball, 'uuid@^11']],
    },
    { name: 'yarn', install: () => ['npm', ['exec', '--yes', '--package=yarn@1.22.22', '--', 'yarn', 'add', '--dev', `file:${tarball}`, 'uuid@^11']] },
  ];
  for (const manager of managers) {
    it(`installs with ${manager.name} and runs the locustfile headless${manager.esm ? ' (an ESM project)' : ''}`, { timeout: INSTALL_TIMEOUT_MS + RUN_TIMEOUT_MS }, async () => {
      const dir = join(work, manager.name);
      writeProject(dir, { esm: manager.esm });
      manager.setup?.(dir);
      const [command, args] = manager.install(dir);
      const started = performance.now();
      await run(command, args, { cwd: dir, env, timeout: INSTALL_TIMEOUT_MS });
      console.log(`[package] ${manager.name} install in a fresh project ${((performance.now() - started) / 1000).toFixed(1)} s (Node ${process.version})`);
      expect(JSON.parse(readFileSync(join(dir, 'node_modules/locust-ts/package.json'), 'utf8')).version).toBe(VERSION);
      const before = target.arrivals.length;
      const child = spawnChild(join(dir, 'node_modules/.bin/locust-ts'), ['-f', 'locustfile.ts', '--headless', '-u', '1', '-r', '1', '-t', '2s', '-H', target.url, '--csv', 'run'], { cwd: dir, env });
      expect(await exitCode(child), child.output).toBe(0);
      const hello = statsCsv(join(dir, 'run_stats.csv')).get('/hello');
      expect(hello?.requests).toBeGreaterThan(0);
      expect(hello?.failures).toBe(0);
      expect(target.arrivals.length - before).toBeGreaterThanOrEqual(hello!.requests);
    });
  }
});
