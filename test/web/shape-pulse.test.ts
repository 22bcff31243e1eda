/**
 * A square pulse started from the web UI's start form in Chromium, against the real master
 * (`locust-ts --master --processes 2`: two TS worker processes) and the target server. The form's
 * "Load shape" section builds the spec; the charts then show the users rising and falling and the
 * intended line (read from the chart series the page draws); the shape ends the test by itself.
 * The screenshot (test-output/pulse-chart.png) is what docs/pulse-chart.png was copied from.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForText, watchPageProblems } from '@locust-ts/test-support/chromium';
import { REPO_ROOT } from '@locust-ts/test-support/paths';
import { useUiSwarm } from '@locust-ts/test-support/ui-swarm';

const SCREENSHOT = join(REPO_ROOT, 'test-output/pulse-chart.png');
const PEAK = 6;
/** The UI polls every 2 s (slower on a loaded machine): a 6 s peak is seen, then the 4 s base. */
const SPEC = `square:base=0,peak=${PEAK},on=6s,off=4s,cycles=2`;
/** Each UI step polls up to this long (process start-up on a loaded 2-core machine dominates). */
const STEP_TIMEOUT_MS = 30_000;
/** The whole test: a few UI steps plus the 20 s pulse (guards against a hang only). */
const TEST_TIMEOUT_MS = 180_000;

type Point = [string, number | null] | { value: null };

/** The non-empty values of a chart series, in time order. */
async function series(page: Page, key: string): Promise<number[]> {
  const points = await page.evaluate((k) => ((window as unknown as { locustTsCharts: () => Record<string, unknown> }).locustTsCharts()[k] ?? []) as Point[], key);
  return points.flatMap((p) => (Array.isArray(p) && typeof p[1] === 'number' ? [p[1]] : []));
}

/** True when `values` holds `pattern` as a subsequence (other values may come between). */
function hasInOrder(values: number[], pattern: number[]): boolean {
  let i = 0;
  for (const v of values) if (v === pattern[i]) i++;
  return i === pattern.length;
}

describe('a square pulse from the web UI in Chromium', () => {
  const swarm = useUiSwarm({ masterArgs: ['--processes', '2'] });

  it('the form builds the spec, the users chart rises and falls with the intended line, the shape ends the test', async () => {
    const page = await swarm.browser.context.newPage();
    const problems = watchPageProblems(page);
    await page.goto(swarm.uiUrl);
    await waitForText(page, /Workers\s*2\b/, '2 workers in the header', STEP_TIMEOUT_MS, problems);

    await page.locator('#locust-ts-shape-kind').selectOption('square');
    await page.locator('#locust-ts-shape-peak').fill(String(PEAK));
    await page.locator('#locust-ts-shape-on').fill('6s');
    await page.locator('#locust-ts-shape-off').fill('4s');
    await page.locator('#locust-ts-shape-cycles').fill('2');
    await expect.poll(() => page.locator('#locust-ts-shape-spec').innerText()).toBe(SPEC);
    await page.locator('input[name="host"]').fill(swarm.targetUrl);
    await page.getByRole('button', { name: 'Start' }).click();
    await waitForText(page, /Status\s*RUNNING/i, 'the running state', STEP_TIMEOUT_MS, problems);
    await page.getByRole('tab', { name: 'Charts' }).click();

    // the shape ends the test by itself (10 s per cycle, 2 cycles); the UI then shows STOPPED
    await waitForText(page, /Status\s*STOPPED/i, 'the stopped state after the shape ended', STEP_TIMEOUT_MS * 2, problems);
    const users = await series(page, 'userCount');
    const intended = await series(page, 'intendedUsers');
    // rising and falling (how many of the 2 cycles the 2 s polls catch depends on the machine's load)
    expect(hasInOrder(users, [PEAK, 0]), `users drawn: ${users.join(',')}`).toBe(true);
    expect(hasInOrder(intended, [PEAK, 0]), `intended drawn: ${intended.join(',')}`).toBe(true);
    expect(new Set(intended)).toEqual(new Set([PEAK, 0])); // a square: nothing in between
    expect(problems.filter((p) => p.startsWith('error'))).toEqual([]);
    mkdirSync(join(REPO_ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }, TEST_TIMEOUT_MS);
});
