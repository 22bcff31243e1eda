/**
 * A real Prometheus (Debian's /usr/bin/prometheus) for a test: started on a free loopback port
 * with a config that scrapes the given targets every second, read through its HTTP API
 * (`/api/v1/query`, `/api/v1/targets`), killed and its TSDB removed at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Started, cleanEnv, startProcess } from './process.js';
import { freePort } from './ports.js';
import { pollUntil } from './wait.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
/** Scrape and rule-evaluation interval: short, so a pulse of a few seconds has many samples. */
export const SCRAPE_INTERVAL_SECONDS = 1;

export interface ScrapeJob {
  /** Prometheus' `job` label */
  job: string;
  /** `127.0.0.1:PORT` */
  target: string;
}

/** One sample of an instant vector: the series' labels and its value. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export interface Prometheus {
  readonly url: string;
  readonly process: Started;
  /** Instant query (`/api/v1/query`), at `time` (epoch seconds) or now. Throws on a query error. */
  query(expr: string, time?: number): Promise<PromSample[]>;
  /** Poll `query(expr)` until `check` holds on its result (a hang guard, not a timing assertion). */
  waitFor(expr: string, check: (samples: PromSample[]) => boolean, what: string, timeoutMs?: number): Promise<PromSample[]>;
  stop(): Promise<void>;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
  errorType?: string;
}

async function api<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as ApiAnswer<T>;
  if (body.status !== 'success') throw new Error(`Prometheus ${url}: ${body.errorType}: ${body.error}`);
  return body.data;
}

function config(jobs: readonly ScrapeJob[]): string {
  const lines = ['global:', `  scrape_interval: ${SCRAPE_INTERVAL_SECONDS}s`, `  evaluation_interval: ${SCRAPE_INTERVAL_SECONDS}s`, 'scrape_configs:'];
  for (const { job, target } of jobs) {
    lines.push(`  - job_name: ${JSON.stringify(job)}`, '    metrics_path: /metrics', '    static_configs:', `      - targets: [${JSON.stringify(target)}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** Start Prometheus scraping `jobs`; resolves once it is ready and every target has been scraped up. */
export async function startPrometheus(jobs: readonly ScrapeJob[], timeoutMs = 60_000): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, config(jobs));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startProcess(
    PROMETHEUS_BIN,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { env: cleanEnv(), cwd: dir },
  );
  const prom: Prometheus = {
    url,
    process: proc,
    async query(expr, time) {
      const params = new URLSearchParams({ query: expr });
      if (time !== undefined) params.set('time', String(time));
      const data = await api<{ resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }>(`${url}/api/v1/query?${params}`);
      if (data.resultType !== 'vector') throw new Error(`${expr}: a ${data.resultType}, not an instant vector`);
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    waitFor(expr, check, what, waitMs = 60_000) {
      return pollUntil(() => prom.query(expr), check, what, { timeoutMs: waitMs, pollMs: 250, show: (s) => `${expr} = ${JSON.stringify(s)}` });
    },
    async stop() {
      proc.child.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill(), 15_000);
      await proc.exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const ready = async (): Promise<boolean> => {
    if (proc.child.exitCode !== null) throw new Error(`prometheus exited (${proc.child.exitCode}):\n${proc.output().slice(-2000)}`);
    return fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
  };
  await pollUntil(ready, (ok) => ok, 'Prometheus ready', { timeoutMs, pollMs: 100, show: () => proc.output().slice(-1500) });
  type Targets = { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] };
  await pollUntil(
    () => api<Targets>(`${url}/api/v1/targets?state=active`),
    (t) => t.activeTargets.length === jobs.length && t.activeTargets.every((a) => a.health === 'up'),
    'every scrape target up',
    { timeoutMs, pollMs: 250, show: (t) => JSON.stringify(t.activeTargets.map((a) => [a.labels.job, a.health, a.lastError])) },
  );
  return prom;
}
