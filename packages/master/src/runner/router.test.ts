import type { BadFrame, CustomMessage } from '@locust-ts/protocol';
import { describe, expect, it } from 'vitest';
import { MasterLogger } from '../log/master-logger.js';
import type { HandlerContext } from './handlers.js';
import type { Outbox } from './outbox.js';
import { MessageRouter } from './router.js';
import { WorkerRegistry } from './worker-registry.js';

function setUp() {
  const lines: string[] = [];
  const registry = new WorkerRegistry();
  registry.register('known', '2.46.0');
  const log = new MasterLogger('DEBUG', { write: (t: string) => lines.push(t) });
  const posted: string[] = [];
  const outbox = { post: (id: string, type: string) => posted.push(`${type}→${id}`) } as unknown as Outbox;
  const after: string[] = [];
  const router = new MessageRouter({ registry, log } as unknown as HandlerContext, outbox, (m) => after.push(m.type));
  return { router, lines, posted, after };
}

const custom = (type: string, data: unknown = null): CustomMessage => ({ type, data, nodeId: 'known', custom: true });

describe('the master message router', () => {
  it('hands a custom message to its registered handler, then runs the after-message check', () => {
    const { router, after } = setUp();
    const got: unknown[] = [];
    router.register('my_type', (m) => got.push(m));
    router.route(custom('my_type', { n: 1 }), 'known');
    expect(got).toEqual([{ type: 'my_type', data: { n: 1 }, nodeId: 'known' }]);
    expect(after).toEqual(['my_type']);
  });

  it('survives a throwing custom handler and an unknown type with one log line each', () => {
    const { router, lines, after } = setUp();
    router.register('bad', () => {
      throw new Error('handler bug');
    });
    expect(() => router.route(custom('bad'), 'known')).not.toThrow();
    router.route(custom('nobody_handles_this'), 'known');
    expect(lines.filter((l) => /Uncaught exception in handler for bad: Error: handler bug/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /WARNING\/locust\.runners: Unknown message type received from worker known \(index 0\): nobody_handles_this/.test(l))).toHaveLength(1);
    expect(after).toEqual(['bad', 'nobody_handles_this']);
  });

  it("refuses a second handler for a type, and a handler for one of Locust's own types", () => {
    const { router } = setUp();
    router.register('mine', () => undefined);
    expect(() => router.register('mine', () => undefined)).toThrow(/already registered/);
    expect(() => router.register('heartbeat', () => undefined)).toThrow(/Locust message type/);
  });

  it('tells a known sender of a corrupt frame to reconnect (spec §3.11), and nobody else', () => {
    const { router, posted } = setUp();
    const bad = (identity: string, corrupt: boolean): BadFrame => ({ identity, corrupt, error: new Error('bad msgpack') });
    router.badFrame(bad('known', true));
    router.badFrame(bad('stranger', true));
    router.badFrame(bad('known', false));
    expect(posted).toEqual(['reconnect→known']);
  });
});
