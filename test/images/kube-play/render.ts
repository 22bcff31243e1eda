/**
 * The rendered manifests (the real `kubectl kustomize`) turned into what `podman kube play` 4.3
 * runs, changing only what podman cannot do and saying so: each change is one entry of
 * {@link REPLACEMENTS}, which docs/kubernetes.md lists word for word (the image test checks that).
 * Containers (image, args, env, ports, probes, resources, securityContext, lifecycle) and the pod
 * securityContext are passed through as rendered, except what the kubelet itself resolves before
 * a container starts and podman 4.3 does not (fieldRef env values, $(VAR) in args).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

type Json = Record<string, any>; // manifests are free-form YAML; each step narrows what it reads

/** What podman 4.3 cannot do, and what stands in for it here. Keys are the docs' table rows. */
export const REPLACEMENTS = {
  Service: 'a network alias with the Service name on each pod its selector matches (podman network with DNS); ports as the Service maps them (checked equal)',
  HorizontalPodAutoscaler: "not played: its Deployment runs minReplicas pods; during the pulse Job, an HPA stand-in (hpa.ts) applies the HPA's formula and target to the target pod's measured CPU and writes the replicas it decides to the Kubernetes API stand-in, where the scale watch reads them (no extra target pods start)",
  'Deployment replicas': 'one Pod per replica from the pod template (podman 4.3 plays one pod per Deployment)',
  Job: 'one Pod from the pod template (restartPolicy Never); its exit code is the verdict',
  'configMap volume with subPath': "a read-only hostPath file holding the generated ConfigMap's data (podman 4.3 ignores subPath and mounts the volume's directory unreadable to uid 1000)",
  emptyDir: "a fresh hostPath directory per pod, owned by the pod's runAsUser (podman 4.3 shares one volume per name between pods; sizeLimit is not enforced)",
  'readinessProbe, livenessProbe': 'run by the test as the kubelet would (tcpSocket, httpGet; named ports resolved): podman 4.3 ignores readiness and runs liveness only through systemd timers',
  'lifecycle.preStop': 'not run by podman 4.3: the stop check sends SIGTERM at once, as the kubelet does once preStop is over',
  automountServiceAccountToken: "a hostPath directory at /var/run/secrets/kubernetes.io/serviceaccount with a token, ca.crt and namespace for the test's Kubernetes API stand-in (test/k8s/api), and KUBERNETES_SERVICE_HOST/PORT set to it, as the kubelet mounts and sets them (pulse Job only)",
  'env valueFrom fieldRef': 'the value the kubelet gives (metadata.namespace: default, metadata.name: the pod name): podman 4.3 refuses fieldRef',
  '$(VAR) in args': "expanded from the container's env, as the kubelet does: podman 4.3 passes them literally",
  'ServiceAccount, Role, RoleBinding': 'not played: the stand-in accepts the token as the service account and does not check the Role',
  NetworkPolicy: 'not played (no policy engine)',
} as const;

/** Kinds that have no podman counterpart: rendered, checked for what they promise, not run. */
const NOT_PLAYED = new Set(['Service', 'HorizontalPodAutoscaler', 'ServiceAccount', 'Role', 'RoleBinding', 'NetworkPolicy', 'ConfigMap']);

export interface PlayPod {
  /** the Pod as podman plays it */
  pod: Json;
  /** the workload it came from: Deployment/NAME or Job/NAME */
  from: string;
  /** the Service names that resolve to this pod */
  aliases: string[];
}

/** Where pods with a service account token reach the Kubernetes API stand-in. */
export interface InCluster {
  host: string;
  port: number;
  /** holds token, ca.crt, namespace */
  dir: string;
}

export interface Rendered {
  objects: Json[];
  pods: PlayPod[];
  /** kind/name of what was rendered but has no pod (Services, HPA, RBAC, NetworkPolicy, ConfigMaps) */
  notPlayed: string[];
}

