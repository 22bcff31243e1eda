/**
 * The deploy tool's failures: each is one line on stderr with exit code 1, and kubectl confirms
 * the cluster holds exactly what the tool said it applied before failing (or nothing at all).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@locust-ts/test-support/ports';
import { REPO_ROOT, startTestCluster, type RunResult, type TestCluster } from './api/harness.js';

let cluster: TestCluster;
/** A second server whose workers never become ready, for the rollout timeout. */
let stuck: TestCluster;
/** A server only the context test talks to, so its request log shows whether the tool called it. */
let prod: TestCluster;
/** RBAC that stops at the namespace (no nodes, no APIServices), and one that denies deployments. */
let namespaced: TestCluster;
let denied: TestCluster;

beforeAll(async () => {
  [cluster, stuck, prod, namespaced, denied] = await Promise.all([
    startTestCluster(),
    startTestCluster({ unready: ['locust-worker'] }),
    startTestCluster(),
    startTestCluster({ forbidden: ['nodes', 'apiservices'] }),
    startTestCluster({ forbidden: ['deployments'] }),
  ]);
});

afterAll(async () => {
  await Promise.all([cluster?.dispose(), stuck?.dispose(), prod?.dispose(), namespaced?.dispose(), denied?.dispose()]);
});

/** Failed with exactly one line on stderr, which is returned. */
function oneLineFailure(result: RunResult): string {
  expect(result.code).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^kube: error: /);
  return lines[0];
}

/** kubectl lists `deploy,svc,hpa,cm` in that order, each kind by name. */
const KIND_RANK = ['deployment.apps', 'service', 'horizontalpodautoscaler.autoscaling', 'configmap'];
function byKind(a: string, b: string): number {
  const rank = (ref: string): number => KIND_RANK.indexOf(ref.split('/')[0]);
  return rank(a) - rank(b) || a.localeCompare(b);
}

async function deployedNames(target: TestCluster, kubeconfig?: string): Promise<string> {
  const result = await target.kubectl(['get', 'deploy,svc,hpa,cm', '-o', 'name'], kubeconfig);
  expect(result.code).toBe(0);
  return result.stdout.trim().split('\n').filter(Boolean).join(' ');
}

