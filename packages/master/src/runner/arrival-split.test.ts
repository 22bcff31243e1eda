/**
 * The master's arrival-rate split (contract K3) against the dispatcher vectors recorded from the
 * newest Locust, and its controller: shares, cheap rate changes, re-splits, Python workers.
 */
import { readFileSync } from 'node:fs';
import { LOCUST_TS_RATE, LOCUST_TS_WORKER_VERSION, type ArrivalRateData, type UserClassDescription } from '@locust-ts/protocol';
import { describe, expect, it } from 'vitest';
import { MasterLogger } from '../log/master-logger.js';
import { ArrivalRateController, ArrivalRateError } from './arrival-rate.js';
import { EXACT_SPLIT_MAX_USERS, PoolSplitter, dispatcherSplit, shareRate } from './arrival-split.js';
import { WorkerRegistry } from './worker-registry.js';
import { SHARED_PROTOCOL_DIR } from '@locust-ts/test-support/paths';

const VECTORS = `${SHARED_PROTOCOL_DIR}/dispatch-vectors.json`;

interface Scenario {
  name: string;
  input: { workers: string[]; classes: Array<{ name: string; weight?: number; fixed_count?: number }>; steps: Array<{ op: string; target?: number }> };
  both?: { steps: Array<{ iterations?: Array<Record<string, Record<string, number>>> }> };
  head?: { steps: Array<{ iterations?: Array<Record<string, Record<string, number>>> }> };
}

function classesOf(s: Scenario): UserClassDescription[] {
  return s.input.classes.map((c) => ({ name: c.name, weight: c.weight ?? 1, fixedCount: c.fixed_count ?? 0 }));
}

