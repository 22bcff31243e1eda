/**
 * Fault matrix — a network partition, in network-namespace "pods" (packages/test-support/src/netns.ts): a
 * master with `--autostart`, two locust-ts workers and the target each in a pod, reaching each
 * other by service name. One worker's veth goes down for PARTITION_SECONDS (the case is
 * 30 s: `LT13_PARTITION_SECONDS=30`), then comes back. The master marks it missing and moves its
 * users to the other worker; after the heal it is used again (2 + 2); and no request count is lost
 * or duplicated: every request the target answered is in the master's CSV, and the CSV counts no
 * success the target did not answer.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, LOCUST_TS_BIN } from '@locust-ts/test-support/process';
import { loggedAt } from '@locust-ts/test-support/log-time';
import { PodNetwork } from '@locust-ts/test-support/netns';
import { REPO_ROOT } from '@locust-ts/test-support/paths';
import { type ChildHandle, killAllChildren, spawnChild } from '@locust-ts/test-support/process';
import { pollUntil, sleep } from '@locust-ts/test-support/wait';

const PARTITION_SECONDS = Number(process.env.LT13_PARTITION_SECONDS ?? 12);
const USERS = 4;
const WEB_PORT = 8089;
const WAIT_MS = 60_000;
/** Users stopped at the end may have a request in flight: the target answered it, the master never counted it. */
const IN_FLIGHT_AT_QUIT = USERS;
// counts what it answers; prints the count when told to stop
const TARGET = `let n = 0; const s = require('node:http').createServer((q, r) => { n++; r.end('{"message":"Hello from FastAPI!"}'); });
s.listen(8000, '0.0.0.0', () => console.log('listening'));
process.on('SIGTERM', () => { console.log('answered ' + n); process.exit(0); });`;

interface WorkerRow {
  id: string;
  state: string;
  user_count: number;
}

describe('fault matrix: a partitioned worker', () => {
  let net: PodNetwork | undefined;
  afterAll(async () => {
    await killAllChildren();
    await net?.destroy();
  });

  it(`a worker cut off for ${PARTITION_SECONDS} s is marked missing, its users move, it is used again after the heal, no count lost or doubled`, async () => {
    net = await PodNetwork.create({
      prefix: 'lt13', subnet: '10.214.0', pods: ['master', 'w1', 'w2', 'target'],
      hosts: { 'locust-master': 'master', 'fastapi-service': 'target' },
    });
    const pod = (name: string, cmd: string, args: string[]): ChildHandle => {
      const [c, a] = net!.command(name, cmd, args);
      return spawnChild(c, a, { cwd: REPO_ROOT, env: cleanEnv() });
    };
    const csv = join(mkdtempSync(join(tmpdir(), 'lt13-partition-')), 'run');
    const target = pod('target', process.execPath, ['-e', TARGET]);
    await target.waitForLine(/listening/);
    const master = pod('master', process.execPath, [LOCUST_TS_BIN, '-f', 'examples/locustfile.ts', '--master', '--autostart', '-u', String(USERS), '-r', '10',
      '--expect-workers', '2', '-H', 'http://fastapi-service:8000', '--web-host', '127.0.0.1', '--web-port', String(WEB_PORT), '--csv', csv]);
    const workers = ['w1', 'w2'].map((w) => pod(w, process.execPath, [LOCUST_TS_BIN, '-f', 'examples/locustfile.ts', '--worker', '--master-host', 'locust-master']));
    const rows = async (): Promise<WorkerRow[]> => {
      const script = `fetch('http://127.0.0.1:${WEB_PORT}/stats/requests').then((r) => r.text()).then((t) => process.stdout.write(t))`;
      return (JSON.parse(await net!.exec('master', process.execPath, ['-e', script])) as { workers: WorkerRow[] }).workers;
    };
    const pollRows = (cond: (r: WorkerRow[]) => boolean, what: string): Promise<WorkerRow[]> =>
      pollUntil(rows, cond, what, { timeoutMs: WAIT_MS, pollMs: 250, show: (r) => JSON.stringify(r) });
    await master.waitForLine(/All users spawned: .*\(4 total users\)/, WAIT_MS);
    const before = await pollRows((r) => r.length === 2 && r.every((w) => w.user_count === 2), '2 + 2 users');

    // which record is w1? the one whose users go when its link goes
    const cutAt = Date.now() / 1000;
    await net.setLink('w1', false);
    const missingLine = await master.waitForLine(/failed to send heartbeat, setting state to missing/, WAIT_MS);
    const cutOff = before.find((w) => missingLine.includes(w.id))!;
    expect(cutOff).toBeDefined();
    const moved = await pollRows((r) => r.find((w) => w.id !== cutOff.id)?.user_count === USERS, 'all users on the other worker');
    expect(moved.find((w) => w.id === cutOff.id)!.state).toBe('missing');
    // the master's own stamp of the ramp that moved them
    const movedAt = loggedAt(master.output, /All users spawned: .*\(4 total users\)/, 'last');

    await sleep(Math.max(0, cutAt * 1000 + PARTITION_SECONDS * 1000 - Date.now())); // the outage lasts its time
    const healAt = Date.now() / 1000;
    await net.setLink('w1', true);
    // back by its heartbeats (TCP retransmits after the heal), or by a fresh client_ready if its link dropped
    const backLine = await master.waitForLine(new RegExp(`${cutOff.id}.*(self-healed|reported as ready \\(duplicate message\\))`), WAIT_MS);
    await pollRows((r) => r.length === 2 && r.every((w) => w.user_count === 2 && w.state === 'running'), '2 + 2 users again');
    const usedAgainAt = loggedAt(master.output, /All users spawned: .*\(4 total users\)/, 'last');

    master.signal('SIGTERM');
    const exit = await master.exited;
    expect([0, 1]).toContain(exit.code); // requests cut by the partition may have failed
    await Promise.all(workers.map((w) => w.exited));
    target.signal('SIGTERM', { group: false });
    const answered = Number(/answered (\d+)/.exec(await target.waitForLine(/answered \d+/))![1]);
    const csvRows = readFileSync(`${csv}_stats.csv`, 'utf8').trim().split('\n').map((l) => l.split(','));
    const agg = csvRows.find((r) => r[1] === 'Aggregated')!;
    const total = Number(agg[csvRows[0]!.indexOf('Request Count')]);
    const failures = Number(agg[csvRows[0]!.indexOf('Failure Count')]);
    expect(total - failures).toBeLessThanOrEqual(answered); // no success counted twice
    expect(answered).toBeLessThanOrEqual(total + IN_FLIGHT_AT_QUIT); // nothing the target answered was lost
    const missingAfter = loggedAt(missingLine, /./) - cutAt;
    const backAfter = loggedAt(backLine, /./) - healAt;
    console.log(
      `partition ${PARTITION_SECONDS} s: missing ${missingAfter.toFixed(1)} s after the cut (master's log), users on the other worker ` +
        `by ${(movedAt - cutAt).toFixed(1)} s; back ${backAfter.toFixed(1)} s after the heal, 2+2 again by ${(usedAgainAt - healAt).toFixed(1)} s; ` +
        `target answered ${answered}, master counted ${total} (${failures} failed), exit ${exit.code}`,
    );
  }, 180_000);
});