export function kustomize(dir: string): Json[] {
  const out = execFileSync('/usr/bin/kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as Json);
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> = {}): boolean =>
  !!selector && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** A container port number, from a number or a port name on the pod's containers. */
export function resolvePort(spec: Json, port: number | string): number {
  if (typeof port === 'number') return port;
  for (const c of spec.containers) for (const p of c.ports ?? []) if (p.name === port) return p.containerPort;
  throw new Error(`no container port named ${port}`);
}

/**
 * `objects` as Pods for podman, with the volumes podman 4.3 cannot mount made as host files and
 * directories under `hostDir` (ConfigMap data, one directory per emptyDir per pod).
 */
export function toPlayable(objects: Json[], hostDir: string, prefix: string, inCluster?: InCluster): Rendered {
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name as string, o.data as Record<string, string>]));
  const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  const services = objects.filter((o) => o.kind === 'Service');
  const pods: PlayPod[] = [];
  for (const w of objects) {
    if (NOT_PLAYED.has(w.kind)) continue;
    if (w.kind !== 'Deployment' && w.kind !== 'Job') throw new Error(`${w.kind}/${w.metadata.name}: no podman counterpart known (add a replacement)`);
    const hpa = hpas.find((h) => h.spec.scaleTargetRef.kind === w.kind && h.spec.scaleTargetRef.name === w.metadata.name);
    const replicas = w.kind === 'Job' ? 1 : (w.spec.replicas ?? hpa?.spec.minReplicas ?? 1);
    for (let i = 0; i < replicas; i++) {
      const name = `${prefix}-${w.metadata.name}-${i}`;
      const template = w.spec.template;
      const spec = structuredClone(template.spec) as Json;
      if (w.kind === 'Job') spec.restartPolicy ??= 'Never';
      replaceVolumes(spec, configMaps, join(hostDir, name));
      for (const c of spec.containers) kubeletEnv(c, name);
      if (inCluster && spec.serviceAccountName && spec.automountServiceAccountToken !== false) mountServiceAccount(spec, inCluster);
      const aliases = services.filter((s) => matches(s.spec.selector, template.metadata.labels)).map((s) => s.metadata.name as string);
      for (const s of services.filter((x) => aliases.includes(x.metadata.name))) {
        for (const p of s.spec.ports) {
          const target = resolvePort(spec, p.targetPort ?? p.port);
          if (target !== p.port) throw new Error(`Service ${s.metadata.name} maps ${p.port} to ${target}: an alias cannot (add a port mapping)`);
        }
      }
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: template.metadata.labels, annotations: template.metadata.annotations }, spec };
      pods.push({ pod, from: `${w.kind}/${w.metadata.name}`, aliases });
    }
  }
  const notPlayed = objects.filter((o) => NOT_PLAYED.has(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`);
  return { objects, pods, notPlayed };
}

/** What the kubelet resolves and podman 4.3 does not: fieldRef env values, $(VAR) in args. */
function kubeletEnv(c: Json, podName: string): void {
  const fields: Record<string, string> = { 'metadata.namespace': 'default', 'metadata.name': podName };
  for (const e of c.env ?? []) {
    const path = e.valueFrom?.fieldRef?.fieldPath;
    if (!path) continue;
    if (!(path in fields)) throw new Error(`env ${e.name}: fieldRef ${path} has no replacement`);
    e.value = fields[path];
    delete e.valueFrom;
  }
  const env = new Map<string, string>((c.env ?? []).filter((e: Json) => e.value !== undefined).map((e: Json) => [e.name, e.value]));
  const expand = (arg: string): string => arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (ref, v: string) => env.get(v) ?? ref);
  for (const key of ['command', 'args'] as const) if (c[key]) c[key] = c[key].map(expand);
}

function mountServiceAccount(spec: Json, api: InCluster): void {
  spec.volumes = [...(spec.volumes ?? []), { name: 'kube-api-access', hostPath: { path: api.dir, type: 'Directory' } }];
  for (const c of spec.containers) {
    c.volumeMounts = [...(c.volumeMounts ?? []), { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }];
    c.env = [...(c.env ?? []), { name: 'KUBERNETES_SERVICE_HOST', value: api.host }, { name: 'KUBERNETES_SERVICE_PORT', value: String(api.port) }];
  }
}

function replaceVolumes(spec: Json, configMaps: Map<string, Record<string, string>>, podDir: string): void {
  const user = spec.securityContext?.runAsUser ?? 0;
  const group = spec.securityContext?.runAsGroup ?? user;
  const volumes: Json[] = spec.volumes ?? [];
  const mounts: Json[] = spec.containers.flatMap((c: Json) => c.volumeMounts ?? []);
  const replaced: Json[] = [];
  for (const v of volumes) {
    if (v.configMap) {
      const data = configMaps.get(v.configMap.name);
      if (!data) throw new Error(`volume ${v.name}: ConfigMap ${v.configMap.name} is not in the rendered manifests`);
      const dir = join(podDir, 'configmap', v.name);
      mkdirSync(dir, { recursive: true });
      for (const [key, text] of Object.entries(data)) writeFileSync(join(dir, key), text, { mode: 0o444 });
      // each mount with a subPath becomes a volume of its own: the one file
      for (const m of mounts.filter((x) => x.name === v.name)) {
        if (!m.subPath) throw new Error(`volume ${v.name}: a configMap mounted without subPath (add a directory replacement)`);
        const fileVolume = `${v.name}-${m.subPath.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}`;
        replaced.push({ name: fileVolume, hostPath: { path: join(dir, m.subPath), type: 'File' } });
        m.name = fileVolume;
        delete m.subPath;
        m.readOnly = true;
      }
    } else if (v.emptyDir) {
      const dir = join(podDir, 'emptydir', v.name);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chownSync(dir, user, group);
      replaced.push({ name: v.name, hostPath: { path: dir, type: 'Directory' } });
    } else {
      throw new Error(`volume ${v.name}: no podman replacement for ${Object.keys(v).join(',')}`);
    }
  }
  if (replaced.length) spec.volumes = replaced;
}
