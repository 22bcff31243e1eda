# What a locust-ts master cannot run from a .py locustfile: a LoadTestShape and master-side listeners.
from locust import LoadTestShape, User, constant, events, task


@events.init.add_listener
def _(environment, **kwargs):
    if environment.web_ui:
        environment.web_ui.app.route("/content-length")(lambda: "0")


@events.test_start.add_listener
def _(environment, **kwargs):
    pass


@events.request.add_listener
def _(**kwargs):
    pass


class Steps(LoadTestShape):
    def tick(self):
        return (1, 1) if self.get_run_time() < 2 else None


class Idle(User):
    wait_time = constant(1)

    @task
    def idle(self):
        pass
