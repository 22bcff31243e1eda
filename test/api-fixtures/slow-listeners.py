# The Python twin of slow-listeners.ts: every runner event gets a listener that takes a while
# (gevent.sleep yields, as an awaited promise does); the marks show whether the runner waited.
import sys

import gevent
import locust.runners
from locust import HttpUser, constant, events, task

locust.runners.__version__ = "2.12.1"  # lets a Python master take Python 2.12.1 workers (Debian's build has no version)


def mark(text):
    sys.stderr.write(f"MARK {text}\n")
    sys.stderr.flush()


def slow(name):
    def listener(**kw):
        mark(f"{name} begin")
        gevent.sleep(0.3)
        mark(f"{name} end")

    return listener


for event, name in [
    ("init", "init"),
    ("test_start", "testStart"),
    ("spawning_complete", "spawningComplete"),
    ("test_stopping", "testStopping"),
    ("test_stop", "testStop"),
    ("quitting", "quitting"),
    ("quit", "quit"),
]:
    getattr(events, event).add_listener(slow(name))


class Slow(HttpUser):
    wait_time = constant(0.2)

    @task
    def t(self):
        self.client.get("/hello")
