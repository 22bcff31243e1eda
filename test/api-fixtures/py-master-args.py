# A .py locustfile with custom arguments for a master (Python's or locust-ts's) and Python workers:
# each worker prints the values the master sent it (parsed_options in the spawn message).
import json

import locust.runners
from locust import User, constant, events, task

locust.runners.__version__ = "2.12.1"  # Debian's Locust reports "" and a Python master refuses that


@events.init_command_line_parser.add_listener
def _(parser):
    parser.add_argument("--my-flag", default=True, help="a bool default")
    parser.add_argument("--count", type=int, default=3, env_var="PY_COUNT")
    parser.add_argument("--mode", default="a", choices=["a", "b"])
    parser.add_argument("--verbose-x", action="store_true")


@events.test_start.add_listener
def _(environment, **kwargs):
    if isinstance(environment.runner, locust.runners.WorkerRunner):
        options = environment.parsed_options
        seen = {key: getattr(options, key) for key in ["my_flag", "count", "mode", "verbose_x"]}
        print("MARK worker " + json.dumps(seen), flush=True)


class Idle(User):
    wait_time = constant(1)

    @task
    def idle(self):
        pass
