/**
 * `--watch-scale` end to end: the real `locust-ts` bin against the Kubernetes API stand-in (list +
 * watch over HTTPS, a scaling scenario whose steps record when they were applied) and the real
 * target server. The master's timeline must follow each recorded step within one sample, survive
 * dropped and expired watches, and give the scheduled figures, CSV, `/metrics` and assertions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { SCALE_SAMPLE_INTERVAL_SECONDS, type ScaleSample, type ScaleView } from '@locust-ts/master';
import { startBin } from '@locust-ts/test-support/process';
import { ScaleScenario } from '../k8s/api/scale-scenario.js';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { reportArgs } from '@locust-ts/test-support/html-report';
import { clusterEnv, useScaleCluster, waitForScale } from './helpers.js';
import { pollUntil, waitFor } from '@locust-ts/test-support/wait';

const LOCUSTFILE = 'examples/locustfile.ts';
/** Hang guards only: a loaded 2-core machine can take long to start a bin. */
const START_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 240_000;
const WATCH_TIMEOUT_MS = 30_000;
/** Deployment, HPA, pods, events. */
const WATCHES = 4;
const runs = useBinRuns('scale-watch-');
const k8s = useScaleCluster();

/** The first sample at or after `time` whose `field` equals `value`. */
function firstSampleWith(samples: readonly ScaleSample[], time: number, field: keyof ScaleSample, value: number): ScaleSample | undefined {
  return samples.find((s) => s.time >= time - 0.001 && s[field] === value);
}

function stepTime(scenario: ScaleScenario, name: string): number {
  const step = scenario.applied.find((s) => s.name === name);
  if (!step) throw new Error(`step ${name} never applied`);
  return step.time;
}

