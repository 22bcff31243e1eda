// The shapes the master records (declared there: the master never loads client-node).
export type {
  ClusterEvent,
  ClusterSnapshot,
  DeploymentReplicas,
  HpaMetric,
  HpaState,
  PodCounts,
  ScaleListener,
  ScaleSource,
} from '@locust-ts/master';
