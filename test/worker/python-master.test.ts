/**
 * Two locust-ts workers (examples/locustfile.ts) attached to the REAL Python Locust 2.12.1
 * master from Debian, headless, against the real target server. The master's own CSV must
 * show the TS workers' requests: GET /hello counted, 0 failures, numeric percentiles.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type WorkerHandle, loadLocustfile, runWorker, silentLogger } from '@locust-ts/worker';
import { afterAll, expect, it } from 'vitest';
import { writePythonLocustfile } from '@locust-ts/test-support/locustfiles';
import { LOCUST_BIN, REPO_ROOT } from '@locust-ts/test-support/paths';
import { freePort } from '@locust-ts/test-support/ports';
import { killAllChildren, spawnChild } from '@locust-ts/test-support/process';
import { type TargetServer, startTargetServer } from '@locust-ts/test-support/target-server';

const locustfile = writePythonLocustfile({ waitTime: 'between(1, 2)', pinVersion: true });
const dir = dirname(locustfile);
const workers: WorkerHandle[] = [];
let target: TargetServer | undefined;

afterAll(async () => {
  await Promise.all(workers.map((w) => w.quit()));
  await killAllChildren();
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

function csvRows(text: string): Array<Record<string, string>> {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const keys = (header ?? '').split(',').map((k) => k.replace(/^"|"$/g, ''));
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i] ?? `c${i}`, v.replace(/^"|"$/g, '')])));
}

it('the Python 2.12.1 master runs a headless test on two TS workers and reports their requests', async () => {
  target = await startTargetServer();
  const masterPort = await freePort();

  const master = spawnChild(
    LOCUST_BIN,
    [
      '-f', locustfile,
      '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort),
      '--headless', '--expect-workers', '2', '-u', '10', '-r', '10', '-t', '10s',
      '--csv', join(dir, 'run'), '-H', target.url,
    ],
    { cwd: dir },
  );

  const { userClasses } = await loadLocustfile(join(REPO_ROOT, 'examples/locustfile.ts'));
  for (let i = 0; i < 2; i++) workers.push(runWorker({ userClasses, masterHost: '127.0.0.1', masterPort, logger: silentLogger }));

  const exits = await Promise.all(workers.map((w) => w.done));
  expect(exits.map((e) => e.reason)).toEqual(['master-quit', 'master-quit']);
  const info = await master.waitForExit(20_000);

  expect(master.output).not.toContain('Traceback');
  expect(info.code).toBe(0);
  const rows = csvRows(readFileSync(join(dir, 'run_stats.csv'), 'utf8'));
  const hello = rows.find((r) => r.Type === 'GET' && r.Name === '/hello');
  expect(hello, readFileSync(join(dir, 'run_stats.csv'), 'utf8')).toBeDefined();
  expect(Number(hello!['Request Count'])).toBeGreaterThan(0);
  expect(Number(hello!['Failure Count'])).toBe(0);
  for (const p of ['50%', '90%', '99%', '100%']) expect(String(hello![p]), JSON.stringify(hello)).toMatch(/^\d+(\.\d+)?$/);
  expect(Number(hello!['Average Content Size'])).toBe(JSON.stringify({ message: 'Hello from FastAPI!' }).length);
  const failures = readFileSync(join(dir, 'run_failures.csv'), 'utf8').trim().split(/\r?\n/);
  expect(failures).toHaveLength(1);
}, 45_000);
