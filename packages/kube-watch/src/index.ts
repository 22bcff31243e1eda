/**
 * @locust-ts/kube-watch: the Kubernetes side of `--watch-scale` (client-node list+watch). Kept out
 * of the master so a master that never watches a cluster never loads client-node; the CLI joins
 * the two (the master declares the same plain-data shapes).
 */
export { KubeScaleWatch, WATCH_RETRY_MS } from './watch.js';
export { resolveCluster, KubeConfigError, SERVICE_ACCOUNT_DIR, SERVICE_ACCOUNT_PREFIX_ENV, type ClusterChoice, type ResolvedCluster } from './kubeconfig.js';
export { existingKubeconfigFiles, kubeconfigFiles, loadKubeconfigFiles } from './kubeconfig-files.js';
export type * from './types.js';
export { quantity, hpaState, podCounts, deploymentReplicas } from './objects.js';
