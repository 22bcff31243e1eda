/**
 * What a cluster's Prometheus needs to scrape the swarm, rendered by the real `kubectl kustomize`:
 * the operator overlay's PodMonitors select the pods that serve /metrics and name a port those
 * pods' containers declare; the base pod templates' prometheus.io annotations point a plain
 * Prometheus at the same ports. (That /metrics on those ports answers what Prometheus reads is
 * test/k8s/prometheus-scrape.test.ts.)
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { checkFields } from '../../deploy/src/schema.js';
import { REPO_ROOT } from './api/harness.js';

type Json = Record<string, any>; // manifests are free-form YAML; each check narrows what it reads

const run = promisify(execFile);
async function render(name: string): Promise<Json[]> {
  const { stdout } = await run('/usr/bin/kubectl', ['kustomize', join(REPO_ROOT, 'deploy/manifests', name)]);
  return parseAllDocuments(stdout).map((d) => d.toJS() as Json);
}

const [base, operator] = await Promise.all([render('base'), render('prometheus-operator')]);
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);
const workloads = (objects: Json[]): Json[] => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');
const ports = (w: Json): { name: string; containerPort: number }[] => w.spec.template.spec.containers.flatMap((c: Json) => c.ports ?? []);

describe('deploy/manifests/prometheus-operator', () => {
  it('is the base plus two PodMonitors; the base objects are unchanged', () => {
    const extra = operator.filter((o) => !base.some((b) => b.kind === o.kind && b.metadata.name === o.metadata.name));
    expect(extra.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'monitoring.coreos.com/v1/PodMonitor/fastapi',
      'monitoring.coreos.com/v1/PodMonitor/locust-master',
    ]);
    for (const b of base) expect(operator.find((o) => o.kind === b.kind && o.metadata.name === b.metadata.name)).toEqual(b);
  });

  it('each PodMonitor selects exactly one workload, the one serving /metrics on the named port', () => {
    const expected: Record<string, { workload: string; port: number }> = { 'locust-master': { workload: 'locust-master', port: 8089 }, fastapi: { workload: 'fastapi-deployment', port: 8000 } };
    for (const monitor of operator.filter((o) => o.kind === 'PodMonitor')) {
      expect(monitor.metadata.labels['app.kubernetes.io/part-of']).toBe('locust-ts');
      const selected = workloads(operator).filter((w) => matches(monitor.spec.selector.matchLabels, w.spec.template.metadata.labels));
      expect(selected.map((w) => w.metadata.name)).toEqual([expected[monitor.metadata.name]!.workload]);
      const [endpoint] = monitor.spec.podMetricsEndpoints;
      expect(endpoint).toMatchObject({ path: '/metrics' });
      expect(ports(selected[0]!).find((p) => p.name === endpoint.port)?.containerPort).toBe(expected[monitor.metadata.name]!.port);
    }
  });

  it('the base pod templates carry prometheus.io annotations naming the same ports; the headless pulse Job none', async () => {
    for (const name of ['locust-master', 'fastapi-deployment']) {
      const w = base.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!;
      const annotations = w.spec.template.metadata.annotations;
      expect(annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': expect.any(String), 'prometheus.io/path': '/metrics' });
      expect(ports(w).find((p) => p.name === 'http')?.containerPort).toBe(Number(annotations['prometheus.io/port']));
      expect(checkFields(w)).toEqual([]);
    }
    // --headless: no web server, so no /metrics to advertise
    const pulse = await render('pulse-job');
    const job = pulse.find((o) => o.kind === 'Job')!;
    expect(job.spec.template.metadata.annotations).toBeUndefined();
    expect(job.spec.template.spec.containers[0].args).toContain('--headless');
  });
});
