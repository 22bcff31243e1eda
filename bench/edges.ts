/**
 * `pnpm bench:edges` — synchronized edges measured at the target. A square pulse 0 → 1,000 users
 * (test/edges/fixtures/pulse-locustfile.ts: constant(0.2) wait, "instant" spawn rate) over 4
 * locust-ts worker processes, a master process and the Fastify target in its own process writing
 * an access log — all on 127.0.0.1. The first rising edge meets a cold target: no connection
 * from any worker is open before its lead. As a service under test is already serving, the target
 * first answers WARM_UP_REQUESTS untagged requests from a client in this process whose connections
 * are then closed (its JIT warm, as in test/edges/pulse.timing.test.ts); `--cold-process` skips
 * that, so the first edge also meets code the target never ran. The later edges are warm ones.
 *
 * Every figure comes from timestamps the processes recorded: the target's access log (each
 * user's first request's arrival, `u=<id>`), and the master's PREFIX_edges.csv (the planned
 * instants, the workers' start spread and the report's first-request figures). Goals (issue 23):
 * a cold rising edge reaches the target within 300 ms (first → last first request), a warm one
 * within 100 ms; the arrivals counted within 0.5 s and after 1 s show SYN retries if any.
 *
 *   pnpm bench:edges                         # 4 workers, 1,000 users, 3 cycles of 3 s on / 3 s off
 *   pnpm bench:edges --users 200 --cycles 2  # a short check that it works
 *
 * The target listens with Node's default backlog (511) unless `--backlog N`: a burst of 1,000
 * connects overflows that queue and the dropped SYNs come back a second later — the workers' paced
 * connects before the instant (packages/worker/src/http/connection-stash.ts) must not.
 *
 * Real Locust has no synchronized edges (its workers ramp at the spawn rate), so nothing runs
 * beside it here. Bounded in time (RUN_LIMIT_MS); only 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent, get as httpGet } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseAccessLog } from '@locust-ts/target-server';
import { freePort } from '@locust-ts/test-support/ports';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/bin/locust-ts.mjs');
const TARGET_MAIN = join(ROOT, 'packages/target-server/src/main.ts');
const LOCUSTFILE = join(ROOT, 'test/edges/fixtures/pulse-locustfile.ts');
const TSX_LOADER = `file://${join(ROOT, 'node_modules/tsx/dist/loader.mjs')}`;
const RUN_LIMIT_MS = 300_000;
/** Untagged requests the target answers before the pulse (unless --cold-process), 50 at a time. */
const WARM_UP_REQUESTS = 1000;
const COLD_GOAL_MS = 300;
const WARM_GOAL_MS = 100;

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '4' },
    users: { type: 'string', default: '1000' },
    cycles: { type: 'string', default: '3' },
    on: { type: 'string', default: '3' },
    off: { type: 'string', default: '3' },
    'cold-process': { type: 'boolean', default: false },
    backlog: { type: 'string', default: '511' },
  },
});
const workers = Number(values.workers);
const users = Number(values.users);
const cycles = Number(values.cycles);
if (![workers, users, cycles, Number(values.on), Number(values.off)].every((n) => n > 0)) {
  process.stderr.write('bench:edges: --workers, --users, --cycles, --on and --off must be positive numbers\n');
  process.exit(2);
}

const children: ChildProcess[] = [];
function start(args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  children.push(child);
  return { child, output: () => out };
}
function exited(child: ChildProcess, limitMs: number, what: string): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench:edges: ${what} still running after ${limitMs} ms`)), limitMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
function lineSeen(get: () => string, child: ChildProcess, pattern: RegExp, limitMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + limitMs;
    const poll = setInterval(() => {
      if (pattern.test(get())) {
        clearInterval(poll);
        resolve();
      } else if (child.exitCode !== null || Date.now() > deadline) {
        clearInterval(poll);
        reject(new Error(`bench:edges: no ${pattern} from the target:\n${get()}`));
      }
    }, 20);
  });
}
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

const scratch = mkdtempSync(join(tmpdir(), 'locust-ts-bench-edges-'));
const accessLog = join(scratch, 'access.log');
const csvPrefix = join(scratch, 'pulse');
const targetPort = await freePort();
const masterPort = await freePort();
const target = start(['--import', TSX_LOADER, TARGET_MAIN, '--port', String(targetPort), '--access-log', accessLog, '--backlog', values.backlog]);
await lineSeen(target.output, target.child, /listening on/, 60_000);
if (!values['cold-process']) {
  const agent = new Agent({ keepAlive: true });
  let left = WARM_UP_REQUESTS;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      httpGet({ host: '127.0.0.1', port: targetPort, path: '/hello?warmup=1', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (left-- > 0) await one();
  }));
  agent.destroy(); // no connection stays open for the pulse's first edge
}
const env = { ...process.env, PULSE_PEAK: String(users), PULSE_CYCLES: String(cycles), PULSE_ON: values.on, PULSE_OFF: values.off };
const master = start([BIN, '--master', '--headless', '-f', LOCUSTFILE, '--expect-workers', String(workers), '--master-bind-host', '127.0.0.1',
  '--master-bind-port', String(masterPort), '-H', `http://127.0.0.1:${targetPort}`, '--csv', csvPrefix, '--only-summary'], env);
