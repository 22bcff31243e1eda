/**
 * `GET /metrics`: Prometheus text format from prom-client. Every value is read from the runner
 * (and the scale watch) when scraped, so nothing is updated on the hot path.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Counter, Gauge, Registry } from 'prom-client';
import { responseTimePercentile } from '../../report/percentiles.js';
import type { ScaleRecorder } from '../../scale/recorder.js';
import type { HpaMetric } from '../../scale/source.js';
import type { MasterRunnerView } from '../runner-view.js';

/** Response-time quantiles exported per endpoint (Locust's stats columns plus the median). */
const QUANTILES = [0.5, 0.95, 0.99] as const;

export interface MetricsPluginOptions {
  runner: MasterRunnerView;
  scale: ScaleRecorder | null;
}

export function metricsRegistry(runner: MasterRunnerView, scale: ScaleRecorder | null): Registry {
  const registry = new Registry();
  const entries = (): { method: string; name: string; requests: number; failures: number; entry: Parameters<typeof responseTimePercentile>[0] }[] =>
    [...runner.stats.entries.values()].map((e) => ({ method: e.method ?? '', name: e.name, requests: e.numRequests, failures: e.numFailures, entry: e }));
  new Gauge({
    name: 'locust_users', help: 'Users running on all workers', registers: [registry],
    collect() {
      this.set(runner.userCount);
    },
  });
  new Gauge({
    name: 'locust_workers', help: 'Workers by state', labelNames: ['state'], registers: [registry],
    collect() {
      this.reset();
      for (const w of runner.workers()) this.inc({ state: w.state });
    },
  });
  // counters mirror the master's merged stats; a stats reset is a counter reset to Prometheus
  new Counter({
    name: 'locust_requests_total', help: 'Requests per endpoint', labelNames: ['method', 'name'], registers: [registry],
    collect() {
      this.reset();
      for (const e of entries()) this.inc({ method: e.method, name: e.name }, e.requests);
    },
  });
  new Counter({
    name: 'locust_failures_total', help: 'Failed requests per endpoint', labelNames: ['method', 'name'], registers: [registry],
    collect() {
      this.reset();
      for (const e of entries()) this.inc({ method: e.method, name: e.name }, e.failures);
    },
  });
  new Gauge({
    // `percentile`, not `quantile`: that label belongs to the summary type, which needs raw observations
    name: 'locust_response_time_percentile_ms', help: 'Response-time percentiles per endpoint since the test started, ms', labelNames: ['method', 'name', 'percentile'],
    registers: [registry],
    collect() {
      this.reset();
      for (const e of entries()) {
        if (e.requests === 0) continue;
        for (const q of QUANTILES) this.set({ method: e.method, name: e.name, percentile: String(q) }, responseTimePercentile(e.entry, q));
      }
    },
  });
  if (scale) {
    new Gauge({
      name: 'locust_target_replicas', help: 'Replicas of the watched Deployment', labelNames: ['kind'], registers: [registry],
      collect() {
        this.reset();
        const d = scale.current.deployment;
        if (!d) return;
        this.set({ kind: 'desired' }, d.desired);
        this.set({ kind: 'current' }, d.current);
        this.set({ kind: 'ready' }, d.ready);
      },
    });
    new Gauge({
      name: 'locust_hpa_cpu_utilization', help: "The HPA's current CPU utilisation, % of requests", registers: [registry],
      collect() {
        this.reset();
        const cpu = scale.current.hpa?.cpuUtilization;
        if (cpu !== null && cpu !== undefined) this.set(cpu);
      },
    });
    // every metric the HPA scales on (CPU, memory, Pods, Object, External, a container's resource), in its target's unit
    for (const [suffix, pick] of [['current', (m: HpaMetric) => m.current], ['target', (m: HpaMetric) => m.target]] as const) {
      new Gauge({
        name: `locust_hpa_metric_${suffix}`, help: `The HPA's metrics, ${suffix} value in the target's unit (% for Utilization)`,
        labelNames: ['type', 'metric', 'target_type'], registers: [registry],
        collect() {
          this.reset();
          for (const m of scale.current.hpa?.metrics ?? []) {
            const v = pick(m);
            if (v !== null) this.set({ type: m.type, metric: m.object ? `${m.name} on ${m.object}` : m.name, target_type: m.targetType }, v);
          }
        },
      });
    }
    new Gauge({
      name: 'locust_hpa_desired_replicas', help: "The HPA's desired replicas", registers: [registry],
      collect() {
        this.reset();
        const desired = scale.current.hpa?.desiredReplicas;
        if (desired !== undefined) this.set(desired);
      },
    });
  }
  return registry;
}

export const metricsPlugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, { runner, scale }) => {
  const registry = metricsRegistry(runner, scale);
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
};
