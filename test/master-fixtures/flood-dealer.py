"""A flood for the fault matrix: 10,000 frames at the master during a run — malformed bytes,
oversized (10 MB) frames, unknown message types, messages from unknown senders (random node ids and
fresh ZeroMQ identities). Prints what it sent as JSON."""
import json, os, random, sys, uuid
import msgpack, zmq

port = int(sys.argv[1])
total = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
OVERSIZED = 5
ctx = zmq.Context()


def dealer():
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.IDENTITY, ("flood_" + uuid.uuid4().hex).encode())
    s.setsockopt(zmq.LINGER, 2000)
    s.setsockopt(zmq.SNDHWM, 0)
    s.connect("tcp://127.0.0.1:%d" % port)
    return s


def pack(msg_type, data, node_id):
    return msgpack.packb([msg_type, data, node_id], use_bin_type=True)


socks = [dealer() for _ in range(8)]
sent = {"malformed": 0, "oversized": 0, "unknown_type": 0, "unknown_sender": 0}
rng = random.Random(13)
for i in range(total):
    s = socks[i % len(socks)]
    if i % (total // OVERSIZED) == 0 and sent["oversized"] < OVERSIZED:
        s.send(pack("heartbeat", {"state": "running", "blob": os.urandom(10 * 1024 * 1024)}, "huge_" + uuid.uuid4().hex))
        sent["oversized"] += 1
        continue
    kind = i % 3
    if kind == 0:
        s.send(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 64))))
        sent["malformed"] += 1
    elif kind == 1:
        s.send(pack("no_such_type_%d" % (i % 50), {"n": i}, "ghost_" + uuid.uuid4().hex))
        sent["unknown_type"] += 1
    else:
        node = "ghost_" + uuid.uuid4().hex
        if i % 2:
            s.send(pack("heartbeat", {"state": "running", "current_cpu_usage": 1.0, "current_memory_usage": 1}, node))
        else:
            s.send(pack("stats", {"stats": [], "stats_total": {}, "errors": {}, "user_count": 1}, node))
        sent["unknown_sender"] += 1
for s in socks:
    s.close()
ctx.term()
print(json.dumps(sent))
