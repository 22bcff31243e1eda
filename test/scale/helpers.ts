/** Shared by the scale-watch tests: the stand-in cluster's env for the bin, and `/scale` reads. */
import type { ScaleView } from '@locust-ts/master';
import { afterAll, beforeAll } from 'vitest';
import { cleanEnv, killAll } from '@locust-ts/test-support/process';
import { startTestCluster, type TestCluster } from '../k8s/api/harness.js';
import type { KubeApiOptions } from '../k8s/api/server.js';
import { pollUntil } from '@locust-ts/test-support/wait';

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
export function waitForScale(baseUrl: string, check: (v: ScaleView) => boolean, what: string, timeoutMs = 30_000): Promise<ScaleView> {
  return pollUntil(() => getScale(baseUrl), check, what, { timeoutMs, pollMs: 100, show: (v) => `/scale ${JSON.stringify(v).slice(-1500)}` });
}

/** The built-in controller never ticks: a ScaleScenario alone moves the target. */
export const NO_CONTROLLER_TICKS = 3_600_000;

/**
 * One API stand-in for a test file (beforeAll/afterAll). At the end every bin still running is
 * killed first: a live watch would keep reconnecting to the closing server.
 */
export function useScaleCluster(options: Omit<KubeApiOptions, 'pki'> = {}): { readonly cluster: TestCluster } {
  const holder = {} as { cluster: TestCluster };
  beforeAll(async () => {
    holder.cluster = await startTestCluster({ tickMs: NO_CONTROLLER_TICKS, ...options });
  });
  afterAll(async () => {
    killAll();
    await holder.cluster?.dispose();
  });
  return holder;
}
