/**
 * The master's own ZMTP ROUTER (packages/protocol/src/zmtp) against real peers: Debian's pyzmq
 * DEALER (libzmq 4.3, as a Python Locust worker) does the handshake, is known by its identity,
 * exchanges one-frame messages both ways, gets PONGs for its heartbeat PINGs, and a second
 * DEALER with the same identity takes the routing id over. Peers that break ZMTP (garbage
 * greeting, oversized frame) lose their connection with one log line; the master serves on. Its
 * greeting and READY are byte for byte what a libzmq ROUTER sends (recorded).
 * (zeromq.js's Dealer is the peer in packages/protocol/src/transport.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type BadFrame, type CustomMessage, Logger, MasterSocket, type WorkerMessage, makeClientId } from '@locust-ts/protocol';
import { runPythonJson } from '@locust-ts/test-support/python';

const WAIT_MS = 5_000;

const PY_PRELUDE = String.raw`
import json, sys
import msgpack, zmq
cfg = json.load(sys.stdin)
ctx = zmq.Context()
endpoint = "tcp://127.0.0.1:%d" % cfg["port"]

def dealer(identity, **options):
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.IDENTITY, identity.encode())
    s.setsockopt(zmq.LINGER, 0)
    for name, value in options.items():
        s.setsockopt(getattr(zmq, name), value)
    return s

def send(s, kind, data):
    s.send(msgpack.packb([kind, data, cfg["id"]], use_bin_type=True))

def recv(s, timeout_ms):
    if not s.poll(timeout_ms):
        return None
    kind, data, node_id = msgpack.unpackb(s.recv(), raw=False)
    return {"type": kind, "data": data, "node_id": node_id}
`;

/** Handshake, ack, a two-frame message, then a window of heartbeat PINGs the ROUTER must answer. */
const PY_DEALER = String.raw`
from zmq.utils.monitor import recv_monitor_message
import time
s = dealer(cfg["id"], HEARTBEAT_IVL=50, HEARTBEAT_TIMEOUT=300)
monitor = s.get_monitor_socket(zmq.EVENT_DISCONNECTED | zmq.EVENT_HANDSHAKE_SUCCEEDED)
s.connect(endpoint)
send(s, "client_ready", "2.12.1")
ack = recv(s, cfg["timeout_ms"])
s.send_multipart([b"two", b"frames"])
# Without PONGs libzmq drops the connection after HEARTBEAT_TIMEOUT: watch 20 PING intervals.
events = []
deadline = time.monotonic() + 1.0
while monitor.poll(max(1, int((deadline - time.monotonic()) * 1000))) and time.monotonic() < deadline:
    events.append(recv_monitor_message(monitor)["event"])
send(s, "heartbeat", {"state": "ready", "current_cpu_usage": 0.0})
reply = recv(s, cfg["timeout_ms"])
json.dump({"ack": ack, "reply": reply, "disconnects": events.count(zmq.EVENT_DISCONNECTED),
           "handshakes": events.count(zmq.EVENT_HANDSHAKE_SUCCEEDED)}, sys.stdout)
`;

/** Two DEALERs with one identity: the old one stays open (but will not reconnect), the new one registers. */
const PY_TAKEOVER = String.raw`
old = dealer(cfg["id"], RECONNECT_IVL=-1)
old.connect(endpoint)
send(old, "client_ready", "2.12.1")
first = recv(old, cfg["timeout_ms"])
new = dealer(cfg["id"])
new.connect(endpoint)
send(new, "client_ready", "2.12.1")
second = recv(new, cfg["timeout_ms"])
json.dump({"first": first, "second": second, "old_got": recv(old, 200)}, sys.stdout)
`;

/** What a real pyzmq DEALER wrote up to and including its READY (see zmtp/fixtures/capture-dealer.py). */
const PYZMQ_HANDSHAKE = (() => {
  const hex = readFileSync(new URL('../../packages/protocol/src/zmtp/fixtures/pyzmq-dealer-stream.hex', import.meta.url), 'utf8').trim();
  const stream = Buffer.from(hex, 'hex');
  const readySize = stream[65] ?? 0; // the READY command frame right after the 64-byte greeting
  return stream.subarray(0, 64 + 2 + readySize);
})();

/** What a real libzmq ROUTER answered that handshake with (zmtp/fixtures/capture-router.py). */
const LIBZMQ_ROUTER_HANDSHAKE = Buffer.from(
  readFileSync(new URL('../../packages/protocol/src/zmtp/fixtures/libzmq-router-handshake.hex', import.meta.url), 'utf8').trim(),
  'hex',
);

interface Reply {
  type: string;
  data: unknown;
  node_id: string;
}

let master: MasterSocket | null = null;
afterEach(async () => {
  await master?.close();
  master = null;
});

