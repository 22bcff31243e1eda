/**
 * The stand-in's kubelet and scheduler, as far as the deploy tool can see them: pods for each
 * Deployment (Ready as its status says, or held back the way a real node holds them back:
 * ImagePullBackOff, ErrImageNeverPull, Unschedulable, CrashLoopBackOff with logs), events for
 * replica changes, a minikube node with allocatable CPU and the images it holds, the control
 * plane's pods with kubeadm's CPU requests, and metrics-server's APIService.
 *
 * A missing image is reported as the kubelet reports it, by the container's imagePullPolicy:
 * ErrImageNeverPull only under `Never`; under `IfNotPresent`/`Always` the kubelet tries the
 * registry (docker.io for an unqualified name), fails, and backs off (ImagePullBackOff).
 */
import { RESOURCES, type ResourceType } from './resources.js';
import type { ObjectStore } from './store.js';

type Json = Record<string, any>; // stand-in objects are plain JSON, as the API serves them

/** `ImageMissing`: the image is on no node and in no registry; the pod's reason follows its pull policy. */
export type PodProblemReason = 'ImageMissing' | 'Unschedulable' | 'CrashLoopBackOff';

export interface PodProblemSpec {
  readonly reason: PodProblemReason;
  /** The container's log (CrashLoopBackOff: what the last run printed). */
  readonly log?: string;
}

export interface WorkloadOptions {
  /** Deployments whose pods are held back, by name. */
  readonly podProblems?: Readonly<Record<string, PodProblemSpec>>;
  /** Images the node holds (as `docker images` names them); default: the swarm's two. */
  readonly nodeImages?: readonly string[];
  /** The node's allocatable CPU (default "4", as `minikube start --cpus 4`). */
  readonly nodeCpu?: string;
  /** The node's InternalIP (default minikube's 192.168.49.2; a test may make it 127.0.0.1). */
  readonly nodeAddress?: string;
  /** metrics-server's APIService exists and is Available (default true). */
  readonly metricsServer?: boolean;
}

const resource = (plural: string): ResourceType => RESOURCES.find((r) => r.plural === plural)!;
const DEFAULT_IMAGES = ['docker.io/library/locust-ts:0.2.0', 'docker.io/library/locust-ts-target:0.2.0', 'registry.k8s.io/pause:3.10'];
/** kubeadm's requests on a minikube node (plus the metrics-server addon): 850m in all. */
const CONTROL_PLANE: readonly [string, string][] = [
  ['etcd-minikube', '100m'], ['kube-apiserver-minikube', '250m'], ['kube-controller-manager-minikube', '200m'],
  ['kube-scheduler-minikube', '100m'], ['coredns-668d6bf9bc-x7k2p', '100m'], ['metrics-server-7fbb699795-q9z4d', '100m'],
];
const UNSCHEDULABLE_MESSAGE = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';

export class Workloads {
  private readonly replicasSeen = new Map<string, number>();
  private eventSeq = 0;

