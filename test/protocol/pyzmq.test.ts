/**
 * A real pyzmq DEALER (Debian's python3-zmq + msgpack, as a Python Locust worker uses them)
 * registers with the TS MasterSocket ROUTER, gets its ack, and its heartbeat and 2.12.1-style
 * stats (float bucket keys) arrive typed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type CustomMessage, MasterSocket, type WorkerMessage, makeClientId } from '@locust-ts/protocol';
import { runPythonJson } from '@locust-ts/test-support/python';

const PY_WORKER = String.raw`
import json, sys
import msgpack, zmq

cfg = json.load(sys.stdin)
ctx = zmq.Context()
sock = ctx.socket(zmq.DEALER)
sock.setsockopt(zmq.IDENTITY, cfg["id"].encode())
sock.setsockopt(zmq.TCP_KEEPALIVE, 1)
sock.setsockopt(zmq.TCP_KEEPALIVE_IDLE, 30)
sock.setsockopt(zmq.LINGER, 0)
sock.connect("tcp://127.0.0.1:%d" % cfg["port"])

def send(kind, data):
    sock.send(msgpack.packb([kind, data, cfg["id"]], use_bin_type=True))

def recv():
    if not sock.poll(cfg["timeout_ms"]):
        raise SystemExit("no reply from the TS master")
    kind, data, node_id = msgpack.unpackb(sock.recv(), raw=False, strict_map_key=False)
    return {"type": kind, "data": data, "node_id": node_id,
            "index_type": type(data.get("index")).__name__ if isinstance(data, dict) else None}

send("client_ready", "2.12.1")
ack = recv()
send("heartbeat", {"state": "ready", "current_cpu_usage": 0.0, "current_memory_usage": 1234})
entry = {"name": "/slow", "method": "GET", "last_request_timestamp": 1795625251.5, "start_time": 1795625250.25,
         "num_requests": 3, "num_none_requests": 0, "num_failures": 0, "total_response_time": 392.5,
         "max_response_time": 133.0, "min_response_time": 129.5, "total_content_length": 30,
         "response_times": {130.0: 2, 99: 1}, "num_reqs_per_sec": {1795625251: 3}, "num_fail_per_sec": {}}
send("stats", {"stats": [entry], "stats_total": dict(entry, name="Aggregated", method=""), "errors": {},
               "user_classes_count": {"ApiUser": 1}, "user_count": 1})
heartbeat = recv()
sock.close()
ctx.term()
json.dump({"ack": ack, "heartbeat": heartbeat}, sys.stdout)
`;

interface PyReply {
  type: string;
  data: unknown;
  node_id: string;
  index_type: string | null;
}

let master: MasterSocket | null = null;
afterEach(async () => {
  await master?.close();
  master = null;
});

describe('real pyzmq DEALER against the TS ROUTER', () => {
  it('registers with client_ready, gets its ack with an int index, and its messages arrive typed', async () => {
    master = new MasterSocket({ bindHost: '127.0.0.1', port: 0 });
    const port = await master.bind();
    const socket = master;
    const received: Array<{ message: WorkerMessage | CustomMessage; identity: string }> = [];
    const badFrames: string[] = [];
    void socket.listen({
      onMessage: (message, identity) => {
        received.push({ message, identity });
        // Pretend an earlier worker exists, so the index is not just 0.
        if (message.type === 'client_ready') void socket.send(identity, 'ack', { index: 4 });
        if (message.type === 'heartbeat') void socket.send(identity, 'heartbeat', null);
      },
      onBadFrame: (bad) => badFrames.push(bad.error.message),
    });

    const id = makeClientId('pyworker');
    const reply = await runPythonJson<{ ack: PyReply; heartbeat: PyReply }>(PY_WORKER, { id, port, timeout_ms: 5_000 });

    expect(reply.ack).toEqual({ type: 'ack', data: { index: 4 }, node_id: id, index_type: 'int' });
    expect(reply.heartbeat).toMatchObject({ type: 'heartbeat', data: null, node_id: id });
    expect(badFrames).toEqual([]);
    expect(received.map((r) => [r.message.type, r.identity])).toEqual([
      ['client_ready', id],
      ['heartbeat', id],
      ['stats', id],
    ]);
    expect(received[0]?.message.data).toBe('2.12.1');
    const stats = received[2]?.message;
    if (stats?.type !== 'stats' || 'custom' in stats) throw new Error('stats not typed');
    // 130.0 (float key from a 2.12.1 worker) and 99 (int) are both numeric Map keys.
    expect(stats.data.stats[0]?.response_times).toEqual(new Map([[130, 2], [99, 1]]));
    expect(stats.data.stats_total.num_reqs_per_sec).toEqual(new Map([[1_795_625_251, 3]]));
  });
});
