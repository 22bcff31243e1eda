/**
 * What the deploy tool tells before and while it waits, each claim read back with the real
 * kubectl from the same stand-in: a typo refused before any request, preflight warnings
 * (metrics-server, images, CPU), pod-level reasons (image, scheduling, crash loop with its log),
 * and a KUBECONFIG list merged as kubectl merges it.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, run, startTestCluster, type TestCluster } from './api/harness.js';

let clean: TestCluster;
/** Only the typo test talks to it, so its request log shows that nothing was sent. */
let quiet: TestCluster;
let bare: TestCluster;
let broken: TestCluster;
/** Workers whose images exist nowhere, for the pull policies the kubelet treats differently. */
let imageless: TestCluster;
const CRASH_LOG = 'Locust-ts worker starting\nError: Cannot find module \'/locustfile.ts\'\n    at resolveLocustfile\nexit 1';

beforeAll(async () => {
  [clean, quiet, bare, broken, imageless] = await Promise.all([
    startTestCluster(),
    startTestCluster(),
    // No metrics-server, no images on the node, a 2-CPU node.
    startTestCluster({ metricsServer: false, nodeImages: [], nodeCpu: '2' }),
    startTestCluster({
      podProblems: {
        'locust-worker': { reason: 'ImageMissing' },
        'fastapi-deployment': { reason: 'Unschedulable' },
        'locust-master': { reason: 'CrashLoopBackOff', log: CRASH_LOG },
      },
    }),
    startTestCluster({ podProblems: { 'locust-worker': { reason: 'ImageMissing' }, 'locust-worker-python': { reason: 'ImageMissing' } } }),
  ]);
});

afterAll(async () => {
  await Promise.all([clean?.dispose(), quiet?.dispose(), bare?.dispose(), broken?.dispose(), imageless?.dispose()]);
});

