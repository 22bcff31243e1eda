/**
 * An autoscaling/v2 HPA with every metric source type, as the API server returns it (the shape of
 * Kubernetes' HPA walkthrough: CPU, a Pods metric, an Object metric on an Ingress, plus memory by
 * average value, an External metric and a container's CPU): each metric's current value is read
 * in its target's unit.
 */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { hpaState } from './objects.js';

const hpa = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'php-apache', namespace: 'default' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'php-apache' },
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'packets-per-second' }, target: { type: 'AverageValue', averageValue: '1k' } } },
      {
        type: 'Object',
        object: {
          metric: { name: 'requests-per-second' },
          describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main-route' },
          target: { type: 'Value', value: '10k' },
        },
      },
      { type: 'External', external: { metric: { name: 'queue_messages_ready', selector: { matchLabels: { queue: 'worker_tasks' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
      { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'application', target: { type: 'Utilization', averageUtilization: 60 } } },
    ],
  },
  status: {
    currentReplicas: 2,
    desiredReplicas: 3,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 82, averageValue: '205m' } } },
      { type: 'Resource', resource: { name: 'memory', current: { averageUtilization: 40, averageValue: '256Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'packets-per-second' }, current: { averageValue: '1500m' } } },
      {
        type: 'Object',
        object: {
          metric: { name: 'requests-per-second' },
          describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main-route' },
          current: { value: '12k' },
        },
      },
      // External: not read yet (the adapter has no data) — no status entry
      { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'application', current: { averageUtilization: 91, averageValue: '228m' } } },
    ],
  },
} as unknown as V2HorizontalPodAutoscaler;

describe('hpaState: every autoscaling/v2 metric, current vs target in the target unit', () => {
  it('reads Resource (utilisation and average value), Pods, Object, External and ContainerResource metrics', () => {
    const state = hpaState(hpa);
    expect(state).toMatchObject({ name: 'php-apache', currentReplicas: 2, desiredReplicas: 3, minReplicas: 1, maxReplicas: 10, cpuUtilization: 82, cpuTarget: 50 });
    expect(state.metrics).toEqual([
      { type: 'Resource', name: 'cpu', object: null, targetType: 'Utilization', current: 82, target: 50 },
      { type: 'Resource', name: 'memory', object: null, targetType: 'AverageValue', current: 256 * 1024 ** 2, target: 500 * 1024 ** 2 },
      { type: 'Pods', name: 'packets-per-second', object: null, targetType: 'AverageValue', current: 1.5, target: 1000 },
      { type: 'Object', name: 'requests-per-second', object: 'Ingress/main-route', targetType: 'Value', current: 12_000, target: 10_000 },
      { type: 'External', name: 'queue_messages_ready', object: null, targetType: 'AverageValue', current: null, target: 30 },
      { type: 'ContainerResource', name: 'application/cpu', object: null, targetType: 'Utilization', current: 91, target: 60 },
    ]);
  });

  it("the CPU column falls back to a container's CPU when the HPA reads no pod CPU utilisation", () => {
    const containerOnly = {
      ...hpa,
      spec: { ...hpa.spec, metrics: hpa.spec!.metrics!.filter((m) => m.type !== 'Resource') },
    } as V2HorizontalPodAutoscaler;
    expect(hpaState(containerOnly)).toMatchObject({ cpuUtilization: 91, cpuTarget: 60 });
  });
});
