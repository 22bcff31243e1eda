/**
 * The manifests in deploy/manifests, rendered by the real `kubectl kustomize`, checked the way an
 * API server would (schemas, unknown fields) and the way an operator following the original guide
 * would (names, labels, ports, args; does every reference line up across objects).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { checkFields } from '../../deploy/src/schema.js';
import { LOCUST_TS_BIN, cleanEnv } from '@locust-ts/test-support/process';
import { REPO_ROOT } from './api/harness.js';

const run = promisify(execFile);
const dirOf = (name: string): string => join(REPO_ROOT, 'deploy/manifests', name);
const MASTER_PORT = 5557; // Locust's --master-port default
const WEB_PORT = 8089; // Locust's --web-port default
const GUIDE_MASTER_ARGS = ['-f', '/locustfile.ts', '--master', '--host=http://fastapi-service:8000'];
const GUIDE_WORKER_ARGS = ['-f', '/locustfile.ts', '--worker', '--master-host=locust-master'];

type Json = Record<string, any>; // manifests are free-form YAML; each check narrows what it reads

/** What `kubectl apply -k DIR` would send: the real kustomize's output, parsed raw. */
async function render(name: string): Promise<Json[]> {
  const { stdout } = await run('/usr/bin/kubectl', ['kustomize', dirOf(name)]);
  return parseAllDocuments(stdout).map((d) => d.toJS() as Json);
}

const [base, python, pulse] = await Promise.all([render('base'), render('python-workers'), render('pulse-job')]);

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/ServiceAccount': ServiceAccount,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

