/**
 * The real `locust-ts` bin on bad input: one line on stderr and Locust's exit codes; and a worker
 * whose master is not there keeps trying until SIGTERM, then exits cleanly.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, runBin, startBin } from '@locust-ts/test-support/process';
import { freePort } from '@locust-ts/test-support/ports';

const scratch = mkdtempSync(join(tmpdir(), 'cli-errors-'));
afterAll(() => {
  killAll();
  rmSync(scratch, { recursive: true, force: true });
});

function errorLines(output: string): string[] {
  return output.split('\n').filter((l) => l.trim() !== '');
}

describe('locust-ts on bad input', () => {
  it('a bad flag value exits 2 with one argparse-style line', async () => {
    const { code, output } = await runBin(['-u', 'many', '--headless']);
    expect(code).toBe(2);
    expect(errorLines(output)).toEqual(["locust-ts: error: argument -u/--users: invalid int value: 'many'"]);
  });

  it('an unknown flag exits 2 with one line', async () => {
    const { code, output } = await runBin(['--no-such-flag']);
    expect(code).toBe(2);
    expect(errorLines(output)).toEqual(['locust-ts: error: unrecognized arguments: --no-such-flag']);
  });

  it('a locustfile with a syntax error exits 1 with one line (--worker)', async () => {
    const bad = join(scratch, 'bad.ts');
    writeFileSync(bad, 'export class Broken extends {\n');
    const { code, output } = await runBin(['-f', bad, '--worker']);
    expect(code).toBe(1);
    const lines = errorLines(output);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^locust-ts: error: .*bad\.ts.*syntax error/);
  });

  it('a locustfile without user classes and a missing locustfile exit 1 with one line', async () => {
    const empty = join(scratch, 'empty.ts');
    writeFileSync(empty, 'export const nothing = 1;\n');
    const noClass = await runBin(['-f', empty, '--worker']);
    expect(noClass.code).toBe(1);
    expect(errorLines(noClass.output)).toEqual([expect.stringMatching(/^locust-ts: error: .*no user class found/)]);

    const missing = await runBin(['-f', join(scratch, 'missing.ts'), '--worker']);
    expect(missing.code).toBe(1);
    expect(errorLines(missing.output)).toEqual([expect.stringMatching(/^locust-ts: error: Could not find '.*missing\.ts'/)]);
  });

  it('a worker with no master says where it connects, and SIGTERM ends it with exit 0', async () => {
    const port = await freePort();
    const worker = startBin(['-f', 'examples/locustfile.ts', '--worker', '--master-port', String(port)]);
    await worker.waitFor(new RegExp(`127\\.0\\.0\\.1:${port}`), 30_000);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('Got SIGTERM signal');
  });
});
