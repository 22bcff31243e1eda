/**
 * The arrival rate in Locust's own web UI (Chromium), served by a local `locust-ts --arrival-rate`
 * run: the start form carries the rate as a custom parameter, Start runs it on the locust-ts
 * worker, and the "Arrival rate" tab shows its figures (dropped iterations included). The REST
 * side: `POST /swarm` with `arrival_rate` and the extra keys of `GET /stats/requests`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAll, startBin, type Started } from '@locust-ts/test-support/process';
import { ensureWebUiBuilt } from '@locust-ts/webui';
import { type CountingTarget, startCountingTarget } from '@locust-ts/test-support/counting-target';
import { type Browser, launchChromium, waitForText as waitForPageText } from '@locust-ts/test-support/chromium';
import { REPO_ROOT } from '@locust-ts/test-support/paths';

const SCREENSHOT = join(REPO_ROOT, 'test-output/webui-arrival-rate.png');
const STEP_TIMEOUT_MS = 20_000;

const waitForText = (page: Page, re: RegExp, what: string) => waitForPageText(page, re, what, STEP_TIMEOUT_MS);

describe('arrival rate in the web UI', () => {
  let target: CountingTarget;
  let run: Started;
  let uiUrl = '';
  let browser: Browser | undefined;

  beforeAll(async () => {
    await ensureWebUiBuilt(() => {});
    target = await startCountingTarget({ latencyMs: 100 });
    run = startBin(['-f', 'examples/locustfile.ts', '--arrival-rate', '20', '--max-users', '1', '--web-host', '127.0.0.1', '--web-port', '0', '-H', target.url]);
    const [, url] = await run.waitFor(/Starting web interface at (http:\/\/127\.0\.0\.1:\d+)/);
    uiUrl = url!;
    // a local run says it is ready as Locust's does ("Starting Locust"), once its in-process worker registered
    await run.waitFor(/Starting locust-ts \d/);
    browser = await launchChromium({ width: 1400, height: 800 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    killAll();
    await target?.close();
  });

  it('Start runs the form\'s arrival rate; the Arrival rate tab shows the rate, the pool and dropped iterations', async () => {
    const page = await browser!.context.newPage();
    await page.goto(uiUrl);
    // the custom parameter carries --arrival-rate as its default
    const rateField = page.locator('input[name="arrivalRate"], input[name="arrival_rate"]');
    await page.getByText('Custom parameters').click();
    expect(await rateField.inputValue()).toBe('20');
    await page.getByRole('button', { name: 'Start' }).click();
    await waitForText(page, /Status\s*RUNNING/i, 'the running state');
    // one user, 100 ms a request, 20 iterations/s: about half of the iterations find it busy
    await page.goto(`${uiUrl}/?tab=arrival_rate`);
    await waitForText(page, /Arrival rate \(iterations\/s\)\s*20/, 'the rate in the Arrival rate tab');
    await waitForText(page, /Max users\s*1\b/, 'the pool size');
    const [, dropped] = await waitForText(page, /Dropped iterations\s*([1-9]\d*)/, 'dropped iterations reported');
    mkdirSync(join(REPO_ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    // REST: the same figures for scripts
    const stats = (await (await fetch(`${uiUrl}/stats/requests`)).json()) as { dropped_iterations: number; arrival_rate: { rate: number; max_users: number } };
    expect(stats.arrival_rate).toMatchObject({ rate: 20, max_users: 1 });
    expect(stats.dropped_iterations).toBeGreaterThanOrEqual(Number(dropped));
    // one user never has more than one request at the target
    expect(target.maxInFlight).toBe(1);
    await fetch(`${uiUrl}/stop`);
  });

  it('POST /swarm refuses a bad arrival_rate with one line', async () => {
    const body = new URLSearchParams({ arrival_rate: 'fast', user_count: '1', spawn_rate: '1' });
    const res = (await (await fetch(`${uiUrl}/swarm`, { method: 'POST', body })).json()) as { success: boolean; message: string };
    expect(res).toMatchObject({ success: false, message: "arrival_rate must be a number of iterations per second > 0, got 'fast'" });
  });
});
