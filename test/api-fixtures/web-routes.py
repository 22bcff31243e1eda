# Locust's examples/events.py, trimmed to a local run: a route on the web UI's Flask app.
from locust import HttpUser, constant, events, task

stats = {"content-length": 0}


@events.init.add_listener
def locust_init(environment, **kwargs):
    if environment.web_ui:

        @environment.web_ui.app.route("/content-length")
        def total_content_length():
            return "Total content-length received: %i" % stats["content-length"]


@events.request.add_listener
def on_request(response_length, **kwargs):
    stats["content-length"] += response_length


class WebsiteUser(HttpUser):
    wait_time = constant(0.2)

    @task
    def index(self):
        self.client.get("/hello")
