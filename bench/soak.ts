/**
 * `pnpm bench:soak` — a long run at 5,000 users `between(1, 2)` (examples/locustfile.ts: GET /hello)
 * with the master and one locust-ts worker in this process and the target server in its own, RSS
 * and event-loop lag sampled every minute. What it shows: memory flat after warm-up (no leak in
 * stats, history, users or sockets) and a loop that keeps up. A benchmark, not in the test suite.
 *
 *   pnpm bench:soak                           # 30 minutes, a sample each minute
 *   pnpm bench:soak --minutes 2               # a short check that it works
 *   pnpm bench:soak --minutes 2 --sample 20   # samples every 20 s
 *
 * Prints a table and writes the samples to $TMPDIR/locust-ts-soak-<date>.json. Only 127.0.0.1; bounded in time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runMaster } from '../packages/master/src/index.js';
import { loadLocustfile, runWorker, silentLogger } from '../packages/worker/src/index.js';
import { freePort } from '@locust-ts/test-support/ports';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const USERS = 5000;
const SPAWN_RATE = 500;
/** Samples before this are warm-up (ramp, JIT, pools filling); "flat" is judged after it. */
const WARMUP_SAMPLES = 1;

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '30' }, sample: { type: 'string', default: '60' } },
});
const minutes = Number(values.minutes);
const sampleSeconds = Number(values.sample);
if (!(minutes > 0) || !(sampleSeconds > 0)) {
  process.stderr.write('bench:soak: --minutes and --sample must be positive numbers\n');
  process.exit(2);
}

let target: ChildProcess | null = null;
const stopTarget = (): void => {
  if (target?.pid) try { process.kill(-target.pid, 'SIGTERM'); } catch { /* gone */ }
};
process.on('exit', stopTarget);
process.on('SIGINT', () => process.exit(130));
// a soak stopped by SIGTERM (a script's kill) takes its target with it, as on Ctrl-C
process.on('SIGTERM', () => process.exit(143));

async function startTarget(port: number): Promise<void> {
  target = spawn(process.execPath, ['--import', 'tsx', 'packages/target-server/src/main.ts', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('target server did not start within 30 s')), 30_000);
    target!.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    target!.on('exit', (code) => reject(new Error(`target server exited (${code})`)));
  });
}

interface Sample {
  minute: number;
  users: number;
  rssMb: number;
  heapMb: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  rps: number;
  requests: number;
  failures: number;
  load1: number;
}

async function main(): Promise<void> {
  const port = await freePort();
  await startTarget(port);
  const locustfile = await loadLocustfile(join(ROOT, 'examples/locustfile.ts'));
  const quiet = { write: () => true };
  const master = await runMaster({
    userClasses: locustfile.describeUserClasses(), headless: true, users: USERS, spawnRate: SPAWN_RATE, runTime: minutes * 60,
    expectWorkers: 1, onlySummary: true, host: `http://127.0.0.1:${port}`, masterBindHost: '127.0.0.1', masterBindPort: 0,
    handleSignals: false, logSink: quiet,
  });
  const worker = runWorker({ userClasses: locustfile.userClasses, masterHost: '127.0.0.1', masterPort: master.port, logger: silentLogger });
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = performance.now();
  const samples: Sample[] = [];
  let lastRequests = 0;
  console.log(`soak: ${USERS} users between(1, 2) for ${minutes} min, a sample every ${sampleSeconds} s (master + worker in pid ${process.pid})`);
  console.log('minute  users   RSS MB  heap MB  lag p50/p99/max ms   rps     requests  failures  load');
  const timer = setInterval(() => {
    const total = master.runner.stats.total;
    const mem = process.memoryUsage();
    const s: Sample = {
      minute: (performance.now() - started) / 60_000,
      users: master.runner.userCount,
      rssMb: mem.rss / 2 ** 20,
      heapMb: mem.heapUsed / 2 ** 20,
      lagP50Ms: lag.percentile(50) / 1e6,
      lagP99Ms: lag.percentile(99) / 1e6,
      lagMaxMs: lag.max / 1e6,
      rps: (total.numRequests - lastRequests) / sampleSeconds,
      requests: total.numRequests,
      failures: total.numFailures,
      load1: loadavg()[0]!,
    };
    lastRequests = total.numRequests;
    lag.reset();
    samples.push(s);
    console.log(
      `${s.minute.toFixed(1).padStart(6)}  ${String(s.users).padStart(5)}  ${s.rssMb.toFixed(0).padStart(7)}  ${s.heapMb.toFixed(0).padStart(7)}  ` +
        `${`${s.lagP50Ms.toFixed(1)}/${s.lagP99Ms.toFixed(1)}/${s.lagMaxMs.toFixed(0)}`.padStart(18)}  ${s.rps.toFixed(0).padStart(6)}  ` +
        `${String(s.requests).padStart(9)}  ${String(s.failures).padStart(8)}  ${s.load1.toFixed(1)}`,
    );
  }, sampleSeconds * 1000);
  const code = await master.done;
  clearInterval(timer);
  await Promise.race([worker.done, new Promise((r) => setTimeout(r, 5_000))]);
  stopTarget();

  const steady = samples.slice(WARMUP_SAMPLES);
  const first = steady[0];
  const last = steady.at(-1);
  const growth = first && last ? ((last.rssMb - first.rssMb) / first.rssMb) * 100 : Number.NaN;
  const verdict = steady.length < 2 ? 'too short to judge' : `RSS ${first!.rssMb.toFixed(0)} → ${last!.rssMb.toFixed(0)} MB after warm-up (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%)`;
  console.log(`soak: exit ${code}; ${verdict}; max lag ${Math.max(...samples.map((s) => s.lagMaxMs)).toFixed(0)} ms`);
  const file = join(tmpdir(), `locust-ts-soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ users: USERS, minutes, sampleSeconds, exitCode: code, rssGrowthPercent: growth, samples }, null, 2)}\n`);
  console.log(`soak: samples in ${file}`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:soak: ${(err as Error).message}\n`);
  process.exit(1);
});
