/**
 * Custom arguments and custom messages from locustfiles in all three mixes — a TS master with a
 * TS and a Python 2.12.1 worker, and a Python 2.12.1 master with a TS worker: the master sends
 * test data on testStart, every worker answers (`data_ack`) and reports the master's `--greeting`
 * (`ack`: a custom argument reaches the workers through `parsed_options`), and keys added by
 * `reportToMaster` reach the master's `workerReport` listeners. `events.request` fired by a
 * non-HTTP user counts in the master's stats.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, startBin, startProcess } from '@locust-ts/test-support/process';
import { freePort } from '@locust-ts/test-support/ports';

const TS_FILE = 'test/api/fixtures/messages.ts';
const PY_FILE = 'test/api/fixtures/messages.py';
const RUN_LIMIT_MS = 60_000;
const scratch = mkdtempSync(join(tmpdir(), 'api-messages-'));

afterAll(() => {
  killAll();
  rmSync(scratch, { recursive: true, force: true });
});

function masterArgs(port: number, workers: number): string[] {
  return [
    '--master', '--headless', '--expect-workers', String(workers), '-u', String(workers), '-r', String(workers), '-t', '4s',
    '--greeting', 'from-master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
  ];
}

function marks(output: string): Set<string> {
  return new Set([...output.matchAll(/^MARK (.+)$/gm)].map((m) => m[1]!));
}

describe('custom messages and arguments from locustfiles', () => {
  it('TS master with a TS and a Python worker: messages both ways, --greeting on both workers, worker reports, custom requests', async () => {
    const port = await freePort();
    const csv = join(scratch, 'ts-master');
    const master = startBin(['-f', TS_FILE, ...masterArgs(port, 2), '--csv', csv]);
    const workers = [
      startBin(['-f', TS_FILE, '--worker', '--master-port', String(port)]),
      startProcess('/usr/bin/locust', ['-f', PY_FILE, '--worker', '--master-port', String(port)]),
    ];
    const timer = setTimeout(killAll, RUN_LIMIT_MS);
    expect(await master.exited).toBe(0);
    clearTimeout(timer);
    const seen = marks(master.output());
    for (const m of [
      'master got data_ack ts 42',
      'master got data_ack py 42',
      'master got ack ts from-master',
      'master got ack py from-master',
      'master got report ts',
      'master got report py',
    ]) expect(seen, m).toContain(m);
    const row = readFileSync(`${csv}_stats.csv`, 'utf8').split('\n').find((l) => l.startsWith('CUSTOM,op,'));
    expect(Number(row?.split(',')[2])).toBeGreaterThan(0);
    await Promise.all(workers.map((w) => w.exited));
  });

  it('Python master with a TS worker: the same exchange', async () => {
    const port = await freePort();
    const master = startProcess('/usr/bin/locust', ['-f', PY_FILE, ...masterArgs(port, 1)]);
    const worker = startBin(['-f', TS_FILE, '--worker', '--master-port', String(port)]);
    const timer = setTimeout(killAll, RUN_LIMIT_MS);
    await master.exited;
    clearTimeout(timer);
    const seen = marks(master.output());
    for (const m of ['master got data_ack ts 42', 'master got ack ts from-master', 'master got report ts']) expect(seen, m).toContain(m);
    expect(master.output()).toMatch(/CUSTOM\s+op\s+[1-9]/);
    await worker.exited;
  });
});
