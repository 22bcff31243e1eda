/**
 * `pnpm bench:master` — how many simulated workers one core of the locust-ts master serves, next
 * to Debian's Python Locust 2.12.1 master, in one run. Uses the shared master-capacity tools
 * (`shared/tools/master-capacity/`: `sim.py` simulated workers on core 1, `bench.py` pinning the
 * master to core 0 and sampling CPU and RSS). For each worker count, locust-ts runs first and the
 * Python master right after, so both see about the same machine load (printed beside them).
 *
 *   pnpm bench:master                           # 1000,2000,4000,6000 workers
 *   pnpm bench:master --workers 500,1000 --run-time 40 --window 15
 *   pnpm bench:master --repeat 3                # each master three times, alternating; medians shown
 *
 * The simulated workers announce themselves to locust-ts as the newest Locust (so the master answers
 * their heartbeats: the round trip is measured) and to the Python master as 2.12.1 (its own
 * version; it never answers heartbeats, so its lag comes from the `capacity_probe` log lines).
 * locust-ts runs as its master pod runs it: the packages precompiled to JavaScript by the image's
 * step (compiled-copy.ts) and the Node options of deploy/manifests/base/master.yaml. `--checkout`
 * runs the checkout's TypeScript through tsx with Node's defaults instead (~33 MiB more for tsx's
 * loader thread, and V8's default young generation).
 * Needs python3-zmq, python3-msgpack, python3-psutil and /usr/bin/locust (Debian's python3-locust).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LOCUST_PROTOCOL_VERSION } from '@locust-ts/protocol';
import { parseAllDocuments } from 'yaml';
import { compiledCopy } from './compiled-copy.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** `shared/` beside the checkout (as CI lays it out), else the workplace's copy; env overrides. */
const CAPACITY_DIR = [
  process.env.LOCUST_TS_SHARED_DIR ? `${process.env.LOCUST_TS_SHARED_DIR}/tools/master-capacity` : '',
  `${ROOT}../shared/tools/master-capacity`,
  '/work/shared/tools/master-capacity',
].find((dir) => dir !== '' && existsSync(`${dir}/bench.py`));

/** One run's figures as bench.py writes them to results.json (only the fields used here). */
interface RunResult {
  N: number;
  master_cpu_pct?: number;
  master_rss_mib_end?: number;
  missing_workers?: number;
  hb_rtt_ms?: { p50: number; p99: number; max: number };
  probe_lag_ms?: { p50: number; max: number };
  requests_reported_by_sim?: number;
  requests_in_master_final_table?: number;
  broken?: string[];
}

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1000,2000,4000,6000' },
    'run-time': { type: 'string', default: '60' },
    window: { type: 'string', default: '30' },
    checkout: { type: 'boolean', default: false },
    /** Runs per worker count and master, alternating; the row shows each master's median-CPU run. */
    repeat: { type: 'string', default: '1' },
  },
});

interface Container {
  name: string;
  env?: Array<{ name: string; value?: string }>;
}

/** The NODE_OPTIONS the master pod sets (deploy/manifests/base/master.yaml), as node flags. */
function masterPodNodeOptions(): string {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'deploy/manifests/base/master.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, any>);
  const deployment = docs.find((d) => d?.kind === 'Deployment');
  const containers = (deployment?.spec?.template?.spec?.containers ?? []) as Container[];
  return containers.flatMap((c) => c.env ?? []).find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
}

function runBench(label: string, workers: number, extra: string[], outdir: string): Promise<RunResult | null> {
  const args = [
    `${CAPACITY_DIR}/bench.py`,
    '--label', label, '--outdir', outdir, '--workers', String(workers),
    '--run-time', values['run-time'], '--window', values.window,
    ...extra,
  ];
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', () => {
      try {
        const results = JSON.parse(readFileSync(join(outdir, 'results.json'), 'utf8')) as RunResult[];
        resolve(results[0] ?? null);
      } catch {
        resolve(null);
      }
    });
  });
}

const MASTER_ARGS =
  '-f {locustfile} --master --master-bind-host 127.0.0.1 ' +
  '--master-bind-port {port} --headless --expect-workers {workers} -u {users} -r {rate} -t {run_time}s --host {host}';

