/**
 * `--html` writes Locust's own report page (the locust-ui React report, as the newest Locust
 * renders `report.html`): the file name's `{u}`, `{r}`, `{t}` become users, spawn rate and run
 * time, and the saved file opens from disk in Chromium — title, the run's request rows and the
 * three charts drawn from the run's history, and the Edges section — with nothing loaded from
 * anywhere; with a scale watch, its Scaling section draws the replicas.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Events, RequestStats, createEnvironment } from '@locust-ts/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ClusterSnapshot, type ScaleListener, ScaleRecorder, renderHtmlReport } from '@locust-ts/master';
import { runBin } from '@locust-ts/test-support/process';
import { useBinRuns } from '@locust-ts/test-support/bin-runs';
import { type Browser, launchChromium, waitForText, watchPageProblems } from '@locust-ts/test-support/chromium';
import { reportArgs } from '@locust-ts/test-support/html-report';
import { FakeRunner } from '@locust-ts/test-support/fake-runner';

const runs = useBinRuns('api-html-report-');
const STEP_TIMEOUT_MS = 30_000;
let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

interface ChartSeries {
  currentRps?: Array<[string, number]>;
  userCount?: Array<[string, number]>;
  time?: string[];
}

describe('the HTML report', () => {
  it("--html 'report_{u}_{r}_{t}.html' writes Locust's report page, which opens from disk with the stats and the charts", async () => {
    const { code, output } = await runBin(
      ['-f', 'examples/locustfile.ts', '--headless', '-u', '2', '-r', '2', '-t', '3s', '-H', runs.targetUrl, '--only-summary',
        '--html', join(runs.scratch, 'report_{u}_{r}_{t}.html')],
      60_000,
    );
    expect(code, output).toBe(0);
    const file = join(runs.scratch, 'report_2_2_3.html');
    expect(existsSync(file), output).toBe(true);
    const html = readFileSync(file, 'utf8');
    const args = reportArgs(html);
    expect(args).toMatchObject({ is_report: true, show_download_link: false, host: runs.targetUrl, locustfile: 'locustfile.ts' });
    const hello = args.requests_statistics.find((r) => r.name === '/hello')!;
    expect(hello.num_requests).toBeGreaterThan(0);

    const page = await browser!.context.newPage();
    const problems = watchPageProblems(page);
    await page.goto(`file://${file}`);
    await waitForText(page, /Locust Test Report/, 'the report title', STEP_TIMEOUT_MS, problems);
    const text = await waitForText(page, /Request Statistics[\s\S]*\/hello/, 'the /hello row', STEP_TIMEOUT_MS, problems);
    expect(text.input).toMatch(new RegExp(`Target Host:\\s*${runs.targetUrl}`));
    expect(text.input).toMatch(/Response Time Statistics[\s\S]*Failures Statistics[\s\S]*Charts[\s\S]*Final ratio[\s\S]*SimpleUser/);
    // the final ratio is that of the users the stopped test ran, as in Locust's report
    expect(text.input).toMatch(/Total Ratio\s+100\.0% SimpleUser\s+100\.0% hello/);
    // the run's start was a synchronized edge (spawn rate = users): the Edges tab's table is there too
    expect(text.input).toMatch(/Edges\s+Instant\s+Target users[\s\S]*\b2\s+1\b/);
    // with its users' first requests (sent and answered p50 / p99 / max (count), users without a warm connection)
    expect(text.input).toMatch(/Start spread ms\s+First requests sent p50\/p99\/max ms\s+Answered p50\/p99\/max ms\s+No warm connection/);
    expect(text.input).toMatch(/\d+ \/ \d+ \/ \d+ \(2\)\s+\d+ \/ \d+ \/ \d+ \(2\)\s+\d+ of 2/);
    // the three charts are drawn (echarts canvases with a size) from the run's history
    const charts = page.locator('[data-testid="report-charts"] canvas');
    await charts.first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    expect(await charts.count()).toBeGreaterThanOrEqual(3);
    const sizes = await charts.evaluateAll((els) => els.map((el) => (el as HTMLCanvasElement).width * (el as HTMLCanvasElement).height));
    expect(sizes.every((s) => s > 0)).toBe(true);
    const series = (await page.evaluate('window.locustTsCharts()')) as ChartSeries;
    expect(series.time?.length).toBe(args.history.length);
    expect(series.userCount?.map(([, users]) => users)).toContain(2);
    expect(series.currentRps?.length).toBe(args.history.length);
    expect(problems).toEqual([]);
  });
});

/** The replicas a fake cluster reports: `desired` wanted, `ready` of them ready. */
function cluster(desired: number, ready: number): ClusterSnapshot {
  return {
    deployment: { desired, current: desired, updated: desired, ready, available: ready },
    hpa: { name: 'web', currentReplicas: desired, desiredReplicas: desired, minReplicas: 1, maxReplicas: 5, cpuUtilization: 80, cpuTarget: 70, metrics: [] },
    pods: { pending: desired - ready, notReady: 0, ready },
  };
}

/** A scale watch over a 1 → 3 replica scale-up, recorded second by second on a fake clock. */
async function recordedScaleUp(): Promise<ScaleRecorder> {
  vi.useFakeTimers({ now: Date.now(), toFake: ['Date', 'setTimeout', 'setInterval', 'clearInterval', 'clearTimeout'] });
  try {
    let listener!: ScaleListener;
    const source = { deployment: 'web', namespace: 'shop', start: (l: ScaleListener) => (listener = l), stop: async () => {} };
    const recorder = new ScaleRecorder(source, [], { info: () => {}, warning: () => {} });
    const run = { state: 'running', userCount: 10, stats: new RequestStats(true), startTime: Date.now() / 1000 };
    const events = new Events();
    recorder.start(run, events);
    events.testStart.fire({ environment: createEnvironment() });
    for (const [desired, ready] of [[1, 1], [3, 1], [3, 3]] as const) {
      listener.state(cluster(desired, ready));
      vi.advanceTimersByTime(3_000);
    }
    listener.event({ time: Date.now() / 1000, type: 'Normal', reason: 'SuccessfulRescale', object: 'HorizontalPodAutoscaler/web', message: 'New size: 3' });
    vi.advanceTimersByTime(1_000);
    await recorder.stop();
    return recorder;
  } finally {
    vi.useRealTimers();
  }
}

describe('the HTML report of a run with a scale watch', () => {
  it('has the Scaling section: replicas and CPU charts, the events, the summary lines', async () => {
    const file = join(runs.scratch, 'scaled.html');
    writeFileSync(file, await renderHtmlReport(new FakeRunner(), { showDownloadLink: false, scale: await recordedScaleUp() }));
    const page = await browser!.context.newPage();
    const problems = watchPageProblems(page);
    await page.goto(`file://${file}`);
    const text = await waitForText(page, /Scaling\s+Deployment web \(namespace shop\)/, 'the Scaling section', STEP_TIMEOUT_MS, problems);
    expect(text.input).toContain('SuccessfulRescale');
    expect(text.input).toMatch(/Scale watch: deployment web \(namespace shop\)/);
    const charts = page.locator('[data-testid="report-scaling"] canvas');
    await charts.first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    expect(await charts.count()).toBeGreaterThanOrEqual(2);
    expect(problems).toEqual([]);
  });
});
