/**
 * `pnpm bench:startup`: launch → first request of a local headless run, locust-ts beside Python
 * Locust 2.12.1 (`/usr/bin/locust`), same locustfile logic, same target, same machine.
 *
 * The target is a tiny Node http server in this process: it records when the first request
 * arrives, so the figure is the time from `spawn()` to the target seeing a request, whatever
 * each tool prints. Each run is stopped once that request arrived (SIGTERM to the program's own
 * PID) and the next starts only when it has exited. Runs alternate between the tools so a busy
 * moment on the machine falls on both.
 *
 *   pnpm bench:startup [--runs N]     (default 5 runs each)
 *
 * Rows: locust-ts as a checkout runs it (`node packages/cli/bin/locust-ts.mjs`: its compiled copy
 * of the packages, compiled-checkout.mjs) on this Node and on Node 24 (scripts/node24.sh; V8's
 * compile cache is on from Node 22.1), locust-ts as the container image ships it (precompiled,
 * docker/precompile.mjs) and Python Locust. One warm-up run of each comes first (the checkout's
 * compiled copy, the compile caches and the OS file cache filled, as after a first `pnpm dev`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledCopy } from './compiled-copy.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PYTHON_LOCUST = '/usr/bin/locust';
/** Hang guard per run: a tool that sends nothing in this long is reported as failed. */
const RUN_TIMEOUT_MS = 60_000;

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error('bench:startup: --runs takes a whole number ≥ 1');
  process.exit(2);
}

const TS_LOCUSTFILE = `import { HttpUser, constant, task } from 'locust-ts';
export class StartupUser extends HttpUser {
  waitTime = constant(1);
  @task()
  async index() {
    await this.client.get('/first');
  }
}
`;
const PY_LOCUSTFILE = `from locust import HttpUser, constant, task
class StartupUser(HttpUser):
    wait_time = constant(1)
    @task
    def index(self):
        self.client.get("/first")
`;

/** The target: answers everything, resolves `first` with the arrival time of the first request after `arm()`. */
class Target {
  private waiting: ((at: number) => void) | null = null;
  private readonly server = createServer((req, res) => {
    const at = performance.now();
    this.waiting?.(at);
    this.waiting = null;
    res.end('ok');
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  arm(): Promise<number> {
    return new Promise((resolve) => (this.waiting = resolve));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Tool {
  name: string;
  command: string;
  args: (locustfile: string, host: string) => string[];
  locustfile: string;
  env?: NodeJS.ProcessEnv;
}

function headlessArgs(locustfile: string, host: string): string[] {
  return ['-f', locustfile, '--headless', '-u', '1', '-r', '1', '-t', '30s', '-H', host, '--only-summary', '--loglevel', 'WARNING'];
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** One run: spawn → first request at the target, in ms; the process is stopped before this returns. */
async function measure(tool: Tool, target: Target): Promise<number> {
  const first = target.arm();
  const start = performance.now();
  const child = spawn(tool.command, tool.args(tool.locustfile, target.url), {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...tool.env },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    first.then((at) => ({ at })),
    exited(child).then(() => ({ exitedFirst: true as const })),
    new Promise<{ timedOut: true }>((resolve) => (timer = setTimeout(() => resolve({ timedOut: true }), RUN_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited(child);
  clearTimeout(killer);
  if ('at' in outcome) return outcome.at - start;
  throw new Error(`${tool.name}: ${'timedOut' in outcome ? 'no request within 60 s' : 'exited before any request'}\n${stderr}`);
}

/** Node 24 LTS (the project's first Node) from scripts/node24.sh, or null when it cannot be had. */
function findNode24(): string | null {
  const r = spawnSync('bash', [join(ROOT, 'scripts/node24.sh')], { encoding: 'utf8', timeout: 180_000 });
  const path = r.status === 0 ? r.stdout.trim() : '';
  return path && existsSync(path) ? path : null;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const ms = (v: number): string => `${Math.round(v)}`.padStart(6);
  return `${ms(sorted[0]!)} ${ms(median)} ${ms(sorted[sorted.length - 1]!)}`;
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'locust-ts-startup-'));
  const tsFile = join(scratch, 'locustfile.ts');
  const pyFile = join(scratch, 'locustfile.py');
  writeFileSync(tsFile, TS_LOCUSTFILE);
  writeFileSync(pyFile, PY_LOCUSTFILE);
  const compiled = compiledCopy(ROOT);
  const node24 = findNode24();
  const checkoutBin = join(ROOT, 'packages/cli/bin/locust-ts.mjs');
  const imageBin = join(compiled, 'packages/cli/bin/locust-ts.mjs');
  const major = (node: string): string => `Node ${node === process.execPath ? process.versions.node.split('.')[0] : '24'}`;
  const tools: Tool[] = [
    { name: `locust-ts checkout, ${major(process.execPath)}`, command: process.execPath, args: (f, h) => [checkoutBin, ...headlessArgs(f, h)], locustfile: tsFile },
  ];
  if (node24) tools.push({ name: `locust-ts checkout, ${major(node24)}`, command: node24, args: (f, h) => [checkoutBin, ...headlessArgs(f, h)], locustfile: tsFile });
  else console.log('(Node 24 not found by scripts/node24.sh: its rows left out)');
  const imageNode = node24 ?? process.execPath;
  tools.push({ name: `locust-ts as the image, ${major(imageNode)}`, command: imageNode, args: (f, h) => [imageBin, ...headlessArgs(f, h)], locustfile: tsFile });
  if (existsSync(PYTHON_LOCUST)) tools.push({ name: 'Python Locust 2.12.1', command: PYTHON_LOCUST, args: headlessArgs, locustfile: pyFile });
  else console.log(`(${PYTHON_LOCUST} not found: Python Locust row left out)`);

  const target = new Target();
  await target.start();
  const loadBefore = loadavg().map((l) => l.toFixed(1)).join(' ');
  const results = new Map<string, number[]>(tools.map((t) => [t.name, []]));
  try {
    // warm-up: tsx's transform cache and the OS's file cache, for every tool alike
    for (const tool of tools) await measure(tool, target);
    for (let i = 0; i < RUNS; i++) {
      for (const tool of tools) results.get(tool.name)!.push(await measure(tool, target));
    }
  } finally {
    await target.close();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(compiled, { recursive: true, force: true });
  }

  console.log(`launch → first request at the target, local headless run (-u 1 -r 1), ${RUNS} runs each after one warm-up, ms`);
  console.log(`load average before the runs: ${loadBefore}, after: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (2 cores shared with other jobs)`);
  console.log(`${'tool'.padEnd(38)}    min median    max   runs`);
  for (const tool of tools) {
    const values = results.get(tool.name)!;
    console.log(`${tool.name.padEnd(38)} ${summary(values)}   ${values.map((v) => Math.round(v)).join(' ')}`);
  }
}

await main();
