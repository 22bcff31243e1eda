/** Shared by the scale-watch tests: the stand-in cluster's env for the bin, and `/scale` reads. */
import type { ScaleView } from '../../packages/master/src/index.js';
import { cleanEnv } from '../../packages/cli/src/testing/processes.js';
import type { TestCluster } from '../k8s-api/harness.js';
import { sleep } from './wait.js';

/** The bin's environment: the stand-in's kubeconfig, HOME in its temp dir (never the real ~/.kube). */
export function clusterEnv(cluster: TestCluster, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({ KUBECONFIG: cluster.kubeconfig, HOME: cluster.dir, ...extra });
}

export async function getScale(baseUrl: string): Promise<ScaleView> {
  const res = await fetch(`${baseUrl}/scale`);
  if (!res.ok) throw new Error(`GET /scale answered ${res.status}`);
  return (await res.json()) as ScaleView;
}

/** Polls `/scale` until `check` holds (a hang guard, not a timing assertion). */
export async function waitForScale(baseUrl: string, check: (v: ScaleView) => boolean, what: string, timeoutMs = 30_000): Promise<ScaleView> {
  const deadline = Date.now() + timeoutMs;
  let last: ScaleView | null = null;
  while (Date.now() < deadline) {
    last = await getScale(baseUrl);
    if (check(last)) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; last /scale: ${JSON.stringify(last).slice(-1500)}`);
}
