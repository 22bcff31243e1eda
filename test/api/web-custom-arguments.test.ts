/**
 * A locustfile's custom argument in the web UI's start form (Chromium, the official Locust UI):
 * the field shows the command line's value, the value typed into the form is what the worker
 * then reads from `environment.parsedOptions` (it answers the master's test start with it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebUiBuilt } from '@locust-ts/webui';
import { type Started, killAll, startBin } from '@locust-ts/test-support/process';
import { freePort } from '@locust-ts/test-support/ports';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
const LOCUSTFILE = 'test/api/fixtures/messages.ts';
const STEP_TIMEOUT_MS = 30_000;

describe('custom arguments in the web UI form', () => {
  let master: Started;
  let context: BrowserContext | undefined;
  let profileDir = '';
  let uiUrl = '';

  beforeAll(async () => {
    await ensureWebUiBuilt(() => {});
    const [webPort, masterPort] = await Promise.all([freePort(), freePort()]);
    master = startBin([
      '-f', LOCUSTFILE, '--master', '--greeting', 'from-cli', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort),
      '--web-host', '127.0.0.1', '--web-port', String(webPort), '-H', 'http://127.0.0.1:1',
    ]);
    startBin(['-f', LOCUSTFILE, '--worker', '--master-port', String(masterPort)]);
    await master.waitFor(/1 workers connected/, STEP_TIMEOUT_MS);
    uiUrl = `http://127.0.0.1:${webPort}`;
    profileDir = mkdtempSync(join(tmpdir(), 'api-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    killAll();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  it('shows --greeting in the form and sends the typed value to the worker', async () => {
    const page = await context!.newPage();
    await page.goto(uiUrl);
    const field = page.locator('input[name="greeting"]');
    await field.waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
    expect(await field.inputValue()).toBe('from-cli');
    // the form keeps custom parameters in a collapsed section, as in Locust
    await page.getByText('Custom parameters').click();
    await field.fill('from-form');
    await page.locator('input[name="userCount"]').fill('1');
    await page.locator('input[name="spawnRate"]').fill('1');
    await page.getByRole('button', { name: 'Start' }).click();
    await master.waitFor(/MARK master got ack ts from-form/, STEP_TIMEOUT_MS);
  });
});
