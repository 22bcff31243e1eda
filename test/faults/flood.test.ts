/**
 * Fault matrix — a flood during a run: 10,000 frames (malformed, 10 MB, unknown types, unknown
 * senders) at a headless master started through the CLI, with a real `--worker` process. The master
 * and the worker stay alive, the test goes on, the master's memory stays bounded (its RSS read from
 * /proc before, during and after), and SIGTERM still ends the run with the final CSV written.
 */
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { descendants, killAll, startBin } from '@locust-ts/test-support/process';
import { PYTHON } from '@locust-ts/test-support/python';
import { freePort } from '@locust-ts/test-support/ports';
import { waitFor } from '@locust-ts/test-support/wait';
import { type Target, startTarget } from '@locust-ts/test-support/swarm';

const FLOOD = fileURLToPath(new URL('../master/fixtures/flood-dealer.py', import.meta.url));
const FRAMES = 10_000;
/** The master may buffer a few 10 MB frames at once; more than this after the flood would be a leak. */
const RSS_GROWTH_LIMIT_MB = 200;

/** RSS of a process and its descendants (the bin may re-exec node), MB. */
function rssMb(pid: number): number {
  let kb = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      kb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

describe('fault matrix: a flood of bad frames', () => {
  let target: Target | undefined;
  afterAll(async () => {
    killAll();
    await target?.close();
  });

  it('10,000 malformed, oversized, unknown-type and unknown-sender frames: master and worker alive, the run goes on, RSS bounded', async () => {
    target = await startTarget();
    const masterPort = await freePort();
    const csv = join(mkdtempSync(join(tmpdir(), 'lt13-flood-')), 'run');
    const master = startBin(['-f', 'examples/locustfile.ts', '--master', '--headless', '-u', '4', '-r', '10', '-t', '5m', '--expect-workers', '1',
      '--only-summary', '-H', target.url, '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort), '--csv', csv]);
    const worker = startBin(['-f', 'examples/locustfile.ts', '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)]);
    await master.waitFor(/All users spawned/, 45_000);
    const pid = master.child.pid!;
    const before = rssMb(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
    const { stdout } = await promisify(execFile)(PYTHON, [FLOOD, String(masterPort), String(FRAMES)], { timeout: 120_000 });
    clearInterval(sampler);
    const sent = JSON.parse(stdout.trim()) as Record<string, number>;
    expect(Object.values(sent).reduce((a, b) => a + b, 0)).toBe(FRAMES);

    // the run goes on: new requests reach the target after the flood, from a worker the master still counts
    const afterFlood = target.requests();
    await waitFor(() => target!.requests() > afterFlood + 4, 30_000, 'requests after the flood');
    expect(master.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
    const after = rssMb(pid);
    expect(after - before).toBeLessThan(RSS_GROWTH_LIMIT_MB);

    master.child.kill('SIGTERM');
    expect(await master.exited).toBe(0);
    expect(await worker.exited).toBe(0);
    const rows = readFileSync(`${csv}_stats.csv`, 'utf8').trim().split('\n');
    expect(rows.at(-1)).toMatch(/^,Aggregated,[1-9]\d*,0,/);
    expect(master.output()).toContain('Unrecognized message detected');
    console.log(
      `flood: ${JSON.stringify(sent)} → master RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB, ${after.toFixed(0)} MB after; ` +
        `run went on (${rows.at(-1)!.split(',')[2]} requests, exit 0 on SIGTERM)`,
    );
  }, 180_000);
});
