/**
 * `pnpm bench:worker` — how much load one core of locust-ts generates, next to Python Locust
 * and a raw HTTP client. The target server runs alone on core 0; each generator runs, one
 * after another, alone on core 1. Only 127.0.0.1; every run is bounded in time.
 *
 * Scenario 1: 32 users, constant(0) wait, 10 s each — locust-ts worker (full stats),
 *             Python FastHttpUser, Python HttpUser, autocannon and wrk (-c 32, no stats). The
 *             figure that counts is requests per CPU-second of each whole generator process
 *             (user + system, start-up included): other load on the machine disturbs it least.
 *             The median of the rounds is reported.
 * Scenario 2: 5,000 users with between(1, 2) on one core: achieved vs intended 3,333 rps, p99,
 *             and the generator's peak RSS.

 * The locust-ts generator runs as one esbuild bundle (bench/bundle-generator.ts), the form
 * `pnpm package` ships: no TypeScript compiler in the measured process.
 * Scenario 3: spawning 1,000 users/s (250 at once every 250 ms) next to 1,000 running users:
 *             the running users' p99 before and during the ramp (issue 9 goal: < +20 ms).
 *
 *   BENCH_SCENARIOS=3 pnpm bench:worker    # only the named scenarios (comma-separated)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@locust-ts/test-support/ports';
import { bundleGenerator } from './bundle-generator.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TARGET_CORE = '0';
const GENERATOR_CORE = '1';
const USERS = 32;
const DURATION_S = 10;
const MANY_USERS = 5000;
const MANY_USERS_DURATION_S = 16;
/** Ramp like `-r 1000`: 5 s to reach 5,000 users; the steady window starts after it. */
const MANY_USERS_RATE = 1000;
const MANY_USERS_WARMUP_S = 7;
/** between(1, 2) waits 1.5 s on average: 5,000 users intend 3,333 requests per second. */
const MANY_USERS_INTENDED_RPS = MANY_USERS / 1.5;
/** Scenario 3: users already running, users spawned over them at SPAWN_RATE per second. */
const RUNNING_USERS = 1000;
const SPAWNED_USERS = 4000;
const SPAWN_RATE = 1000;
const SPAWN_WARMUP_S = 5;
const SPAWN_DURATION_S = SPAWN_WARMUP_S + SPAWNED_USERS / SPAWN_RATE + 3;
/** Which scenarios run (env BENCH_SCENARIOS, e.g. "3" or "1,3"); all by default. */
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS ?? '1,2,3').split(',').map((s) => s.trim()));
/** Scenario 1 runs this often (env BENCH_ROUNDS); the median round of each tool counts, against noise. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** The bundled generator (built in main()). */
let generator = '';
/** A run that takes this much longer than planned is killed. */
const RUN_SLACK_MS = 30_000;

const children = new Set<ChildProcess>();
function killAll(): void {
  for (const c of children) if (c.pid) try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ }
}
process.on('exit', killAll);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
  /** CPU seconds (user + system) the generator used, start-up included. */
  cpuSeconds: number;
  /** The generator's peak resident set size, MB. */
  maxRssMb: number;
}

/** GNU time's last stderr line: `cpu <user> <system> rss <max KB>`. */
const CPU_LINE = /cpu ([\d.]+) ([\d.]+) rss (\d+)\s*$/;

/** Run a command pinned to `core`, in its own process group, killed after `timeoutMs`. */
function runPinned(core: string, cmd: string, args: string[], timeoutMs: number, cwd = ROOT): Promise<RunResult> {
  return new Promise((resolve) => {
    // GNU time reports the generator's CPU use: requests per CPU-second are far less sensitive
    // to other load on the machine than requests per second.
    const child = spawn('taskset', ['-c', core, '/usr/bin/time', '-f', 'cpu %U %S rss %M', cmd, ...args], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      const m = CPU_LINE.exec(stderr);
      resolve({ stdout, stderr, code, cpuSeconds: m ? Number(m[1]) + Number(m[2]) : Number.NaN, maxRssMb: m ? Number(m[3]) / 1024 : Number.NaN });
    });
  });
}

async function startTarget(port: number): Promise<ChildProcess> {
  const child = spawn('taskset', ['-c', TARGET_CORE, process.execPath, '--import', 'tsx', 'packages/target-server/src/main.ts', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('target server did not start within 15 s')), 15_000);
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`target server exited (${code})`)));
  });
  return child;
}

interface Figures {
  rps: number;
  p50?: number;
  p99?: number;
  requests: number;
  failures: number;
  steadyRps?: number;
  steadyP50?: number;
  steadyP99?: number;
  cpuSeconds?: number;
  maxRssMb?: number;
  baseP99?: number;
  rampP99?: number;
  baseRequests?: number;
  rampRequests?: number;
}

