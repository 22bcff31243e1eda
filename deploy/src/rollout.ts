/**
 * Waits until Deployments have rolled out — the same test as `kubectl rollout status`: the
 * controller saw the newest spec, every replica runs it, none of the old ones are left, and all
 * are available — printing progress whenever it changes (and every few seconds regardless), and
 * each pod-level reason (image, scheduling, crash loop) as soon as it appears.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { DeployError } from './errors.js';
import { PROGRESS_REPEAT_MS, ROLLOUT_POLL_MS } from './constants.js';
import { deploymentProblems, type PodProblem } from './pod-reasons.js';
import type { Cluster } from './cluster.js';

export type Print = (line: string) => void;

export function desiredReplicas(d: V1Deployment): number {
  return d.spec?.replicas ?? 1;
}

export function isRolledOut(d: V1Deployment): boolean {
  const desired = desiredReplicas(d);
  const status = d.status ?? {};
  const observed = (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1);
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  return observed && updated >= desired && total === updated && available >= desired;
}

function progressOf(d: V1Deployment): string {
  return `${d.metadata?.name} ${d.status?.readyReplicas ?? 0}/${desiredReplicas(d)}`;
}

export async function waitForRollouts(cluster: Cluster, names: readonly string[], timeoutS: number, print: Print): Promise<void> {
  const started = Date.now();
  const deadline = started + timeoutS * 1000;
  let lastLine = '';
  let lastPrinted = 0;
  const reported = new Set<string>();
  let problems: PodProblem[] = [];
  for (;;) {
    const deployments = await Promise.all(names.map((name) => cluster.readDeployment(name)));
    const pending = deployments.filter((d) => !isRolledOut(d));
    const line = deployments.map(progressOf).join(', ');
    const now = Date.now();
    if (pending.length === 0) {
      print(`rolled out: ${line} ready (${((now - started) / 1000).toFixed(1)}s)`);
      return;
    }
    if (line !== lastLine || now - lastPrinted >= PROGRESS_REPEAT_MS) {
      print(`waiting for rollout: ${line} ready (${Math.round((now - started) / 1000)}s)`);
      lastLine = line;
      lastPrinted = now;
    }
    problems = (await Promise.all(pending.map((d) => deploymentProblems(cluster, d.spec?.selector?.matchLabels)))).flat();
    for (const problem of problems) {
      // Once per pod and reason: a pod stuck on the same thing is not news every half second.
      const key = `${problem.pod}/${problem.reason}`;
      if (!reported.has(key)) print(problem.line);
      reported.add(key);
    }
    if (now >= deadline) {
      const stuck = pending.map(progressOf).join(', ');
      const first = pending[0].metadata?.name ?? '';
      const why = problems[0]?.line ?? `\`kubectl describe deployment ${first}\` and its pods' events say why`;
      throw new DeployError(`rollout not finished after ${timeoutS}s (${stuck} ready): ${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(ROLLOUT_POLL_MS, Math.max(0, deadline - now))));
  }
}
