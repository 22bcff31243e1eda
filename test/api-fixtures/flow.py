# The Python twin of flow.ts: the same scenario, run on Python Locust 2.12.1 side by side.
import sys

from locust import HttpUser, SequentialTaskSet, constant, events, tag, task


def log(name):
    sys.stderr.write(f"EVENT {name}\n")
    sys.stderr.flush()


events.init.add_listener(lambda **kw: log("init"))
events.test_start.add_listener(lambda **kw: log("testStart"))
events.spawning_complete.add_listener(lambda **kw: log("spawningComplete"))
events.test_stopping.add_listener(lambda **kw: log("testStopping"))
events.test_stop.add_listener(lambda **kw: log("testStop"))
events.quitting.add_listener(lambda **kw: log("quitting"))
events.quit.add_listener(lambda **kw: log("quit"))


class Flow(SequentialTaskSet):
    def on_start(self):
        self.client.post("/login", data={"user": "alice"})

    @task
    def a(self):
        self.client.get("/seq/a")

    @tag("slow")
    @task(2)
    def b(self):
        self.client.get("/seq/b")

    @task
    def c(self):
        self.client.get("/private")

    @tag("x")
    @task
    def d(self):
        self.client.get("/seq/d")


class WebUser(HttpUser):
    wait_time = constant(0.05)
    tasks = [Flow]
