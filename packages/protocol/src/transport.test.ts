/**
 * MasterSocket and WorkerSocket over real ZeroMQ on 127.0.0.1: registration, heartbeats both
 * ways, stats with integer keys, and survival of garbage frames on either side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Dealer, Router } from 'zeromq';
import { encodeMessage } from './codec.js';
import { FrameDecodeError, MessageValidationError } from './errors.js';
import type { CustomMessage, MasterMessage, WorkerMessage } from './messages.js';
import { type BadFrame, MasterSocket, WorkerSocket } from './transport.js';
import { makeClientId } from './ids.js';

/** How long a test waits for one expected message. */
const WAIT_MS = 5_000;
/** Re-send period where a test plays a worker's periodic heartbeat. */
const RESEND_MS = 200;

/** Collects what a socket hands upward and lets a test await the next matching item. */
class Inbox<T> {
  readonly items: T[] = [];
  private waiters: Array<{ match: (t: T) => boolean; resolve: (t: T) => void }> = [];

  push = (item: T): void => {
    this.items.push(item);
    for (const w of [...this.waiters]) {
      if (w.match(item)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(item);
      }
    }
  };

  /** The first item (already received or future) matching `match`. */
  waitFor(match: (t: T) => boolean, what: string): Promise<T> {
    const seen = this.items.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.items.map(String))}`)), WAIT_MS);
      this.waiters.push({
        match,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      });
    });
  }
}

interface Received<M> {
  message: M;
  identity: string;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startMaster() {
  const master = new MasterSocket({ bindHost: '127.0.0.1', port: 0 });
  const port = await master.bind();
  cleanups.push(() => master.close());
  const inbox = new Inbox<Received<WorkerMessage | CustomMessage>>();
  const bad = new Inbox<BadFrame>();
  let nextIndex = 0;
  void master.listen({
    onMessage: (message, identity) => {
      inbox.push({ message, identity });
      if (message.type === 'client_ready') void master.send(identity, 'ack', { index: nextIndex++ });
      if (message.type === 'heartbeat') void master.send(identity, 'heartbeat', null);
    },
    onBadFrame: bad.push,
  });
  return { master, port, inbox, bad };
}

function startWorker(port: number, clientId = makeClientId('testhost')) {
  const worker = new WorkerSocket({ masterHost: '127.0.0.1', masterPort: port, clientId });
  cleanups.push(() => worker.close());
  const inbox = new Inbox<MasterMessage | CustomMessage>();
  const bad = new Inbox<BadFrame>();
  worker.connect({ onMessage: inbox.push, onBadFrame: bad.push });
  return { worker, inbox, bad };
}

/** Frames that must not kill a receive loop. */
function garbageFrames(nodeId: string): Array<[string, Buffer]> {
  return [
    ['random bytes', Buffer.from([0xc1, 0x13, 0x37, 0xff, 0x00, 0x9a])],
    ['valid msgpack + trailing byte', Buffer.concat([encodeMessage('heartbeat', { state: 'ready', current_cpu_usage: 1 }, nodeId), Buffer.from([0])])],
    ['wrong shape', Buffer.from('92a568656c6c6fc0', 'hex')], // ["hello", nil]
    // spawning_complete carries a map in both directions.
    ['known type, wrong data', encodeMessage('spawning_complete', 'not a map', nodeId)],
    ['unknown type', encodeMessage('no_such_type', { x: 1 }, nodeId)],
    ['empty frame', Buffer.alloc(0)],
  ];
}

describe('MasterSocket ↔ WorkerSocket over real ZeroMQ', () => {
  it('client_ready gets an ack with the worker index; heartbeats flow both ways', async () => {
    const { port, inbox: masterInbox } = await startMaster();
    const a = startWorker(port);
    const b = startWorker(port);

    await a.worker.send('client_ready', '2.12.1');
    const ackA = await a.inbox.waitFor((m) => m.type === 'ack', 'ack for a');
    await b.worker.send('client_ready', -1);
    const ackB = await b.inbox.waitFor((m) => m.type === 'ack', 'ack for b');
    expect(ackA).toEqual({ type: 'ack', data: { index: 0 }, nodeId: a.worker.clientId });
    expect(ackB).toEqual({ type: 'ack', data: { index: 1 }, nodeId: b.worker.clientId });

    const ready = await masterInbox.waitFor((r) => r.message.type === 'client_ready', 'client_ready');
    // The ROUTER identity frame is the worker's client_id (spec §1.1).
    expect(ready.identity).toBe(a.worker.clientId);
    expect(ready.message).toEqual({ type: 'client_ready', data: '2.12.1', nodeId: a.worker.clientId });

    await a.worker.send('heartbeat', { state: 'ready', current_cpu_usage: 2.5, current_memory_usage: 1_000_000 });
    const hb = await masterInbox.waitFor((r) => r.message.type === 'heartbeat', 'worker heartbeat');
    expect(hb.message.data).toEqual({ state: 'ready', current_cpu_usage: 2.5, current_memory_usage: 1_000_000 });
    expect(await a.inbox.waitFor((m) => m.type === 'heartbeat', 'master heartbeat')).toEqual({ type: 'heartbeat', data: null, nodeId: a.worker.clientId });
    // b got no heartbeat: the master answered only a.
    expect(b.inbox.items.some((m) => m.type === 'heartbeat')).toBe(false);
  });

  it('a stats report keeps its integer-keyed maps end to end', async () => {
    const { port, inbox } = await startMaster();
    const { worker } = startWorker(port);
    const entry = {
      name: '/hello', method: 'GET', last_request_timestamp: 1_795_625_303.5, start_time: 1_795_625_300.25,
      num_requests: 3, num_none_requests: 0, num_failures: 1, total_response_time: 290.5, max_response_time: 145.5,
      min_response_time: 12.5, total_content_length: 60,
      response_times: new Map([[12, 1], [130, 2]]), num_reqs_per_sec: new Map([[1_795_625_303, 3]]), num_fail_per_sec: new Map([[1_795_625_303, 1]]),
    };
    await worker.send('stats', { stats: [entry], stats_total: { ...entry, name: 'Aggregated', method: '' }, errors: {}, user_classes_count: { U: 1 }, user_count: 1 });
    const got = await inbox.waitFor((r) => r.message.type === 'stats', 'stats');
    expect(got.message.data).toEqual({ stats: [entry], stats_total: { ...entry, name: 'Aggregated', method: '' }, errors: {}, user_classes_count: { U: 1 }, user_count: 1 });
  });

  it('garbage frames sent to the master are reported and survived', async () => {
    const { port, inbox, bad } = await startMaster();
    const id = makeClientId('garbage');
    const dealer = new Dealer({ routingId: id, linger: 0 });
    cleanups.push(() => dealer.close());
    dealer.connect(`tcp://127.0.0.1:${port}`);
    const garbage = garbageFrames(id);
    for (const [, frame] of garbage) await dealer.send(frame);
    await dealer.send([Buffer.from('two'), Buffer.from('frames')]);
    // The unknown type arrives as a custom message, all others as bad frames.
    await inbox.waitFor((r) => r.message.type === 'no_such_type', 'custom message');
    await bad.waitFor(() => bad.items.length >= garbage.length, `${garbage.length} bad frames`); // 5 + the 3-frame one
    expect(bad.items.map((b) => b.identity)).toEqual(Array(garbage.length).fill(id));
    // Undecodable ones are `corrupt` (Locust answers `reconnect`); the wrong data is not.
    expect(bad.items.map((b) => b.corrupt)).toEqual([true, true, true, false, true, true]);
    expect(bad.items[3]?.error).toBeInstanceOf(MessageValidationError);

    // Still alive: a real worker registers afterwards.
    const w = startWorker(port);
    await w.worker.send('client_ready', '2.12.1');
    expect(await w.inbox.waitFor((m) => m.type === 'ack', 'ack after garbage')).toMatchObject({ type: 'ack' });
    await dealer.send(encodeMessage('heartbeat', { state: 'ready', current_cpu_usage: 0 }, id));
    await inbox.waitFor((r) => r.message.type === 'heartbeat' && r.identity === id, 'heartbeat after garbage');
  });

  it('garbage frames sent to a worker are reported and survived', async () => {
    const router = new Router({ linger: 0 });
    cleanups.push(() => router.close());
    await router.bind('tcp://127.0.0.1:*');
    const port = Number(router.lastEndpoint?.split(':').pop());
    const { worker, inbox, bad } = startWorker(port);
    await worker.send('client_ready', '2.12.1');
    const [identity] = await router.receive();
    expect(identity?.toString()).toBe(worker.clientId);

    const garbage = garbageFrames(worker.clientId);
    for (const [, frame] of garbage) await router.send([worker.clientId, frame]);
    await router.send([worker.clientId, encodeMessage('ack', { index: 3 }, worker.clientId)]);
    expect(await inbox.waitFor((m) => m.type === 'ack', 'ack after garbage')).toEqual({ type: 'ack', data: { index: 3 }, nodeId: worker.clientId });
    expect(inbox.items.map((m) => m.type)).toEqual(['no_such_type', 'ack']);
    // Everything but the unknown (custom) type is reported as a bad frame.
    expect(bad.items.length).toBe(garbage.length - 1);
    expect(bad.items.every((b) => b.error instanceof FrameDecodeError || b.error instanceof MessageValidationError)).toBe(true);
  });

  it('close() releases the port: a restarted master binds the same port at once', async () => {
    const { master, port } = await startMaster();
    const restarted: MasterSocket[] = [];
    for (let i = 0; i < 10; i++) {
      // A connected, registered worker makes libzmq's teardown slower.
      const { worker, inbox } = startWorker(port);
      await worker.send('client_ready', '2.12.1');
      await inbox.waitFor((m) => m.type === 'ack', 'ack');
      await (i === 0 ? master : restarted.at(-1))?.close();
      const next = new MasterSocket({ bindHost: '127.0.0.1', port });
      cleanups.push(() => next.close());
      expect(await next.bind()).toBe(port);
      void next.listen({
        onMessage: (m, identity) => void (m.type === 'client_ready' && next.send(identity, 'ack', { index: 0 })),
        onBadFrame: () => undefined,
      });
      restarted.push(next);
      worker.close();
    }
  });

  it('reset() reconnects with the same identity', async () => {
    const { port, inbox } = await startMaster();
    const { worker, inbox: workerInbox } = startWorker(port);
    await worker.send('client_ready', '2.12.1');
    await workerInbox.waitFor((m) => m.type === 'ack', 'ack');
    worker.reset();
    // Played like a worker's periodic heartbeat: a message queued on the old connection while
    // it is torn down may be lost, as in Locust; the next one must get through (ROUTER handover).
    const beat = setInterval(() => void worker.send('heartbeat', { state: 'ready', current_cpu_usage: 0 }), RESEND_MS);
    try {
      const hb = await inbox.waitFor((r) => r.message.type === 'heartbeat', 'heartbeat after reset');
      expect(hb.identity).toBe(worker.clientId);
      expect(await workerInbox.waitFor((m) => m.type === 'heartbeat', 'master heartbeat after reset')).toMatchObject({ nodeId: worker.clientId });
    } finally {
      clearInterval(beat);
    }
  });
});
