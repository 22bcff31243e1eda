/** up, scale, down: what gets applied and removed. Each prints progress lines through `print`. */
import { Cluster } from './cluster.js';
import { resolveTarget, type ClusterTarget, type TargetOptions } from './kubeconfig.js';
import { inApplyOrder, objectRef, renderManifests, withReplicas, type Manifest } from './manifests.js';
import { waitForRollouts, type Print } from './rollout.js';
import { preflight } from './preflight.js';
import { describeUiUrl } from './ui-url.js';
import { DeployError } from './errors.js';
import { BASE_MANIFESTS, PYTHON_WORKERS_MANIFESTS, PYTHON_WORKER_DEPLOYMENT, WORKER_DEPLOYMENT } from './constants.js';

export interface CommandOptions extends TargetOptions {
  readonly workers?: number;
  readonly pythonWorkers?: number;
  readonly timeoutS: number;
  /** A kustomization directory to use instead of the shipped manifests. */
  readonly manifests?: string;
}

export function connect(options: TargetOptions, print: Print): { target: ClusterTarget; cluster: Cluster } {
  const target = resolveTarget(options);
  print(`context ${target.context}, namespace ${target.namespace}, API server ${target.server}`);
  return { target, cluster: new Cluster(target) };
}

function manifestDir(options: CommandOptions): string {
  return options.manifests ?? (options.pythonWorkers !== undefined ? PYTHON_WORKERS_MANIFESTS : BASE_MANIFESTS);
}

/**
 * Worker counts: the flag if given, else what runs now (a `pnpm kube scale` survives a re-apply),
 * else the manifest's.
 */
async function workerCounts(cluster: Cluster, options: CommandOptions): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const [name, flag] of [[WORKER_DEPLOYMENT, options.workers], [PYTHON_WORKER_DEPLOYMENT, options.pythonWorkers]] as const) {
    const live = flag === undefined ? (await cluster.findDeployment(name))?.spec?.replicas : undefined;
    const count = flag ?? live;
    if (count !== undefined) counts.set(name, count);
  }
  return counts;
}

export async function up(options: CommandOptions, print: Print): Promise<void> {
  // Rendered and schema-checked before the cluster is even contacted: a typo costs no write.
  const rendered = renderManifests(manifestDir(options));
  const { cluster } = connect(options, print);
  const counts = await workerCounts(cluster, options);
  const manifests = inApplyOrder(
    rendered.map((m) => (m.kind === 'Deployment' && counts.has(m.metadata.name) ? withReplicas(m, counts.get(m.metadata.name)!) : m)),
  );
  await preflight(cluster, manifests, print);
  for (const manifest of manifests) {
    await cluster.apply(manifest);
    print(`applied ${objectRef(manifest)} (server-side)`);
  }
  const deployments = manifests.filter((m) => m.kind === 'Deployment').map((m) => m.metadata.name);
  await waitForRollouts(cluster, deployments, options.timeoutS, print);
  await pruneConfigMaps(cluster, manifests, print);
  print(await describeUiUrl(cluster));
}

/**
 * Generated ConfigMaps get a new name for each locustfile edit; once the pods run the new one,
 * the old generations are garbage. Only ConfigMaps of the swarm are touched.
 */
async function pruneConfigMaps(cluster: Cluster, manifests: readonly Manifest[], print: Print): Promise<void> {
  const current = manifests.filter((m) => m.kind === 'ConfigMap').map((m) => m.metadata.name);
  const generatedFrom = (name: string): string | undefined => /^(.*)-[a-z0-9]{10}$/.exec(name)?.[1];
  const families = new Set(current.map(generatedFrom).filter((f): f is string => f !== undefined));
  for (const cm of await cluster.listConfigMaps()) {
    const name = cm.metadata?.name ?? '';
    const family = generatedFrom(name);
    if (family && families.has(family) && !current.includes(name)) {
      await cluster.deleteConfigMap(name);
      print(`deleted configmap/${name} (an older locustfile)`);
    }
  }
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

export async function down(options: CommandOptions, print: Print): Promise<void> {
  // Everything `up` may have created, with or without the Python workers.
  const manifests = inApplyOrder(renderManifests(options.manifests ?? PYTHON_WORKERS_MANIFESTS)).reverse();
  const { cluster } = connect(options, print);
  for (const manifest of manifests) {
    const deleted = await cluster.remove(manifest);
    print(deleted ? `deleted ${objectRef(manifest)}` : `${objectRef(manifest)} not found (already gone)`);
  }
  await pruneConfigMaps(cluster, manifests, print);
}