/** The master command bench.py starts: the image's compiled packages and the pod's Node options, or the checkout. */
function tsMasterCommand(): string {
  if (values.checkout) return `node ${ROOT}packages/cli/bin/locust-ts.mjs ${MASTER_ARGS}`;
  const copy = compiledCopy(ROOT);
  console.log(`locust-ts as its pod runs it: compiled in ${copy}, node ${masterPodNodeOptions() || '(no options)'}`);
  return `node ${masterPodNodeOptions()} ${copy}/packages/cli/bin/locust-ts.mjs ${MASTER_ARGS}`;
}

function cpu(r: RunResult | null): string {
  return r?.master_cpu_pct === undefined ? '-' : r.master_cpu_pct.toFixed(1);
}
function rss(r: RunResult | null): string {
  return r?.master_rss_mib_end === undefined ? '-' : r.master_rss_mib_end.toFixed(0);
}
function lag(r: RunResult | null): string {
  if (r?.hb_rtt_ms) return `${r.hb_rtt_ms.p99} (hb p99)`;
  if (r?.probe_lag_ms) return `${r.probe_lag_ms.max} (probe max)`;
  return '-';
}
function health(r: RunResult | null): string {
  if (!r) return 'no result';
  const counted = r.requests_reported_by_sim === r.requests_in_master_final_table ? 'all requests counted' : 'requests lost';
  const broken = r.broken?.length ? `; ${r.broken.join(', ')}` : '';
  return `missing ${r.missing_workers ?? '?'}, ${counted}${broken}`;
}

/** The run with the median CPU (the lower middle one of an even count). */
function median(runs: Array<[RunResult | null, string]>): [RunResult | null, string] {
  const sorted = [...runs].sort((a, b) => (a[0]?.master_cpu_pct ?? Infinity) - (b[0]?.master_cpu_pct ?? Infinity));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function main(): Promise<void> {
  if (!CAPACITY_DIR) {
    console.error('bench:master: shared/tools/master-capacity not found (set LOCUST_TS_SHARED_DIR)');
    process.exit(1);
  }
  const counts = values.workers.split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  const outRoot = mkdtempSync(join(tmpdir(), 'bench-master-'));
  const rows: string[] = [];
  const tsMasterCmd = tsMasterCommand();
  const repeat = Math.max(1, Number(values.repeat) || 1);
  for (const n of counts) {
    // The machine's CPU cost per syscall and wake-up drifts by several points of a core over
    // minutes (a VM's neighbours): the two masters alternate, and the median run of each is shown.
    const tsRuns: Array<[RunResult | null, string]> = [];
    const pyRuns: Array<[RunResult | null, string]> = [];
    for (let i = 0; i < repeat; i++) {
      const tsAt = loadavg()[0]!.toFixed(1);
      tsRuns.push([await runBench('locust-ts', n, ['--impl', 'cmd', '--master-cmd', tsMasterCmd, '--version', LOCUST_PROTOCOL_VERSION], join(outRoot, `ts-${n}-${i}`)), tsAt]);
      const pyAt = loadavg()[0]!.toFixed(1);
      pyRuns.push([await runBench('locust-2.12.1', n, ['--impl', 'debian'], join(outRoot, `py-${n}-${i}`)), pyAt]);
      if (repeat > 1) console.log(`  ${n} workers, run ${i + 1}: locust-ts ${cpu(tsRuns[i]![0])} %, 2.12.1 ${cpu(pyRuns[i]![0])} %`);
    }
    const [ts, tsLoad] = median(tsRuns);
    const [py, pyLoad] = median(pyRuns);
    const row =
      `| ${n} | ${cpu(ts)} | ${rss(ts)} | ${lag(ts)} | ${health(ts)} | ${tsLoad} ` +
      `| ${cpu(py)} | ${rss(py)} | ${lag(py)} | ${health(py)} | ${pyLoad} |`;
    rows.push(row);
    console.log(row);
  }
  console.log();
  console.log('| workers | locust-ts CPU % | RSS MiB | lag ms | health | load | Locust 2.12.1 CPU % | RSS MiB | lag ms | health | load |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(`\nCPU: % of one core over the steady window; load: 1-min load average when the run began. Raw results: ${outRoot}`);
}

await main();
