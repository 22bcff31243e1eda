/**
 * A real Prometheus (Debian's 2.42) scrapes the master's and the target's `/metrics` every second
 * during a pulse: a web-mode master with two TS workers running the manifests' locustfile against
 * the target server burning 10 ms of CPU per /hello, the master's scale watch following a scale-up
 * on the Kubernetes API stand-in. Everything is asserted through Prometheus' HTTP API, against what
 * the run did as its other parties recorded it: the users asked for, the target's own request
 * count and rate, the stand-in's replicas and HPA figures. The Grafana dashboard's queries
 * (deploy/grafana) run through the same Prometheus and must answer with those values.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startBin, startProcess } from '@locust-ts/test-support/process';
import { ScaleScenario } from './api/scale-scenario.js';
import { freePort } from '@locust-ts/test-support/ports';
import { type PromSample, type Prometheus, startPrometheus } from '@locust-ts/test-support/prometheus';
import { clusterEnv, useScaleCluster } from '../scale/helpers.js';
import { pollUntil } from '@locust-ts/test-support/wait';

const LOCUSTFILE = 'deploy/manifests/base/locustfile.ts';
const DASHBOARD = 'deploy/grafana/locust-ts-dashboard.json';
const DEPLOYMENT = 'fastapi-deployment';
/** The pulse: the manifests' locustfile waits 1–2 s between requests, so 10 users make 10/2–10/1 requests/s. */
const USERS = 10;
const WORKERS = 2;
const TARGET_CPU_MS = 10;
/** The scale-up the stand-in plays: the HPA at this CPU decides 3 replicas, which become Ready. */
const SCALED_REPLICAS = 3;
const SCALED_CPU = 95;
/** The rate window (Grafana's $__rate_interval here): long against the workers' 3 s reports. */
const RATE_WINDOW_SECONDS = 30;
/**
 * The master's counters move in steps, once per worker report (every 3 s, Locust's
 * WORKER_REPORT_INTERVAL): a rate over the window can be off by a step at each end of it against
 * the target's own smooth count, 2 x 3 s of 30 s, plus arrival noise.
 */
const RATE_TOLERANCE = (2 * 3) / RATE_WINDOW_SECONDS + 0.1;
/** Hang guards only (a loaded 2-core machine can take long to start processes). */
const STEP_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 360_000;

const k8s = useScaleCluster();
let prometheus: Prometheus | undefined;
afterAll(async () => {
  await prometheus?.stop();
});

interface StatsRequests {
  state: string;
  user_count: number;
  workers: unknown[];
  stats: { name: string; num_requests: number; num_failures: number; avg_response_time: number }[];
}

const one = (samples: PromSample[]): number => {
  expect(samples, 'one series').toHaveLength(1);
  return samples[0]!.value;
};

/** Every PromQL expression in the dashboard, with the panel and legend it feeds. */
function dashboardQueries(): { panel: string; legend: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets: { expr: string; legendFormat: string }[] }[] };
  return dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, legend: t.legendFormat, expr: t.expr })));
}

