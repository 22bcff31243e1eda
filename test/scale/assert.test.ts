/**
 * `--assert-scale` through the real bin and the Kubernetes API stand-in: met → exit 0, unmet →
 * exit 3 with the failing expression and what was measured, `after stop` keeps watching the
 * scale-down after the load ended, a malformed expression → one usage line, exit 2.
 */
import { describe, expect, it } from 'vitest';
import { runBin, startBin } from '@locust-ts/test-support/process';
import { ScaleScenario } from '../k8s/api/scale-scenario.js';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { clusterEnv, useScaleCluster } from './helpers.js';

const LOCUSTFILE = 'examples/locustfile.ts';
/** Hang guards only (a loaded 2-core machine starts bins slowly). */
const RUN_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 180_000;
const runs = useBinRuns('scale-assert-');
const k8s = useScaleCluster();

function headless(deployment: string, runTime: string, assertions: string[]): string[] {
  return [
    '-f', LOCUSTFILE, '--headless', '-u', '2', '-r', '2', '-t', runTime, '-H', runs.targetUrl, '--only-summary',
    '--watch-scale', deployment, ...assertions.flatMap((a) => ['--assert-scale', a]),
  ];
}

describe('--assert-scale', () => {
  it('a malformed expression is one usage line and exit 2', async () => {
    const [bad, unknown, alone] = await Promise.all([
      runBin(['-f', LOCUSTFILE, '--headless', '--watch-scale', 'fastapi', '--assert-scale', 'replicas>>3 within 90s']),
      runBin(['-f', LOCUSTFILE, '--headless', '--watch-scale', 'fastapi', '--assert-scale', 'pods>=3 within 1 fortnight']),
      runBin(['-f', LOCUSTFILE, '--headless', '--assert-scale', 'ready>=3 within 90s']),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.output.trim()).toBe(
      "locust-ts: error: invalid --assert-scale 'replicas>>3 within 90s': expected e.g. 'replicas>=3 within 90s' or 'replicas<=1 within 300s after stop'",
    );
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(/^locust-ts: error: invalid --assert-scale 'pods>=3 within 1 fortnight'/);
    expect(alone.code).toBe(2);
    expect(alone.output.trim()).toBe("locust-ts: error: '--assert-scale' requires '--watch-scale DEPLOYMENT'");
  });

  it('unmet → exit 3 with the failing expression; met, and met after stop → exit 0', async () => {
    const { cluster } = k8s;
    new ScaleScenario(cluster.api, { deployment: 'steady' }).install();
    const shrinking = new ScaleScenario(cluster.api, { deployment: 'shrinking' }).install();
    shrinking.scaleTo(3, 95);
    shrinking.podsRunning();
    shrinking.podsReady();

    const unmet = startBin(headless('steady', '3s', ['replicas>=5 within 2s', 'ready>=1 within 30s']), { env: clusterEnv(cluster) });
    const afterStop = startBin(headless('shrinking', '2s', ['replicas<=1 within 60s after stop']), { env: clusterEnv(cluster) });
    // the run ended by its run time, the assertion is open: the master keeps watching the scale-down
    await afterStop.waitFor(/Load stopped; watching the scale-down for up to \d+s \('replicas<=1 within 60s after stop'\)/, RUN_TIMEOUT_MS);
    shrinking.scaleTo(1, 5);

    expect(await unmet.exited).toBe(3);
    expect(unmet.output()).toContain("FAIL --assert-scale 'replicas>=5 within 2s': max 1 within 2s");
    expect(unmet.output()).toMatch(/PASS --assert-scale 'ready>=1 within 30s': 1 at \+\d+\.\ds/);
    expect(unmet.output()).toContain('Shutting down (exit code 3: --assert-scale failed)');

    expect(await afterStop.exited).toBe(0);
    expect(afterStop.output()).toMatch(/PASS --assert-scale 'replicas<=1 within 60s after stop': 1 at \+\d+\.\ds/);
    expect(afterStop.output()).toMatch(/scale-down after the load ended: \d+\.\ds/);
  }, TEST_TIMEOUT_MS);
});
