import { fileURLToPath } from 'node:url';

/** Server-side apply owner of every field the tool sets (shows in metadata.managedFields). */
export const FIELD_MANAGER = 'locust-ts';

/** The only context used without being named: the original guide's "check you are on minikube". */
export const SAFE_CONTEXT = 'minikube';

export const DEFAULT_NAMESPACE = 'default';

/** Manifests shipped beside this tool: the base swarm and the Python-workers variant. */
export const BASE_MANIFESTS = fileURLToPath(new URL('../manifests/base', import.meta.url));
export const PYTHON_WORKERS_MANIFESTS = fileURLToPath(new URL('../manifests/python-workers', import.meta.url));
export const PULSE_JOB_MANIFESTS = fileURLToPath(new URL('../manifests/pulse-job', import.meta.url));

/** The objects whose replica counts the tool's flags set. */
export const MASTER_DEPLOYMENT = 'locust-master';
export const MASTER_SERVICE = 'locust-master';
export const MASTER_WEB_PORT_NAME = 'http';
/** The target the HPA scales, under the original guide's name. */
export const TARGET_DEPLOYMENT = 'fastapi-deployment';
export const WORKER_DEPLOYMENT = 'locust-worker';
export const PYTHON_WORKER_DEPLOYMENT = 'locust-worker-python';

/** First pulls of images on a fresh minikube can take minutes; a rollout that exceeds this fails. */
export const DEFAULT_ROLLOUT_TIMEOUT_S = 300;
/** How often a rollout is polled, and how often progress is re-printed when nothing changes. */
export const ROLLOUT_POLL_MS = 500;
export const PROGRESS_REPEAT_MS = 5_000;

/** Upper bound for --workers: a typo like 400 instead of 4 should not flood a laptop cluster. */
export const MAX_WORKERS = 200;

/** Apply order: what others refer to first (ConfigMaps before the pods mounting them). */
export const KIND_ORDER: readonly string[] = [
  'Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Service', 'NetworkPolicy', 'Deployment', 'Job', 'HorizontalPodAutoscaler',
];

/** Labels every object of the swarm carries (kustomization `labels`), for listing and pruning. */
export const PART_OF_SELECTOR = 'app.kubernetes.io/part-of=locust-ts';
