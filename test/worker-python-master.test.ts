/**
 * Two locust-ts workers (examples/locustfile.ts) attached to the REAL Python Locust 2.12.1
 * master from Debian, headless, against the real target server. The master's own CSV must
 * show the TS workers' requests: GET /hello counted, 0 failures, numeric percentiles.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '@locust-ts/target-server';
import { type WorkerHandle, loadLocustfile, runWorker, silentLogger } from '@locust-ts/worker';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/paths.js';
import { freePort } from './helpers/ports.js';
import { killAllChildren, spawnChild } from './helpers/process.js';

/** Debian's Locust has an empty version; a master refuses such workers unless it is set (common.md). */
const PYTHON_LOCUSTFILE = `import locust, locust.runners
locust.__version__ = "2.12.1"
locust.runners.__version__ = "2.12.1"
from locust import HttpUser, between, task


class SimpleUser(HttpUser):
    wait_time = between(1, 2)

    @task
    def hello(self):
        self.client.get("/hello")
`;

const dir = mkdtempSync(join(tmpdir(), 'locust-ts-pymaster-'));
const workers: WorkerHandle[] = [];
const target = buildServer();

afterAll(async () => {
  await Promise.all(workers.map((w) => w.quit()));
  await killAllChildren();
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

function csvRows(text: string): Array<Record<string, string>> {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const keys = (header ?? '').split(',').map((k) => k.replace(/^"|"$/g, ''));
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i] ?? `c${i}`, v.replace(/^"|"$/g, '')])));
}

it('the Python 2.12.1 master runs a headless test on two TS workers and reports their requests', async () => {
  await target.listen({ host: '127.0.0.1', port: 0 });
  const targetPort = (target.server.address() as { port: number }).port;
  const masterPort = await freePort();
  writeFileSync(join(dir, 'locustfile.py'), PYTHON_LOCUSTFILE);

  const master = spawnChild(
    '/usr/bin/locust',
    [
      '-f', join(dir, 'locustfile.py'),
      '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort),
      '--headless', '--expect-workers', '2', '-u', '10', '-r', '10', '-t', '10s',
      '--csv', join(dir, 'run'), '-H', `http://127.0.0.1:${targetPort}`,
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