  constructor(private readonly store: ObjectStore, private readonly options: WorkloadOptions = {}) {
    const nodeAddress = options.nodeAddress ?? '192.168.49.2';
    store.put(resource('nodes'), undefined, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'minikube', labels: { 'kubernetes.io/hostname': 'minikube' } },
      status: {
        addresses: [{ type: 'InternalIP', address: nodeAddress }, { type: 'Hostname', address: 'minikube' }],
        capacity: { cpu: options.nodeCpu ?? '4', memory: '6094344Ki', pods: '110' },
        allocatable: { cpu: options.nodeCpu ?? '4', memory: '6094344Ki', pods: '110' },
        images: (options.nodeImages ?? DEFAULT_IMAGES).map((name) => ({ names: [name], sizeBytes: 200_000_000 })),
      },
    });
    for (const [name, cpu] of CONTROL_PLANE) {
      store.put(resource('pods'), 'kube-system', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'kube-system', labels: { tier: 'control-plane' } },
        spec: { nodeName: 'minikube', containers: [{ name: name.split('-')[0], image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu } } }] },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
    if (options.metricsServer ?? true) {
      store.put(resource('apiservices'), undefined, {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: 'v1beta1.metrics.k8s.io' },
        spec: { group: 'metrics.k8s.io', version: 'v1beta1', service: { name: 'metrics-server', namespace: 'kube-system' } },
        status: { conditions: [{ type: 'Available', status: 'True', reason: 'Passed' }] },
      });
    }
  }

  /** Deployments whose pods never get Ready. */
  blocked(): Set<string> {
    return new Set(Object.keys(this.options.podProblems ?? {}));
  }

  /** A container's log, as `GET .../pods/NAME/log` returns it (text). */
  log(namespace: string | undefined, name: string): string {
    const pod = this.store.get(resource('pods'), namespace, name) as Json;
    const owner = String(pod.metadata.labels?.['locust-ts.test/deployment'] ?? '');
    return this.options.podProblems?.[owner]?.log ?? `${name} started\n`;
  }

  /** One kubelet step: every Deployment's pods match its spec and status. */
  sync(): void {
    const pods = resource('pods');
    for (const deployment of this.store.list(resource('deployments'), undefined, undefined) as Json[]) {
      const { name, namespace } = deployment.metadata;
      const desired = Number(deployment.spec.replicas ?? 1);
      const ready = Number(deployment.status?.readyReplicas ?? 0);
      const hash = String(deployment.metadata.generation ?? 1).padStart(10, '5').slice(-10);
      this.recordScaling(namespace, name, hash, desired);
      const problem = this.options.podProblems?.[name];
      for (let i = 0; i < desired; i++) {
        this.store.put(pods, namespace, this.pod(deployment, `${name}-${hash}-${i}`, i < ready, problem));
      }
      for (const stale of this.store.list(pods, namespace, `locust-ts.test/deployment=${name}`) as Json[]) {
        const index = Number(stale.metadata.name.split('-').pop());
        if (!stale.metadata.name.startsWith(`${name}-${hash}-`) || index >= desired) this.store.remove(pods, namespace, stale.metadata.name);
      }
    }
  }

  private pod(deployment: Json, name: string, ready: boolean, problem: PodProblemSpec | undefined): Json {
    const template = deployment.spec.template;
    const containers: Json[] = template.spec.containers;
    const scheduled = problem?.reason !== 'Unschedulable';
    const containerStatus = (c: Json): Json => {
      const base = { name: c.name, image: c.image, imageID: '', ready, restartCount: 0, started: ready };
      if (ready) return { ...base, state: { running: { startedAt: new Date().toISOString() } } };
      switch (problem?.reason) {
        case 'ImageMissing':
          return { ...base, state: { waiting: missingImage(c) } };
        case 'CrashLoopBackOff':
          return {
            ...base,
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 40s restarting failed container=${c.name} pod=${name}` } },
            lastState: { terminated: { exitCode: 1, reason: 'Error' } },
          };
        default:
          return { ...base, state: { waiting: { reason: 'ContainerCreating' } } };
      }
    };
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: deployment.metadata.namespace,
        labels: { ...template.metadata.labels, 'locust-ts.test/deployment': deployment.metadata.name },
      },
      spec: { ...template.spec, ...(scheduled ? { nodeName: 'minikube' } : {}) },
      status: {
        phase: ready || problem?.reason === 'CrashLoopBackOff' ? 'Running' : 'Pending',
        conditions: [
          scheduled
            ? { type: 'PodScheduled', status: 'True' }
            : { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: UNSCHEDULABLE_MESSAGE },
          { type: 'Ready', status: ready ? 'True' : 'False' },
        ],
        ...(scheduled ? { containerStatuses: containers.map(containerStatus) } : {}),
      },
    };
  }

  /** The deployment controller's "Scaled up/down replica set" event when replicas change. */
  private recordScaling(namespace: string, name: string, hash: string, desired: number): void {
    const key = `${namespace}/${name}`;
    const before = this.replicasSeen.get(key) ?? 0;
    if (before === desired) return;
    this.replicasSeen.set(key, desired);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.store.put(resource('events'), namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${name}.${(++this.eventSeq).toString(16).padStart(16, '0')}`, namespace },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace },
      reason: 'ScalingReplicaSet',
      message: `Scaled ${desired > before ? 'up' : 'down'} replica set ${name}-${hash} from ${before} to ${desired}`,
      type: 'Normal',
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: 'deployment-controller' },
    });
  }
}

/** The kubelet's waiting state for a container whose image exists nowhere (kubelet image manager). */
function missingImage(container: Json): Json {
  const image = String(container.image);
  if (container.imagePullPolicy === 'Never') {
    return { reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` };
  }
  // containerd's answer for an unqualified name, which it resolves on Docker Hub.
  const reference = image.includes('/') ? image : `docker.io/library/${image}`;
  const pullError = `failed to pull and unpack image "${reference}": failed to resolve reference "${reference}": ` +
    'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed';
  return { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${pullError}` };
}
