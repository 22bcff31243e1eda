/**
 * Kubernetes objects → the plain figures the master records. Pure functions: the watch keeps the
 * objects, these read them (field names as in apps/v1, autoscaling/v2 and core/v1).
 */
import type { CoreV1Event, V1Deployment, V1Pod, V2HorizontalPodAutoscaler, V2MetricSpec, V2MetricStatus } from '@kubernetes/client-node';
import type { ClusterEvent, DeploymentReplicas, HpaMetric, HpaState, PodCounts } from './types.js';

export function deploymentReplicas(d: V1Deployment): DeploymentReplicas {
  const s = d.status ?? {};
  return {
    desired: d.spec?.replicas ?? 1,
    current: s.replicas ?? 0,
    updated: s.updatedReplicas ?? 0,
    ready: s.readyReplicas ?? 0,
    available: s.availableReplicas ?? 0,
  };
}

/** `app=fastapi,tier=web` from spec.selector.matchLabels (matchExpressions are not needed by Deployments we make). */
export function podSelector(d: V1Deployment): string | null {
  const labels = d.spec?.selector?.matchLabels ?? {};
  const terms = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return terms.length > 0 ? terms.sort().join(',') : null;
}

export function targetsDeployment(hpa: V2HorizontalPodAutoscaler, deployment: string): boolean {
  const ref = hpa.spec?.scaleTargetRef;
  return ref?.kind === 'Deployment' && ref.name === deployment;
}

function metricName(spec: V2MetricSpec | V2MetricStatus): string {
  switch (spec.type) {
    case 'Resource':
      return spec.resource?.name ?? 'resource';
    case 'ContainerResource':
      return `${spec.containerResource?.container ?? ''}/${spec.containerResource?.name ?? ''}`;
    case 'Pods':
      return spec.pods?.metric?.name ?? 'pods';
    case 'Object':
      return spec.object?.metric?.name ?? 'object';
    case 'External':
      return spec.external?.metric?.name ?? 'external';
  }
  return spec.type;
}

function describedObject(spec: V2MetricSpec | V2MetricStatus): string | null {
  const o = spec.type === 'Object' ? spec.object?.describedObject : undefined;
  return o ? `${o.kind}/${o.name}` : null;
}

/** Quantities like `250m`, `1.5k`, `100Mi` → a number (what the HPA compares). */
export function quantity(value: string | number | undefined | null): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return value;
  const m = /^([+-]?\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(value.trim());
  if (!m) return null;
  const factors: Record<string, number> = {
    '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
  };
  const factor = factors[m[2]];
  return factor === undefined ? null : Number(m[1]) * factor;
}

/** A MetricTarget or MetricValueStatus (the same three fields). */
interface MetricValues {
  type?: string;
  averageUtilization?: number;
  averageValue?: string | number;
  value?: string | number;
}

type TargetType = HpaMetric['targetType'];

/** The value a target (or a status in the target's terms) holds for its type. */
function valueOf(v: MetricValues | undefined, type: TargetType): number | null {
  if (!v) return null;
  if (type === 'Utilization') return v.averageUtilization ?? null;
  return quantity(type === 'AverageValue' ? v.averageValue : v.value);
}

function sourceOf(m: V2MetricSpec | V2MetricStatus): { target?: MetricValues; current?: MetricValues } | undefined {
  return (m.resource ?? m.containerResource ?? m.pods ?? m.object ?? m.external) as { target?: MetricValues; current?: MetricValues } | undefined;
}

function targetType(t: MetricValues | undefined): TargetType {
  return t?.type === 'Utilization' || t?.type === 'Value' ? t.type : t?.type === 'AverageValue' ? 'AverageValue' : t?.averageUtilization !== undefined ? 'Utilization' : 'AverageValue';
}

export function hpaState(hpa: V2HorizontalPodAutoscaler): HpaState {
  const specs = hpa.spec?.metrics ?? [];
  const current = hpa.status?.currentMetrics ?? [];
  const metrics: HpaMetric[] = specs.map((spec) => {
    const name = metricName(spec);
    const object = describedObject(spec);
    const target = sourceOf(spec)?.target;
    const type = targetType(target);
    const status = current.find((c) => c.type === spec.type && metricName(c) === name && describedObject(c) === object);
    return { type: spec.type as HpaMetric['type'], name, object, targetType: type, current: status ? valueOf(sourceOf(status)?.current, type) : null, target: valueOf(target, type) };
  });
  // the CSV's CPU column: the pod's CPU as % of requests (a container's when that is what the HPA reads)
  const cpu =
    metrics.find((m) => m.type === 'Resource' && m.name === 'cpu' && m.targetType === 'Utilization') ??
    metrics.find((m) => m.type === 'ContainerResource' && m.name.endsWith('/cpu') && m.targetType === 'Utilization');
  return {
    name: hpa.metadata?.name ?? '',
    currentReplicas: hpa.status?.currentReplicas ?? 0,
    desiredReplicas: hpa.status?.desiredReplicas ?? 0,
    minReplicas: hpa.spec?.minReplicas ?? null,
    maxReplicas: hpa.spec?.maxReplicas ?? 0,
    cpuUtilization: cpu?.current ?? null,
    cpuTarget: cpu?.target ?? null,
    metrics,
  };
}

/** The HPA's `ScalingActive=False` condition (no metrics, no scale target), as `reason: message`. */
export function scalingInactive(hpa: V2HorizontalPodAutoscaler): string | null {
  const condition = hpa.status?.conditions?.find((c) => c.type === 'ScalingActive');
  if (!condition || condition.status !== 'False') return null;
  return `${condition.reason ?? 'ScalingActive=False'}: ${condition.message ?? ''}`.trim();
}

export function podCounts(pods: readonly V1Pod[]): PodCounts {
  const counts: PodCounts = { pending: 0, notReady: 0, ready: 0 };
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue; // terminating pods no longer serve
    const phase = pod.status?.phase;
    if (phase === 'Pending') counts.pending += 1;
    else if (phase === 'Running') {
      const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      if (ready) counts.ready += 1;
      else counts.notReady += 1;
    }
  }
  return counts;
}

/**
 * Events that concern the Deployment: its own, its HPA's, and those of the ReplicaSets and pods
 * it owns (named `<deployment>-<hash>` and `<deployment>-<hash>-<id>`).
 */
export function concernsDeployment(event: CoreV1Event, deployment: string, hpaName: string | null): boolean {
  const o = event.involvedObject;
  switch (o.kind) {
    case 'Deployment':
      return o.name === deployment;
    case 'HorizontalPodAutoscaler':
      return hpaName !== null ? o.name === hpaName : o.name === deployment;
    case 'ReplicaSet':
    case 'Pod':
      return (o.name ?? '').startsWith(`${deployment}-`);
  }
  return false;
}

export function clusterEvent(event: CoreV1Event, time: number): ClusterEvent {
  return {
    time,
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    object: `${event.involvedObject.kind ?? ''}/${event.involvedObject.name ?? ''}`,
    message: (event.message ?? '').replace(/\s+/g, ' ').trim(),
  };
}
