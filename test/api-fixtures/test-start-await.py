# The Python twin of test-start-await.ts: "fetch test data at test start" (a slow request in a
# test_start listener); no user may run a task before it is done, locally and on workers.
import sys

import locust.runners
import requests
from locust import HttpUser, constant, events, task
from locust.runners import LocalRunner, MasterRunner

locust.runners.__version__ = "2.12.1"  # lets a Python master take Python 2.12.1 workers (Debian's build has no version)

state = {"ready": False, "first": True}


def mark(text):
    sys.stderr.write(f"MARK {text}\n")
    sys.stderr.flush()


@events.init.add_listener
def prepare(environment, **kw):
    # only where Locust runs init before anything else happens: a local run (a worker's init may
    # overlap its first spawn in Python, whose listeners yield on I/O)
    if not isinstance(environment.runner, LocalRunner):
        return
    requests.get(environment.host + "/hello?latency_ms=2500")
    mark("init done")


@events.test_start.add_listener
def fetch_test_data(environment, **kw):
    if isinstance(environment.runner, MasterRunner):
        return
    requests.get(environment.host + "/hello?latency_ms=700")
    state["ready"] = True
    mark("testStart done")


class Reader(HttpUser):
    wait_time = constant(0.05)

    @task
    def read(self):
        if not state["ready"]:
            mark("task before testStart ended")
        if state["first"]:
            state["first"] = False
            mark("first task")
        self.client.get("/hello", name="task")