async function startMaster() {
  const lines: string[] = [];
  master = new MasterSocket({ bindHost: '127.0.0.1', port: 0, log: new Logger({ level: 'DEBUG', sink: { write: (t: string) => lines.push(t) } }) });
  const socket = master;
  const port = await socket.bind();
  const received: Array<{ message: WorkerMessage | CustomMessage; identity: string }> = [];
  const bad: BadFrame[] = [];
  let index = 0;
  void socket.listen({
    onMessage: (message, identity) => {
      received.push({ message, identity });
      if (message.type === 'client_ready') void socket.send(identity, 'ack', { index: index++ });
      if (message.type === 'heartbeat') void socket.send(identity, 'heartbeat', null);
    },
    onBadFrame: (b) => bad.push(b),
  });
  return { port, received, bad, lines };
}

/** Write `bytes` on a raw TCP connection and resolve once the master closed it. */
function closedAfter(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = connect(port, '127.0.0.1', () => client.write(bytes));
    const timer = setTimeout(() => reject(new Error('the master kept the connection open')), WAIT_MS);
    client.on('error', () => undefined);
    client.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.resume();
  });
}

/** Write `bytes` on a raw TCP connection and resolve with the first `length` bytes the master sends back. */
function answerTo(port: number, bytes: Buffer, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const client = connect(port, '127.0.0.1', () => client.write(bytes));
    const timer = setTimeout(() => reject(new Error(`got ${received} of ${length} bytes`)), WAIT_MS);
    client.on('error', reject);
    client.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < length) return;
      clearTimeout(timer);
      client.destroy();
      resolve(Buffer.concat(chunks).subarray(0, length));
    });
  });
}

describe('the master ROUTER with a real pyzmq DEALER', () => {
  it('answers a DEALER handshake with the bytes a libzmq ROUTER sends', async () => {
    const { port } = await startMaster();
    const answer = await answerTo(port, PYZMQ_HANDSHAKE, LIBZMQ_ROUTER_HANDSHAKE.length);
    expect(answer.toString('hex')).toBe(LIBZMQ_ROUTER_HANDSHAKE.toString('hex'));
  });

  it('handshakes, routes by identity both ways, reports a multi-frame message, answers PINGs', async () => {
    const { port, received, bad } = await startMaster();
    const id = makeClientId('pyzmq');
    const out = await runPythonJson<{ ack: Reply; reply: Reply; disconnects: number; handshakes: number }>(PY_PRELUDE + PY_DEALER, { id, port, timeout_ms: WAIT_MS });
    expect(out.ack).toEqual({ type: 'ack', data: { index: 0 }, node_id: id });
    expect(out.reply).toEqual({ type: 'heartbeat', data: null, node_id: id });
    expect(out.disconnects).toBe(0);
    expect(received.map((r) => [r.message.type, r.identity])).toEqual([['client_ready', id], ['heartbeat', id]]);
    // As zeromq.js counted them: the identity frame and the two sent.
    expect(bad.map((b) => [b.identity, b.error.message, b.corrupt])).toEqual([[id, 'expected 2 frames, got 3', true]]);
  });

  it('a second connection with the same identity takes it over from the open old one', async () => {
    const { port, received } = await startMaster();
    const id = makeClientId('pyzmq');
    const out = await runPythonJson<{ first: Reply; second: Reply | null; old_got: Reply | null }>(PY_PRELUDE + PY_TAKEOVER, { id, port, timeout_ms: WAIT_MS });
    expect(out.first).toEqual({ type: 'ack', data: { index: 0 }, node_id: id });
    expect(out.second).toEqual({ type: 'ack', data: { index: 1 }, node_id: id });
    expect(out.old_got).toBeNull();
    expect(received.map((r) => r.identity)).toEqual([id, id]);
  });

  it('closes a peer with a garbage greeting or an oversized frame, with one line each, and serves on', async () => {
    const { port, lines } = await startMaster();
    await closedAfter(port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    const over = Buffer.from([0x02, 0, 0, 0, 0, 0x12, 0xc0, 0, 0]); // a 300 MiB frame header
    await closedAfter(port, Buffer.concat([PYZMQ_HANDSHAKE, over]));
    const huge = Buffer.from([0x02, 0, 0, 0x01, 0, 0, 0, 0, 0]); // 2^40 bytes
    await closedAfter(port, Buffer.concat([PYZMQ_HANDSHAKE, huge]));
    const warnings = lines.filter((l) => l.includes('WARNING'));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/not a ZMTP greeting/);
    expect(warnings[1]).toMatch(/capture_0123456789abcdef.*over the 268435456-byte limit/);

    const id = makeClientId('pyzmq');
    const out = await runPythonJson<{ first: Reply }>(PY_PRELUDE + PY_TAKEOVER, { id, port, timeout_ms: WAIT_MS });
    expect(out.first).toMatchObject({ type: 'ack', node_id: id });
  });
});