function byName(objects: Json[], kind: string, name: string): Json {
  const found = objects.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} missing from the rendered manifests`);
  return found;
}
const get = (kind: string, name: string): Json => byName(base, kind, name);
const deployments = (objects: Json[]): Json[] => objects.filter((m) => m.kind === 'Deployment' || m.kind === 'Job');
const podSpec = (w: Json): Json => w.spec.template.spec;
const containersOf = (w: Json): Json[] => podSpec(w).containers;
const argValue = (args: string[], flag: string): string | undefined =>
  args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1) ?? (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const selects = (selector: Json, labels: Json): boolean => Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const imagesEnv = Object.fromEntries(
  readFileSync(join(REPO_ROOT, 'docker/images.env'), 'utf8')
    .split('\n')
    .filter((l) => /^\w+=/.test(l))
    .map((l) => l.split('=') as [string, string]),
);

/** The workload a Service sends traffic to (exactly one), and the container port its targetPort names. */
function serviceBackend(objects: Json[], service: Json, port: number): { workload: Json; containerPort: number } {
  const targets = deployments(objects).filter((d) => selects(service.spec.selector, d.spec.template.metadata.labels));
  expect(targets, `service/${service.metadata.name} selects exactly one workload`).toHaveLength(1);
  const servicePort = service.spec.ports.find((p: Json) => p.port === port);
  expect(servicePort, `service/${service.metadata.name} has port ${port}`).toBeDefined();
  const target = servicePort.targetPort ?? servicePort.port;
  const containerPorts: Json[] = containersOf(targets[0]).flatMap((c) => c.ports ?? []);
  const reached = containerPorts.find((p) => (typeof target === 'string' ? p.name === target : p.containerPort === target));
  expect(reached, `service/${service.metadata.name} port ${port} reaches a container port`).toBeDefined();
  return { workload: targets[0], containerPort: reached!.containerPort };
}

/** The file a container's `-f` names, read through its volume mount from the ConfigMap that backs it. */
function locustfileFromConfigMap(objects: Json[], workload: Json): string {
  const container = containersOf(workload)[0];
  const file = argValue(container.args, '-f')!;
  const mount = container.volumeMounts.find((m: Json) => m.mountPath === file || file.startsWith(`${m.mountPath}/`));
  expect(mount, `${workload.metadata.name}: ${file} is on a volume mount`).toBeDefined();
  const key = mount.mountPath === file ? mount.subPath : file.slice(mount.mountPath.length + 1);
  const volume = podSpec(workload).volumes.find((v: Json) => v.name === mount.name);
  const configMap = byName(objects, 'ConfigMap', volume.configMap.name);
  expect(configMap.data[key], `${workload.metadata.name}: ConfigMap ${configMap.metadata.name} has ${key}`).toBeDefined();
  return configMap.data[key];
}

describe('deploy/manifests against the Kubernetes schemas', () => {
  it('every rendered object validates against its kubernetes-models schema and has no undeclared field', () => {
    for (const objects of [base, python, pulse]) {
      for (const doc of objects) {
        const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
        expect(Model, `${doc.apiVersion}/${doc.kind} is a known kind`).toBeDefined();
        expect(() => new Model(doc).validate(), `${doc.kind}/${doc.metadata?.name}`).not.toThrow();
        expect(checkFields(doc), `${doc.kind}/${doc.metadata.name}`).toEqual([]);
      }
    }
    expect(base.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      expect.stringMatching(/^ConfigMap\/locustfile-[a-z0-9]+$/),
      'Deployment/fastapi-deployment',
      'Deployment/locust-master',
      'Deployment/locust-worker',
      'HorizontalPodAutoscaler/fastapi-deployment',
      'NetworkPolicy/locust-master',
      'Role/locust-scale-watch',
      'RoleBinding/locust-scale-watch',
      'Service/fastapi-service',
      'Service/locust-master',
      'ServiceAccount/locust-master',
    ]);
  });

  it('a misspelt field is caught by the strict check although the model validator accepts it', () => {
    const worker = structuredClone(get('Deployment', 'locust-worker'));
    worker.spec.template.spec.containers[0].imagePullPolcy = 'Never';
    worker.spec.replica = 3;
    expect(() => new Deployment(worker).validate()).not.toThrow();
    expect(checkFields(worker).map((p) => p.path).sort()).toEqual(['.spec.replica', '.spec.template.spec.containers[0].imagePullPolcy']);
    worker.spec.template.spec.containers[0].ports = { containerPort: 1 };
    expect(checkFields(worker)).toContainEqual({ path: '.spec.template.spec.containers[0].ports', message: 'expected a list, got object' });
  });
});

describe("deploy/manifests: the guide's names, labels, ports and args", () => {
  it('fastapi-deployment runs pods app=fastapi behind fastapi-service, a ClusterIP on 8000', () => {
    const service = get('Service', 'fastapi-service');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.selector).toEqual({ app: 'fastapi' });
    const { workload, containerPort } = serviceBackend(base, service, 8000);
    expect(workload.metadata.name).toBe('fastapi-deployment');
    expect(workload.spec.selector.matchLabels).toEqual({ app: 'fastapi' });
    expect(containerPort).toBe(8000);
    expect(containersOf(workload)[0].env).toContainEqual({ name: 'PORT', value: String(containerPort) });
  });

  it('locust-master is a NodePort selecting app=locust,role=master with ports http 8089 and locust-task 5557 (no 5558)', () => {
    const service = get('Service', 'locust-master');
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.selector).toEqual({ app: 'locust', role: 'master' });
    expect(service.spec.ports.map((p: Json) => `${p.name}:${p.port}`)).toEqual([`http:${WEB_PORT}`, `locust-task:${MASTER_PORT}`]);
    expect(serviceBackend(base, service, WEB_PORT)).toMatchObject({ containerPort: WEB_PORT });
    const { workload, containerPort } = serviceBackend(base, service, MASTER_PORT);
    expect(workload.metadata.name).toBe('locust-master');
    expect(workload.spec.selector.matchLabels).toEqual({ app: 'locust', role: 'master' });
    expect(containerPort).toBe(MASTER_PORT);
    expect(workload.spec.replicas).toBe(1);
    expect(containersOf(workload)[0].args).toEqual(GUIDE_MASTER_ARGS);
  });

  it('locust-worker: app=locust,role=worker, 2 replicas, the guide args; every worker reaches the master Service on 5557', () => {
    const worker = get('Deployment', 'locust-worker');
    expect(worker.spec.replicas).toBe(2);
    expect(worker.spec.selector.matchLabels).toEqual({ app: 'locust', role: 'worker' });
    expect(containersOf(worker)[0].args).toEqual(GUIDE_WORKER_ARGS);
    const workers = deployments(python).filter((d) => containersOf(d).some((c) => c.args?.includes('--worker')));
    expect(workers.map((d) => d.metadata.name).sort()).toEqual(['locust-worker', 'locust-worker-python']);
    for (const w of workers) {
      const service = byName(python, 'Service', argValue(containersOf(w)[0].args, '--master-host')!);
      expect(serviceBackend(python, service, MASTER_PORT).workload.metadata.name).toBe('locust-master');
      expect(w.spec.template.metadata.labels.role).toBe('worker');
    }
  });

  it("the master's --host reaches the target Service by name and port", () => {
    const host = new URL(argValue(containersOf(get('Deployment', 'locust-master'))[0].args, '--host')!);
    expect(serviceBackend(base, get('Service', host.hostname), Number(host.port)).workload.metadata.name).toBe('fastapi-deployment');
  });

  it('no two workloads select the same pods, and every selector matches its own pod labels', () => {
    for (const objects of [base, python, pulse]) {
      const all = deployments(objects);
      for (const d of all) {
        const own = d.spec.selector?.matchLabels ?? d.spec.template.metadata.labels;
        expect(selects(own, d.spec.template.metadata.labels), d.metadata.name).toBe(true);
        for (const other of all.filter((o) => o !== d)) expect(selects(own, other.spec.template.metadata.labels), `${d.metadata.name} vs ${other.metadata.name}`).toBe(false);
      }
    }
  });
});

describe('deploy/manifests: the master gets Ready, the target makes the HPA act', () => {
  it("the master's readiness is a TCP check on 5557, not HTTP GET / (headless has no web server; --web-auth answers 401)", () => {
    for (const master of [get('Deployment', 'locust-master'), byName(pulse, 'Job', 'locust-pulse')]) {
      const c = containersOf(master)[0];
      expect(c.readinessProbe.httpGet).toBeUndefined();
      const port = c.readinessProbe.tcpSocket.port;
      expect(c.ports.find((p: Json) => p.name === port || p.containerPort === port).containerPort).toBe(MASTER_PORT);
    }
  });

  it('the target burns CPU per request by default, has a CPU request, a preStop drain and a grace period longer than it', () => {
    const target = get('Deployment', 'fastapi-deployment');
    const c = containersOf(target)[0];
    const cpuMs = Number(c.env.find((e: Json) => e.name === 'TARGET_CPU_MS')?.value);
    expect(cpuMs).toBeGreaterThanOrEqual(5);
    expect(c.resources.requests.cpu).toBeDefined();
    const drain = c.lifecycle.preStop.sleep?.seconds ?? 0;
    expect(drain).toBeGreaterThan(0);
    expect(podSpec(target).terminationGracePeriodSeconds).toBeGreaterThan(drain);
    expect(target.spec.replicas).toBeUndefined(); // the HPA owns it
  });

  it('the HPA (autoscaling/v2) scales fastapi-deployment on CPU with a behavior block: immediate scale-up, short scale-down window', () => {
    const hpa = get('HorizontalPodAutoscaler', 'fastapi-deployment');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'fastapi-deployment' });
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } } }]);
    expect(hpa.spec.behavior.scaleUp.stabilizationWindowSeconds).toBe(0);
    // The default down window is 300 s: back-to-back pulses would each start from the last peak.
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBeLessThanOrEqual(60);
    expect(hpa.spec.behavior.scaleDown.policies.length).toBeGreaterThan(0);
  });

  it('requests at the HPA maximum fit a default `minikube start --cpus 4` (with ~850m for the control plane and addons)', () => {
    const cpu = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
    const request = (name: string): number => cpu(containersOf(get('Deployment', name))[0].resources.requests.cpu);
    const hpa = get('HorizontalPodAutoscaler', 'fastapi-deployment');
    const budget = hpa.spec.maxReplicas * request('fastapi-deployment') + request('locust-master') + get('Deployment', 'locust-worker').spec.replicas * request('locust-worker');
    expect(budget).toBeLessThanOrEqual(4000 - 850);
  });
});

describe('deploy/manifests: access control', () => {
  it('the master runs as a ServiceAccount whose Role can get/list/watch deployments, HPAs, pods and events', () => {
    const master = get('Deployment', 'locust-master');
    const account = podSpec(master).serviceAccountName;
    expect(get('ServiceAccount', account)).toBeDefined();
    const binding = base.find((o) => o.kind === 'RoleBinding' && o.subjects.some((s: Json) => s.kind === 'ServiceAccount' && s.name === account))!;
    expect(binding.roleRef.kind).toBe('Role');
    const role = get('Role', binding.roleRef.name);
    const allows = (group: string, resource: string, verb: string): boolean =>
      role.rules.some((r: Json) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
    for (const [group, resource] of [['apps', 'deployments'], ['autoscaling', 'horizontalpodautoscalers'], ['', 'pods'], ['', 'events']]) {
      for (const verb of ['get', 'list', 'watch']) expect(allows(group, resource, verb), `${verb} ${group}/${resource}`).toBe(true);
    }
    expect(role.rules.flatMap((r: Json) => r.verbs)).not.toContain('create');
    // Only the master holds a token.
    for (const d of deployments(python).filter((o) => o.metadata.name !== master.metadata.name)) expect(podSpec(d).automountServiceAccountToken, d.metadata.name).toBe(false);
  });

  it('the NetworkPolicy selects the master pods and admits only role=worker pods on 5557', () => {
    const policy = get('NetworkPolicy', 'locust-master');
    expect(selects(policy.spec.podSelector.matchLabels, get('Deployment', 'locust-master').spec.template.metadata.labels)).toBe(true);
    expect(selects(policy.spec.podSelector.matchLabels, get('Deployment', 'locust-worker').spec.template.metadata.labels)).toBe(false);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    const rulesFor5557 = policy.spec.ingress.filter((r: Json) => r.ports.some((p: Json) => p.port === MASTER_PORT));
    expect(rulesFor5557).toHaveLength(1);
    expect(rulesFor5557[0].from).toEqual([{ podSelector: { matchLabels: { role: 'worker' } } }]);
    for (const w of deployments(python).filter((d) => d.spec.template.metadata.labels.role === 'worker')) {
      expect(selects(rulesFor5557[0].from[0].podSelector.matchLabels, w.spec.template.metadata.labels), w.metadata.name).toBe(true);
    }
  });
});

describe('deploy/manifests: images and the locustfile', () => {
  it('the locustfile comes from a generated ConfigMap mounted at the path in the args, for master and workers', () => {
    const source = readFileSync(join(dirOf('base'), 'locustfile.ts'), 'utf8');
    for (const name of ['locust-master', 'locust-worker']) expect(locustfileFromConfigMap(base, get('Deployment', name))).toBe(source);
    // A content hash in the name: editing the file changes the pod templates, which rolls the pods.
    const kustomization = readFileSync(join(dirOf('base'), 'kustomization.yaml'), 'utf8');
    expect(kustomization).toMatch(/configMapGenerator:/);
    expect(base.find((o) => o.kind === 'ConfigMap')!.metadata.name).toMatch(/^locustfile-[a-z0-9]{10}$/);
  });

  it('the shipped locustfile is the example one', () => {
    expect(readFileSync(join(dirOf('base'), 'locustfile.ts'), 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'examples/locustfile.ts'), 'utf8'));
  });

  it('use the names docker/ builds, pinned tags, never pulled if present', () => {
    expect(imagesEnv).toEqual({ LOCUST_IMAGE: expect.any(String), TARGET_IMAGE: expect.any(String) });
    for (const name of ['locust-master', 'locust-worker']) expect(containersOf(get('Deployment', name))[0].image).toBe(imagesEnv.LOCUST_IMAGE);
    expect(containersOf(byName(pulse, 'Job', 'locust-pulse'))[0].image).toBe(imagesEnv.LOCUST_IMAGE);
    expect(containersOf(get('Deployment', 'fastapi-deployment'))[0].image).toBe(imagesEnv.TARGET_IMAGE);
    for (const d of deployments(python)) {
      for (const c of containersOf(d)) {
        expect(c.image, d.metadata.name).toMatch(/:[\w.-]+$/);
        expect(c.image).not.toMatch(/:latest$/);
        expect(c.imagePullPolicy).toBe('IfNotPresent');
      }
    }
  });

  it('images are on Node 24 LTS', () => {
    for (const file of ['Dockerfile.locust', 'Dockerfile.target']) {
      expect(readFileSync(join(REPO_ROOT, 'docker', file), 'utf8')).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    }
  });

  it('every container has requests and limits, and runs non-root, read-only, with no capabilities and a writable /tmp', () => {
    for (const d of [...deployments(python), ...deployments(pulse)]) {
      const pod = podSpec(d);
      expect(pod.securityContext.runAsNonRoot, d.metadata.name).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      for (const c of pod.containers) {
        expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        const tmp = c.volumeMounts.find((m: Json) => m.mountPath === '/tmp');
        expect(pod.volumes.find((v: Json) => v.name === tmp.name).emptyDir).toBeDefined();
      }
    }
  });
});

describe('deploy/manifests/pulse-job', () => {
  it('replaces the master Deployment by a headless Job with a shape pulse, a scale watch and assertions; workers as in base', () => {
    expect(pulse.find((o) => o.kind === 'Deployment' && o.metadata.name === 'locust-master')).toBeUndefined();
    const job = byName(pulse, 'Job', 'locust-pulse');
    expect(job.spec.backoffLimit).toBe(0);
    expect(podSpec(job).restartPolicy).toBe('Never');
    const args: string[] = containersOf(job)[0].args;
    for (const flag of ['--master', '--headless']) expect(args).toContain(flag);
    expect(Number(argValue(args, '--expect-workers'))).toBe(byName(pulse, 'Deployment', 'locust-worker').spec.replicas);
    expect(argValue(args, '--shape')).toMatch(/^(square|steps|spike|stages):/);
    expect(argValue(args, '--watch-scale')).toBe('fastapi-deployment');
    expect(args.some((a) => a.startsWith('--assert-scale'))).toBe(true);
    // The namespace comes from the downward API, so the Job works in any namespace.
    expect(argValue(args, '--kube-namespace')).toBe('$(POD_NAMESPACE)');
    expect(containersOf(job)[0].env).toContainEqual({ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } });
    // The Service, the NetworkPolicy and the RBAC of base apply to it unchanged.
    expect(serviceBackend(pulse, byName(pulse, 'Service', 'locust-master'), MASTER_PORT).workload).toBe(job);
    expect(selects(byName(pulse, 'NetworkPolicy', 'locust-master').spec.podSelector.matchLabels, job.spec.template.metadata.labels)).toBe(true);
    expect(podSpec(job).serviceAccountName).toBe('locust-master');
    expect(locustfileFromConfigMap(pulse, job)).toBe(readFileSync(join(dirOf('base'), 'locustfile.ts'), 'utf8'));
  });
});

/** The kubelet's `$(VAR)` expansion of args from the container's env (the downward API gives the namespace). */
function expandArgs(container: Json, namespace: string): string[] {
  const env = new Map<string, string>((container.env ?? []).map((e: Json) => [e.name, e.value ?? (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace' ? namespace : '')]));
  return container.args.map((a: string) => a.replace(/\$\(([A-Za-z_]\w*)\)/g, (ref, name) => env.get(name) ?? ref));
}

describe('deploy/manifests: the swarm\'s args, as the real locust-ts parses them', () => {
  // The pods run these args verbatim: a flag the CLI rejects (a misspelt --shape key, an
  // --assert-scale it cannot parse) would be a pod that exits 2 at start. -l makes the CLI parse
  // every option and load the locustfile, then list its users and exit (as Locust 2.12.1 does,
  // --worker included: it lists before it connects).
  it.each([
    ['Deployment/locust-master', () => get('Deployment', 'locust-master')],
    ['Deployment/locust-worker', () => get('Deployment', 'locust-worker')],
    ['Job/locust-pulse', () => byName(pulse, 'Job', 'locust-pulse')],
  ])('%s: every arg is accepted and the ConfigMap locustfile loads', async (_name, workload) => {
    const w = workload();
    const dir = mkdtempSync(join(tmpdir(), 'k8s-args-'));
    try {
      const file = join(dir, 'locustfile.ts');
      writeFileSync(file, locustfileFromConfigMap(pulse, w));
      const args = expandArgs(containersOf(w)[0], 'default').map((a) => (a === argValue(containersOf(w)[0].args, '-f') ? file : a));
      const { stdout } = await run(process.execPath, [LOCUST_TS_BIN, ...args, '-l'], { timeout: 60_000, env: cleanEnv(), cwd: dir });
      expect(stdout.split('\n').map((l) => l.trim())).toContain('SimpleUser');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/manifests/python-workers', () => {
  it('mounts the generated ConfigMap locustfile at the path the workers run, and real Locust loads it', async () => {
    const worker = byName(python, 'Deployment', 'locust-worker-python');
    expect(containersOf(worker)[0].image).toMatch(/^locustio\/locust:2\.\d+\.\d+$/);
    const source = locustfileFromConfigMap(python, worker);
    const dir = mkdtempSync(join(tmpdir(), 'k8s-locustfile-'));
    try {
      writeFileSync(join(dir, 'locustfile.py'), source);
      // The Deployment's own args (-f pointed at the copy): real Locust lists and exits, --worker and all.
      const container = containersOf(worker)[0];
      const args = container.args.map((a: string) => (a === argValue(container.args, '-f') ? join(dir, 'locustfile.py') : a));
      const { stdout } = await run('/usr/bin/locust', [...args, '--list'], { timeout: 30_000, cwd: dir });
      const pythonUsers = stdout.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
      // Locust dispatches users by class name: the Python twin must define the TS locustfile's classes.
      const tsUsers = [...readFileSync(join(REPO_ROOT, 'examples/locustfile.ts'), 'utf8').matchAll(/export class (\w+) extends \w*User\b/g)].map((m) => m[1]);
      expect(tsUsers.length).toBeGreaterThan(0);
      expect(pythonUsers.sort()).toEqual(tsUsers.sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