for (let i = 0; i < workers; i++) start([BIN, '--worker', '-f', LOCUSTFILE, '--master-host', '127.0.0.1', '--master-port', String(masterPort)], env);
const load = loadavg()[0]!.toFixed(1);
const code = await exited(master.child, RUN_LIMIT_MS, 'the master');
if (code !== 0) {
  process.stderr.write(`bench:edges: the master exited with ${code}:\n${master.output()}\n`);
  process.exit(1);
}
target.child.kill('SIGTERM'); // flushes the access log
await exited(target.child, 30_000, 'the target');
await Promise.all(children.map((c) => exited(c, 30_000, 'a worker')));

// the master's edges: planned instant and the report's figures
const header = readFileSync(`${csvPrefix}_edges.csv`, 'utf8').trim().split('\n')[0]!.split(',');
const col = (name: string): number => header.indexOf(name);
const rows = readFileSync(`${csvPrefix}_edges.csv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const risingRows = rows.filter((r) => Number(r[col('Target Users')]) === users);
const instants = risingRows.map((r) => Number(r[col('Timestamp')]));

// the target's side: each user's first request, given to the last rising edge planned before it
const firstSeen = new Map<string, number>();
for (const line of parseAccessLog(readFileSync(accessLog, 'utf8'))) {
  const m = /[?&]u=([^&]+)/.exec(line.url);
  if (m && !firstSeen.has(m[1]!)) firstSeen.set(m[1]!, line.time);
}
const perEdge: number[][] = instants.map(() => []);
for (const t of firstSeen.values()) {
  let k = -1;
  for (let i = 0; i < instants.length; i++) if (instants[i]! - 0.5 <= t) k = i;
  if (k >= 0) perEdge[k]!.push((t - instants[k]!) * 1000);
}

const pct = (s: number[], q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * q) - 1))]!;
const f0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '-');
const cell = (r: string[], name: string): string => (r[col(name)] === '' || r[col(name)] === undefined ? '-' : Number(r[col(name)]).toFixed(0));
console.log(`bench:edges: ${workers} locust-ts workers, 0 → ${users} users × ${cycles} (${values.on} s on, ${values.off} s off), target on 127.0.0.1 (backlog ${values.backlog})${values['cold-process'] ? ' (process cold: no warm-up)' : ` (JIT warmed by ${WARM_UP_REQUESTS} requests, their connections closed)`}, load average ${load} at the start`);
console.log(`access log ${accessLog}; edges ${csvPrefix}_edges.csv\n`);
console.log('edge  target   users at  first-request arrival after the instant, ms   spread at    ≤0.5 s  >1 s   | report: start   sent p50/p99/max   answered p50/p99/max  no warm');
console.log('       was     target    first    p50    p99    max                      target ms                 | spread ms                                            connection');
let met = true;
for (const [k, r] of risingRows.entries()) {
  const s = perEdge[k]!.sort((a, b) => a - b);
  const spread = s.length > 0 ? s.at(-1)! - s[0]! : NaN;
  const cold = k === 0;
  const goal = cold ? COLD_GOAL_MS : WARM_GOAL_MS;
  if (!(spread <= goal) || s.length !== users) met = false;
  console.log(
    `${String(k + 1).padEnd(5)} ${(cold ? 'cold' : 'warm').padEnd(7)} ${String(s.length).padEnd(9)} ${f0(s[0]!).padStart(5)} ${f0(pct(s, 0.5)).padStart(6)} ${f0(pct(s, 0.99)).padStart(6)} ${f0(s.at(-1)!).padStart(6)}` +
      `                      ${f0(spread).padStart(6)} (≤${goal}) ${String(s.filter((v) => v <= 500).length).padStart(6)} ${String(s.filter((v) => v > 1000).length).padStart(5)}` +
      `   | ${cell(r, 'Spread ms').padStart(5)}        ${cell(r, 'Sent p50 ms')}/${cell(r, 'Sent p99 ms')}/${cell(r, 'Sent max ms')}`.padEnd(40) +
      `${cell(r, 'Answered p50 ms')}/${cell(r, 'Answered p99 ms')}/${cell(r, 'Answered max ms')}`.padEnd(22) + `${r[col('Cold Connections')]}`,
  );
}
const reportLines = master.output().split('\n').filter((l) => /Edge \d+( to|, worker)/.test(l) || /Error report|occurrences|^\s+\d+\s+\S+/.test(l));
console.log(`\nthe master's edge report and errors:\n${reportLines.map((l) => l.replace(/^\[[^\]]*\] [^:]*: /, '  ')).join('\n')}`);
console.log(`\n${met ? 'goals met' : 'goals NOT met'}: every rising edge's first requests reach the target within ${COLD_GOAL_MS} ms (cold) / ${WARM_GOAL_MS} ms (warm), first to last`);
