# The failures of test/api-fixtures/http-texts.ts on Python Locust's FastHttpUser and HttpUser,
# and the newest Locust's rest() (test/api-fixtures/newest_rest.py; 2.12.1 has none). Each user
# makes one pass and stops; Idle users stop at once.
import os
import sys

import locust.runners

sys.path.insert(0, os.path.dirname(__file__))
import newest_rest  # noqa: E402,F401  (adds FastHttpUser.rest)
from locust import FastHttpUser, HttpUser, User, task  # noqa: E402

# Debian's Locust announces an empty version, which its own master refuses from a worker
locust.runners.__version__ = "2.12.1"

OTHER = os.environ.get("OTHER_HOST", "").rstrip("/")


class FastTexts(FastHttpUser):
    @task
    def once(self):
        self.client.get("/checkout/confirm")
        self.client.get("/missing")
        self.client.get("/missing", name="named")
        self.client.get(f"{OTHER}/missing")
        self.client.get(f"{OTHER}/ok")
        with self.client.get("/ok", catch_response=True) as locked:
            locked.failure("account locked")
        self.client.get("http://127.0.0.1:1/refused")
        self.client.get("/ok?a=1")
        # rest(): a body that is not JSON, no response, checks that fail, a status failure
        with self.rest("GET", "/missing"):
            pass
        with self.rest("GET", "/text"):
            pass
        with self.rest("GET", "http://127.0.0.1:1/rest"):
            pass
        with self.rest("POST", "/json", json={"name": "x"}) as resp:
            assert resp.js["id"] == 8, "wrong id"
        with self.rest("GET", "/json?comma") as resp:
            assert resp.js["id"] == 8, "wrong id,"
        with self.rest("GET", "/json?bare") as resp:
            assert resp.js["error"]
        with self.rest("GET", "/bad"):
            pass
        with self.rest("GET", "/missing?accepted") as resp:
            resp.success()
        with self.rest("GET", "/json?throws") as resp:
            resp.js["nope"]["x"]
        with self.rest("GET", "/json?twice") as resp:
            resp.failure("first")
            resp.failure("second")
        with self.rest("GET", "/json?overridden") as resp:
            resp.failure("first")
            assert resp.js["id"] == 8, "thrown"
        with self.rest("POST", "/vnd", json={"a": 1}, headers={"Content-Type": "application/vnd.api+json"}):
            pass
        self.client.post("/vnd?plain", json={"a": 1})
        self.client.get("/ok?after")
        self.stop()


class Idle(User):
    # a third class: a swarm of 6 users on 2 workers then gives each worker one user of each class
    @task
    def idle(self):
        self.stop()


class HttpTexts(HttpUser):
    @task
    def once(self):
        self.client.get("/checkout/confirm")
        self.client.get("/missing")
        self.client.get("/missing", name="named")
        self.client.get(f"{OTHER}/missing")
        self.client.get(f"{OTHER}/ok")
        with self.client.get("/ok", catch_response=True) as locked:
            locked.failure("account locked")
        self.client.get("http://127.0.0.1:1/refused")
        self.stop()
