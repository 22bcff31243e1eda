# The Python twin of listener-raises.ts: a request listener raises, per LISTENER_RAISES, when request "a" ends
# (or, with RAISE_IN=task, the task raises it right after request "a").
import os
import sys

from locust import HttpUser, constant, events, task
from locust.exception import InterruptTaskSet, RescheduleTask, RescheduleTaskImmediately, StopUser

MODE = os.environ.get("LISTENER_RAISES", "reschedule")
IN_TASK = os.environ.get("RAISE_IN") == "task"


def raise_for_mode():
    if MODE == "reschedule":
        raise RescheduleTask()
    if MODE == "reschedule-immediately":
        raise RescheduleTaskImmediately()
    if MODE == "interrupt":
        raise InterruptTaskSet()
    if MODE == "stop-user":
        raise StopUser()
    if MODE == "error":
        raise ValueError("listener failed")


@events.request.add_listener
def on_request(name, exception, **kw):
    if name == "a" and not IN_TASK:
        raise_for_mode()


class Listened(HttpUser):
    wait_time = constant(0.01)

    def on_stop(self):
        sys.stderr.write("MARK onStop\n")

    @task
    def t(self):
        self.client.get("/hello", name="a")
        if IN_TASK:
            raise_for_mode()
        self.client.get("/hello", name="b")
