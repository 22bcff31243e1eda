# The Python twin of messages.ts: custom arguments, custom messages both ways, report_to_master.
import sys

from locust import User, constant, events, task
from locust.runners import MasterRunner, WorkerRunner


def log(text):
    sys.stderr.write(f"MARK {text}\n")
    sys.stderr.flush()


@events.init_command_line_parser.add_listener
def add_arguments(parser):
    parser.add_argument("--greeting", default="hello", help="What the workers say back")


@events.init.add_listener
def on_init(environment, **kw):
    runner = environment.runner
    if isinstance(runner, MasterRunner):
        runner.register_message("ack", lambda environment, msg, **kw: log(f"master got ack {msg.data['worker']} {msg.data['greeting']}"))
        runner.register_message("data_ack", lambda environment, msg, **kw: log(f"master got data_ack {msg.data['worker']} {msg.data['value']}"))
    elif isinstance(runner, WorkerRunner):
        def on_test_data(environment, msg, **kw):
            environment.runner.send_message("data_ack", {"worker": "py", "value": msg.data["value"]})

        runner.register_message("test_data", on_test_data)


@events.test_start.add_listener
def on_test_start(environment, **kw):
    if isinstance(environment.runner, MasterRunner):
        environment.runner.send_message("test_data", {"value": 42})
    elif isinstance(environment.runner, WorkerRunner):
        environment.runner.send_message("ack", {"worker": "py", "greeting": environment.parsed_options.greeting})


@events.report_to_master.add_listener
def on_report(client_id, data, **kw):
    data["py_extra"] = 1


@events.worker_report.add_listener
def on_worker_report(client_id, data, **kw):
    if data.get("ts_extra"):
        log("master got report ts")


class MsgUser(User):
    wait_time = constant(0.5)

    @task
    def op(self):
        events.request.fire(request_type="CUSTOM", name="op", response_time=1, response_length=0, exception=None, context={})
