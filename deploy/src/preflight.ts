/**
 * Checks before `up` applies anything, each a warning line with the fix: the HPA needs
 * metrics-server, the pods need their images on the node, and the nodes need room for the
 * swarm's CPU requests with the target at the HPA's maximum.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { Cluster } from './cluster.js';
import type { Manifest } from './manifests.js';
import type { Print } from './rollout.js';
import { HTTP_FORBIDDEN, causeStatus } from './errors.js';

/** metrics-server registers this API; the HPA reads pod CPU through it. */
export const METRICS_API_SERVICE = 'v1beta1.metrics.k8s.io';
const FINISHED_PHASES = new Set(['Succeeded', 'Failed']);
const PART_OF = 'app.kubernetes.io/part-of';

type Json = Record<string, any>; // rendered manifests are checked against the schema already

export async function preflight(cluster: Cluster, manifests: readonly Manifest[], print: Print): Promise<void> {
  await unlessForbidden('metrics-server', print, () => checkMetricsServer(cluster, print));
  await unlessForbidden('the images and CPU on the nodes', print, async () => {
    const nodes = await cluster.listNodes();
    checkImages(nodes, manifests, print);
    checkCpu(nodes, await cluster.listAllPods(), manifests, print);
  });
}

/**
 * The checks read cluster-scoped objects (APIServices, nodes, every namespace's pods): a user whose
 * RBAC stops at the namespace can still deploy, so a 403 skips the check, with one line saying so.
 */
async function unlessForbidden(what: string, print: Print, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    const status = causeStatus(error);
    if (status?.code !== HTTP_FORBIDDEN) throw error;
    print(`preflight: cannot check ${what} (403 ${status.reason}): ${status.message}`);
  }
}

async function checkMetricsServer(cluster: Cluster, print: Print): Promise<void> {
  const service = await cluster.findApiService(METRICS_API_SERVICE);
  if (!service) {
    print(`preflight: metrics-server is not installed, so the HPA cannot read CPU and will never scale: minikube addons enable metrics-server`);
    return;
  }
  const available = service.status?.conditions?.find((c) => c.type === 'Available');
  if (available?.status !== 'True') {
    print(`preflight: metrics-server is installed but not available (${available?.reason ?? 'no status yet'}): the HPA acts once it is (kubectl -n kube-system get pods -l k8s-app=metrics-server)`);
  }
}

/** `docker.io/library/locust-ts:0.2.0` and `locust-ts:0.2.0` are the same image. */
export function normalizeImage(name: string): string {
  return name.replace(/^docker\.io\/(library\/)?/, '');
}

/**
 * Built by `pnpm kube image` into the node (no registry or organisation in the name), as opposed
 * to pulled from a registry like `locustio/locust`.
 */
export function isLocalImage(name: string): boolean {
  return !normalizeImage(name).includes('/');
}

/** Images built locally must already be on a node. */
function checkImages(nodes: readonly V1Node[], manifests: readonly Manifest[], print: Print): void {
  const onNodes = new Set(nodes.flatMap((n) => n.status?.images ?? []).flatMap((i) => i.names ?? []).map(normalizeImage));
  const local = new Set(workloads(manifests).flatMap((w) => containers(w)).map((c) => String(c.image)).filter(isLocalImage));
  for (const image of local) {
    if (!onNodes.has(image)) {
      print(`preflight: image ${image} is not on the node${nodes.length === 1 ? '' : 's'}: run pnpm kube image first (else its pods wait in ErrImagePull/ImagePullBackOff)`);
    }
  }
}

/** Millicores of a Kubernetes CPU quantity (`250m`, `1`, `0.5`). */
export function milliCpu(quantity: unknown): number {
  const text = String(quantity ?? '0');
  return text.endsWith('m') ? Number(text.slice(0, -1)) : Math.round(Number(text) * 1000);
}

/** CPU the swarm requests with every Deployment at its count and the HPA's target at its maximum. */
export function cpuBudget(manifests: readonly Manifest[]): { total: number; parts: string[] } {
  const hpaMax = new Map<string, number>();
  for (const m of manifests.filter((o) => o.kind === 'HorizontalPodAutoscaler') as Json[]) hpaMax.set(m.spec.scaleTargetRef.name, m.spec.maxReplicas);
  let total = 0;
  const parts: string[] = [];
  for (const w of workloads(manifests)) {
    const perPod = containers(w).reduce((sum, c) => sum + milliCpu(c.resources?.requests?.cpu), 0);
    const count = hpaMax.get(w.metadata.name) ?? (w.kind === 'Job' ? 1 : (w.spec.replicas ?? 1));
    total += perPod * count;
    parts.push(`${w.metadata.name} ${count}x${perPod}m`);
  }
  return { total, parts };
}

function checkCpu(nodes: readonly V1Node[], pods: readonly V1Pod[], manifests: readonly Manifest[], print: Print): void {
  const allocatable = nodes.reduce((sum, n) => sum + milliCpu(n.status?.allocatable?.cpu), 0);
  if (allocatable === 0) return; // a node without status: nothing to compare against
  const others = pods
    .filter((p) => p.metadata?.labels?.[PART_OF] !== 'locust-ts' && !FINISHED_PHASES.has(p.status?.phase ?? ''))
    .flatMap((p) => p.spec?.containers ?? [])
    .reduce((sum, c) => sum + milliCpu(c.resources?.requests?.cpu), 0);
  const free = allocatable - others;
  const { total, parts } = cpuBudget(manifests);
  const summary = `${total}m CPU requested at the HPA's maximum (${parts.join(', ')}); ${free}m free of ${allocatable}m allocatable`;
  if (total > free) print(`preflight: not enough CPU: ${summary}: minikube start --cpus 4 (or more), or lower --workers`);
  else print(`preflight: ${summary}`);
}

function workloads(manifests: readonly Manifest[]): Json[] {
  return manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'Job') as Json[];
}

function containers(workload: Json): Json[] {
  return workload.spec?.template?.spec?.containers ?? [];
}
