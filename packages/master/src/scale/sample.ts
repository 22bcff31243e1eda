/**
 * One row of the scale timeline (`GET /scale` samples, `PREFIX_scale.csv`): the run's load and the
 * target's replicas at one moment of the master's clock. `null` = unknown at that moment.
 */
import type { ClusterSnapshot, HpaMetric } from './source.js';

export interface ScaleSample {
  /** epoch seconds (master's Date.now()) */
  time: number;
  userCount: number;
  rps: number;
  /** current (≈10 s) p95 response time, ms */
  p95: number | null;
  /** current failures/s ÷ requests/s */
  failRatio: number;
  desiredReplicas: number | null;
  currentReplicas: number | null;
  updatedReplicas: number | null;
  readyReplicas: number | null;
  availableReplicas: number | null;
  hpaCurrentReplicas: number | null;
  hpaDesiredReplicas: number | null;
  cpuUtilization: number | null;
  cpuTarget: number | null;
  /** every metric the HPA scales on (CPU too): current vs target, in the target's unit; [] without an HPA */
  hpaMetrics: HpaMetric[];
  pendingPods: number | null;
  notReadyPods: number | null;
  readyPods: number | null;
}

export interface RunReading {
  userCount: number;
  rps: number;
  p95: number | null;
  failRatio: number;
}

export function makeSample(time: number, run: RunReading, cluster: ClusterSnapshot): ScaleSample {
  const d = cluster.deployment;
  const h = cluster.hpa;
  const p = cluster.pods;
  return {
    time,
    ...run,
    desiredReplicas: d?.desired ?? null,
    currentReplicas: d?.current ?? null,
    updatedReplicas: d?.updated ?? null,
    readyReplicas: d?.ready ?? null,
    availableReplicas: d?.available ?? null,
    hpaCurrentReplicas: h?.currentReplicas ?? null,
    hpaDesiredReplicas: h?.desiredReplicas ?? null,
    cpuUtilization: h?.cpuUtilization ?? null,
    cpuTarget: h?.cpuTarget ?? null,
    hpaMetrics: h?.metrics ?? [],
    pendingPods: p?.pending ?? null,
    notReadyPods: p?.notReady ?? null,
    readyPods: p?.ready ?? null,
  };
}
