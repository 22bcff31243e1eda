/**
 * The edge report (issue 9): `GET /edges` and `PREFIX_edges.csv` show each synchronized edge's
 * spread and name a worker that started late (one locust-ts worker delayed on purpose with the
 * fault-test-only LOCUST_TS_FAULT_EDGE_DELAY_MS); and a mixed swarm (locust-ts + Python Locust
 * 2.12.1 workers) under a square shape: the Python worker keeps working, ramping as Locust does,
 * and the master says once that it cannot take part in synchronized edges.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadShape, LoadShapeTick } from '@locust-ts/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { PYTHON_WORKERS_NOTICE } from '../../packages/master/src/edges/edge-sync.js';
import type { EdgesView } from '../../packages/master/src/edges/edge-report.js';
import { EDGE_FAULT_DELAY_ENV } from '../../packages/worker/src/runner/edge-spawn.js';
import { loadLocustfile } from '@locust-ts/worker';
import { writePythonLocustfile } from '@locust-ts/test-support/locustfiles';
import { freePort } from '@locust-ts/test-support/ports';
import { TS_LOCUSTFILE, TestSwarm, startPythonWorker, startTsWorker, waitFor } from '@locust-ts/test-support/swarm';

/** Square: `peak` users for `on` s, 0 for `off` s, `cycles` times, after `leadIn` s at 0; instant. */
class Square implements LoadShape {
  constructor(private readonly p: { peak: number; on: number; off: number; cycles: number; leadIn: number }) {}
  tick(t: number): LoadShapeTick | null {
    const { peak, on, off, cycles, leadIn } = this.p;
    if (t < leadIn) return [0, 10_000];
    const cycle = Math.floor((t - leadIn) / (on + off));
    if (cycle >= cycles) return null;
    return [t - leadIn - cycle * (on + off) < on ? peak : 0, 10_000];
  }
}

/**
 * How far the late worker's acknowledged start may read early on the master's clock: the worker
 * maps the instant with its offset estimate when the spawn arrives and its start back with the
 * estimate of the moment it fires; a heartbeat in between may move the estimate by up to half a
 * round trip (well under a ms on an idle host, tens of ms on a loaded 2-core one).
 */
const CLOCK_ESTIMATE_SLACK_MS = 50;
/** A delay far above the 50 ms limit, the slack and any scheduling noise. */
const FAULT_DELAY_MS = 400;

