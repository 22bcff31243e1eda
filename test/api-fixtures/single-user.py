# The Python twin of single-user.ts: Locust's run_single_user, run as a script (`python3 single-user.py`).
import os

from locust import HttpUser, constant, events, run_single_user, task
from locust.exception import StopUser

events.init.add_listener(lambda **kw: print("MARK init", flush=True))
events.test_start.add_listener(lambda **kw: print("MARK testStart", flush=True))
events.test_stop.add_listener(lambda **kw: print("MARK testStop", flush=True))


class Single(HttpUser):
    host = os.environ["TARGET_URL"]
    wait_time = constant(0)

    def on_start(self):
        self.rounds = 0

    def on_stop(self):
        print("MARK onStop", flush=True)

    @task
    def walk(self):
        self.rounds += 1
        self.client.get("/hello", name="hello")
        with self.client.get("/hello", name="checked", catch_response=True) as resp:
            resp.failure("account locked")
        if self.rounds == 2:
            raise StopUser()


if __name__ == "__main__":
    run_single_user(Single)
    print("MARK done", flush=True)
