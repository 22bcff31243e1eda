/**
 * What a locustfile decides about a run: `environment.processExitCode` set in a `quitting`
 * listener is the exit code, `StopTest` ends the run (long before `-t`), a throwing listener is
 * logged with its stack and gives exit code 2 without stopping the test, and custom arguments come
 * from config files and `LOCUST_*` variables with their `choices` checked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, killAll, runBin } from '@locust-ts/test-support/process';
import { REPO_ROOT } from '@locust-ts/test-support/paths';

const LOCUSTFILE = join(REPO_ROOT, 'test/api/fixtures/exit-code.ts');
const scratch = mkdtempSync(join(tmpdir(), 'api-exit-'));
afterAll(() => {
  killAll();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the locustfile decides the run', () => {
  it('StopTest ends a 60 s run; processExitCode from quitting is the exit code; options from config and env', async () => {
    const config = join(scratch, 'custom.conf');
    writeFileSync(config, 'greeting = from-config\n');
    const { code, output } = await runBin(
      ['-f', LOCUSTFILE, '--config', config, '--headless', '-u', '1', '-r', '1', '-t', '60s', '--only-summary'],
      50_000,
      { env: cleanEnv({ LOCUST_FAREWELL: 'from-env' }) },
    );
    expect(output).toContain('MARK greeting=from-config farewell=from-env');
    expect(output).toMatch(/ERROR\/.*enough requests/);
    expect(output).toContain('Shutting down (exit code 3)');
    expect(output).toContain('Stopping Locust...');
    expect(output).not.toContain('--run-time limit reached');
    expect(code).toBe(3);
  });

  it('a listener that throws is logged with its stack, the test runs on, and the exit code is 2', async () => {
    const { code, output } = await runBin(['-f', LOCUSTFILE, '--mode', 'throw', '--greeting', 'cli', '--headless', '-u', '1', '-r', '1', '-t', '2s'], 40_000);
    expect(output).toContain('MARK greeting=cli farewell=bye');
    expect(output).toMatch(/Uncaught exception in event handler: \nError: listener boom\n  File ".*exit-code\.ts:\d+:\d+", in /);
    expect(output).toMatch(/CUSTOM\s+op\s+[1-9]/);
    expect(code).toBe(2);
  });

  it('a value outside choices is one usage line and exit code 2', async () => {
    const { code, output } = await runBin(['-f', LOCUSTFILE, '--mode', 'bad', '--headless'], 30_000);
    expect(output.trim()).toBe("locust-ts: error: argument --mode: invalid choice: 'bad' (choose from 'stoptest', 'throw')");
    expect(code).toBe(2);
  });
});