describe('the edge report', () => {
  const swarm = new TestSwarm();
  const scratch = mkdtempSync(join(tmpdir(), 'edges-report-'));
  afterAll(async () => {
    await swarm.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('GET /edges and PREFIX_edges.csv give each edge its spread and name the late worker', async () => {
    const lf = await loadLocustfile(TS_LOCUSTFILE);
    const csvPrefix = join(scratch, 'late');
    await swarm.startTarget();
    const master = await swarm.startMaster({
      userClasses: lf.describeUserClasses(),
      host: swarm.target!.url,
      headless: false,
      webHost: '127.0.0.1',
      webPort: await freePort(),
      csvPrefix,
      shape: new Square({ peak: 10, on: 1.5, off: 1, cycles: 1, leadIn: 1.05 }),
    });
    const [onTime] = swarm.startWorkers(1, lf.userClasses);
    process.env[EDGE_FAULT_DELAY_ENV] = String(FAULT_DELAY_MS);
    const [late] = swarm.startWorkers(1, lf.userClasses).slice(1);
    delete process.env[EDGE_FAULT_DELAY_ENV];
    const runner = master.runner;
    await waitFor(() => runner.workerCount() === 2, 30_000, '2 workers');
    runner.startShape();
    const lateId = late!.runner.clientId;
    const onTimeId = onTime!.runner.clientId;

    // both edges (up to 10, down to 0) reported; read them as the UI does
    let view: EdgesView = { edges: [], notice: null };
    await waitFor(() => runner.edges().edges.length >= 2, 60_000, 'two edges reported');
    view = (await (await fetch(`${master.webUrl}/edges`)).json()) as EdgesView;
    expect(view.edges.map((e) => e.targetUsers)).toEqual([10, 0]);
    expect(view.notice).toBeNull(); // no Python worker here
    for (const edge of view.edges) {
      expect(edge.workers.map((w) => w.workerId).sort()).toEqual([lateId, onTimeId].sort());
      const lateStart = edge.workers.find((w) => w.workerId === lateId)!;
      // the late worker's own acknowledged start is the fault delay after the instant, read on the
      // master's clock through the worker's offset estimates (see CLOCK_ESTIMATE_SLACK_MS)
      expect(lateStart.lateMs!).toBeGreaterThanOrEqual(FAULT_DELAY_MS - CLOCK_ESTIMATE_SLACK_MS);
      expect(edge.lateWorkers.some((l) => l.startsWith(lateId))).toBe(true);
      expect(edge.spreadMs!).toBeGreaterThan(0);
    }
    const rows = readFileSync(`${csvPrefix}_edges.csv`, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('Timestamp,Target Users,Workers,Spread ms,First Requests,Sent p50 ms,Sent p99 ms,Sent max ms,Answered p50 ms,Answered p99 ms,Answered max ms,Cold Connections,Late Worker');
    expect(rows).toHaveLength(3);
    for (const [i, row] of rows.slice(1).entries()) {
      expect(row.startsWith(`${view.edges[i]!.startAt.toFixed(3)},${view.edges[i]!.targetUsers},2,${view.edges[i]!.spreadMs!.toFixed(1)},`)).toBe(true);
      expect(row).toContain(lateId);
    }
    expect(swarm.sink.text).toMatch(new RegExp(`WARNING/locust.runners: Edge \\d+ to 10 users: 2/2 locust-ts workers started, start spread [\\d.]+ ms .*late: .*${lateId}`));
    console.log(`edge report: ${rows.slice(1).join(' | ')}`);
    await master.quit();
  }, 120_000);
});

describe('a mixed swarm under a square shape', () => {
  const swarm = new TestSwarm();
  afterAll(() => swarm.stop());

  it('the Python worker keeps working and ramps; the notice that it cannot jump appears once', async () => {
    const { master } = await swarm.startHeadless({
      userClassNames: ['SimpleUser'],
      expectWorkers: 2,
      onlySummary: true,
      shape: new Square({ peak: 10, on: 2, off: 1, cycles: 2, leadIn: 1.05 }),
    });
    swarm.processes.push(startTsWorker(master.port), startPythonWorker(writePythonLocustfile(), master.port));
    const runner = master.runner;
    await waitFor(
      () => runner.registry.all().some((n) => !n.dialect.locustTs && n.numRequests > 0 && n.state !== 'missing'),
      30_000,
      'requests reported by the Python worker',
    );
    expect(await master.done).toBe(0); // the shape ended the run by itself
    const nodesRequests = runner.stats.get('/hello', 'GET').numRequests;
    expect(nodesRequests).toBeGreaterThan(0);
    expect(runner.stats.get('/hello', 'GET').numFailures).toBe(0);

    const view = runner.edges();
    expect(view.notice).toBe(PYTHON_WORKERS_NOTICE);
    // every edge went to the one locust-ts worker only; the Python worker ramped
    expect(view.edges.map((e) => `${e.targetUsers}:${e.workers.length}:${e.rampingWorkers}`)).toEqual(['10:1:1', '0:1:1', '10:1:1', '0:1:1']);
    expect(view.edges.every((e) => e.workers[0]!.startedAt !== null)).toBe(true);
    expect(swarm.sink.text.split(PYTHON_WORKERS_NOTICE).length - 1).toBe(1);
    console.log(`mixed swarm: ${view.edges.map((e) => `${e.targetUsers} users spread ${e.spreadMs?.toFixed(1)} ms`).join(', ')}; ${nodesRequests} requests`);
  }, 120_000);
});
