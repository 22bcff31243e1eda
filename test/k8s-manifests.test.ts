/**
 * The manifests in deploy/manifests, checked the way an API server would (schemas, unknown fields)
 * and the way an operator would (does every name, port, label and image line up across objects).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { checkFields } from '../deploy/src/schema.js';
import { loadManifests } from '../deploy/src/manifests.js';
import { REPO_ROOT } from './k8s-api/harness.js';

const run = promisify(execFile);
const BASE = join(REPO_ROOT, 'deploy/manifests/base');
const PYTHON = join(REPO_ROOT, 'deploy/manifests/python-workers');
const MASTER_PORT = 5557; // Locust's --master-port default
const WEB_PORT = 8089; // Locust's --web-port default

type Json = Record<string, any>; // manifests are free-form YAML; each check narrows what it reads

/** Every YAML document of every manifest file, parsed raw (nothing dropped). */
function rawDocuments(): { file: string; doc: Json }[] {
  const out: { file: string; doc: Json }[] = [];
  for (const dir of [BASE, PYTHON]) {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
      for (const document of parseAllDocuments(readFileSync(join(dir, name), 'utf8'))) {
        expect(document.errors).toEqual([]);
        out.push({ file: `${dir.split('/').pop()}/${name}`, doc: document.toJS() as Json });
      }
    }
  }
  return out;
}

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

