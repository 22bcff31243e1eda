/**
 * Web routes and tabs from a locustfile, beside Python Locust 2.12.1: Locust's `events.py` adds
 * `/content-length` with `environment.web_ui.app.route`; its port adds it with `webUi.app.get`
 * (the master's Fastify instance, behind the same `--web-auth`), a "Content Length" tab with
 * `webUi.templateArgs.extended_tabs` and its rows with an `onSend` hook on `/stats/requests`.
 * In Chromium the tab shows the row; the form's custom parameters are a checkbox for a bool
 * default and a multiple select for `isMultiple`, and what is chosen there is what the locustfile
 * reads at test start.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebUiBuilt } from '@locust-ts/webui';
import { type Started, killAll, startBin, startProcess } from '@locust-ts/test-support/process';
import { waitFor } from '@locust-ts/test-support/wait';
import { type Browser, launchChromium } from '@locust-ts/test-support/chromium';
import { LOCUST_BIN, REPO_ROOT } from '@locust-ts/test-support/paths';
import { freePort } from '@locust-ts/test-support/ports';
import { type TargetServer, startTargetServer } from '@locust-ts/test-support/target-server';

const TS_FILE = join(REPO_ROOT, 'test/api/fixtures/web-routes.ts');
const PY_FILE = join(REPO_ROOT, 'test/api/fixtures/web-routes.py');
const STEP_TIMEOUT_MS = 45_000;
const AUTH = `Basic ${Buffer.from('user:secret').toString('base64')}`;
const COUNTED = /^Total content-length received: [1-9]\d*$/;

let target: TargetServer;
let ts: Started;
let py: Started;
let tsUrl = '';
let pyUrl = '';
let browser: Browser | undefined;

beforeAll(async () => {
  await ensureWebUiBuilt(() => {});
  target = await startTargetServer();
  const [tsPort, pyPort] = await Promise.all([freePort(), freePort()]);
  tsUrl = `http://127.0.0.1:${tsPort}`;
  pyUrl = `http://127.0.0.1:${pyPort}`;
  ts = startBin(['-f', TS_FILE, '-H', target.url, '--web-host', '127.0.0.1', '--web-port', String(tsPort), '--web-auth', 'user:secret']);
  py = startProcess(LOCUST_BIN, ['-f', PY_FILE, '-H', target.url, '--web-host', '127.0.0.1', '--web-port', String(pyPort), '--autostart', '-u', '1', '-r', '1']);
  await Promise.all([ts.waitFor(/Starting web interface at/, STEP_TIMEOUT_MS), py.waitFor(/Starting web interface at/, STEP_TIMEOUT_MS)]);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  killAll();
  await target?.close();
});

async function text(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.text()).trim() };
}

describe('a locustfile\'s routes and tabs on the master\'s web server', () => {
  it('the route answers as Python\'s route does, behind the same --web-auth as the UI', async () => {
    expect((await text(`${tsUrl}/content-length`)).status).toBe(401);
    expect(await text(`${tsUrl}/content-length`, { authorization: AUTH })).toEqual({ status: 200, body: 'Total content-length received: 0' });
    // Python's route, once its autostarted user has made requests
    let pyAnswer = { status: 0, body: '' };
    await waitFor(async () => COUNTED.test((pyAnswer = await text(`${pyUrl}/content-length`)).body), STEP_TIMEOUT_MS, 'Python counting content-length');
    expect(pyAnswer.status).toBe(200);
  }, 90_000);

  it('the form: a bool default is a checkbox, isMultiple a multiple select; the tab shows the rows', async () => {
    const page = await browser!.context.newPage();
    await page.setExtraHTTPHeaders({ authorization: AUTH });
    await page.goto(tsUrl);
    await page.getByText('Custom parameters').click();
    // the official UI names its fields in camelCase and posts them in snake_case
    const flag = page.locator('input[type="checkbox"][name="myFlag"]');
    await flag.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    expect(await flag.isChecked()).toBe(true);
    await flag.uncheck();
    await page.locator('select[multiple][name="regions"]').selectOption(['eu', 'us']);
    await page.locator('input[name="userCount"]').fill('1');
    await page.locator('input[name="spawnRate"]').fill('1');
    await page.getByRole('button', { name: 'Start' }).click();
    await ts.waitFor(/MARK my_flag=false regions=\["eu","us"\]/, STEP_TIMEOUT_MS);

    let answer = { status: 0, body: '' };
    await waitFor(async () => COUNTED.test((answer = await text(`${tsUrl}/content-length`, { authorization: AUTH })).body), STEP_TIMEOUT_MS, 'locust-ts counting content-length');
    const stats = (await (await fetch(`${tsUrl}/stats/requests`, { headers: { authorization: AUTH } })).json()) as {
      extended_stats?: Array<{ key: string; data: Array<{ name: string; content_length: number }> }>;
    };
    expect(stats.extended_stats?.[0]?.key).toBe('content-length');
    expect(stats.extended_stats?.[0]?.data[0]?.content_length).toBeGreaterThan(0);

    await page.getByRole('tab', { name: 'Content Length' }).click();
    await page.getByRole('columnheader', { name: 'Total content length' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await page.getByRole('cell', { name: 'total', exact: true }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await page.close();
  }, 120_000);
});
