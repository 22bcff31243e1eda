/**
 * `--watch-scale DEPLOYMENT`, `--kube-namespace`, `--kube-context`, `--assert-scale EXPR`: checked
 * with the other flags (a malformed expression is a usage error, exit 2), then turned into the
 * master's scale watch with a Kubernetes source. client-node is imported only when a run asks.
 */
// the assertions module alone: options are parsed before any run loads the master
import { ScaleAssertionSyntaxError, parseScaleAssertion, type ScaleAssertion } from '@locust-ts/master/scale-assertions';
import type { ScaleWatchOptions } from '@locust-ts/master';
import { ScaleOptionError } from '@locust-ts/protocol';

export interface ScaleWatchCliOptions {
  watchScale: string | null;
  kubeNamespace: string | null;
  kubeContext: string | null;
  assertScale: ScaleAssertion[];
}

/** Thrown as the CLI's usage error by the caller (one `locust-ts: error:` line, exit 2). */
export { ScaleOptionError };

export function scaleWatchOptions(v: Record<string, unknown>): ScaleWatchCliOptions {
  const expressions = (v.assert_scale as string[] | null) ?? [];
  const assertScale = expressions.map((expr) => {
    try {
      return parseScaleAssertion(expr);
    } catch (error) {
      if (error instanceof ScaleAssertionSyntaxError) throw new ScaleOptionError(error.message);
      throw error;
    }
  });
  const watchScale = (v.watch_scale as string | null) ?? null;
  if (assertScale.length > 0 && !watchScale) throw new ScaleOptionError("'--assert-scale' requires '--watch-scale DEPLOYMENT'");
  return { watchScale, kubeNamespace: (v.kube_namespace as string | null) ?? null, kubeContext: (v.kube_context as string | null) ?? null, assertScale };
}

/**
 * The master's `scaleWatch` option, or null. A kubeconfig problem is one warning and no watch:
 * the run goes on without it.
 */
export async function scaleWatchFor(options: ScaleWatchCliOptions, warn: (line: string) => void): Promise<ScaleWatchOptions | null> {
  if (!options.watchScale) return null;
  // the installed package has client-node as an optional peer dependency: one line when it is absent
  const { KubeScaleWatch, KubeConfigError, resolveCluster } = await import('@locust-ts/kube-watch').catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes('@kubernetes/client-node')) {
      throw new Error(`'--watch-scale' needs the package @kubernetes/client-node beside locust-ts: npm i -D @kubernetes/client-node@~1.4.0`);
    }
    throw error;
  });
  try {
    const cluster = resolveCluster({ context: options.kubeContext, namespace: options.kubeNamespace });
    return { source: new KubeScaleWatch(cluster, options.watchScale), assertions: options.assertScale };
  } catch (error) {
    if (!(error instanceof KubeConfigError)) throw error;
    warn(`scale watch: ${error.message}; the run goes on without it`);
    // the assertions still run (and fail: nothing was measured), so CI notices
    return { source: unavailableSource(options), assertions: options.assertScale };
  }
}

function unavailableSource(options: ScaleWatchCliOptions): ScaleWatchOptions['source'] {
  return {
    deployment: options.watchScale ?? '',
    namespace: options.kubeNamespace ?? 'default',
    start: () => undefined,
    stop: async () => undefined,
  };
}