describe('a real Prometheus reads the run', () => {
  it('users, request rate and count, replicas and HPA as the run had them; the dashboard queries answer the same', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { cluster } = k8s;
    const scenario = new ScaleScenario(cluster.api, { deployment: DEPLOYMENT }).install();
    const [targetPort, webPort, masterPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const target = startProcess(process.execPath, ['--import', 'tsx', 'packages/target-server/src/main.ts', '--host', '127.0.0.1', '--port', String(targetPort), '--cpu-ms', String(TARGET_CPU_MS)]);
    await target.waitFor(/listening on/, STEP_TIMEOUT_MS);
    const master = startBin(
      [
        '-f', LOCUSTFILE, '--master', '--web-host', '127.0.0.1', '--web-port', String(webPort), '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort),
        '-H', `http://127.0.0.1:${targetPort}`, '--watch-scale', DEPLOYMENT,
      ],
      { env: clusterEnv(cluster) },
    );
    for (let i = 0; i < WORKERS; i++) startBin(['-f', LOCUSTFILE, '--worker', '--master-port', String(masterPort)]);
    const url = `http://127.0.0.1:${webPort}`;
    await master.waitFor(/Starting web interface at/, STEP_TIMEOUT_MS);
    const stats = async (): Promise<StatsRequests> => (await (await fetch(`${url}/stats/requests`)).json()) as StatsRequests;
    await pollUntil(stats, (s) => s.workers.length === WORKERS, `${WORKERS} workers`, { timeoutMs: STEP_TIMEOUT_MS, pollMs: 200, show: (s) => JSON.stringify(s.workers) });

    prometheus = await startPrometheus([
      { job: 'locust-master', target: `127.0.0.1:${webPort}` },
      { job: 'target', target: `127.0.0.1:${targetPort}` },
    ], STEP_TIMEOUT_MS);
    const prom = prometheus;
    // before the swarm: the scale watch's first reading, one Ready replica
    await prom.waitFor(`locust_target_replicas{kind="ready"}`, (s) => s.length === 1 && s[0]!.value === 1, 'one ready replica', STEP_TIMEOUT_MS);

    const swarm = await fetch(`${url}/swarm`, { method: 'POST', body: new URLSearchParams({ user_count: String(USERS), spawn_rate: String(USERS) }) });
    expect(((await swarm.json()) as { success: boolean }).success).toBe(true);
    await prom.waitFor('sum(locust_users)', (s) => s[0]?.value === USERS, `${USERS} users in Prometheus`, STEP_TIMEOUT_MS);
    await prom.waitFor('sum(locust_requests_total)', (s) => (s[0]?.value ?? 0) > 0, 'the first requests in Prometheus', STEP_TIMEOUT_MS);

    // the HPA decides, the Deployment follows, the pods become Ready: each as the stand-in applied it
    scenario.scaleTo(SCALED_REPLICAS, SCALED_CPU);
    scenario.podsRunning();
    scenario.podsReady();
    await prom.waitFor(`locust_target_replicas{kind="ready"}`, (s) => s[0]?.value === SCALED_REPLICAS, `${SCALED_REPLICAS} ready replicas in Prometheus`, STEP_TIMEOUT_MS);
    // a steady stretch as long as the rate window: every scrape of it saw all the users running
    await prom.waitFor(
      `min_over_time(sum(locust_users)[${RATE_WINDOW_SECONDS}s:1s])`, (s) => s[0]?.value === USERS,
      `${RATE_WINDOW_SECONDS} s with ${USERS} users`, STEP_TIMEOUT_MS + RATE_WINDOW_SECONDS * 1000,
    );
    const at = Date.now() / 1000;
    const window = `${RATE_WINDOW_SECONDS}s`;

    // the request rate the master's counters give equals the rate the target counted itself
    const masterRate = one(await prom.query(`sum(rate(locust_requests_total[${window}]))`, at));
    const targetRate = one(await prom.query(`sum(rate(target_hello_requests_total[${window}]))`, at));
    // each user waits 1–2 s, then makes one request: at most USERS/1 s, at least USERS/(2 s + a response)
    const avgResponseS = (await stats()).stats.find((e) => e.name === 'Aggregated')!.avg_response_time / 1000;
    expect(masterRate).toBeGreaterThan(USERS / (2 + avgResponseS) * (1 - RATE_TOLERANCE));
    expect(masterRate).toBeLessThanOrEqual(USERS / 1 * (1 + RATE_TOLERANCE));
    expect(Math.abs(masterRate - targetRate) / targetRate).toBeLessThan(RATE_TOLERANCE);
    expect(one(await prom.query('sum(locust_workers{state="running"})', at))).toBe(WORKERS);
    // the scale watch's series: as the stand-in set them
    expect(one(await prom.query('locust_target_replicas{kind="desired"}', at))).toBe(SCALED_REPLICAS);
    expect(one(await prom.query('locust_hpa_desired_replicas', at))).toBe(SCALED_REPLICAS);
    expect(one(await prom.query('locust_hpa_cpu_utilization', at))).toBe(SCALED_CPU);
    expect(one(await prom.query('locust_hpa_metric_target{type="Resource",metric="cpu",target_type="Utilization"}', at))).toBe(70);
    // each /hello costs the target at least its busy CPU
    const cpuPerRequest = one(await prom.query(`sum(rate(target_hello_cpu_seconds_total[${window}])) / sum(rate(target_hello_requests_total[${window}]))`, at));
    expect(cpuPerRequest).toBeGreaterThanOrEqual(TARGET_CPU_MS / 1000);

    // the dashboard: every query answers at the same instant, with the run's values
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(4);
    const seen = new Map<string, number>();
    for (const q of queries) {
      const expr = q.expr.replaceAll('$__rate_interval', window);
      const samples = await prom.query(expr, at);
      expect(samples.length, `${q.panel} / ${q.legend}: ${expr}`).toBeGreaterThan(0);
      const value = Math.max(...samples.map((s) => s.value));
      seen.set(q.expr, value);
      if (/locust_users/.test(expr)) expect(value, expr).toBe(USERS);
      else if (/locust_requests_total/.test(expr)) expect(Math.abs(value - targetRate) / targetRate, expr).toBeLessThan(RATE_TOLERANCE);
      else if (/locust_failures_total/.test(expr)) expect(value, expr).toBe(0);
      else if (/locust_response_time_percentile_ms/.test(expr)) expect(value, expr).toBeGreaterThanOrEqual(TARGET_CPU_MS); // a response after 10 ms of CPU
      else if (/locust_target_replicas|locust_hpa_desired_replicas/.test(expr)) expect(value, expr).toBe(SCALED_REPLICAS);
      else if (/locust_hpa_cpu_utilization/.test(expr)) expect(value, expr).toBe(SCALED_CPU);
      else if (/target_hello_cpu_seconds_total/.test(expr)) expect(value, expr).toBeGreaterThanOrEqual(TARGET_CPU_MS / 1000);
      else throw new Error(`no expectation for the dashboard query ${expr}: add one`);
    }
    // the four series of the pulse panel, all on one time axis
    const pulse = queries.filter((q) => q.panel.startsWith('Pulse')).map((q) => q.legend);
    expect(pulse).toEqual(['users', 'requests/s', 'p95 (ms)', 'ready replicas']);

    // stop: the master's final count is what Prometheus ends with, and the target answered each
    expect((await fetch(`${url}/stop`)).ok).toBe(true);
    await pollUntil(stats, (s) => s.state === 'stopped' && s.user_count === 0, 'the run stopped', { timeoutMs: STEP_TIMEOUT_MS, pollMs: 200, show: (s) => s.state });
    const stoppedAt = Date.now() / 1000;
    await prom.waitFor('sum(locust_users)', (s) => s[0]?.value === 0, 'no users in Prometheus', STEP_TIMEOUT_MS);
    // the target's count from a scrape a second after the stop (an earlier one misses the last answers)
    await prom.waitFor('timestamp(target_hello_requests_total)', (s) => (s[0]?.value ?? 0) > stoppedAt + 1, 'a scrape of the target after the stop', STEP_TIMEOUT_MS);
    const targetCount = one(await prom.query('target_hello_requests_total'));
    // A worker sends no stats report with its stop (as Locust's): its last one comes with its next
    // 3 s tick. Wait for the master to hold every answered request but one in flight per user at
    // the stop (those are never counted), and for Prometheus to have scraped that count.
    const aggregated = async () => (await stats()).stats.find((s) => s.name === 'Aggregated')!;
    const { final, requests } = await pollUntil(
      async () => ({ final: await aggregated(), requests: await prom.query('sum(locust_requests_total)') }),
      ({ final: f, requests: r }) => r[0]?.value === f.num_requests && targetCount - f.num_requests <= USERS,
      "the workers' last reports on the master and in Prometheus",
      { timeoutMs: STEP_TIMEOUT_MS, pollMs: 500, show: ({ final: f, requests: r }) => `target ${targetCount}, master ${f.num_requests}, Prometheus ${r[0]?.value}` },
    );
    expect(final.num_failures).toBe(0);
    expect(one(await prom.query('sum(locust_failures_total)'))).toBe(0);
    // answered, maybe not recorded: at most one in-flight request per user when the users stopped
    expect(targetCount).toBeGreaterThanOrEqual(one(requests));
    expect(targetCount).toBeLessThanOrEqual(one(requests) + USERS);
    expect(one(await prom.query(`max_over_time(sum(locust_users)[5m:1s])`))).toBe(USERS);
    expect(one(await prom.query(`max_over_time(locust_target_replicas{kind="ready"}[5m])`))).toBe(SCALED_REPLICAS);
    const p95 = one(await prom.query('max(locust_response_time_percentile_ms{percentile="0.95"})'));

    console.log(
      `Prometheus saw: ${USERS} users; ${masterRate.toFixed(2)} requests/s (master counters) vs ${targetRate.toFixed(2)}/s (target) over ${window}; ` +
        `${one(requests)} requests, 0 failures (target counted ${targetCount}); p95 ${p95} ms; replicas 1 -> ${SCALED_REPLICAS} ready, HPA ${SCALED_CPU}% CPU; ` +
        `target CPU ${(cpuPerRequest * 1000).toFixed(1)} ms/request; dashboard: ${[...seen.values()].map((v) => +v.toFixed(3)).join(', ')}`,
    );
    master.child.kill('SIGTERM');
    expect(await master.exited).toBe(0);
    target.child.kill('SIGTERM');
    await target.exited;
  });
});
