/**
 * Why a pod is not Ready, in one line with what to do: the reasons `kubectl describe pod` would
 * show (image pull errors, the scheduler's message, a crash loop with its last log lines), read
 * while a rollout waits so nobody has to wait for the timeout to find out.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Cluster } from './cluster.js';
import { isLocalImage } from './preflight.js';

/** Image problems: the pod waits forever until the image exists where the node can find it. */
const IMAGE_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'ErrImageNeverPull', 'InvalidImageName']);
const CRASH_REASON = 'CrashLoopBackOff';
const LOG_LINES = 5;

export interface PodProblem {
  readonly pod: string;
  readonly reason: string;
  /** The whole line to print, fix included. */
  readonly line: string;
}

/** The first reason a pod is held back, or undefined when it is merely starting. */
export async function podProblem(cluster: Cluster, pod: V1Pod): Promise<PodProblem | undefined> {
  const name = pod.metadata?.name ?? '?';
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return {
      pod: name,
      reason: 'Unschedulable',
      line: `pod ${name} is unschedulable: ${oneLine(scheduled.message ?? '')} (give the node more CPU or memory, e.g. minikube start --cpus 4 --memory 6g, or lower --workers)`,
    };
  }
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (!waiting?.reason) continue;
    if (IMAGE_REASONS.has(waiting.reason)) {
      return {
        pod: name,
        reason: waiting.reason,
        line: `pod ${name}: ${waiting.reason} for image ${status.image}${waiting.message ? ` (${oneLine(waiting.message)})` : ''}: ${imageFix(status.image)}`,
      };
    }
    if (waiting.reason === CRASH_REASON) {
      const log = await cluster.podLog(name, { previous: true, tailLines: LOG_LINES, container: status.name });
      const tail = (log ?? '').trim().split('\n').filter(Boolean).slice(-LOG_LINES).join(' | ');
      return {
        pod: name,
        reason: CRASH_REASON,
        line: `pod ${name}: ${CRASH_REASON} (${status.restartCount ?? 0} restarts), last log lines: ${tail || '(none)'}`,
      };
    }
  }
  return undefined;
}

/** Problems of the pods a Deployment selects (its `matchLabels`). */
export async function deploymentProblems(cluster: Cluster, matchLabels: Record<string, string> | undefined): Promise<PodProblem[]> {
  const selector = Object.entries(matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  if (!selector) return [];
  const problems: PodProblem[] = [];
  for (const pod of await cluster.listPods(selector)) {
    const problem = await podProblem(cluster, pod);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Our two images come from `pnpm kube image`; any other one from a registry the node must reach. */
function imageFix(image: string): string {
  if (isLocalImage(image)) return 'the image is not on the node; build and load it with pnpm kube image';
  return `the node cannot pull it: check the name and the node's access to its registry (offline: minikube image load ${image})`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
