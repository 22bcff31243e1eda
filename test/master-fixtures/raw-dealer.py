"""A misbehaving peer for the master robustness test: a raw pyzmq DEALER that registers, then
sends garbage and messages from unknown ids, and prints what the master sent back (JSON)."""
import json, sys, time, uuid
import msgpack, zmq

port = int(sys.argv[1])
ctx = zmq.Context()


def dealer(identity: bytes):
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.IDENTITY, identity)
    s.setsockopt(zmq.LINGER, 0)
    s.connect("tcp://127.0.0.1:%d" % port)
    return s


def pack(msg_type, data, node_id):
    return msgpack.packb([msg_type, data, node_id], use_bin_type=True)


def drain(sock, seconds, seen):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if sock.poll(50):
            msg = msgpack.unpackb(sock.recv(), raw=False, strict_map_key=False)
            seen.append(msg[0])


me = "rawhost_" + uuid.uuid4().hex
ghost = "ghost_" + uuid.uuid4().hex
s = dealer(me.encode())
seen = []
s.send(pack("client_ready", -1, me))
drain(s, 2.0, seen)  # ack, then spawn (it joined a running test)

s.send(b"\x00\x01garbage")                                   # not msgpack
s.send(b"\xc1")                                              # never-used msgpack byte
s.send(msgpack.packb("just a string"))                       # not an envelope
s.send(msgpack.packb(["heartbeat", {}, 5]))                  # node_id not a string
s.send_multipart([b"a", b"b", b"c"])                          # too many frames
s.send(pack("heartbeat", {"state": "running", "current_cpu_usage": 1.0}, me) + b"\x00")  # trailing byte: reconnect
s.send(pack("spawning_complete", {"user_classes_count": {"SimpleUser": 3}, "user_count": 3}, ghost))
s.send(pack("spawning", None, ghost))
s.send(pack("client_stopped", None, ghost))
s.send(pack("heartbeat", {"state": "running", "current_cpu_usage": 1.0}, ghost))
s.send(pack("quit", None, ghost))
s.send(pack("exception", {"msg": 1, "traceback": None}, ghost))
s.send(pack("stats", {"stats": "nope"}, me))                  # invalid stats
s.send(pack("stats", None, me))
s.send(pack("spawning_complete", None, me))
s.send(pack("logs", {"worker_id": me, "logs": "not a list"}, me))
s.send(pack("no_such_type", {"a": 1}, me))
s.send(pack("client_ready", {"not": "a version"}, me))
bad_id = dealer(b"\xff\xfe_bad")
bad_id.send(pack("client_ready", "2.12.1", "x"))              # identity not UTF-8
drain(s, 2.0, seen)
s.send(pack("quit", None, me))                                # leave: its users go back to the real worker
time.sleep(0.3)
print(json.dumps({"id": me, "received": seen}))
