/**
 * The edge report's first-request figures (issue 23, "honest figures"), against the target's own
 * access log: a square shape 0 → PEAK → 0 twice over 2 locust-ts worker processes, against the
 * Fastify target writing an access log (each request's arrival, stamped by the target). Each user
 * tags its requests with its worker's index and its own id, so the log gives each worker's users'
 * first arrivals per rising edge. The report must count what the target saw (users, sent,
 * answered, per worker and per edge), and its p50/p99/max must bracket the target's: a user's first
 * request is written before the target stamps it and answered after, so the k-th smallest send
 * time is no later than the k-th smallest arrival, and that no later than the k-th smallest answer
 * — order, never durations. Users whose first request rode a connection that had already carried
 * requests before the edge (the same client port in the log) cannot count as "no warm connection".
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadShape, LoadShapeTick } from '@locust-ts/protocol';
import { buildServer, parseAccessLog } from '@locust-ts/target-server';
import { afterAll, describe, expect, it } from 'vitest';
import type { EdgeRecord, TimeSummary } from '../../packages/master/src/edges/edge-report.js';
import { loadLocustfile } from '@locust-ts/worker';
import { TS_NODE_ARGS } from '@locust-ts/test-support/paths';
import { spawnChild } from '@locust-ts/test-support/process';
import { TS_WORKER, TestSwarm, waitFor } from '@locust-ts/test-support/swarm';

const LOCUSTFILE = new URL('./fixtures/first-requests-locustfile.ts', import.meta.url).pathname;
const PEAK = 40;
const WORKERS = 2;
/**
 * How far apart two processes' epoch clocks may read, ms: both are Date.now() taken once at start
 * (whole ms) plus the monotonic clock, and the report rounds to 0.01 ms. Not a duration of anything.
 */
const CLOCK_READ_SLACK_MS = 2.5;
/** Hang guards only. */
const EDGES_LIMIT_MS = 90_000;

/** Square: `peak` users for `on` s, 0 for `off` s, `cycles` times, after `leadIn` s at 0; instant. */
class Square implements LoadShape {
  constructor(private readonly p: { peak: number; on: number; off: number; cycles: number; leadIn: number }) {}
  tick(t: number): LoadShapeTick | null {
    const { peak, on, off, cycles, leadIn } = this.p;
    if (t < leadIn) return [0, 100_000];
    const cycle = Math.floor((t - leadIn) / (on + off));
    if (cycle >= cycles) return null;
    return [t - leadIn - cycle * (on + off) < on ? peak : 0, 100_000];
  }
}

/** Locust's percentile rule, written out here rather than taken from the report's code. */
function summary(values: number[]): TimeSummary {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number): number | null => (s.length === 0 ? null : s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * q) - 1))]!);
  return { count: s.length, p50: at(0.5), p99: at(0.99), max: s.at(-1) ?? null };
}

interface FirstArrival {
  /** epoch s, the target's stamp */
  time: number;
  worker: number;
  /** client address:port: the connection */
  client: string;
}