describe('the arrival-rate split', () => {
  it("splits a large pool cheaply: worker totals exactly the dispatcher's, classes within 1% of its split, fixed counts kept", () => {
    const classes: UserClassDescription[] = [
      { name: 'Web', weight: 3, fixedCount: 0 },
      { name: 'Api', weight: 1, fixedCount: 0 },
      { name: 'Admin', weight: 1, fixedCount: 2 },
    ];
    const workers = ['host-b_2', 'host-a_1', 'host-a_3'];
    const users = 20 * EXACT_SPLIT_MAX_USERS + 7;
    const exact = dispatcherSplit(users, workers, classes);
    const fast = new PoolSplitter().split(users, workers, classes);
    expect([...fast.keys()]).toEqual([...exact.keys()]);
    for (const [id, counts] of exact) {
      const got = fast.get(id)!;
      const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
      expect(sum(got), id).toBe(sum(counts));
      expect(got.Admin, id).toBe(counts.Admin);
      for (const name of ['Web', 'Api']) expect(Math.abs(got[name]! - counts[name]!), `${id} ${name}`).toBeLessThanOrEqual(counts[name]! / 100);
    }
  });

  it("splits the pool over workers and classes exactly as the newest Locust's dispatcher split those users", () => {
    const scenarios = (JSON.parse(readFileSync(VECTORS, 'utf8')) as { scenarios: Scenario[] }).scenarios;
    let checked = 0;
    for (const s of scenarios) {
      const first = s.input.steps[0]!;
      const recorded = (s.head ?? s.both)!.steps[0]!.iterations;
      if (first.op !== 'dispatch' || !recorded?.length) continue;
      const pool = new PoolSplitter().split(first.target!, s.input.workers, classesOf(s));
      expect(Object.fromEntries(pool), s.name).toEqual(recorded.at(-1));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it("gives each worker the rate in proportion to its share of the pool (10 users over 4 workers: 3,3,2,2)", () => {
    const pool = new PoolSplitter().split(10, ['w1', 'w2', 'w3', 'w4'], [{ name: 'U', weight: 1, fixedCount: 0 }]);
    const shares = shareRate(200, pool);
    expect([...shares.values()].map((s) => s.maxUsers)).toEqual([3, 3, 2, 2]);
    expect([...shares.values()].map((s) => s.rate)).toEqual([60, 60, 40, 40]);
  });
});

function controllerWith(versions: Record<string, string>) {
  const registry = new WorkerRegistry();
  for (const [id, version] of Object.entries(versions)) registry.register(id, version);
  let logText = '';
  const sent: Array<{ id: string; data: ArrivalRateData }> = [];
  const controller = new ArrivalRateController({
    registry,
    log: new MasterLogger('INFO', { write: (t: string) => ((logText += t), true) }),
    dispatchedClasses: () => [{ name: 'U', weight: 1, fixedCount: 0 }],
    host: () => 'http://target',
    sendMessage: (type, data, id) => {
      expect(type).toBe(LOCUST_TS_RATE);
      sent.push({ id, data: data as ArrivalRateData });
    },
  });
  return { registry, controller, sent, log: () => logText };
}

describe('the arrival-rate controller', () => {
  it('sends each locust-ts worker its share; a rate change reaches only workers whose share changed', () => {
    const { controller, sent } = controllerWith({ a: LOCUST_TS_WORKER_VERSION, b: LOCUST_TS_WORKER_VERSION });
    controller.start(100, 4);
    expect(sent.map((m) => [m.id, m.data.rate, m.data.max_users, m.data.host])).toEqual([
      ['a', 50, 2, 'http://target'],
      ['b', 50, 2, 'http://target'],
    ]);
    sent.length = 0;
    controller.start(100, 4);
    expect(sent).toEqual([]);
    controller.start(300, 4);
    expect(sent.map((m) => [m.id, m.data.rate])).toEqual([
      ['a', 150],
      ['b', 150],
    ]);
    // timestamps only grow: a worker can drop a reordered older message
    expect(sent[1]!.data.timestamp).toBeGreaterThan(sent[0]!.data.timestamp);
  });

  it('re-splits when a worker leaves, and defaults the pool to 10 users per iteration/s', () => {
    const { registry, controller, sent } = controllerWith({ a: LOCUST_TS_WORKER_VERSION, b: LOCUST_TS_WORKER_VERSION });
    controller.start(20);
    expect(sent.map((m) => m.data.max_users)).toEqual([100, 100]);
    sent.length = 0;
    registry.delete('b');
    controller.workersChanged('b');
    expect(sent.map((m) => [m.id, m.data.rate, m.data.max_users])).toEqual([['a', 20, 200]]);
  });

  it('a locust-ts worker joining gets its share at once, and the others give theirs up', () => {
    const { registry, controller, sent } = controllerWith({ a: LOCUST_TS_WORKER_VERSION, b: LOCUST_TS_WORKER_VERSION });
    controller.start(90, 9);
    sent.length = 0;
    registry.register('c', LOCUST_TS_WORKER_VERSION);
    controller.workersChanged('c');
    expect(sent.map((m) => [m.id, m.data.rate, m.data.max_users]).sort()).toEqual([
      ['a', 30, 3],
      ['b', 30, 3],
      ['c', 30, 3],
    ]);
  });

  it('gives Python workers nothing and says so once each; refuses to start without a locust-ts worker', () => {
    const mixed = controllerWith({ ts: LOCUST_TS_WORKER_VERSION, py: '' });
    mixed.controller.start(10);
    mixed.controller.start(20);
    expect(mixed.sent.map((m) => m.id)).toEqual(['ts', 'ts']);
    expect(mixed.log().match(/Worker py \(index 1\) is a Python Locust worker: it cannot run an arrival rate and gets no users/g)).toHaveLength(1);

    const python = controllerWith({ py: '2.46.3' });
    expect(() => python.controller.start(10)).toThrow(ArrivalRateError);
    expect(() => python.controller.start(10)).toThrow(/the 1 connected worker\(s\) are Python Locust workers/);
    expect(python.sent).toEqual([]);
  });
});
