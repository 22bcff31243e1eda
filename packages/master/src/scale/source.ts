/**
 * What a scale source (the CLI gives a Kubernetes one, `@locust-ts/kube-watch`) tells the master, as
 * plain data: the master records it on its own clock and never sees a Kubernetes object.
 */

/** A Deployment's replica counts (spec.replicas and status). */
export interface DeploymentReplicas {
  desired: number;
  current: number;
  updated: number;
  ready: number;
  available: number;
}

/** autoscaling/v2 metric source types. */
export type HpaMetricType = 'Resource' | 'ContainerResource' | 'Pods' | 'Object' | 'External';

/**
 * One metric of an HPA (spec.metrics with its status.currentMetrics entry): the current value in
 * the unit the target compares — utilisation % of requests, an average per pod, or a plain value.
 */
export interface HpaMetric {
  type: HpaMetricType;
  /** `cpu`, `memory`, `app/cpu` (a container's resource), or the Pods/Object/External metric's name */
  name: string;
  /** Object metrics: the object it is read from, `Ingress/main-route`; null otherwise */
  object: string | null;
  targetType: 'Utilization' | 'AverageValue' | 'Value';
  /** null until the HPA has read it */
  current: number | null;
  target: number | null;
}

export interface HpaState {
  name: string;
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number | null;
  maxReplicas: number;
  /** CPU utilisation % of requests (the HPA's resource metric), null when it has no CPU metric or no data yet */
  cpuUtilization: number | null;
  cpuTarget: number | null;
  /** every metric the HPA scales on, CPU included, in spec order */
  metrics: HpaMetric[];
}

export interface PodCounts {
  pending: number;
  /** running but not Ready */
  notReady: number;
  ready: number;
}

export interface ClusterSnapshot {
  /** null until the Deployment is seen (or while it is missing) */
  deployment: DeploymentReplicas | null;
  /** null when no HPA targets the Deployment */
  hpa: HpaState | null;
  /** null until the pods are listed */
  pods: PodCounts | null;
}

/** A Kubernetes event about the Deployment, its ReplicaSets, pods or HPA. */
export interface ClusterEvent {
  /** epoch seconds on the master's clock, when the watch delivered it */
  time: number;
  /** Normal | Warning */
  type: string;
  reason: string;
  /** `HorizontalPodAutoscaler/fastapi`, `Pod/fastapi-7d9c-abcde` */
  object: string;
  message: string;
}

/** What a scale source tells its listener; every callback is synchronous and must not throw. */
export interface ScaleListener {
  state(snapshot: ClusterSnapshot): void;
  event(event: ClusterEvent): void;
  /** one line: something the watch cannot see (missing object, no rights, API down) */
  warning(line: string): void;
  /** one line: a recovery or a notable step */
  info(line: string): void;
}

export interface ScaleSource {
  readonly deployment: string;
  readonly namespace: string;
  start(listener: ScaleListener): void;
  stop(): Promise<void>;
}
