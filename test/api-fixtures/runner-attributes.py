# The Python twin of runner-attributes.ts: Locust's runner attributes at each runner event, on
# whichever runner this process has (only those this runner has; Locust 2.12.1's names).
import json
import sys

import locust.runners
from locust import HttpUser, constant, events, task

locust.runners.__version__ = "2.12.1"  # lets a Python master take Python 2.12.1 workers (Debian's build has no version)

NAMES = [
    ("target_user_count", "targetUserCount"),
    ("user_count", "userCount"),
    ("user_classes_count", "userClassesCount"),
    ("target_user_classes_count", "targetUserClassesCount"),
    ("spawn_rate", "spawnRate"),
    ("worker_count", "workerCount"),
    ("state", "state"),
    ("worker_index", "workerIndex"),
]


def show(moment, environment):
    runner = environment.runner
    values = {camel: getattr(runner, name) for name, camel in NAMES if hasattr(runner, name)}
    if hasattr(runner, "clients"):
        values["clients"] = len(list(runner.clients))
    values["stats"] = runner.stats is environment.stats
    values["environment"] = runner.environment is environment
    sys.stderr.write(f"ATTRS {moment} {json.dumps(values, sort_keys=True)}\n")
    sys.stderr.flush()


events.test_start.add_listener(lambda environment, **kw: show("testStart", environment))
events.spawning_complete.add_listener(lambda user_count, **kw: show("spawningComplete", env_of[0]))
events.test_stopping.add_listener(lambda environment, **kw: show("testStopping", environment))
events.test_stop.add_listener(lambda environment, **kw: show("testStop", environment))
env_of = []
events.init.add_listener(lambda environment, **kw: env_of.append(environment))


class Alpha(HttpUser):
    weight = 3
    wait_time = constant(0.2)

    @task
    def t(self):
        self.client.get("/hello")


class Beta(HttpUser):
    weight = 1
    wait_time = constant(0.2)

    @task
    def t(self):
        self.client.get("/hello")