describe('--watch-scale against a Kubernetes API (list + watch)', () => {
  it('the timeline follows every change within one sample, through a cut and an expired watch; figures, CSV, /metrics, assertions', async () => {
    const { cluster } = k8s;
    const scenario = new ScaleScenario(cluster.api, { deployment: 'fastapi', otherMetrics: true }).install();
    const csv = join(runs.scratch, 'pulse');
    const run = startBin(
      [
        '-f', LOCUSTFILE, '--autostart', '-u', '3', '-r', '3', '--web-host', '127.0.0.1', '--web-port', '0', '-H', runs.targetUrl,
        '--watch-scale', 'fastapi', '--csv', csv, '--assert-scale', 'replicas>=3 within 60s', '--assert-scale', 'ready>=3 within 60s',
      ],
      { env: clusterEnv(cluster) },
    );
    const [, url] = await run.waitFor(/Starting web interface at (http:\/\/127\.0\.0\.1:\d+)/, START_TIMEOUT_MS);
    // the watch has listed everything and the test runs
    await waitForScale(url, (v) => v.samples.some((s) => s.readyPods === 1 && s.hpaDesiredReplicas === 1 && s.userCount > 0), 'the first full sample with users');

    // a worker report (every 3 s) in, so the "before" window has requests
    const totalRequests = async () =>
      ((await (await fetch(`${url}/stats/requests`)).json()) as { stats: { name: string; num_requests: number }[] }).stats.find((s) => s.name === 'Aggregated')!.num_requests;
    await pollUntil(totalRequests, (n) => n > 0, 'the first requests reported', { timeoutMs: WATCH_TIMEOUT_MS, pollMs: 100, show: (n) => `${n} requests` });
    scenario.scaleTo(3, 95);
    await waitForScale(url, (v) => v.samples.at(-1)?.pendingPods === 2, 'two pending pods');
    // warnings on the new pods, as the scheduler and the kubelet word them
    const unschedulable = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
    scenario.warnOnPod('FailedScheduling', unschedulable);
    scenario.warnOnPod('Failed', 'Error: ErrImagePull');
    // a network cut; the pods start meanwhile: the resumed watch (from its resourceVersion) must bring that
    cluster.api.feed.dropWatches('cut');
    scenario.podsRunning();
    await waitForScale(url, (v) => v.samples.at(-1)?.notReadyPods === 2, 'two pods running, not ready');
    await waitFor(() => cluster.api.feed.openWatches >= WATCHES, WATCH_TIMEOUT_MS, 'the watches to be back');
    scenario.podsReady();
    await waitForScale(url, (v) => v.samples.at(-1)?.readyReplicas === 3, 'three ready replicas');
    // an expired resourceVersion: the resumed watch gets 410 Gone and must list afresh (and see CPU 50)
    cluster.api.feed.compact();
    cluster.api.feed.dropWatches('end');
    scenario.setCpu(50);
    await waitForScale(url, (v) => v.samples.at(-1)?.cpuUtilization === 50, 'CPU 50% after the expired watch');
    await waitFor(() => cluster.api.feed.openWatches >= WATCHES, WATCH_TIMEOUT_MS, 'the watches to be back');
    scenario.setCpu(30);
    await waitForScale(url, (v) => v.samples.at(-1)?.cpuUtilization === 30, 'CPU 30% on the new watch');
    // the HPA's other metrics: the External one is read for the first time
    const external = (s: ScaleSample | undefined) => s?.hpaMetrics.find((m) => m.type === 'External')?.current;
    scenario.setMetric('queue_messages_ready', '45');
    const view = await waitForScale(url, (v) => external(v.samples.at(-1)) === 45, 'the External metric at 45');
    const externalRead = view.samples.find((s) => s.time >= stepTime(scenario, 'metric queue_messages_ready 45') - 0.001 && external(s) === 45)!;
    expect(externalRead.time - stepTime(scenario, 'metric queue_messages_ready 45')).toBeLessThan(SCALE_SAMPLE_INTERVAL_SECONDS);
    expect(view.samples.at(-1)!.hpaMetrics).toEqual([
      { type: 'Resource', name: 'cpu', object: null, targetType: 'Utilization', current: 30, target: 70 },
      { type: 'Resource', name: 'memory', object: null, targetType: 'AverageValue', current: 200 * 1024 ** 2, target: 400 * 1024 ** 2 },
      { type: 'Pods', name: 'packets-per-second', object: null, targetType: 'AverageValue', current: 300, target: 1000 },
      { type: 'Object', name: 'requests-per-second', object: 'Ingress/main-route', targetType: 'Value', current: 2000, target: 10_000 },
      { type: 'External', name: 'queue_messages_ready', object: null, targetType: 'AverageValue', current: 45, target: 30 },
      { type: 'ContainerResource', name: 'application/cpu', object: null, targetType: 'Utilization', current: 25, target: 60 },
    ]);
    // before its first reading the External metric was there, unread
    expect(view.samples.some((s) => s.hpaMetrics.some((m) => m.type === 'External' && m.current === null))).toBe(true);
    const duringGaps = ['pods running', 'cpu 50'];

    const samples = view.samples;
    const follows: [string, keyof ScaleSample, number][] = [
      ['scale to 3', 'hpaDesiredReplicas', 3],
      ['scale to 3', 'desiredReplicas', 3],
      ['scale to 3', 'pendingPods', 2],
      ['pods running', 'notReadyPods', 2],
      ['cpu 50', 'cpuUtilization', 50],
      ['pods ready', 'readyReplicas', 3],
      ['cpu 30', 'cpuUtilization', 30],
    ];
    for (const [name, field, value] of follows) {
      const applied = stepTime(scenario, name);
      const seen = firstSampleWith(samples, applied, field, value);
      expect(seen, `${field}=${value} after '${name}'`).toBeDefined();
      if (duringGaps.includes(name)) continue; // arrived after a reconnect: present, no lag bound
      // recorded timestamps: the stand-in's apply time vs the master's sample time
      expect(seen!.time - applied, `${field} lag after '${name}'`).toBeLessThan(SCALE_SAMPLE_INTERVAL_SECONDS);
    }
    // a sample every second besides the ones taken at each change
    const spread = samples.at(-1)!.time - samples[0]!.time;
    expect(samples.length).toBeGreaterThanOrEqual(Math.floor(spread / SCALE_SAMPLE_INTERVAL_SECONDS));
    expect(view.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['SuccessfulRescale', 'ScalingReplicaSet', 'Scheduled']));
    expect(view.events.find((e) => e.reason === 'SuccessfulRescale')!.message).toMatch(/^New size: 3; reason: cpu resource utilization/);
    expect(view.events.filter((e) => e.type === 'Warning').map(({ reason, object, message }) => ({ reason, object: object.split('/')[0], message }))).toEqual([
      { reason: 'FailedScheduling', object: 'Pod', message: unschedulable },
      { reason: 'Failed', object: 'Pod', message: 'Error: ErrImagePull' },
    ]);
    expect(view.warnings).toEqual([]);

    // figures as scheduled, counted from the first pulse edge: -u 3 -r 3 starts all users at one
    // instant, which the master planned and reports in /edges
    const figures = view.figures as Extract<ScaleView['figures'], { anchor: unknown }>;
    expect(figures.anchorKind).toBe('edge');
    const edges = (await (await fetch(`${url}/edges`)).json()) as { edges: { startAt: number }[] };
    expect(figures.anchor).toBeCloseTo(edges.edges[0]!.startAt, 3);
    expect(figures.baselineReplicas).toBe(1);
    expect(figures.peakReplicas).toBe(3);
    expect(figures.peakReadyReplicas).toBe(3);
    const anchor = figures.anchor!;
    expect(Math.abs(figures.scaleUpDecisionSeconds! - (stepTime(scenario, 'scale to 3') - anchor))).toBeLessThan(SCALE_SAMPLE_INTERVAL_SECONDS);
    expect(Math.abs(figures.newPodsReadySeconds! - (stepTime(scenario, 'pods ready') - anchor))).toBeLessThan(SCALE_SAMPLE_INTERVAL_SECONDS);
    // what users felt: each window counts its own requests, together never more than the run's
    const windows = [figures.before, figures.during, figures.after];
    expect(figures.before.requests).toBeGreaterThan(0);
    expect(windows.reduce((n, w) => n + w.requests, 0)).toBeLessThanOrEqual(await totalRequests());
    for (const w of windows) if (w.requests > 0) expect(w.p95).toBeGreaterThan(0);
    expect(view.assertions).toEqual([
      { expr: 'replicas>=3 within 60s', passed: true, measured: expect.stringMatching(/^3 at \+\d+\.\ds$/) },
      { expr: 'ready>=3 within 60s', passed: true, measured: expect.stringMatching(/^3 at \+\d+\.\ds$/) },
    ]);

    // /metrics in Prometheus text format: counters rise with requests, the replicas gauge follows the stand-in
    const scrape = async () => parsePrometheusTextFormat(await (await fetch(`${url}/metrics`)).text());
    const value = (families: ReturnType<typeof parsePrometheusTextFormat>, name: string, labels: Record<string, string> = {}): number => {
      const family = families.find((f) => f.name === name);
      const metric = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
      if (!metric) throw new Error(`no ${name}${JSON.stringify(labels)} in /metrics`);
      return Number(metric.value);
    };
    // the first worker report with requests (every 3 s) may not be in yet: wait for it, then read
    let first = await scrape();
    for (let i = 0; i < 100 && !first.some((f) => f.name === 'locust_requests_total' && f.metrics.length > 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      first = await scrape();
    }
    expect(first.find((f) => f.name === 'locust_requests_total')?.type).toBe('COUNTER');
    expect(value(first, 'locust_users')).toBe(3);
    expect(value(first, 'locust_workers', { state: 'running' })).toBe(1);
    expect(value(first, 'locust_target_replicas', { kind: 'ready' })).toBe(3);
    expect(value(first, 'locust_hpa_cpu_utilization')).toBe(30);
    expect(value(first, 'locust_hpa_metric_current', { type: 'External', metric: 'queue_messages_ready', target_type: 'AverageValue' })).toBe(45);
    expect(value(first, 'locust_hpa_metric_target', { type: 'Object', metric: 'requests-per-second on Ingress/main-route', target_type: 'Value' })).toBe(10_000);
    expect(value(first, 'locust_hpa_metric_current', { type: 'Resource', metric: 'memory', target_type: 'AverageValue' })).toBe(200 * 1024 ** 2);
    expect(value(first, 'locust_response_time_percentile_ms', { method: 'GET', name: '/hello', percentile: '0.95' })).toBeGreaterThanOrEqual(0);
    const before = value(first, 'locust_requests_total', { method: 'GET', name: '/hello' });
    await waitForScale(url, () => true, 'one more poll'); // requests keep coming while we poll
    let later = await scrape();
    for (let i = 0; i < 100 && value(later, 'locust_requests_total', { method: 'GET', name: '/hello' }) <= before; i++) {
      await new Promise((r) => setTimeout(r, 100));
      later = await scrape();
    }
    expect(value(later, 'locust_requests_total', { method: 'GET', name: '/hello' })).toBeGreaterThan(before);
    expect(value(later, 'locust_failures_total', { method: 'GET', name: '/hello' })).toBe(0);
    scenario.scaleTo(1, 10);
    await waitForScale(url, (v) => v.samples.at(-1)?.readyReplicas === 1, 'back to one replica');
    const down = await scrape();
    expect(value(down, 'locust_target_replicas', { kind: 'desired' })).toBe(1);

    // the HTML report carries the scale watch for its Scaling section: samples with replicas, events
    const { scale } = reportArgs(await (await fetch(`${url}/stats/report`)).text());
    expect(scale).toMatchObject({ enabled: true, deployment: 'fastapi', namespace: 'default' });
    expect(scale!.samples.length).toBeGreaterThan(0);
    expect(scale!.events.map((e) => e.reason)).toContain('SuccessfulRescale');
    expect(scale!.summary.join('\n')).toMatch(/Scale watch: deployment fastapi \(namespace default\)/);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const output = run.output();
    expect(output).toContain("PASS --assert-scale 'replicas>=3 within 60s': 3 at +");
    expect(output).toContain("PASS --assert-scale 'ready>=3 within 60s': 3 at +");
    expect(output).toMatch(/Scale watch: deployment fastapi \(namespace default\)/);
    expect(output).toMatch(/HPA scale-up decision \d+\.\ds, new pods Ready \d+\.\ds; replicas 1 -> peak 3 \(3 ready\)/);

    const rows = readFileSync(`${csv}_scale.csv`, 'utf8').trim().split('\r\n').map((r) => r.split(','));
    expect(rows[0]).toEqual([
      'Timestamp', 'User Count', 'Requests/s', 'Desired Replicas', 'Current Replicas', 'Ready Replicas', 'HPA Desired Replicas', 'CPU Utilization %', 'Pending Pods',
    ]);
    expect(rows.length).toBeGreaterThan(3);
    const ready = rows.slice(1).map((r) => r[5]);
    expect(ready).toContain('3');
    expect(ready.at(-1)).toBe('1');
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(9);
      for (const cell of row) expect(cell).toMatch(/^(N\/A|\d+(\.\d+)?)$/);
    }
    scenario.stop();
  }, TEST_TIMEOUT_MS);
});
