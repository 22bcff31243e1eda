/**
 * Debian's Chromium driven by playwright-core (it never downloads a browser): the launch flags
 * VERIFIED.md lists, and reading a page as a user does (its visible text), with the page's own
 * errors kept for the message when a step times out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile (removed on close). */
export async function launchChromium(viewport = { width: 1400, height: 800 }): Promise<Browser> {
  const profileDir = mkdtempSync(join(tmpdir(), 'locust-ts-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Script errors and failed requests of a page, for the message of a step that timed out. */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  return problems;
}

/** The whole visible text of the page, to read the header and tables as a user does. */
export const pageText = (page: Page): Promise<string> => page.evaluate(() => document.body.innerText);

/** Poll the page's text until `re` matches (`timeoutMs` only guards against a hang). */
export async function waitForText(page: Page, re: RegExp, what: string, timeoutMs: number, problems: string[] = []): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = (await pageText(page)).match(re);
    if (m) return m;
    if (Date.now() > deadline) {
      const shown = (await pageText(page)).slice(0, 2000);
      throw new Error(`the page never showed ${what}; it shows:\n${shown}\npage problems:\n${problems.join('\n')}`);
    }
    await page.waitForTimeout(250);
  }
}
