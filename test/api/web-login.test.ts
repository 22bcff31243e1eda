/**
 * `--web-login` as the newest Locust: every route sends a visitor without a session to the login
 * page (Locust's Auth page, in Chromium), the locustfile's `webUi.authenticate` decides, a wrong
 * password shows "Invalid username or password", the right one opens the UI and the REST API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, killAll, startBin } from '@locust-ts/test-support/process';
import { type Browser, launchChromium, waitForText, watchPageProblems } from '@locust-ts/test-support/chromium';
import { freePort } from '@locust-ts/test-support/ports';

const FIXTURE = 'test/api/fixtures/web-login.ts';
const STEP_TIMEOUT_MS = 30_000;
let browser: Browser | undefined;
let run: Started;
let url = '';

beforeAll(async () => {
  const webPort = await freePort();
  run = startBin(['-f', FIXTURE, '--web-login', '--web-host', '127.0.0.1', '--web-port', String(webPort)]);
  url = (await run.waitFor(/Starting web interface at (http:\S+)/, 60_000))[1]!;
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  killAll();
});

describe('--web-login', () => {
  it('sends visitors without a session to the login page; the locustfile decides; then the UI and API open', async () => {
    const api = await fetch(`${url}/stats/requests`, { redirect: 'manual' });
    expect([api.status, api.headers.get('location')]).toEqual([302, '/login']);

    const page = await browser!.context.newPage();
    const problems = watchPageProblems(page);
    await page.goto(url);
    expect(new URL(page.url()).pathname).toBe('/login');
    await waitForText(page, /Log in as alice/, 'the login page', STEP_TIMEOUT_MS, problems);

    await page.locator('input[name="username"]').fill('alice');
    await page.locator('input[name="password"]').fill('wrong');
    await page.getByRole('button', { name: 'Login' }).click();
    await waitForText(page, /Invalid username or password/, 'the refusal', STEP_TIMEOUT_MS, problems);
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.locator('input[name="username"]').fill('alice');
    await page.locator('input[name="password"]').fill('s3cret');
    await page.getByRole('button', { name: 'Login' }).click();
    await page.waitForURL(`${url}/`, { timeout: STEP_TIMEOUT_MS });
    await waitForText(page, /Number of users/i, 'the start form', STEP_TIMEOUT_MS, problems);
    const stats = await browser!.context.request.get(`${url}/stats/requests`);
    expect(stats.status()).toBe(200);
    expect(((await stats.json()) as { state: string }).state).toBe('ready');
  });
});