const all: Json[] = loadManifests(PYTHON).map((s): Json => s.object);
const byName = (kind: string, name: string): Json => {
  const found = all.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} missing from the manifests`);
  return found;
};
const deployments = all.filter((m) => m.kind === 'Deployment');
const services = all.filter((m) => m.kind === 'Service');
const containersOf = (d: Json): Json[] => d.spec.template.spec.containers;
const argValue = (args: string[], flag: string): string | undefined =>
  args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1) ?? (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const selects = (selector: Json, labels: Json): boolean => Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const imagesEnv = Object.fromEntries(
  readFileSync(join(REPO_ROOT, 'docker/images.env'), 'utf8')
    .split('\n')
    .filter((l) => /^\w+=/.test(l))
    .map((l) => l.split('=') as [string, string]),
);

/** The Deployment a Service sends traffic to (exactly one), and the container port its targetPort names. */
function serviceBackend(service: Json, port: number): { deployment: Json; containerPort: number } {
  const targets = deployments.filter((d) => selects(service.spec.selector, d.spec.template.metadata.labels));
  expect(targets, `service/${service.metadata.name} selects exactly one Deployment`).toHaveLength(1);
  const servicePort = service.spec.ports.find((p: Json) => p.port === port);
  expect(servicePort, `service/${service.metadata.name} has port ${port}`).toBeDefined();
  const target = servicePort.targetPort ?? servicePort.port;
  const containerPorts: Json[] = containersOf(targets[0]).flatMap((c) => c.ports ?? []);
  const reached = containerPorts.find((p) => (typeof target === 'string' ? p.name === target : p.containerPort === target));
  expect(reached, `service/${service.metadata.name} port ${port} reaches a container port`).toBeDefined();
  return { deployment: targets[0], containerPort: reached!.containerPort };
}

describe('deploy/manifests against the Kubernetes schemas', () => {
  const docs = rawDocuments();

  it('every object validates against its kubernetes-models schema', () => {
    expect(docs.length).toBe(8);
    for (const { file, doc } of docs) {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model, `${file}: ${doc.apiVersion}/${doc.kind} is a known kind`).toBeDefined();
      expect(() => new Model(doc).validate(), `${file} ${doc.kind}/${doc.metadata?.name}`).not.toThrow();
    }
  });

  it('no object has a field the API does not declare (raw YAML, closed schemas)', () => {
    for (const { file, doc } of docs) expect(checkFields(doc), file).toEqual([]);
  });

  it('a misspelt field is caught by the strict check although the model validator accepts it', () => {
    const worker = structuredClone(byName('Deployment', 'locust-worker'));
    worker.spec.template.spec.containers[0].imagePullPolcy = 'Never';
    worker.spec.replica = 3;
    expect(() => new Deployment(worker).validate()).not.toThrow();
    expect(checkFields(worker).map((p) => p.path).sort()).toEqual(['.spec.replica', '.spec.template.spec.containers[0].imagePullPolcy']);
    worker.spec.template.spec.containers[0].ports = { containerPort: 1 };
    expect(checkFields(worker)).toContainEqual({ path: '.spec.template.spec.containers[0].ports', message: 'expected a list, got object' });
  });

  it('the kustomizations list every manifest file, and kubectl kustomize renders the same objects', async () => {
    for (const dir of [BASE, PYTHON]) {
      const { stdout } = await run('/usr/bin/kubectl', ['kustomize', dir]);
      const rendered = parseAllDocuments(stdout).map((d) => {
        const o = d.toJS() as Json;
        return `${o.kind}/${o.metadata.name}`;
      });
      const loaded = loadManifests(dir).map((s) => `${s.object.kind}/${s.object.metadata.name}`);
      expect(rendered.sort()).toEqual(loaded.sort());
    }
    expect(all).toHaveLength(rawDocuments().length);
  });
});

describe('deploy/manifests topology (the original names)', () => {
  it('fastapi-service is a ClusterIP on 8000 reaching the target container', () => {
    const service = byName('Service', 'fastapi-service');
    expect(service.spec.type).toBe('ClusterIP');
    const { deployment, containerPort } = serviceBackend(service, 8000);
    expect(deployment.metadata.name).toBe('fastapi');
    expect(containerPort).toBe(8000);
    expect(containersOf(deployment)[0].env).toContainEqual({ name: 'PORT', value: String(containerPort) });
  });

  it('locust-master is a NodePort with web 8089 and zmq 5557 reaching the master container', () => {
    const service = byName('Service', 'locust-master');
    expect(service.spec.type).toBe('NodePort');
    expect(serviceBackend(service, WEB_PORT)).toMatchObject({ containerPort: WEB_PORT });
    const { deployment, containerPort } = serviceBackend(service, MASTER_PORT);
    expect(deployment.metadata.name).toBe('locust-master');
    expect(containerPort).toBe(MASTER_PORT);
    expect(deployment.spec.replicas).toBe(1);
  });

  it('locust-worker runs 2 replicas; every worker points --master-host at the master Service', () => {
    expect(byName('Deployment', 'locust-worker').spec.replicas).toBe(2);
    const workers = deployments.filter((d) => containersOf(d).some((c) => c.args?.includes('--worker')));
    expect(workers.map((d) => d.metadata.name).sort()).toEqual(['locust-worker', 'locust-worker-python']);
    for (const worker of workers) {
      const masterHost = argValue(containersOf(worker)[0].args, '--master-host');
      const service = byName('Service', masterHost!);
      expect(serviceBackend(service, MASTER_PORT).deployment.metadata.name).toBe('locust-master');
      expect(argValue(containersOf(worker)[0].args, '--master-port') ?? String(MASTER_PORT)).toBe(String(MASTER_PORT));
    }
  });

  it("the master's --host reaches the target Service by name and port", () => {
    const args: string[] = containersOf(byName('Deployment', 'locust-master'))[0].args;
    expect(args).toContain('--master');
    const host = new URL(argValue(args, '--host')!);
    const service = byName('Service', host.hostname);
    expect(serviceBackend(service, Number(host.port)).deployment.metadata.name).toBe('fastapi');
  });

  it('every Deployment selector matches its own pod labels', () => {
    for (const d of deployments) expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels), d.metadata.name).toBe(true);
  });
});

describe('deploy/manifests images', () => {
  it('use the names docker/ builds, with the locustfile path the image provides', () => {
    expect(imagesEnv).toEqual({ LOCUST_IMAGE: expect.any(String), TARGET_IMAGE: expect.any(String) });
    const dockerfile = readFileSync(join(REPO_ROOT, 'docker/Dockerfile.locust'), 'utf8');
    const copied = /^COPY examples\/locustfile\.ts (\S+)$/m.exec(dockerfile)?.[1];
    expect(dockerfile).toMatch(/^ENTRYPOINT \["locust-ts"\]$/m);
    for (const name of ['locust-master', 'locust-worker']) {
      const container = containersOf(byName('Deployment', name))[0];
      expect(container.image).toBe(imagesEnv.LOCUST_IMAGE);
      expect(argValue(container.args, '-f')).toBe(copied);
    }
    expect(containersOf(byName('Deployment', 'fastapi'))[0].image).toBe(imagesEnv.TARGET_IMAGE);
  });

  it('locally built images are used as they are: pinned tags, never pulled if present', () => {
    for (const d of deployments) {
      for (const c of containersOf(d)) {
        expect(c.image, d.metadata.name).toMatch(/:[\w.-]+$/);
        expect(c.image).not.toMatch(/:latest$/);
        expect(c.imagePullPolicy).toBe('IfNotPresent');
      }
    }
  });
});

describe('deploy/manifests operations', () => {
  it('every container has requests and limits, and runs non-root, read-only, with no capabilities', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, d.metadata.name).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        // A read-only root still needs a writable temp dir (tsx's compile cache).
        const tmp = c.volumeMounts.find((m: Json) => m.mountPath === '/tmp');
        expect(pod.volumes.find((v: Json) => v.name === tmp.name).emptyDir).toBeDefined();
      }
    }
  });

  it('the target and the master have readiness and liveness probes on their own ports', () => {
    for (const name of ['fastapi', 'locust-master']) {
      const c = containersOf(byName('Deployment', name))[0];
      const portNames = c.ports.map((p: Json) => p.name);
      for (const probe of [c.readinessProbe, c.livenessProbe]) {
        const port = (probe.httpGet ?? probe.tcpSocket).port;
        expect(portNames, `${name} probe port`).toContain(port);
      }
    }
    expect(containersOf(byName('Deployment', 'fastapi'))[0].readinessProbe.httpGet.path).toBe('/healthz');
  });

  it('the HPA scales the target on CPU, which has CPU requests, and the Deployment leaves replicas to it', () => {
    const hpa = byName('HorizontalPodAutoscaler', 'fastapi');
    const target = byName(hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name);
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } } }]);
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    expect(containersOf(target)[0].resources.requests.cpu).toBeDefined();
    expect(target.spec.replicas).toBeUndefined();
  });
});

describe('deploy/manifests/python-workers', () => {
  it('mounts the ConfigMap locustfile at the path the workers run, and real Locust loads it', async () => {
    const worker = byName('Deployment', 'locust-worker-python');
    const container = containersOf(worker)[0];
    expect(container.image).toMatch(/^locustio\/locust:2\.\d+\.\d+$/);
    const file = argValue(container.args, '-f')!;
    const mount = container.volumeMounts.find((m: Json) => file.startsWith(`${m.mountPath}/`));
    const volume = worker.spec.template.spec.volumes.find((v: Json) => v.name === mount.name);
    const configMap = byName('ConfigMap', volume.configMap.name);
    const source: string = configMap.data[file.slice(mount.mountPath.length + 1)];
    expect(source).toBeDefined();

    const dir = mkdtempSync(join(tmpdir(), 'k8s-locustfile-'));
    try {
      writeFileSync(join(dir, 'locustfile.py'), source);
      const { stdout } = await run('/usr/bin/locust', ['-f', join(dir, 'locustfile.py'), '--list'], { timeout: 30_000 });
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