describe('the first requests of an edge, in the report and at the target', () => {
  const swarm = new TestSwarm();
  const scratch = mkdtempSync(join(tmpdir(), 'edges-first-'));
  afterAll(async () => {
    await swarm.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('per edge and worker: the counts the target logged, and sent ≤ arrived ≤ answered at p50, p99 and max', async () => {
    const accessLog = join(scratch, 'access.log');
    const target = buildServer({ accessLog });
    await target.listen({ host: '127.0.0.1', port: 0 });
    const targetUrl = `http://127.0.0.1:${(target.server.address() as AddressInfo).port}`;
    const lf = await loadLocustfile(LOCUSTFILE);
    const master = await swarm.startMaster({
      userClasses: lf.describeUserClasses(),
      host: targetUrl,
      headless: false,
      shape: new Square({ peak: PEAK, on: 2, off: 1.5, cycles: 2, leadIn: 1.05 }),
    });
    for (let i = 0; i < WORKERS; i++) swarm.processes.push(spawnChild(process.execPath, [...TS_NODE_ARGS, TS_WORKER, LOCUSTFILE, String(master.port)]));
    const runner = master.runner;
    await waitFor(() => runner.workerCount() === WORKERS, 60_000, `${WORKERS} workers`);
    runner.startShape();
    await waitFor(() => runner.edges().edges.length >= 4, EDGES_LIMIT_MS, 'four edges reported');
    const edges: EdgeRecord[] = runner.edges().edges;
    await master.quit();
    await target.close(); // flushes the access log

    expect(edges.map((e) => e.targetUsers)).toEqual([PEAK, 0, PEAK, 0]);
    const rising = [edges[0]!, edges[2]!];
    // a falling edge starts nobody: no first requests
    expect(edges[1]!.firstRequests).toBeNull();
    expect(edges[3]!.firstRequests).toBeNull();

    // each user's first request at the target, and every connection's first use
    const firstOfUser = new Map<string, FirstArrival>();
    const connectionFirstSeen = new Map<string, number>();
    for (const line of parseAccessLog(readFileSync(accessLog, 'utf8'))) {
      if (!connectionFirstSeen.has(line.client)) connectionFirstSeen.set(line.client, line.time);
      const m = /[?&]w=(-?\d+)&u=([^&]+)/.exec(line.url);
      if (m && !firstOfUser.has(m[2]!)) firstOfUser.set(m[2]!, { time: line.time, worker: Number(m[1]), client: line.client });
    }
    const arrivals = [...firstOfUser.values()];
    expect(arrivals).toHaveLength(PEAK * 2); // new users at each rising edge
    // a user's first request belongs to the last rising edge planned before it (edges are 3.5 s apart)
    const edgeOf = (a: FirstArrival): number => (a.time >= rising[1]!.startAt - 1 ? 1 : 0);

    const lines: string[] = [];
    for (const [k, edge] of rising.entries()) {
      const edgeArrivals = arrivals.filter((a) => edgeOf(a) === k);
      expect(edgeArrivals).toHaveLength(PEAK);
      expect(edge.firstRequests!.users).toBe(PEAK);
      expect(edge.firstRequests!.sent.count).toBe(PEAK);
      expect(edge.firstRequests!.answered.count).toBe(PEAK);
      let coldAtMost = 0;
      for (const w of edge.workers) {
        const f = w.firstRequests!;
        expect(f, `edge ${edge.id}, worker ${w.workerIndex}: first-request figures`).not.toBeNull();
        const mine = edgeArrivals.filter((a) => a.worker === w.workerIndex);
        // the counts: every user this worker started sent and had answered one first request, and the target logged each
        expect(f.users).toBe(mine.length);
        expect(f.sent.count).toBe(mine.length);
        expect(f.answered.count).toBe(mine.length);
        // the times: on the worker's clock from its own planned instant; the target's arrivals likewise
        const arrived = summary(mine.map((a) => (a.time - f.instantLocal!) * 1000));
        for (const q of ['p50', 'p99', 'max'] as const) {
          expect(f.sent[q]!, `edge ${edge.id}, worker ${w.workerIndex}: sent ${q} ≤ arrived ${q}`).toBeLessThanOrEqual(arrived[q]! + CLOCK_READ_SLACK_MS);
          expect(arrived[q]!, `edge ${edge.id}, worker ${w.workerIndex}: arrived ${q} ≤ answered ${q}`).toBeLessThanOrEqual(f.answered[q]! + CLOCK_READ_SLACK_MS);
        }
        // a connection the target saw carry requests before this edge was open at its instant
        const reused = mine.filter((a) => connectionFirstSeen.get(a.client)! < a.time && connectionFirstSeen.get(a.client)! < f.instantLocal!).length;
        expect(f.cold).toBeGreaterThanOrEqual(0);
        expect(f.cold).toBeLessThanOrEqual(mine.length - reused);
        coldAtMost += mine.length - reused;
        lines.push(`edge ${edge.id} worker ${w.workerIndex}: ${f.users} users, sent p50/p99/max ${f.sent.p50}/${f.sent.p99}/${f.sent.max} ms, arrived ${arrived.p50?.toFixed(2)}/${arrived.p99?.toFixed(2)}/${arrived.max?.toFixed(2)} ms, answered ${f.answered.p50}/${f.answered.p99}/${f.answered.max} ms; ${f.cold} cold (≤ ${mine.length - reused} by the log)`);
      }
      expect(edge.workers.reduce((n, w) => n + w.firstRequests!.users, 0)).toBe(PEAK);
      expect(edge.firstRequests!.cold).toBeLessThanOrEqual(coldAtMost);
    }
    // the second rising edge found the first cycle's keep-alive connections: the log shows them reused
    const secondReused = arrivals.filter((a) => edgeOf(a) === 1 && connectionFirstSeen.get(a.client)! < rising[1]!.startAt - 0.5).length;
    expect(secondReused).toBeGreaterThan(0);
    // the console carries the figures
    expect(swarm.sink.text).toMatch(new RegExp(`Edge ${rising[0]!.id} to ${PEAK} users: ${WORKERS}/${WORKERS} locust-ts workers started, start spread [\\d.]+ ms \\(lead \\d+ ms\\); first requests of ${PEAK} users: sent ${PEAK} at p50/p99/max \\d+/\\d+/\\d+ ms, answered ${PEAK} at \\d+/\\d+/\\d+ ms after the instant; \\d+ without a warm connection`));
    expect(swarm.sink.text).toMatch(new RegExp(`Edge ${rising[0]!.id}, worker \\S+ \\(index \\d\\): first requests of \\d+ users`));
    console.log(lines.join('\n'));
  }, EDGES_LIMIT_MS + 90_000);
});
