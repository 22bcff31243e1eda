/**
 * The Scaling tab in Debian's Chromium: a local locust-ts run with `--watch-scale` against the
 * Kubernetes API stand-in, while the stand-in's scenario scales the target 1 → 3. The tab shows
 * the replicas and CPU charts and the scale events; the header shows ready/desired replicas. The
 * screenshot (test-output/scaling-tab.png) is what docs/scaling-tab.png in the README came from.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebUiBuilt } from '@locust-ts/webui';
import { killAll, startBin } from '@locust-ts/test-support/process';
import { startTestCluster, type TestCluster } from '../k8s/api/harness.js';
import { ScaleScenario } from '../k8s/api/scale-scenario.js';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { REPO_ROOT } from '@locust-ts/test-support/paths';
import { NO_CONTROLLER_TICKS, clusterEnv, waitForScale } from '../scale/helpers.js';
import { type Browser, launchChromium, waitForText as waitForPageText } from '@locust-ts/test-support/chromium';

const SCREENSHOT = join(REPO_ROOT, 'test-output/scaling-tab.png');
/** Hang guards (a loaded 2-core machine: a UI build, process start-up). */
const STEP_TIMEOUT_MS = 30_000;
const SETUP_TIMEOUT_MS = 180_000;
const TEST_TIMEOUT_MS = 180_000;
const runs = useBinRuns('scaling-tab-');
let cluster: TestCluster;
let browser: Browser | undefined;

beforeAll(async () => {
  await ensureWebUiBuilt(() => {});
  cluster = await startTestCluster({ tickMs: NO_CONTROLLER_TICKS });
  browser = await launchChromium({ width: 1400, height: 1100 });
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  killAll();
  await cluster?.dispose();
});

const waitForText = (page: Page, re: RegExp, what: string) => waitForPageText(page, re, what, STEP_TIMEOUT_MS);

describe('the Scaling tab in Chromium', () => {
  it('shows the replica chart, the events and ready/desired replicas in the header during a pulse', async () => {
    const scenario = new ScaleScenario(cluster.api, { deployment: 'fastapi', otherMetrics: true }).install();
    const run = startBin(
      ['-f', 'examples/locustfile.ts', '--autostart', '-u', '5', '-r', '5', '--web-host', '127.0.0.1', '--web-port', '0', '-H', runs.targetUrl, '--watch-scale', 'fastapi', '--assert-scale', 'ready>=3 within 120s'],
      { env: clusterEnv(cluster) },
    );
    const [, url] = await run.waitFor(/Starting web interface at (http:\/\/127\.0\.0\.1:\d+)/, SETUP_TIMEOUT_MS);
    await waitForScale(url, (v) => v.samples.some((s) => s.userCount > 0 && s.readyPods === 1), 'users and the first full sample', SETUP_TIMEOUT_MS);

    const page = await browser!.context.newPage();
    await page.goto(`${url}/?tab=scaling`);
    await waitForText(page, /Deployment fastapi \(namespace default\)/, 'the Scaling tab');
    await waitForText(page, /Replicas\s*1\/1/, 'replicas 1/1 in the header');
    // the pulse: the HPA decides 3, pods start, then become ready
    scenario.scaleTo(3, 92);
    await waitForText(page, /SuccessfulRescale/, 'the SuccessfulRescale event');
    await waitForText(page, /New size: 3; reason: cpu resource utilization/, "the event's message");
    await waitForText(page, /Replicas\s*1\/3/, 'replicas 1/3 in the header');
    scenario.podsRunning();
    await page.waitForTimeout(2_500); // a visible step on the chart (screenshot only; no assertion depends on it)
    scenario.podsReady();
    await waitForText(page, /Replicas\s*3\/3/, 'replicas 3/3 in the header');
    await waitForText(page, /PASS\s*ready>=3 within 120s/, 'the assertion passed');
    // the charts are drawn (echarts renders into a canvas) with the replicas series
    expect(await page.locator('[data-testid="scale-replicas-chart"] canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="scale-cpu-chart"] canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="scale-metrics-chart"] canvas').count()).toBeGreaterThan(0);
    // the HPA's other metrics, current vs target in their own units (the stand-in's values)
    const metrics = (await page.locator('[data-testid="scale-hpa-metrics"] tbody tr').allInnerTexts()).map((r) => r.split(/\t|\n/).filter(Boolean));
    expect(metrics).toEqual([
      ['cpu', 'Resource (Utilization)', '92%', '70%'],
      ['memory', 'Resource (AverageValue)', '200Mi', '400Mi'],
      ['packets-per-second', 'Pods (AverageValue)', '300', '1k'],
      ['requests-per-second (Ingress/main-route)', 'Object (Value)', '2k', '10k'],
      ['queue_messages_ready', 'External (AverageValue)', '—', '30'],
      ['application/cpu', 'ContainerResource (Utilization)', '25%', '60%'],
    ]);
    const events = await page.locator('[data-testid="scale-events"] tbody tr').allInnerTexts();
    expect(events.some((e) => e.includes('ScalingReplicaSet') && e.includes('Deployment/fastapi'))).toBe(true);
    await page.waitForTimeout(2_500); // let the next poll draw the ready step (screenshot only)
    mkdirSync(join(REPO_ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    scenario.stop();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, TEST_TIMEOUT_MS);
});