async function kubectlOut(cluster: TestCluster, args: string[]): Promise<string> {
  const result = await cluster.kubectl(args);
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

// Generous: each step is a subprocess (the tool, kubectl); only a hang should reach it.
describe('pnpm kube up: checks before and while applying', { timeout: 180_000 }, () => {
  it.concurrent('a misspelt field is one line naming it, and nothing reaches the API server', async () => {
    const dir = join(quiet.dir, 'typo');
    cpSync(join(REPO_ROOT, 'deploy/manifests/base'), dir, { recursive: true });
    const worker = join(dir, 'worker.yaml');
    writeFileSync(worker, readFileSync(worker, 'utf8').replace('  replicas: 2\n', '  replica: 2\n'));
    const result = await quiet.kube(['up', '--manifests', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([`kube: error: ${dir}: deployment/locust-worker .spec.replica: field not declared in schema; nothing was applied`]);
    expect(quiet.api.requests).toHaveLength(0);
    const listed = await quiet.kubectl(['get', 'deploy,svc,cm', '-o', 'name']);
    expect(listed.stdout.trim()).toBe('');
  });

  it.concurrent('preflight warns about a missing metrics-server, images not on the node and too little CPU, with the fixes', async () => {
    const result = await bare.kube(['up', '--timeout', '1']);
    expect(result.stdout).toContain('preflight: metrics-server is not installed, so the HPA cannot read CPU and will never scale: minikube addons enable metrics-server');
    const missing = await bare.kubectl(['get', 'apiservice', 'v1beta1.metrics.k8s.io']);
    expect(missing.stderr).toContain('NotFound');
    expect(await kubectlOut(bare, ['get', 'node', 'minikube', '-o', 'jsonpath={.status.images[*].names}'])).toBe('');
    for (const image of ['locust-ts:0.2.0', 'locust-ts-target:0.2.0']) {
      expect(result.stdout).toContain(`preflight: image ${image} is not on the node: run pnpm kube image first`);
    }
    expect(await kubectlOut(bare, ['get', 'node', 'minikube', '-o', 'jsonpath={.status.allocatable.cpu}'])).toBe('2');
    expect(result.stdout).toContain("preflight: not enough CPU: 2000m CPU requested at the HPA's maximum");
    expect(result.stdout).toContain('1150m free of 2000m allocatable: minikube start --cpus 4 (or more), or lower --workers');
  });

  it.concurrent('the rollout wait names each held-back pod with its reason and fix, and the timeout line carries the first', async () => {
    const result = await broken.kube(['up', '--timeout', '3']);
    expect(result.code).toBe(1);

    const workerPod = (await kubectlOut(broken, ['get', 'pods', '-l', 'app=locust,role=worker', '-o', 'jsonpath={.items[0].metadata.name}']));
    const waiting = await kubectlOut(broken, ['get', 'pod', workerPod, '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}']);
    const [reason, message] = waiting.split('|');
    // The shipped manifests pull IfNotPresent: a missing image is tried on Docker Hub, then backed off.
    expect(reason).toBe('ImagePullBackOff');
    expect(result.stdout).toContain(`pod ${workerPod}: ImagePullBackOff for image locust-ts:0.2.0 (${message}): the image is not on the node; build and load it with pnpm kube image`);

    const targetPod = await kubectlOut(broken, ['get', 'pods', '-l', 'app=fastapi', '-o', 'jsonpath={.items[0].metadata.name}']);
    const scheduler = await kubectlOut(broken, ['get', 'pod', targetPod, '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].message}']);
    expect(scheduler).toContain('Insufficient cpu');
    expect(result.stdout).toContain(`pod ${targetPod} is unschedulable: ${scheduler} (give the node more CPU or memory`);

    const masterPod = await kubectlOut(broken, ['get', 'pods', '-l', 'app=locust,role=master', '-o', 'jsonpath={.items[0].metadata.name}']);
    const logged = await broken.kubectl(['logs', masterPod, '--previous']);
    expect(logged.stdout.trim()).toBe(CRASH_LOG);
    const restarts = await kubectlOut(broken, ['get', 'pod', masterPod, '-o', 'jsonpath={.status.containerStatuses[0].restartCount}']);
    expect(result.stdout).toContain(`pod ${masterPod}: CrashLoopBackOff (${restarts} restarts), last log lines: ${logged.stdout.trim().split('\n').slice(-5).join(' | ')}`);

    // `logs master` shows what kubectl shows for the same pod (current run here).
    const current = await broken.kubectl(['logs', masterPod]);
    const shown = await broken.kube(['logs', 'master']);
    expect(shown.stdout.split('\n').filter((l) => l.startsWith('['))).toEqual(current.stdout.trim().split('\n').map((l) => `[${masterPod}] ${l}`));

    // Each reason once, not every poll.
    expect(result.stdout.split(`pod ${workerPod}: ImagePullBackOff`).length - 1).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kube: error: rollout not finished after 3s \(fastapi-deployment 0\/1, locust-master 0\/1, locust-worker 0\/2 ready\): pod \S+/);
  });

  it.concurrent('a missing image: ErrImageNeverPull under pull policy Never; a public image that does not pull is not sent to pnpm kube image', async () => {
    const dir = join(imageless.dir, 'never');
    cpSync(join(REPO_ROOT, 'deploy/manifests'), dir, { recursive: true });
    const worker = join(dir, 'base/worker.yaml');
    writeFileSync(worker, readFileSync(worker, 'utf8').replace('imagePullPolicy: IfNotPresent', 'imagePullPolicy: Never'));
    const result = await imageless.kube(['up', '--manifests', join(dir, 'python-workers'), '--python-workers', '1', '--timeout', '3']);
    expect(result.code).toBe(1);
    const waiting = async (selector: string): Promise<[string, string, string]> => {
      const pod = await kubectlOut(imageless, ['get', 'pods', '-l', selector, '-o', 'jsonpath={.items[0].metadata.name}']);
      const state = await kubectlOut(imageless, ['get', 'pod', pod, '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}']);
      return [pod, ...(state.split('|') as [string, string])];
    };
    const [workerPod, reason, message] = await waiting('app=locust,role=worker');
    expect(reason).toBe('ErrImageNeverPull');
    expect(result.stdout).toContain(`pod ${workerPod}: ErrImageNeverPull for image locust-ts:0.2.0 (${message}): the image is not on the node; build and load it with pnpm kube image`);
    // locustio/locust comes from a registry, not from pnpm kube image.
    const [pythonPod, pythonReason, pythonMessage] = await waiting('app=locust-python,role=worker');
    expect(pythonReason).toBe('ImagePullBackOff');
    const python = 'locustio/locust:2.46.3';
    expect(result.stdout).toContain(
      `pod ${pythonPod}: ImagePullBackOff for image ${python} (${pythonMessage}): the node cannot pull it: check the name and the node's access to its registry (offline: minikube image load ${python})`,
    );
  });

  it.concurrent('a KUBECONFIG list is merged as kubectl merges it (first file wins, later files add entries)', async () => {
    // File 1 only says which context; file 2 defines it (and a decoy minikube cluster in file 3 loses).
    const first = join(clean.dir, 'merge-1');
    writeFileSync(first, 'apiVersion: v1\nkind: Config\ncurrent-context: minikube\nclusters: []\ncontexts: []\nusers: []\n');
    const second = clean.writeKubeconfig('merge-2', [{ name: 'minikube', server: clean.api.url }], 'other');
    const third = clean.writeKubeconfig('merge-3', [{ name: 'minikube', server: 'https://127.0.0.1:1' }], 'minikube');
    const list = [first, join(clean.dir, 'missing'), second, third].join(':');
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: clean.dir, KUBECONFIG: list };
    const view = await run('/usr/bin/kubectl', ['config', 'view', '--minify', '-o', 'jsonpath={.current-context} {.clusters[0].cluster.server}'], env);
    const [context, server] = view.stdout.trim().split(' ');
    const result = await clean.kube(['status'], { KUBECONFIG: list });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`context ${context}, namespace default, API server ${server}`);
    expect(server).toBe(clean.api.url);
  });

  it.concurrent('image without minikube is one line with what to do instead', async () => {
    const result = await clean.kube(['image'], { PATH: '/nonexistent' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^kube: error: minikube not found: install it \(https:\/\/minikube\.sigs\.k8s\.io\), or build with docker\/build\.sh/);
  });
});
