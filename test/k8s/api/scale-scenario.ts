/**
 * A scaling target on the stand-in, moved by hand or on a schedule the way the controllers move a
 * real one: the HPA decides (status.desiredReplicas + a SuccessfulRescale event), the Deployment
 * follows (spec/status replicas, ScalingReplicaSet), new pods go Pending → Running → Ready, and
 * back down. Each step records when it was applied (epoch seconds): the recorded truth tests
 * compare the master's timeline with. Use with `tickMs` large so the built-in controller stays out.
 */
import { randomBytes } from 'node:crypto';
import { RESOURCES, type ResourceType } from './resources.js';
import type { KubeApiServer } from './server.js';

type Json = Record<string, unknown>;

const kind = (plural: string): ResourceType => RESOURCES.find((r) => r.plural === plural)!;
const DEPLOYMENTS = kind('deployments');
const HPAS = kind('horizontalpodautoscalers');
const PODS = kind('pods');
const EVENTS = kind('events');

export interface ScenarioOptions {
  namespace?: string;
  deployment?: string;
  /** create the HPA (default true) */
  hpa?: boolean;
  /** the HPA reports ScalingActive=False (no metrics) */
  noMetrics?: boolean;
  /** the HPA's CPU target, % (default 70) */
  cpuTarget?: number;
  /** the HPA also scales on memory, a Pods, an Object, an External and a ContainerResource metric */
  otherMetrics?: boolean;
}

/** The other metrics' current values as the HPA reports them (quantities), by metric name. */
export type OtherMetricValues = Record<(typeof OTHER_METRICS)[number]['name'], string | null>;

