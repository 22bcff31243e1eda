/**
 * The API stand-in's list + watch, checked with the real kubectl: `kubectl get -w` follows a
 * scaling scenario step by step, an expired resourceVersion answers 410 Expired as an ERROR
 * event, a forbidden resource is kubectl's "Forbidden" error, and a bearer token is accepted.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from './api/harness.js';
import { ScaleScenario } from './api/scale-scenario.js';
import { waitFor } from '@locust-ts/test-support/wait';

const KUBECTL = '/usr/bin/kubectl';
const NO_CONTROLLER_TICKS = 3_600_000;
const WAIT_MS = 60_000;
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ tickMs: NO_CONTROLLER_TICKS, forbidden: ['configmaps'] });
});
afterAll(async () => {
  await cluster?.dispose();
});

/** `kubectl get ... -w` running in the background; its stdout lines as they come. */
function kubectlWatch(args: string[]): { lines: string[]; stop(): void } {
  const child = spawn(KUBECTL, ['--kubeconfig', cluster.kubeconfig, '--cache-dir', join(cluster.dir, 'kubectl-cache'), 'get', ...args, '-w'], {
    env: { PATH: '/usr/bin:/bin', HOME: cluster.dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  return { lines, stop: () => child.kill('SIGKILL') };
}

describe('the Kubernetes API stand-in: list + watch as kubectl sees it', () => {
  it('kubectl get -w follows each step of the scaling scenario', async () => {
    const scenario = new ScaleScenario(cluster.api, { deployment: 'fastapi' }).install();
    const deploy = kubectlWatch(['deployment', 'fastapi', '-o', 'jsonpath={.spec.replicas}/{.status.readyReplicas}{"\\n"}']);
    const hpa = kubectlWatch(['hpa', 'fastapi', '-o', 'jsonpath={.status.desiredReplicas} {.status.currentMetrics[0].resource.current.averageUtilization}{"\\n"}']);
    const pods = kubectlWatch(['pods', '-l', 'app=fastapi', '-o', 'jsonpath={.metadata.name} {.status.phase}{"\\n"}']);
    try {
      await waitFor(() => deploy.lines.length > 0 && hpa.lines.length > 0 && pods.lines.length > 0, WAIT_MS, 'kubectl to list');
      await waitFor(() => cluster.api.feed.openWatches >= 3, WAIT_MS, 'kubectl to watch');
      expect(deploy.lines).toEqual(['1/1']);
      expect(hpa.lines).toEqual(['1 20']);
      scenario.scaleTo(3, 95);
      scenario.podsRunning();
      scenario.podsReady();
      scenario.scaleTo(1, 10);
      await waitFor(() => deploy.lines.at(-1) === '1/1' && deploy.lines.length > 2, WAIT_MS, `the deployment back at 1/1: ${deploy.lines}`);
      // every state the scenario passed through, in order (each write is one watch event)
      expect(deploy.lines).toEqual(['1/1', '3/1', '3/1', '3/3', '1/1']);
      await waitFor(() => hpa.lines.includes('1 10'), WAIT_MS, `the HPA back at 1: ${hpa.lines}`);
      expect(hpa.lines).toEqual(['1 20', '3 95', '1 10']);
      await waitFor(() => pods.lines.filter((l) => l.endsWith(' Running')).length >= 3, WAIT_MS, `pods running: ${pods.lines}`);
      expect(pods.lines.filter((l) => l.endsWith(' Pending'))).toHaveLength(2);
    } finally {
      deploy.stop();
      hpa.stop();
      pods.stop();
      scenario.stop();
    }
  });

  it('410 Expired for a too-old resourceVersion; 403 Forbidden', async () => {
    cluster.api.feed.compact();
    const raw = await cluster.kubectl(['get', '--raw', '/apis/apps/v1/namespaces/default/deployments?watch=1&resourceVersion=1']);
    expect(raw.code).toBe(0);
    const event = JSON.parse(raw.stdout.trim().split('\n')[0]!) as { type: string; object: { code: number; reason: string } };
    expect(event.type).toBe('ERROR');
    expect(event.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });

    const forbidden = await cluster.kubectl(['get', 'configmaps']);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr.trim()).toBe(
      'Error from server (Forbidden): configmaps is forbidden: User "minikube-user" cannot list resource "configmaps" in API group "" in the namespace "default"',
    );
  });
});
