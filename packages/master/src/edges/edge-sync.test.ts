import { LOCUST_TS_WORKER_VERSION } from '@locust-ts/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MasterLogger } from '../log/master-logger.js';
import { WorkerNode } from '../runner/worker-registry.js';
import { EDGES_CSV_HEADER, edgeCsvRow } from './edge-report.js';
import { EdgeSync, MIN_EDGE_LEAD_SECONDS, PREPARE_SECONDS_PER_USER, PYTHON_WORKERS_NOTICE } from './edge-sync.js';

const quiet = { write: () => true };
const ts = (i: number) => new WorkerNode(`ts${i}`, i, LOCUST_TS_WORKER_VERSION);
const python = (i: number) => new WorkerNode(`py${i}`, i, '');

afterEach(() => vi.useRealTimers());

describe('EdgeSync', () => {
  it('answers locust-ts heartbeats with a clock sample and Python heartbeats with null', () => {
    const sync = new EdgeSync(new MasterLogger('INFO', quiet), null);
    const reply = sync.heartbeatReply(ts(0), { state: 'ready', current_cpu_usage: 0, locust_ts_clock: 123.5 });
    expect(reply!.locust_ts_clock[0]).toBe(123.5);
    expect(Math.abs(reply!.locust_ts_clock[1] - Date.now() / 1000)).toBeLessThan(5);
    expect(sync.heartbeatReply(python(1), { state: 'ready', current_cpu_usage: 0, locust_ts_clock: 1 })).toBeNull();
  });

  it('sizes the lead from the round trips at the first edge of a test, never below the floor, and never shrinks it within the test', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const sync = new EdgeSync(new MasterLogger('INFO', quiet), null);
    const node = ts(0);
    sync.beginTest(1000);
    expect(sync.leadSeconds([node])).toBe(MIN_EDGE_LEAD_SECONDS); // no round trip yet: the floor
    for (let i = 0; i < 10; i++) sync.heartbeatReply(node, { state: 'running', current_cpu_usage: 0, locust_ts_clock: 1, locust_ts_rtt: 0.09 });
    expect(sync.leadSeconds([node])).toBeCloseTo(0.27, 6); // 3 × p99
    const first = sync.begin(100, [node])!;
    expect(first.start_at - 1000).toBeCloseTo(0.35, 6); // 0.27 → 0.3 s, on the grid half a step off the start
    // the pulse keeps the worker busy: its round trips grow, the test's lead does not (equal stages)
    for (let i = 0; i < 30; i++) sync.heartbeatReply(node, { state: 'running', current_cpu_usage: 0, locust_ts_clock: 1, locust_ts_rtt: 0.3 });
    expect(sync.leadSeconds([node])).toBeCloseTo(0.9, 6);
    expect(sync.begin(0, [node])!.start_at - 1000).toBeCloseTo(0.35, 6);
    // a new test sizes its lead afresh, from the round trips now
    sync.beginTest(1000);
    expect(sync.begin(100, [node])!.start_at - 1000).toBeCloseTo(0.95, 6);
    sync.close();
  });

  it('adds time for each worker to construct its share of the users', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const sync = new EdgeSync(new MasterLogger('INFO', quiet), null);
    sync.beginTest(1000);
    // 1,000 users over 2 workers: 500 × PREPARE_SECONDS_PER_USER = 0.5 s on top of the 0.1 s floor, on the grid (half a step off)
    const edge = sync.begin(1000, [ts(0), ts(1)], 1000)!;
    expect(PREPARE_SECONDS_PER_USER).toBe(0.001);
    expect(edge.start_at - 1000).toBeCloseTo(0.65, 6);
    sync.close();
  });

  it('says once that Python workers ramp, and reports edges with late and silent workers', () => {
    vi.useFakeTimers({ now: 2_000_000 });
    const sink = { text: '', write(c: string) { this.text += c; return true; } };
    const sync = new EdgeSync(new MasterLogger('INFO', sink), null);
    sync.beginTest(2000);
    const edge = sync.begin(10, [ts(0), ts(1), ts(2), python(3)])!;
    expect(sync.begin(0, [ts(0), python(3)])).not.toBeNull();
    expect(sink.text.split(PYTHON_WORKERS_NOTICE).length - 1).toBe(1);
    sync.onAck('ts0', { id: edge.id, started_at: edge.start_at + 0.002, users: 4, offset: 0.5, prepared_ms: -80 });
    sync.onAck('ts1', { id: edge.id, started_at: edge.start_at + 0.090, users: 3, offset: null, prepared_ms: -80 });
    sync.close(); // ts2 never answered
    const [report] = sync.view().edges;
    expect(report!.spreadMs).toBeCloseTo(88, 6);
    expect(report!.rampingWorkers).toBe(1);
    expect(report!.lateWorkers).toEqual(['ts1 (index 1, +90 ms)', 'ts2 (index 2, no acknowledgement)']);
    expect(sink.text).toMatch(/WARNING\/locust.runners: Edge 1 to 10 users: 2\/3 locust-ts workers started, start spread 88.0 ms \(lead 150 ms\); late: ts1 .*; 1 Python worker\(s\) ramped instead/);
    expect(EDGES_CSV_HEADER).toBe(
      'Timestamp,Target Users,Workers,Spread ms,First Requests,Sent p50 ms,Sent p99 ms,Sent max ms,Answered p50 ms,Answered p99 ms,Answered max ms,Cold Connections,Late Worker',
    );
    // no worker announced first-request figures: none in the row
    expect(edgeCsvRow(report!)).toBe(`${report!.startAt.toFixed(3)},10,3,88.0,0,,,,,,,,"ts1 (index 1, +90 ms); ts2 (index 2, no acknowledgement)"`);
  });

  it('waits for the first-request figures a worker announced, and reports them per worker and over the edge', () => {
    vi.useFakeTimers({ now: 3_000_000 });
    const sink = { text: '', write(c: string) { this.text += c; return true; } };
    const sync = new EdgeSync(new MasterLogger('INFO', sink), null);
    sync.beginTest(3000);
    const edge = sync.begin(4, [ts(0), ts(1)])!;
    sync.onAck('ts0', { id: edge.id, started_at: edge.start_at, users: 2, offset: 0, prepared_ms: -50, first_requests: true });
    sync.onAck('ts1', { id: edge.id, started_at: edge.start_at, users: 2, offset: 0, prepared_ms: -50, first_requests: true });
    expect(sync.view().edges).toHaveLength(0); // acknowledged, figures still to come
    sync.onRequests('ts1', { id: edge.id, users: 2, sent: 'soon' });
    expect(sink.text).toContain('Ignoring a malformed locust_ts_edge_requests from worker ts1');
    sync.onRequests('ts0', { id: edge.id, users: 2, sent: [1, 3], answered: [5, 9], cold: 0, instant_local: 3000.4 });
    expect(sync.view().edges).toHaveLength(0);
    sync.onRequests('ts1', { id: edge.id, users: 2, sent: [2, 40], answered: [7, 60], cold: 1, instant_local: 3000.4 });
    const [report] = sync.view().edges;
    expect(report!.workers.map((w) => [w.firstRequests!.sent.max, w.firstRequests!.answered.max, w.firstRequests!.cold])).toEqual([[3, 9, 0], [40, 60, 1]]);
    // over the edge: the four users' times together (p50 of 1,2,3,40 is the 2nd: 2)
    expect(report!.firstRequests).toEqual({ users: 4, sent: { count: 4, p50: 2, p99: 40, max: 40 }, answered: { count: 4, p50: 7, p99: 60, max: 60 }, cold: 1 });
    expect(sink.text).toContain('first requests of 4 users: sent 4 at p50/p99/max 2/40/40 ms, answered 4 at 7/60/60 ms after the instant; 1 without a warm connection');
    expect(sink.text).toMatch(/Edge 1, worker ts1 \(index 1\): first requests of 2 users: sent 2 at p50\/p99\/max 2\/40\/40 ms/);
    sync.close();
  });
});