/** autoscaling/v2 spec entries for `otherMetrics`, and how each reports its current value. */
const OTHER_METRICS = [
  { name: 'memory', spec: { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '400Mi' } } },
    status: (v: string) => ({ type: 'Resource', resource: { name: 'memory', current: { averageValue: v, averageUtilization: 12 } } }) },
  { name: 'packets-per-second', spec: { type: 'Pods', pods: { metric: { name: 'packets-per-second' }, target: { type: 'AverageValue', averageValue: '1k' } } },
    status: (v: string) => ({ type: 'Pods', pods: { metric: { name: 'packets-per-second' }, current: { averageValue: v } } }) },
  { name: 'requests-per-second',
    spec: { type: 'Object', object: { metric: { name: 'requests-per-second' }, describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main-route' }, target: { type: 'Value', value: '10k' } } },
    status: (v: string) => ({ type: 'Object', object: { metric: { name: 'requests-per-second' }, describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main-route' }, current: { value: v } } }) },
  { name: 'queue_messages_ready', spec: { type: 'External', external: { metric: { name: 'queue_messages_ready' }, target: { type: 'AverageValue', averageValue: '30' } } },
    status: (v: string) => ({ type: 'External', external: { metric: { name: 'queue_messages_ready' }, current: { averageValue: v } } }) },
  { name: 'application/cpu', spec: { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'application', target: { type: 'Utilization', averageUtilization: 60 } } },
    status: (v: string) => ({ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'application', current: { averageUtilization: Number(v), averageValue: '100m' } } }) },
] as const;

export interface AppliedStep {
  readonly name: string;
  /** epoch seconds when the stand-in applied it */
  readonly time: number;
}

type PodPhase = 'Pending' | 'Running' | 'Ready';

export class ScaleScenario {
  readonly namespace: string;
  readonly deployment: string;
  readonly applied: AppliedStep[] = [];
  private readonly pods = new Map<string, PodPhase>();
  private readonly hash = randomBytes(3).toString('hex').slice(0, 5);
  private desired = 1;
  private hpaDesired = 1;
  private cpu = 20;
  private readonly other: OtherMetricValues = { memory: '200Mi', 'packets-per-second': '300', 'requests-per-second': '2k', queue_messages_ready: null, 'application/cpu': '25' };
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly api: KubeApiServer,
    private readonly options: ScenarioOptions = {},
  ) {
    this.namespace = options.namespace ?? 'default';
    this.deployment = options.deployment ?? 'fastapi';
  }

  /** One Ready replica, and the HPA (1–5 at the CPU target) when asked for. */
  install(): this {
    this.addPod('Ready');
    this.writeDeployment();
    if (this.options.hpa ?? true) this.writeHpa();
    this.api.feed.sync();
    return this;
  }

  /** The HPA decides `n` replicas (CPU at `cpu` %), the Deployment follows, new pods are Pending. */
  scaleTo(n: number, cpu: number): void {
    const from = this.desired;
    this.cpu = cpu;
    this.hpaDesired = n;
    this.desired = n;
    if (this.options.hpa ?? true) {
      this.writeHpa();
      const direction = n > from ? 'above' : 'below';
      this.event('HorizontalPodAutoscaler', this.deployment, 'Normal', 'SuccessfulRescale', `New size: ${n}; reason: cpu resource utilization (percentage of request) ${direction} target`);
    }
    if (n > from) {
      for (let i = this.pods.size; i < n; i++) this.addPod('Pending');
      this.event('Deployment', this.deployment, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${this.deployment}-${this.hash} from ${from} to ${n}`);
    } else {
      for (const name of [...this.pods.keys()].slice(n)) {
        this.pods.delete(name);
        this.api.store.remove(PODS, this.namespace, name);
      }
      this.event('Deployment', this.deployment, 'Normal', 'ScalingReplicaSet', `Scaled down replica set ${this.deployment}-${this.hash} from ${from} to ${n}`);
    }
    this.commit(`scale to ${n}`);
  }

  /** Pending pods are scheduled and start (Running, not yet Ready). */
  podsRunning(): void {
    for (const [name, phase] of this.pods) {
      if (phase !== 'Pending') continue;
      this.pods.set(name, 'Running');
      this.writePod(name);
      this.event('Pod', name, 'Normal', 'Scheduled', `Successfully assigned ${this.namespace}/${name} to minikube`);
    }
    this.commit('pods running');
  }

  /** Every running pod passes its readiness probe. */
  podsReady(): void {
    for (const [name, phase] of this.pods) {
      if (phase === 'Ready') continue;
      this.pods.set(name, 'Ready');
      this.writePod(name);
    }
    this.commit('pods ready');
  }

  /** A Warning event (e.g. FailedScheduling) on one of the pods. */
  warnOnPod(reason: string, message: string): void {
    const name = [...this.pods.keys()].at(-1)!;
    this.event('Pod', name, 'Warning', reason, message);
    this.commit(`warning ${reason}`);
  }

  setCpu(cpu: number): void {
    this.cpu = cpu;
    this.writeHpa();
    this.commit(`cpu ${cpu}`);
  }

  /** An `otherMetrics` metric's current value changes (null: the HPA cannot read it). */
  setMetric(name: keyof OtherMetricValues, value: string | null): void {
    this.other[name] = value;
    this.writeHpa();
    this.commit(`metric ${name} ${value}`);
  }

  /** Runs `steps` at their offsets (ms from now); resolves after the last. */
  schedule(steps: ReadonlyArray<{ at: number; step: () => void }>): Promise<void> {
    return new Promise((resolve) => {
      let left = steps.length;
      for (const { at, step } of steps) {
        this.timers.push(
          setTimeout(() => {
            step();
            if (--left === 0) resolve();
          }, at),
        );
      }
    });
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  get readyCount(): number {
    return [...this.pods.values()].filter((p) => p === 'Ready').length;
  }

  private commit(name: string): void {
    this.writeDeployment();
    this.api.feed.sync();
    this.applied.push({ name, time: Date.now() / 1000 });
  }

  private addPod(phase: PodPhase): void {
    const name = `${this.deployment}-${this.hash}-${randomBytes(3).toString('hex').slice(0, 5)}`;
    this.pods.set(name, phase);
    this.writePod(name);
  }

  private writePod(name: string): void {
    const phase = this.pods.get(name)!;
    const now = new Date().toISOString();
    this.api.store.put(PODS, this.namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: this.deployment, 'pod-template-hash': this.hash } },
      spec: { containers: [{ name: this.deployment, image: 'locust-ts-target:0.1.0' }], nodeName: phase === 'Pending' ? undefined : 'minikube' },
      status: {
        phase: phase === 'Pending' ? 'Pending' : 'Running',
        conditions: [
          { type: 'PodScheduled', status: phase === 'Pending' ? 'False' : 'True', lastTransitionTime: now },
          { type: 'Ready', status: phase === 'Ready' ? 'True' : 'False', lastTransitionTime: now },
        ],
      },
    });
  }

  private writeDeployment(): void {
    const ready = this.readyCount;
    this.api.store.put(DEPLOYMENTS, this.namespace, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: this.deployment, generation: 1, labels: { app: this.deployment } },
      spec: {
        replicas: this.desired,
        selector: { matchLabels: { app: this.deployment } },
        template: { metadata: { labels: { app: this.deployment } }, spec: { containers: [{ name: this.deployment, image: 'locust-ts-target:0.1.0' }] } },
      },
      status: {
        observedGeneration: 1,
        replicas: this.pods.size,
        updatedReplicas: this.pods.size,
        readyReplicas: ready,
        availableReplicas: ready,
        unavailableReplicas: Math.max(0, this.desired - ready),
      },
    });
  }

  private writeHpa(): void {
    const target = this.options.cpuTarget ?? 70;
    const noMetrics = this.options.noMetrics ?? false;
    this.api.store.put(HPAS, this.namespace, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: this.deployment, generation: 1 },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } },
          ...(this.options.otherMetrics ? OTHER_METRICS.map((m) => m.spec) : []),
        ],
      },
      status: {
        currentReplicas: this.pods.size,
        desiredReplicas: this.hpaDesired,
        currentMetrics: noMetrics
          ? null
          : [
              { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: this.cpu, averageValue: `${this.cpu * 2.5}m` } } },
              ...(this.options.otherMetrics ? OTHER_METRICS.flatMap((m) => (this.other[m.name] === null ? [] : [m.status(this.other[m.name]!)])) : []),
            ],
        conditions: [
          noMetrics
            ? { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API' }
            : { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' },
        ],
      },
    });
  }

  private event(kindName: string, name: string, type: string, reason: string, message: string): void {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.api.store.put(EVENTS, this.namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${name}.${randomBytes(8).toString('hex')}` },
      involvedObject: { kind: kindName, name, namespace: this.namespace, apiVersion: kindName === 'Pod' ? 'v1' : kindName === 'Deployment' ? 'apps/v1' : 'autoscaling/v2' },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: kindName === 'HorizontalPodAutoscaler' ? 'horizontal-pod-autoscaler' : kindName === 'Pod' ? 'default-scheduler' : 'deployment-controller' },
    });
  }
}
