/**
 * Recovery from a master restart (issue 13 part 2), all real processes: a web master started with
 * `--autostart --expect-workers 3`, two locust-ts `--worker` processes and one Debian Python
 * Locust 2.12.1 worker, 6 users. The master is killed (-9) and started again on the same ports:
 * the workers stop their orphan users, come back (the TS workers by themselves, the Python one when
 * the new master asks it to stop and re-register), and the new master starts its run once the 3
 * workers are back — first as a web master with --autostart, then as a headless master with
 * the same arguments. Recovery time is read from the master's own log timestamps.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Started, startBin, startProcess } from '@locust-ts/test-support/process';
import { writePythonLocustfile } from '@locust-ts/test-support/locustfiles';
import { LOCUST_BIN } from '@locust-ts/test-support/paths';
import { loggedAt } from '@locust-ts/test-support/log-time';
import { freePort } from '@locust-ts/test-support/ports';
import { sleep } from '@locust-ts/test-support/wait';
import { type Target, startTarget } from '@locust-ts/test-support/swarm';

/** The goal: every worker running again at most this long after the new master started (issue 13). */
const RECOVERY_GOAL_SECONDS = 10;
const USERS = 6;
/** How long the master stays down (an outage, not a synchronisation: TS users would request twice in it). */
const OUTAGE_MS = 3_000;

/** The seconds from the master's first log line to its "All users spawned: … (6 total users)". */
function recoverySeconds(master: Started): number {
  const out = master.output();
  return loggedAt(out, /All users spawned: .*\(6 total users\)/) - loggedAt(out, /Starting locust-ts/);
}

interface WorkerRow {
  state: string;
  user_count: number;
}

describe('master restart', () => {
  let target: Target | undefined;
  const procs: Started[] = [];
  afterAll(async () => {
    for (const p of procs) p.kill();
    await target?.close();
  });

  it('TS and Python 2.12.1 workers rejoin a restarted master, web --autostart and headless, within 10 s, no orphan users', async () => {
    target = await startTarget();
    const masterPort = await freePort();
    const webPort = await freePort();
    const pyLocustfile = writePythonLocustfile();
    const csv = join(pyLocustfile, '..', 'restart');
    const common = ['-f', 'examples/locustfile.ts', '--master', '--expect-workers', '3', '-u', String(USERS), '-r', '100', '-H', target.url,
      '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort)];
    const webMaster = (): Started => {
      const m = startBin([...common, '--autostart', '--web-host', '127.0.0.1', '--web-port', String(webPort)]);
      procs.push(m);
      return m;
    };
    const workerRows = async (): Promise<WorkerRow[]> => {
      const res = await fetch(`http://127.0.0.1:${webPort}/stats/requests`);
      return ((await res.json()) as { workers: WorkerRow[] }).workers;
    };

    let master = webMaster();
    const workers = [1, 2].map(() => startBin(['-f', 'examples/locustfile.ts', '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)]));
    const python = startProcess(LOCUST_BIN, ['-f', pyLocustfile, '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)], {
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    procs.push(...workers, python);
    await master.waitFor(/All users spawned: .*\(6 total users\)/, 40_000);

    const figures: number[] = [];
    for (let restart = 1; restart <= 1; restart++) {
      master.kill();
      await master.exited;
      // every TS worker stops its users as soon as its link to the master drops; then a 3 s outage
      for (const w of workers) await w.waitFor(/Stopped \d+ users: no master accounts for them/, 20_000);
      const tsRequests = (): number => target!.requests() - target!.requestsFrom('python-requests');
      const tsBefore = tsRequests();
      await sleep(OUTAGE_MS);
      expect(tsRequests() - tsBefore).toBe(0);
      master = webMaster();
      await master.waitFor(/All users spawned: .*\(6 total users\)/, 40_000);
      const rows = await workerRows();
      expect(rows.map((r) => r.user_count).sort()).toEqual([2, 2, 2]);
      expect(rows.every((r) => r.state === 'running' || r.state === 'spawning')).toBe(true);
      figures.push(recoverySeconds(master));
      // the Python worker came back because it was asked to (Locust workers never re-register by themselves)
      expect(master.output()).toMatch(/is not registered here but sends (heartbeat|stats) \(its master restarted\?\)/);
      for (const w of workers) expect(w.output()).toMatch(/The master at .* is back; rejoining with client_ready/g);
    }

    // the same arguments, headless: the run starts once the 3 workers are back, and ends by -t
    master.kill();
    await master.exited;
    const headless = startBin([...common, '--headless', '-t', '6s', '--csv', csv]);
    procs.push(headless);
    await headless.waitFor(/All users spawned: .*\(6 total users\)/, 40_000);
    const before = target.requests();
    figures.push(recoverySeconds(headless));
    expect(await headless.exited).toBe(0);
    await Promise.all([...workers, python].map((w) => w.exited));
    // no orphan users: everything the target got after the ramp is in the run's own statistics
    const rows = readFileSync(`${csv}_stats.csv`, 'utf8').trim().split('\n').map((l) => l.split(','));
    const counted = Number(rows.find((r) => r[1] === 'Aggregated')![rows[0]!.indexOf('Request Count')]);
    const after = target.requests();
    expect(counted).toBeGreaterThan(0);
    expect(after - before).toBeLessThanOrEqual(counted);
    for (const seconds of figures) expect(seconds).toBeLessThanOrEqual(RECOVERY_GOAL_SECONDS);
    console.log(`master restart: all 3 workers running ${figures.map((s) => s.toFixed(2)).join(' s, ')} s after the new master started (web, headless); target got ${after - before} requests after the last ramp, the run counted ${counted}`);
  }, 150_000);
});
