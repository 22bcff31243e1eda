/**
 * The official Locust UI served by the real TypeScript master, driven in Debian's Chromium:
 * target server + `locust-ts --master` (web UI) + 4 `locust-ts --worker` processes. Start 10 users
 * at 10/s from the form; the header shows 4 workers, the Workers tab 3,3,2,2 users, the
 * statistics table a growing `/hello` count; Stop brings the state to stopped. The screenshot
 * (test-output/webui-workers.png) is what docs/webui-workers.png in the README was copied from.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebUiBuilt } from '../packages/webui/index.js';
import { REPO_ROOT, TSX } from './helpers/paths.js';
import { freePort } from './helpers/ports.js';
import { type ChildHandle, killAllChildren, spawnChild } from './helpers/process.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
const BIN = join(REPO_ROOT, 'packages/cli/bin/locust-ts.mjs');
const TARGET_MAIN = join(REPO_ROOT, 'packages/target-server/src/main.ts');
const LOCUSTFILE = join(REPO_ROOT, 'examples/locustfile.ts');
const SCREENSHOT = join(REPO_ROOT, 'test-output/webui-workers.png');
const WORKERS = 4;
/** Each UI step polls up to this long (process start-up on a loaded 2-core machine dominates). */
const STEP_TIMEOUT_MS = 20_000;
/** A UI build (only when `pnpm install` did not make one) plus start-up of every process. */
const BUILD_AND_START_TIMEOUT_MS = 120_000;

/** The whole visible text of the page, to read the header and tables as a user does. */
const pageText = (page: Page) => page.evaluate(() => document.body.innerText);
/** Script errors and failed requests of the page, shown when a step times out. */
const pageProblems: string[] = [];

async function waitForText(page: Page, re: RegExp, what: string): Promise<RegExpMatchArray> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const m = (await pageText(page)).match(re);
    if (m) return m;
    if (Date.now() > deadline) {
      const shown = (await pageText(page)).slice(0, 2000);
      throw new Error(`the page never showed ${what}; it shows:\n${shown}\npage problems:\n${pageProblems.join('\n')}`);
    }
    await page.waitForTimeout(250);
  }
}

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
  const children: ChildHandle[] = [];
  let context: BrowserContext | undefined;
  let profileDir = '';
  let uiUrl = '';
  let targetUrl = '';

  beforeAll(async () => {
    // Normally built by `pnpm install`; build it here otherwise so the master's start-up is quick.
    await ensureWebUiBuilt(() => {});
    const [targetPort, webPort, masterPort] = await Promise.all([freePort(), freePort(), freePort()]);
    targetUrl = `http://127.0.0.1:${targetPort}`;
    const target = spawnChild(TSX, [TARGET_MAIN, '--host', '127.0.0.1', '--port', String(targetPort)]);
    children.push(target);
    const master = spawnChild(process.execPath, [
      BIN, '--master', '-f', LOCUSTFILE,
      '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort),
      '--web-host', '127.0.0.1', '--web-port', String(webPort),
    ]);
    children.push(master);
    await master.waitForLine(new RegExp(`http://127\\.0\\.0\\.1:${webPort}`), STEP_TIMEOUT_MS);
    uiUrl = `http://127.0.0.1:${webPort}`;
    for (let i = 0; i < WORKERS; i++) {
      children.push(
        spawnChild(process.execPath, [BIN, '--worker', '-f', LOCUSTFILE, '--master-host', '127.0.0.1', '--master-port', String(masterPort)]),
      );
    }
    await target.waitForLine(new RegExp(String(targetPort)), STEP_TIMEOUT_MS);
    profileDir = mkdtempSync(join(tmpdir(), 'locust-ts-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 800 },
    });
  }, BUILD_AND_START_TIMEOUT_MS);

  afterAll(async () => {
    await context?.close();
    for (const child of children.reverse()) await child.stop();
    await killAllChildren();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  it('starts 10 users on 4 workers (3,3,2,2), shows /hello growing, and stops', async () => {
    const page = await context!.newPage();
    page.on('pageerror', (err) => pageProblems.push(`error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageProblems.push(`console: ${msg.text()}`);
    });
    page.on('requestfailed', (req) => pageProblems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
    await page.goto(uiUrl);
    await waitForText(page, /Workers\s*4\b/, '4 workers in the header');

    await page.locator('input[name="userCount"]').fill('10');
    await page.locator('input[name="spawnRate"]').fill('10');
    await page.locator('input[name="host"]').fill(targetUrl);
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
    await page.goto(`${uiUrl}/?tab=workers`);
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
    const stats = (await (await fetch(`${uiUrl}/stats/requests`)).json()) as { state: string };
    expect(stats.state).toBe('stopped');
  });
});
