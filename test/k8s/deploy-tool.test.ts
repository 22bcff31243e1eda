/**
 * The deploy tool's whole life cycle — up, re-apply, scale, status, Python workers, down — run as
 * a subprocess against the stand-in API server, with every state it claims read back by the real
 * kubectl from the same server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess } from '@locust-ts/test-support/process';
import { REPO_ROOT, startTestCluster, type TestCluster } from './api/harness.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
});

afterAll(async () => {
  await cluster?.dispose();
});

async function kubectlGet(args: string[]): Promise<string> {
  const result = await cluster.kubectl(['get', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout.trim();
}

// Generous: each step is a subprocess (the tool, kubectl); only a hang should reach it.
describe('pnpm kube against a Kubernetes API (checked with kubectl)', { timeout: 180_000 }, () => {
  it('up --workers 4 applies server-side, shows rollout progress, and prints the NodePort UI URL', async () => {
    const result = await cluster.kube(['up', '--workers', '4']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('context minikube, namespace default');
    expect(result.stdout).toMatch(/^waiting for rollout: .*locust-worker \d\/4 ready/m);
    expect(result.stdout).toMatch(/^rolled out: fastapi-deployment 1\/1, locust-master 1\/1, locust-worker 4\/4 ready/m);
    // Preflight: the budget at the HPA's maximum against what the node has left after kube-system.
    const allocatable = await kubectlGet(['nodes', '-o', 'jsonpath={.items[0].status.allocatable.cpu}']);
    const others = (await kubectlGet(['pods', '-n', 'kube-system', '-o', 'jsonpath={.items[*].spec.containers[*].resources.requests.cpu}']))
      .split(' ').reduce((sum, q) => sum + Number(q.replace(/m$/, '')), 0);
    expect(result.stdout).toContain(`preflight: 2500m CPU requested at the HPA's maximum (fastapi-deployment 5x250m, locust-master 1x250m, locust-worker 4x250m); ${Number(allocatable) * 1000 - others}m free of ${Number(allocatable) * 1000}m allocatable`);

    expect(await kubectlGet(['deploy', 'locust-worker', '-o', 'jsonpath={.spec.replicas} {.status.readyReplicas}'])).toBe('4 4');
    expect(await kubectlGet(['deploy', '-o', 'jsonpath={.items[*].metadata.name}'])).toBe('fastapi-deployment locust-master locust-worker');
    expect(await kubectlGet(['pods', '-l', 'app=locust,role=worker', '-o', 'name'])).toMatch(/^(pod\/locust-worker-\S+\n?){4}$/);
    expect(await kubectlGet(['svc', 'fastapi-service', '-o', 'jsonpath={.spec.type} {.spec.ports[0].port}'])).toBe('ClusterIP 8000');
    expect(await kubectlGet(['hpa', 'fastapi-deployment', '-o', 'jsonpath={.spec.scaleTargetRef.name} {.spec.metrics[0].resource.name} {.spec.behavior.scaleDown.stabilizationWindowSeconds}'])).toBe('fastapi-deployment cpu 30');
    expect(await kubectlGet(['role,rolebinding,sa,netpol', '-o', 'name'])).toBe(
      'role.rbac.authorization.k8s.io/locust-scale-watch\nrolebinding.rbac.authorization.k8s.io/locust-scale-watch\nserviceaccount/locust-master\nnetworkpolicy.networking.k8s.io/locust-master',
    );
    const configMap = await kubectlGet(['deploy', 'locust-worker', '-o', 'jsonpath={.spec.template.spec.volumes[?(@.name=="locustfile")].configMap.name}']);
    expect(await kubectlGet(['cm', configMap, '-o', 'jsonpath={.data.locustfile\\.ts}'])).toContain('class SimpleUser');

    const nodePort = await kubectlGet(['svc', 'locust-master', '-o', 'jsonpath={.spec.ports[?(@.name=="http")].nodePort}']);
    const nodeIp = await kubectlGet(['nodes', '-o', 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}']);
    expect(result.stdout).toContain(`Locust UI: http://${nodeIp}:${nodePort}`);

    const managers = await kubectlGet(['deploy', 'locust-worker', '-o', 'jsonpath={.metadata.managedFields[*].manager}/{.metadata.managedFields[*].operation}']);
    expect(managers).toBe('locust-ts/Apply');
    const patches = cluster.api.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(11);
    for (const patch of patches) {
      expect(patch).toMatchObject({ contentType: 'application/apply-patch+yaml', fieldManager: 'locust-ts', force: 'true' });
    }
  });

  it('applying again is idempotent: same objects, same generation, same NodePort', async () => {
    const before = await kubectlGet(['deploy', '-o', 'jsonpath={range .items[*]}{.metadata.uid}:{.metadata.generation}:{.metadata.resourceVersion} {end}']);
    const portBefore = await kubectlGet(['svc', 'locust-master', '-o', 'jsonpath={.spec.ports[*].nodePort}']);
    const result = await cluster.kube(['up', '--workers', '4']);
    expect(result.code).toBe(0);
    expect(await kubectlGet(['deploy', '-o', 'jsonpath={range .items[*]}{.metadata.uid}:{.metadata.generation}:{.metadata.resourceVersion} {end}'])).toBe(before);
    expect(await kubectlGet(['svc', 'locust-master', '-o', 'jsonpath={.spec.ports[*].nodePort}'])).toBe(portBefore);
  });

  it('an edited locustfile gets a new generated ConfigMap, the pod templates point at it (a rollout), and the old one is pruned', async () => {
    const volume = (name: string): Promise<string> =>
      kubectlGet(['deploy', name, '-o', 'jsonpath={.spec.template.spec.volumes[?(@.name=="locustfile")].configMap.name} {.metadata.generation}']);
    const [before, workerGeneration] = (await volume('locust-worker')).split(' ');
    const dir = join(cluster.dir, 'edited');
    cpSync(join(REPO_ROOT, 'deploy/manifests/base'), dir, { recursive: true });
    appendFileSync(join(dir, 'locustfile.ts'), '// edited: a new scenario\n');
    const result = await cluster.kube(['up', '--manifests', dir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [after, newGeneration] = (await volume('locust-worker')).split(' ');
    expect(after).toMatch(/^locustfile-[a-z0-9]{10}$/);
    expect(after).not.toBe(before);
    expect(Number(newGeneration)).toBeGreaterThan(Number(workerGeneration));
    expect((await volume('locust-master')).split(' ')[0]).toBe(after);
    expect(await kubectlGet(['cm', after!, '-o', 'jsonpath={.data.locustfile\\.ts}'])).toContain('// edited: a new scenario');
    expect(result.stdout).toContain(`deleted configmap/${before} (an older locustfile)`);
    expect(await kubectlGet(['cm', '-o', 'name'])).toBe(`configmap/${after}`);
  });

  it('scale --workers 5 sets the replicas, even after kubectl scaled them meanwhile, and a later up keeps them', async () => {
    const manual = await cluster.kubectl(['scale', 'deploy/locust-worker', '--replicas=3']);
    expect(manual.code).toBe(0);
    expect(await kubectlGet(['deploy', 'locust-worker', '-o', 'jsonpath={.spec.replicas}'])).toBe('3');

    const result = await cluster.kube(['scale', '--workers', '5']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('scaled deployment/locust-worker to 5');
    expect(result.stdout).toMatch(/^rolled out: locust-worker 5\/5 ready/m);
    expect(await kubectlGet(['deploy', 'locust-worker', '-o', 'jsonpath={.spec.replicas} {.status.readyReplicas}'])).toBe('5 5');

    // A re-apply (say, after editing the locustfile) keeps the workers the operator scaled to.
    const again = await cluster.kube(['up']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^rolled out: .*locust-worker 5\/5 ready/m);
    expect(await kubectlGet(['deploy', 'locust-worker', '-o', 'jsonpath={.spec.replicas}'])).toBe('5');
  });

  it('status reports what kubectl sees', async () => {
    const result = await cluster.kube(['status']);
    expect(result.code).toBe(0);
    for (const name of ['fastapi-deployment', 'locust-master', 'locust-worker']) {
      const [replicas, ready] = (await kubectlGet(['deploy', name, '-o', 'jsonpath={.spec.replicas} {.status.readyReplicas}'])).split(' ');
      expect(result.stdout).toContain(`deployment/${name}: ${ready}/${replicas} ready`);
    }
    expect(result.stdout).toMatch(/^horizontalpodautoscaler\/fastapi-deployment: 1 replicas \(desired 1, min 1, max 5\), CPU unknown of 70%/m);
    expect(result.stdout).toMatch(/^Locust UI: http:\/\/[\d.]+:\d+$/m);
  });

  it('status --watch repeats, shows a scale kubectl made meanwhile, and ends with 0 on Ctrl-C; logs worker is each pod\'s log', async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cluster.dir, KUBECONFIG: cluster.kubeconfig };
    const watch = startProcess(process.execPath, [join(REPO_ROOT, 'deploy/bin/kube.mjs'), 'status', '--watch'], { env });
    try {
      await watch.waitFor(/^--- \d\d:\d\d:\d\d$/m, 60_000);
      expect((await cluster.kubectl(['scale', 'deploy/locust-worker', '--replicas=3'])).code).toBe(0);
      await watch.waitFor(/^deployment\/locust-worker: 3\/3 ready/m, 60_000);
      watch.child.kill('SIGINT');
      expect(await watch.exited).toBe(0);
    } finally {
      watch.kill();
    }
    expect(await kubectlGet(['deploy', 'locust-worker', '-o', 'jsonpath={.status.readyReplicas}'])).toBe('3');

    const pods = (await kubectlGet(['pods', '-l', 'app=locust,role=worker', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ');
    const expected: string[] = [];
    for (const pod of pods) {
      const logged = await cluster.kubectl(['logs', pod]);
      expect(logged.code).toBe(0);
      expected.push(...logged.stdout.trim().split('\n').map((l) => `[${pod}] ${l}`));
    }
    const shown = await cluster.kube(['logs', 'worker']);
    expect(shown.code).toBe(0);
    expect(shown.stdout.split('\n').filter((l) => l.startsWith('['))).toEqual(expected);
  });

  it('up --python-workers 1 adds real Locust workers from a ConfigMap locustfile', async () => {
    const result = await cluster.kube(['up', '--workers', '2', '--python-workers', '1']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await kubectlGet(['deploy', 'locust-worker-python', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}'])).toBe(
      '1 locustio/locust:2.46.3',
    );
    expect(await kubectlGet(['deploy', 'locust-worker', '-o', 'jsonpath={.spec.replicas}'])).toBe('2');
    const configMap = await kubectlGet(['deploy', 'locust-worker-python', '-o', 'jsonpath={.spec.template.spec.volumes[?(@.name=="locustfile")].configMap.name}']);
    expect(configMap).toMatch(/^locustfile-py-[a-z0-9]{10}$/);
    expect(await kubectlGet(['cm', configMap, '-o', 'jsonpath={.data.locustfile\\.py}'])).toContain('class SimpleUser');
  });

  it('down deletes everything, and a second down finds nothing left', async () => {
    const result = await cluster.kube(['down']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('deleted deployment/locust-worker-python');
    expect(result.stdout).toMatch(/^deleted configmap\/locustfile-py-[a-z0-9]{10}$/m);
    expect(await kubectlGet(['deploy,svc,hpa,cm', '-o', 'name'])).toBe('');
    const gone = await cluster.kubectl(['get', 'deploy', 'locust-worker']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('deployments.apps "locust-worker" not found');

    const again = await cluster.kube(['down']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('deployment/locust-worker not found (already gone)');
  });
});
