# Custom arguments of every kind (the twin of custom-args.ts): the init listener prints what the
# locustfile sees and exits, so a test compares Python Locust 2.12.1 and locust-ts value by value.
import json
import os

from locust import User, constant, events, task


@events.init_command_line_parser.add_listener
def _(parser):
    parser.add_argument("--my-flag", default=True, help="a bool default")
    parser.add_argument("--off-flag", default=False, help="false default")
    parser.add_argument("--count", type=int, default=3, help="an int")
    parser.add_argument("--ratio", type=float, default=0.5)
    parser.add_argument("--mode", default="a", choices=["a", "b"], help="pick one")
    parser.add_argument("--verbose-x", action="store_true")
    parser.add_argument("--quiet-x", action="store_false")
    parser.add_argument("--with-env", default="d", env_var="MY_WITH_ENV")
    parser.add_argument("--plain", default="p")
    parser.add_argument("--items", nargs="*", default=[])
    parser.add_argument("--many", action="append")
    parser.add_argument("--no-default")


KEYS = ["my_flag", "off_flag", "count", "ratio", "mode", "verbose_x", "quiet_x", "with_env", "plain", "items", "many", "no_default"]


@events.init.add_listener
def _(environment, **kwargs):
    options = environment.parsed_options
    print("MARK " + json.dumps({key: getattr(options, key) for key in KEYS}), flush=True)
    os._exit(0)


class Idle(User):
    wait_time = constant(1)

    @task
    def idle(self):
        pass
