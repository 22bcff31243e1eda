/**
 * The official Locust UI served by the real TypeScript master, driven in Debian's Chromium:
 * target server + `locust-ts --master` (web UI) + 4 `locust-ts --worker` processes. Start 10 users
 * at 10/s from the form; the header shows 4 workers, the Workers tab 3,3,2,2 users, the
 * statistics table a growing `/hello` count; Stop brings the state to stopped. The screenshot
 * (test-output/webui-workers.png) is what docs/webui-workers.png in the README was copied from.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForText as waitForPageText, watchPageProblems } from '@locust-ts/test-support/chromium';
import { REPO_ROOT } from '@locust-ts/test-support/paths';
import { useUiSwarm } from '@locust-ts/test-support/ui-swarm';

const SCREENSHOT = join(REPO_ROOT, 'test-output/webui-workers.png');
const WORKERS = 4;
/** Each UI step polls up to this long (process start-up on a loaded 2-core machine dominates). */
const STEP_TIMEOUT_MS = 20_000;

/** Script errors and failed requests of the page, shown when a step times out. */
let pageProblems: string[] = [];
const waitForText = (page: Page, re: RegExp, what: string) => waitForPageText(page, re, what, STEP_TIMEOUT_MS, pageProblems);

/** Cells of the table row whose first cells contain `name` (statistics / workers tables). */
async function rowCells(page: Page, name: string): Promise<string[] | null> {
  return page.evaluate((n) => {
    for (const row of document.querySelectorAll('table tbody tr')) {
      const cells = [...row.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.trim());
      if (cells.includes(n)) return cells;
    }
    return null;
  }, name);
}

async function workerUserCounts(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('table tbody tr')].map((row) => Number((row.querySelectorAll('td')[2] as HTMLElement | undefined)?.innerText)),
  );
}

describe('web UI in Chromium against the real master and 4 workers', () => {
  const swarm = useUiSwarm({ workers: WORKERS });

  it('starts 10 users on 4 workers (3,3,2,2), shows /hello growing, and stops', async () => {
    const page = await swarm.browser.context.newPage();
    pageProblems = watchPageProblems(page);
    await page.goto(swarm.uiUrl);
    await waitForText(page, /Workers\s*4\b/, '4 workers in the header');

    await page.locator('input[name="userCount"]').fill('10');
    await page.locator('input[name="spawnRate"]').fill('10');
    await page.locator('input[name="host"]').fill(swarm.targetUrl);
    await page.getByRole('button', { name: 'Start' }).click();
    await waitForText(page, /Status\s*RUNNING/i, 'the running state');
    await waitForText(page, /Users\s*10\b/, '10 users');

    // Statistics tab: the /hello row's request count grows between two polls.
    const countOf = async () => Number((await rowCells(page, '/hello'))?.[2] ?? 0);
    await waitForText(page, /\/hello/, 'a /hello row');
    const first = await countOf();
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    let later = first;
    while (later <= first && Date.now() < deadline) {
      await page.waitForTimeout(500);
      later = await countOf();
    }
    expect(later).toBeGreaterThan(first);

    // Workers tab, as a user opens it from a bookmark.
    await page.goto(`${swarm.uiUrl}/?tab=workers`);
    const counts = async () => (await workerUserCounts(page)).sort();
    const wanted = [2, 2, 3, 3];
    const until = Date.now() + STEP_TIMEOUT_MS;
    while (JSON.stringify(await counts()) !== JSON.stringify(wanted) && Date.now() < until) await page.waitForTimeout(250);
    expect(await counts()).toEqual(wanted);
    await waitForText(page, /Workers\s*4\b/, '4 workers in the header');
    mkdirSync(join(REPO_ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    await page.getByRole('button', { name: 'Stop' }).click();
    await waitForText(page, /Status\s*STOPPED/i, 'the stopped state');
    const stats = (await (await fetch(`${swarm.uiUrl}/stats/requests`)).json()) as { state: string };
    expect(stats.state).toBe('stopped');
  });
});
