/** status [--watch] and logs master|worker: what runs, and what it says. */
import { connect } from './commands.js';
import { desiredReplicas, isRolledOut, type Print } from './rollout.js';
import { deploymentProblems } from './pod-reasons.js';
import { describeUiUrl } from './ui-url.js';
import { DeployError } from './errors.js';
import type { Cluster } from './cluster.js';
import type { TargetOptions } from './kubeconfig.js';

export interface StatusOptions extends TargetOptions {
  readonly watch?: boolean;
}

/** How often `status --watch` repeats itself. */
const WATCH_INTERVAL_MS = 2_000;

async function report(cluster: Cluster, print: Print): Promise<void> {
  const deployments = await cluster.listDeployments();
  if (deployments.length === 0) {
    print(`nothing deployed in namespace ${cluster.namespace} (run pnpm kube up)`);
    return;
  }
  for (const d of deployments) {
    const s = d.status ?? {};
    const state = isRolledOut(d) ? 'ready' : 'rolling out';
    print(
      `deployment/${d.metadata?.name}: ${s.readyReplicas ?? 0}/${desiredReplicas(d)} ready, ` +
        `${s.updatedReplicas ?? 0} up-to-date, ${s.availableReplicas ?? 0} available (${state})`,
    );
    if (!isRolledOut(d)) for (const problem of await deploymentProblems(cluster, d.spec?.selector?.matchLabels)) print(`  ${problem.line}`);
  }
  for (const hpa of await cluster.listAutoscalers()) {
    const metric = hpa.status?.currentMetrics?.find((m) => m.type === 'Resource')?.resource?.current.averageUtilization;
    const target = hpa.spec?.metrics?.find((m) => m.type === 'Resource')?.resource?.target.averageUtilization;
    print(
      `horizontalpodautoscaler/${hpa.metadata?.name}: ${hpa.status?.currentReplicas ?? 0} replicas ` +
        `(desired ${hpa.status?.desiredReplicas ?? 0}, min ${hpa.spec?.minReplicas ?? 1}, max ${hpa.spec?.maxReplicas}), ` +
        `CPU ${metric === undefined ? 'unknown' : `${metric}%`}${target === undefined ? '' : ` of ${target}%`}`,
    );
  }
  print(await describeUiUrl(cluster));
}

export async function status(options: StatusOptions, print: Print): Promise<void> {
  const { cluster } = connect(options, print);
  await report(cluster, print);
  if (!options.watch) return;
  // Until Ctrl-C, as `kubectl get -w`.
  const stop = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  for (;;) {
    const stopped = await Promise.race([stop.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), WATCH_INTERVAL_MS))]);
    if (stopped) return;
    print(`--- ${new Date().toISOString().slice(11, 19)}`);
    await report(cluster, print);
  }
}

export interface LogsOptions extends TargetOptions {
  readonly role: string;
  readonly tail: number;
}

/** The roles `logs` knows, as the manifests label them. */
const ROLE_SELECTORS: Readonly<Record<string, string>> = {
  master: 'app=locust,role=master',
  worker: 'app=locust,role=worker',
  target: 'app=fastapi',
};

export async function logs(options: LogsOptions, print: Print): Promise<void> {
  const selector = ROLE_SELECTORS[options.role];
  if (!selector) throw new DeployError(`logs needs master, worker or target, got "${options.role}"`);
  const { cluster } = connect(options, print);
  const pods = await cluster.listPods(selector);
  if (pods.length === 0) throw new DeployError(`no ${options.role} pods in namespace ${cluster.namespace} (pnpm kube status)`);
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '?';
    const text = await cluster.podLog(name, { tailLines: options.tail });
    const lines = (text ?? '').split('\n').filter(Boolean);
    if (lines.length === 0) print(`[${name}] (no log yet)`);
    for (const line of lines) print(`[${name}] ${line}`);
  }
}