async function locustTs(url: string, users: number, wait: 'zero' | 'between', duration: number, warmup: number, rate = users, base = 0): Promise<Figures> {
  const args = [generator, '--target', url, '--users', String(users), '--wait', wait, '--duration', String(duration), '--warmup', String(warmup), '--rate', String(rate)];
  if (base > 0) args.push('--base', String(base));
  const r = await runPinned(GENERATOR_CORE, process.execPath, args, duration * 1000 + RUN_SLACK_MS);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) throw new Error(`locust-ts generator failed (${r.code}): ${r.stderr.slice(-500)}`);
  return { ...(JSON.parse(line) as Figures), cpuSeconds: r.cpuSeconds, maxRssMb: r.maxRssMb };
}

const PY_LOCUSTFILE = (base: 'FastHttpUser' | 'HttpUser') => `from locust import ${base}, task, constant


class BenchUser(${base}):
    wait_time = constant(0)

    @task
    def hello(self):
        self.client.get("/hello")
`;

async function pythonLocust(url: string, base: 'FastHttpUser' | 'HttpUser', dir: string): Promise<Figures> {
  const file = join(dir, `bench_${base}.py`);
  writeFileSync(file, PY_LOCUSTFILE(base));
  const csv = join(dir, base);
  const args = ['-f', file, '--headless', '-u', String(USERS), '-r', String(USERS), '-t', `${DURATION_S}s`, '-H', url, '--csv', csv, '--only-summary', '--loglevel', 'WARNING'];
  const r = await runPinned(GENERATOR_CORE, '/usr/bin/locust', args, DURATION_S * 1000 + RUN_SLACK_MS, dir);
  const text = readFileSync(`${csv}_stats.csv`, 'utf8').trim().split(/\r?\n/);
  const header = text[0]!.split(',').map((h) => h.replace(/"/g, ''));
  const row = text.map((l) => l.split(',').map((v) => v.replace(/"/g, ''))).find((cols) => cols[1] === 'Aggregated');
  if (!row) throw new Error(`no Aggregated row from Python ${base} (${r.code}): ${r.stderr.slice(-500)}`);
  const col = (name: string) => Number(row[header.indexOf(name)]);
  return { rps: col('Requests/s'), requests: col('Request Count'), failures: col('Failure Count'), p50: col('50%'), p99: col('99%'), cpuSeconds: r.cpuSeconds };
}

async function autocannon(url: string): Promise<Figures> {
  const bin = join(ROOT, 'node_modules/autocannon/autocannon.js');
  const r = await runPinned(GENERATOR_CORE, process.execPath, [bin, '-c', String(USERS), '-d', String(DURATION_S), '-j', `${url}/hello`], DURATION_S * 1000 + RUN_SLACK_MS);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
  return { rps: out.requests.average, requests: out.requests.total, failures: out.errors + out.non2xx, p50: out.latency.p50, p99: out.latency.p99, cpuSeconds: r.cpuSeconds };
}

/** Debian's wrk, one thread, the same connections: the C ceiling. */
async function wrk(url: string): Promise<Figures> {
  const r = await runPinned(GENERATOR_CORE, 'wrk', ['-t1', `-c${USERS}`, `-d${DURATION_S}s`, '--latency', `${url}/hello`], DURATION_S * 1000 + RUN_SLACK_MS);
  const total = /(\d+) requests in ([\d.]+)s/.exec(r.stdout);
  if (!total) throw new Error(`wrk failed (${r.code}): ${r.stderr.slice(-500)}`);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(r.stdout);
  const ms = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(r.stdout);
    return m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : undefined;
  };
  const requests = Number(total[1]);
  return {
    rps: requests / Number(total[2]),
    requests,
    failures: Number(errors?.[1] ?? 0) + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
    p50: ms('50'),
    p99: ms('99'),
    cpuSeconds: r.cpuSeconds,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** Requests per CPU-second of the generator (start-up included). */
const perCpu = (f: Figures) => f.requests / (f.cpuSeconds ?? Number.NaN);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'locust-ts-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  generator = await bundleGenerator(ROOT, dir);
  const target = await startTarget(port);
  try {
    console.log(`Target server on core ${TARGET_CORE} at ${url}; generators on core ${GENERATOR_CORE}.`);
    if (SCENARIOS.has('1')) await scenario1(url, dir);
    if (SCENARIOS.has('2')) await scenario2(url);
    if (SCENARIOS.has('3')) await scenario3(url);
  } finally {
    if (target.pid) try { process.kill(-target.pid, 'SIGTERM'); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function scenario1(url: string, dir: string): Promise<void> {
    console.log(`\nScenario 1: ${USERS} users, constant(0) wait, ${DURATION_S} s each, median of ${ROUNDS} rounds`);
    const tools: Array<[string, () => Promise<Figures>]> = [
      ['locust-ts worker (bundle)', () => locustTs(url, USERS, 'zero', DURATION_S, 1)],
      ['Python Locust FastHttpUser', () => pythonLocust(url, 'FastHttpUser', dir)],
      ['Python Locust HttpUser', () => pythonLocust(url, 'HttpUser', dir)],
      ['autocannon (no stats)', () => autocannon(url)],
      ['wrk (no stats)', () => wrk(url)],
    ];
    const allRuns: Array<[string, Figures]> = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, fn] of tools) {
        process.stdout.write(`  [${round}] ${name.padEnd(26)} … `);
        const f = await fn();
        allRuns.push([name, f]);
        console.log(`${fmt(f.rps).padStart(7)} rps  ${fmt(perCpu(f)).padStart(6)} req/CPU-s  (${fmt(f.requests)} requests in ${(f.cpuSeconds ?? Number.NaN).toFixed(2)} CPU-s, ${f.failures} failures, p50 ${f.p50 ?? '-'} ms, p99 ${f.p99 ?? '-'} ms)`);
      }
    }
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const mid = Math.floor(s.length / 2);
      return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
    };
    const runsOf = (name: string) => allRuns.filter(([n]) => n === name).map(([, f]) => f);
    const medianRps = (name: string) => median(runsOf(name).map((f) => f.rps));
    const medianCpu = (name: string) => median(runsOf(name).map(perCpu));
    console.log(`\n  Median of the ${ROUNDS} rounds:          rps   req/CPU-s`);
    for (const [name] of tools) console.log(`    ${name.padEnd(26)} ${fmt(medianRps(name)).padStart(7)}  ${fmt(medianCpu(name)).padStart(8)}`);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    const ts = tools[0]![0];
    console.log('\n  Ratios, locust-ts / other (rps | requests per CPU-second, the figure other load on the machine disturbs least):');
    console.log(`    vs FastHttpUser ${ratio(medianRps(ts), medianRps(tools[1]![0]))} | ${ratio(medianCpu(ts), medianCpu(tools[1]![0]))}   (goal ≥ 3×)`);
    console.log(`    vs HttpUser     ${ratio(medianRps(ts), medianRps(tools[2]![0]))} | ${ratio(medianCpu(ts), medianCpu(tools[2]![0]))}`);
    console.log(`    vs autocannon   ${ratio(medianRps(ts), medianRps(tools[3]![0]))} | ${ratio(medianCpu(ts), medianCpu(tools[3]![0]))}   (goal ≥ 1.0× per CPU-second)`);
    console.log(`    vs wrk          ${ratio(medianRps(ts), medianRps(tools[4]![0]))} | ${ratio(medianCpu(ts), medianCpu(tools[4]![0]))}`);
}

async function scenario2(url: string): Promise<void> {

    console.log(`\nScenario 2: ${fmt(MANY_USERS)} users, between(1, 2), one core, ramp ${fmt(MANY_USERS_RATE)}/s, ${MANY_USERS_DURATION_S} s`);
    const many = await locustTs(url, MANY_USERS, 'between', MANY_USERS_DURATION_S, MANY_USERS_WARMUP_S, MANY_USERS_RATE);
    const share = (many.steadyRps ?? 0) / MANY_USERS_INTENDED_RPS;
    console.log(`  intended ${fmt(MANY_USERS_INTENDED_RPS)} rps, achieved ${fmt(many.steadyRps ?? 0)} rps (${(share * 100).toFixed(0)}%) after the ramp (+${MANY_USERS_WARMUP_S} s)`);
    console.log(`  after the ramp: p50 ${many.steadyP50} ms, p99 ${many.steadyP99} ms; whole run: p50 ${many.p50} ms, p99 ${many.p99} ms; ${fmt(many.requests)} requests, ${many.failures} failures`);
    console.log(`  generator CPU: ${(many.cpuSeconds ?? Number.NaN).toFixed(1)} s over a ${MANY_USERS_DURATION_S} s run (start-up included)`);
    console.log(`  generator peak RSS: ${(many.maxRssMb ?? Number.NaN).toFixed(0)} MB at ${fmt(MANY_USERS)} users (goal ≤ 100 MB)`);
}

async function scenario3(url: string): Promise<void> {

    console.log(`\nScenario 3: ${fmt(RUNNING_USERS)} users running (between(1, 2)), then ${fmt(SPAWNED_USERS)} more spawned at ${fmt(SPAWN_RATE)}/s, one core`);
    const spawn = await locustTs(url, SPAWNED_USERS, 'between', SPAWN_DURATION_S, SPAWN_WARMUP_S, SPAWN_RATE, RUNNING_USERS);
    const added = (spawn.rampP99 ?? Number.NaN) - (spawn.baseP99 ?? Number.NaN);
    console.log(`  running users' p99: ${spawn.baseP99} ms before the ramp (${fmt(spawn.baseRequests ?? 0)} requests), ${spawn.rampP99} ms during it (${fmt(spawn.rampRequests ?? 0)} requests): +${added} ms (goal < 20 ms)`);
}

await main();
process.exit(0);