// Generous: each step is a subprocess (the tool, kubectl); only a hang should reach it.
describe('pnpm kube errors', { timeout: 180_000 }, () => {
  it.concurrent('a missing kubeconfig is named, with what to do', async () => {
    const explicit = oneLineFailure(await cluster.kube(['status', '--kubeconfig', join(cluster.dir, 'nope.yaml')]));
    expect(explicit).toContain(`no kubeconfig at ${join(cluster.dir, 'nope.yaml')}: start the cluster first (minikube start)`);
    const fallback = oneLineFailure(await cluster.kube(['status'], { KUBECONFIG: '' }));
    expect(fallback).toContain(`no kubeconfig at ${join(cluster.dir, '.kube', 'config')}`);
  });

  it.concurrent('an unreachable API server (closed port) is reported, not thrown', async () => {
    const port = await freePort();
    const config = cluster.writeKubeconfig('dead', [{ name: 'minikube', server: `https://127.0.0.1:${port}` }], 'minikube');
    const line = oneLineFailure(await cluster.kube(['up'], { KUBECONFIG: config }));
    expect(line).toBe(`kube: error: cannot reach the Kubernetes API server at https://127.0.0.1:${port} (ECONNREFUSED): is the cluster running? (minikube status)`);
  });

  it.concurrent('a context other than minikube is refused unless named with --context', async () => {
    const config = prod.writeKubeconfig('prod', [{ name: 'prod-cluster', server: prod.api.url }], 'prod-cluster');
    const line = oneLineFailure(await cluster.kube(['up', '--workers', '1'], { KUBECONFIG: config }));
    expect(line).toContain('current context is "prod-cluster", not "minikube": refusing to touch it');
    expect(line).toContain('pass --context prod-cluster');
    expect(prod.api.requests).toHaveLength(0);

    const named = await cluster.kube(['status', '--context', 'prod-cluster'], { KUBECONFIG: config });
    expect(named.stderr).toBe('');
    expect(named.code).toBe(0);
    expect(named.stdout).toContain(`context prod-cluster, namespace default, API server ${prod.api.url}`);
    expect(prod.api.requests.length).toBeGreaterThan(0);

    const unknown = oneLineFailure(await cluster.kube(['status', '--context', 'staging'], { KUBECONFIG: config }));
    expect(unknown).toContain('context "staging" is not in');
  });

  it.concurrent('an object the API server rejects (422) is named with the server message', async () => {
    const dir = join(cluster.dir, 'broken-manifests');
    cpSync(join(REPO_ROOT, 'deploy/manifests/base'), dir, { recursive: true });
    const worker = join(dir, 'worker.yaml');
    // Pod labels no longer match the selector: the API server's own validation refuses this.
    writeFileSync(worker, readFileSync(worker, 'utf8').replace(/(template:\n\s+metadata:\n\s+labels:\n\s+app: locust\n\s+role: )worker/, '$1wrker'));
    const result = await cluster.kube(['up', '--manifests', dir]);
    const line = oneLineFailure(result);
    expect(line).toContain('the API server rejected deployment/locust-worker (422 Invalid): Deployment.apps "locust-worker" is invalid:');
    expect(line).toContain('spec.template.metadata.labels');
    expect(line).toContain('`selector` does not match template `labels`');
    // Everything reported as applied before the failure is there; the rejected object is not.
    const applied = [...result.stdout.matchAll(/^applied (\S+) /gm)].map((m) => m[1]);
    expect(applied.filter((a) => a.startsWith('deployment/'))).toEqual(['deployment/fastapi-deployment', 'deployment/locust-master']);
    expect(applied).not.toContain('deployment/locust-worker');
    const kubectlName = (ref: string): string => ref.replace(/^deployment\//, 'deployment.apps/');
    expect(await deployedNames(cluster)).toBe(applied.filter((a) => /^(deployment|service|configmap)\//.test(a)).map(kubectlName).sort(byKind).join(' '));
  });

  it.concurrent('a namespace that does not exist is named, with how to create it, and nothing lands anywhere', async () => {
    const line = oneLineFailure(await cluster.kube(['up', '--namespace', 'loadtest']));
    expect(line).toBe('kube: error: namespace "loadtest" does not exist: create it (kubectl create namespace loadtest) or pass --namespace NAME');
    const namespace = await cluster.kubectl(['get', 'namespace', 'loadtest']);
    expect(namespace.stderr.trim()).toBe('Error from server (NotFound): namespaces "loadtest" not found');
    const listed = await cluster.kubectl(['get', 'deploy,svc,cm,sa', '-n', 'loadtest', '-o', 'name']);
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim()).toBe('');
  });

  it.concurrent('RBAC: preflight checks the user may not read are skipped with the reason; a write it may not make is one line', async () => {
    const result = await namespaced.kube(['up']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const apiService = await namespaced.kubectl(['get', 'apiservice', 'v1beta1.metrics.k8s.io']);
    const nodes = await namespaced.kubectl(['get', 'nodes']);
    const forbidden = (r: RunResult): string => r.stderr.trim().replace(/^Error from server \(Forbidden\): /, '');
    expect(result.stdout).toContain(`preflight: cannot check metrics-server (403 Forbidden): ${forbidden(apiService)}`);
    expect(result.stdout).toContain(`preflight: cannot check the images and CPU on the nodes (403 Forbidden): ${forbidden(nodes)}`);
    expect(result.stdout).toMatch(/^rolled out: fastapi-deployment 1\/1, locust-master 1\/1, locust-worker 2\/2 ready/m);
    // No node address to read: the UI is reached through a port-forward instead.
    expect(result.stdout).toContain('Locust UI: kubectl port-forward -n default service/locust-master 8089 then open http://localhost:8089');

    const line = oneLineFailure(await denied.kube(['up']));
    const deployments = await denied.kubectl(['get', 'deployment', 'locust-worker']);
    expect(line).toBe(`kube: error: not allowed on deployment/locust-worker (403 Forbidden): ${forbidden(deployments)}; the kubeconfig's user needs RBAC rights for it, or pass another --context`);
  });

  it.concurrent('a rollout that never finishes times out with the stuck deployment named', async () => {
    const config = stuck.writeKubeconfig('stuck', [{ name: 'minikube', server: stuck.api.url }], 'minikube');
    const result = await stuck.kube(['up', '--workers', '3', '--timeout', '2'], { KUBECONFIG: config });
    const line = oneLineFailure(result);
    expect(line).toBe('kube: error: rollout not finished after 2s (locust-worker 1/3 ready): `kubectl describe deployment locust-worker` and its pods\' events say why');
    expect(result.stdout).toMatch(/^waiting for rollout: .*locust-worker 1\/3 ready/m);
    const state = await stuck.kubectl(['get', 'deploy', 'locust-worker', '-o', 'jsonpath={.spec.replicas} {.status.readyReplicas}'], config);
    expect(state.stdout).toBe('3 1');
  });

  it.concurrent('bad flags are one-line errors', async () => {
    expect(oneLineFailure(await cluster.kube(['scale', '--workers', 'lots']))).toBe('kube: error: --workers must be a whole number from 0 to 200, got "lots"');
    expect(oneLineFailure(await cluster.kube(['scale']))).toBe('kube: error: scale needs --workers N (and/or --python-workers N)');
    expect(oneLineFailure(await cluster.kube(['deploy']))).toBe('kube: error: unknown command "deploy": use up, scale, down, status, image, logs, pulse');
    expect(oneLineFailure(await cluster.kube(['pulse']))).toMatch(/^kube: error: pulse needs --shape SPEC/);
  });
});
