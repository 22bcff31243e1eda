/** The four commands: up, scale, status, down. Each prints progress lines through `print`. */
import { Cluster } from './cluster.js';
import { resolveTarget, type ClusterTarget, type TargetOptions } from './kubeconfig.js';
import { inApplyOrder, loadManifests, objectRef, withReplicas, type Manifest } from './manifests.js';
import { desiredReplicas, isRolledOut, waitForRollouts, type Print } from './rollout.js';
import { describeUiUrl } from './ui-url.js';
import { DeployError } from './errors.js';
import {
  BASE_MANIFESTS,
  PYTHON_WORKERS_MANIFESTS,
  PYTHON_WORKER_DEPLOYMENT,
  WORKER_DEPLOYMENT,
} from './constants.js';

export interface CommandOptions extends TargetOptions {
  readonly workers?: number;
  readonly pythonWorkers?: number;
  readonly timeoutS: number;
  /** A kustomization directory to use instead of the shipped manifests. */
  readonly manifests?: string;
}

function connect(options: CommandOptions, print: Print): { target: ClusterTarget; cluster: Cluster } {
  const target = resolveTarget(options);
  print(`context ${target.context}, namespace ${target.namespace}, API server ${target.server}`);
  return { target, cluster: new Cluster(target) };
}

/** The objects `up` applies: the base swarm, plus Python workers when asked for. */
function manifestsFor(options: CommandOptions): Manifest[] {
  const dir = options.manifests ?? (options.pythonWorkers !== undefined ? PYTHON_WORKERS_MANIFESTS : BASE_MANIFESTS);
  const replicas = new Map<string, number | undefined>([
    [WORKER_DEPLOYMENT, options.workers],
    [PYTHON_WORKER_DEPLOYMENT, options.pythonWorkers],
  ]);
  return inApplyOrder(
    loadManifests(dir).map(({ object }) => {
      const count = object.kind === 'Deployment' ? replicas.get(object.metadata.name) : undefined;
      return count === undefined ? object : withReplicas(object, count);
    }),
  );
}

export async function up(options: CommandOptions, print: Print): Promise<void> {
  const manifests = manifestsFor(options);
  const { cluster } = connect(options, print);
  for (const manifest of manifests) {
    await cluster.apply(manifest);
    print(`applied ${objectRef(manifest)} (server-side)`);
  }
  const deployments = manifests.filter((m) => m.kind === 'Deployment').map((m) => m.metadata.name);
  await waitForRollouts(cluster, deployments, options.timeoutS, print);
  print(await describeUiUrl(cluster));
}

export async function scale(options: CommandOptions, print: Print): Promise<void> {
  const targets: [string, number][] = [];
  if (options.workers !== undefined) targets.push([WORKER_DEPLOYMENT, options.workers]);
  if (options.pythonWorkers !== undefined) targets.push([PYTHON_WORKER_DEPLOYMENT, options.pythonWorkers]);
  if (targets.length === 0) throw new DeployError('scale needs --workers N (and/or --python-workers N)');
  const { cluster } = connect(options, print);
  for (const [name] of targets) {
    if (!(await cluster.findDeployment(name))) {
      throw new DeployError(`deployment/${name} not found in namespace ${cluster.namespace}: run pnpm kube up first`);
    }
  }
  for (const [name, replicas] of targets) {
    await cluster.scaleDeployment(name, replicas);
    print(`scaled deployment/${name} to ${replicas}`);
  }
  await waitForRollouts(cluster, targets.map(([name]) => name), options.timeoutS, print);
}

export async function status(options: CommandOptions, print: Print): Promise<void> {
  const { cluster } = connect(options, print);
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
  }
  for (const hpa of await cluster.listAutoscalers()) {
    const cpu = hpa.status?.currentMetrics?.find((m) => m.type === 'Resource')?.resource?.current.averageUtilization;
    print(
      `horizontalpodautoscaler/${hpa.metadata?.name}: ${hpa.status?.currentReplicas ?? 0} replicas ` +
        `(min ${hpa.spec?.minReplicas ?? 1}, max ${hpa.spec?.maxReplicas}), CPU ${cpu === undefined ? 'unknown' : `${cpu}%`}`,
    );
  }
  print(await describeUiUrl(cluster));
}

export async function down(options: CommandOptions, print: Print): Promise<void> {
  // Everything `up` may have created, with or without the Python workers.
  const dirs = options.manifests ? [options.manifests] : [PYTHON_WORKERS_MANIFESTS];
  const manifests = inApplyOrder(dirs.flatMap((dir) => loadManifests(dir).map((s) => s.object))).reverse();
  const { cluster } = connect(options, print);
  for (const manifest of manifests) {
    const deleted = await cluster.remove(manifest);
    print(deleted ? `deleted ${objectRef(manifest)}` : `${objectRef(manifest)} not found (already gone)`);
  }
}
