/**
 * What the scale watch cannot see is one warning line each, and the run goes on (exit 0, requests
 * made): a missing Deployment, no HPA, an HPA without metrics, no RBAC rights (403), an API server
 * that does not answer. And the in-cluster path: a pod's service-account token and CA are used.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, killAll, runBin } from '@locust-ts/test-support/process';
import { startTestCluster, type TestCluster } from '../k8s/api/harness.js';
import { ScaleScenario } from '../k8s/api/scale-scenario.js';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { freePort } from '@locust-ts/test-support/ports';
import { NO_CONTROLLER_TICKS, clusterEnv } from './helpers.js';

const LOCUSTFILE = 'examples/locustfile.ts';
const RUN_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 180_000;
const runs = useBinRuns('scale-faults-');
const clusters: TestCluster[] = [];

afterAll(async () => {
  killAll();
  for (const c of clusters) await c.dispose();
});

async function cluster(options: Parameters<typeof startTestCluster>[0] = {}): Promise<TestCluster> {
  const c = await startTestCluster({ tickMs: NO_CONTROLLER_TICKS, ...options });
  clusters.push(c);
  return c;
}

function headless(deployment: string, extra: string[] = []): string[] {
  return ['-f', LOCUSTFILE, '--headless', '-u', '2', '-r', '2', '-t', '3s', '-H', runs.targetUrl, '--only-summary', '--watch-scale', deployment, ...extra];
}

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The run went on: exit 0 and GET /hello requests in the summary. */
function expectRunWentOn(result: { code: number; output: string }): void {
  expect(result.code, result.output.slice(-2000)).toBe(0);
  expect(result.output).toMatch(/GET\s+\/hello\s+[1-9]\d*/);
}

describe('--watch-scale: one warning per blind spot, the run goes on', () => {
  it('missing Deployment, no HPA, an HPA without metrics, 403 on HPAs, API server down', async () => {
    const open = await cluster();
    new ScaleScenario(open.api, { deployment: 'nohpa', hpa: false }).install();
    new ScaleScenario(open.api, { deployment: 'nometrics', noMetrics: true }).install();
    const rbac = await cluster({ forbidden: ['horizontalpodautoscalers'] });
    new ScaleScenario(rbac.api, { deployment: 'fastapi' }).install();
    const downPort = await freePort();
    const down = open.writeKubeconfig('down', [{ name: 'gone', server: `https://127.0.0.1:${downPort}` }], 'gone');

    // the missing Deployment's run is a distributed one: a --master with a worker process
    const masterMode = ['--master', '--master-bind-port', String(await freePort()), '--processes', '1', '--expect-workers', '1'];
    const [missing, nohpa, nometrics, forbidden, unreachable] = await Promise.all([
      runBin(headless('nosuch', masterMode), RUN_TIMEOUT_MS, { env: clusterEnv(open) }),
      runBin(headless('nohpa'), RUN_TIMEOUT_MS, { env: clusterEnv(open) }),
      runBin(headless('nometrics'), RUN_TIMEOUT_MS, { env: clusterEnv(open) }),
      runBin(headless('fastapi'), RUN_TIMEOUT_MS, { env: clusterEnv(rbac) }),
      runBin(headless('fastapi'), RUN_TIMEOUT_MS, { env: clusterEnv(open, { KUBECONFIG: down }) }),
    ]);
    const once = (result: { output: string }, line: string) => expect(countOf(result.output, line), result.output.slice(-2000)).toBe(1);

    expectRunWentOn(missing);
    expect(missing.output).toMatch(/Started 1 worker process[\s\S]*reported as ready\. 1 workers connected/);
    once(missing, 'scale watch: deployment "nosuch" not found in namespace "default": watching for it, replica columns stay N/A');

    expectRunWentOn(nohpa);
    once(nohpa, 'scale watch: no HorizontalPodAutoscaler targets deployment "nohpa" in namespace "default": HPA columns stay N/A');

    expectRunWentOn(nometrics);
    once(
      nometrics,
      'scale watch: HPA "nometrics" cannot scale (ScalingActive=False, FailedGetResourceMetric: the HPA was unable to compute the replica count: ' +
        'failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API)',
    );

    expectRunWentOn(forbidden);
    once(
      forbidden,
      'scale watch: not allowed to list/watch horizontalpodautoscalers in namespace "default" (403 Forbidden): horizontalpodautoscalers.autoscaling is forbidden: ' +
        'User "minikube-user" cannot list resource "horizontalpodautoscalers" in API group "autoscaling" in the namespace "default"; retrying every 2s, the run goes on',
    );
    // the Deployment is still watched
    expect(forbidden.output).toMatch(/replicas 1 -> peak 1 \(1 ready\)/);

    expectRunWentOn(unreachable);
    once(unreachable, `scale watch: cannot reach the Kubernetes API server at https://127.0.0.1:${downPort} (ECONNREFUSED); retrying every 2s, the run goes on`);
  }, TEST_TIMEOUT_MS);

  it('in a pod: the service-account token, CA and namespace files are used (no kubeconfig)', async () => {
    const token = 'fake-sa-token-for-the-scale-watch-test';
    const api = await cluster({ tokens: { [token]: 'system:serviceaccount:loadtest:locust-master' } });
    new ScaleScenario(api.api, { deployment: 'fastapi', namespace: 'loadtest' }).install();
    // the layout Kubernetes mounts, under a prefix (test-only variable)
    const prefix = join(api.dir, 'pod-root');
    const saDir = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(saDir, { recursive: true });
    writeFileSync(join(saDir, 'token'), token);
    writeFileSync(join(saDir, 'ca.crt'), api.pki.caCert);
    writeFileSync(join(saDir, 'namespace'), 'loadtest');
    const port = new URL(api.api.url).port;
    const csv = join(runs.scratch, 'incluster');
    const result = await runBin(headless('fastapi', ['--csv', csv]), RUN_TIMEOUT_MS, {
      env: cleanEnv({
        HOME: join(api.dir, 'empty-home'),
        KUBERNETES_SERVICE_HOST: '127.0.0.1',
        KUBERNETES_SERVICE_PORT: port,
        LOCUST_TS_TEST_SERVICEACCOUNT_PREFIX: prefix,
      }),
    });
    expectRunWentOn(result);
    expect(result.output).toContain(`scale watch: deployment "fastapi" in namespace "loadtest" via in-cluster service account (https://127.0.0.1:${port})`);
    expect(result.output).not.toMatch(/WARNING\/locust\.scale/);
    const rows = readFileSync(`${csv}_scale.csv`, 'utf8').trim().split('\r\n').slice(1).map((r) => r.split(','));
    expect(rows.at(-1)!.slice(3, 7)).toEqual(['1', '1', '1', '1']);
  }, TEST_TIMEOUT_MS);
});
