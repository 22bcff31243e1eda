# The Python twin of examples/locustfile.ts: same user class names, tasks and wait times, so the
# TS master can dispatch its users to Python workers (Locust matches user classes by name).
from locust import HttpUser, between, task


class SimpleUser(HttpUser):
    wait_time = between(1, 2)

    @task
    def hello(self):
        self.client.get("/hello")
