"""HTTP load scenarios (issue #22): run by bench/load/run.sh, one scenario at a time, headless.

Each simulated person takes a distinct seeded account (bench/load/seed.py) and signs in once:
councillors, staff and representatives through the API token (POST /api/v1/auth/token/), the
bureau officer through the login page. Every request is named by its route, not its ids, so the
statistics group per endpoint.
"""

import itertools
import json
import os
import random
import re
import threading

from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

PEOPLE = json.loads(open(os.environ["LOAD_PEOPLE"]).read())
_counters: dict[str, itertools.count] = {}
_lock = threading.Lock()
VOTES: dict = {"ok": 0, "last": {}}  # the last choice the server accepted, per councillor


def next_person(kind: str) -> dict:
    with _lock:
        counter = _counters.setdefault(kind, itertools.count())
        index = next(counter)
    pool = PEOPLE[kind]
    if index >= len(pool):
        raise StopUser()
    return pool[index]


class TokenUser(HttpUser):
    abstract = True
    kind = ""

    def on_start(self):
        self.person = next_person(self.kind)
        self.client.headers["X-Forwarded-Proto"] = "https"  # TLS ends at the proxy in production
        response = self.client.post("/api/v1/auth/token/", json={"username": self.person["username"],
                                                                  "password": PEOPLE["password"]}, name="login (token)")
        if response.status_code != 200:
            raise StopUser()
        self.client.headers["Authorization"] = f"Token {response.json()['token']}"
        self.api = f"/api/v1/alliances/{self.person['slug']}"


class Councillor(TokenUser):
    """Vote storm: read the motion, vote, sometimes change the vote, until the run ends."""

    kind = "councillors"
    wait_time = between(1, 5)

    @task
    def vote(self):
        motion = self.person["motion"]
        self.client.get(f"{self.api}/motions/{motion}/", name="motion (read)")
        choice = random.choice(["for", "against", "abstain"])
        with self.client.post(f"{self.api}/motions/{motion}/votes/", json={"choice": choice},
                              name="vote", catch_response=True) as response:
            if response.status_code in (200, 201):
                with _lock:
                    VOTES["ok"] += 1
                    VOTES["last"][self.person["username"]] = choice
                response.success()


class Staff(TokenUser):
    """Secretariat day: browse the lists, record vouchers, download an export."""

    kind = "staff"
    wait_time = between(2, 6)

    @task(6)
    def browse(self):
        for path, name in [("/members/", "members (list)"), ("/ledger/entries/", "journal (list)"),
                           ("/motions/", "motions (list)"), ("/projects/", "projects (list)")]:
            self.client.get(self.api + path, name=name)

    @task(3)
    def record_voucher(self):
        amount = f"{random.randint(100, 99999)}.{random.randint(0, 99):02d}"
        self.client.post(f"{self.api}/ledger/entries/", name="voucher (record)", json={
            "date": "2026-11-20", "description": "负载测试：其他收入",
            "lines": [{"account": "1002", "fund": self.person["fund"], "debit": amount},
                      {"account": "4901.02", "fund": self.person["fund"], "credit": amount}]})

    @task(1)
    def trial_balance(self):
        self.client.get(f"{self.api}/ledger/trial-balance/", name="trial balance")


class Approver(TokenUser):
    """The secretary-general approves what staff recorded, a batch at a time."""

    kind = "approvers"
    wait_time = constant(10)

    @task
    def approve(self):
        response = self.client.get(f"{self.api}/ledger/entries/?status=recorded&page_size=200", name="approvals (list)")
        if response.status_code != 200:
            return
        ids = [row["id"] for row in response.json().get("results", [])]
        if ids:
            self.client.post(f"{self.api}/ledger/entries/approve-batch/", json={"entries": ids}, name="vouchers (approve batch)")


class Representative(TokenUser):
    """Statement day: a member unit's representative downloads its statement as PDF and XLSX."""

    kind = "reps"
    wait_time = between(2, 8)

    @task
    def statement(self):
        unit = self.person["unit"]
        self.client.get(f"{self.api}/ledger/statements/{unit}/", name="statement (json)")
        self.client.get(f"{self.api}/ledger/statements/{unit}/pdf/", name="statement (pdf)")
        self.client.get(f"{self.api}/ledger/statements/{unit}/xlsx/", name="statement (xlsx)")


class BureauOfficer(HttpUser):
    """Bureau morning: the console over every alliance and the submission queue, through the pages."""

    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["X-Forwarded-Proto"] = "https"
        page = self.client.get("/accounts/login/", name="login page")
        self._plain_cookies()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        response = self.client.post("/accounts/login/", name="login (page)", allow_redirects=False, data={
            "username": PEOPLE["bureau"][0], "password": PEOPLE["password"],
            "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"https://{self.host.split('://')[1]}/accounts/login/"})
        self._plain_cookies()
        if response.status_code not in (302, 303):
            raise StopUser()

    def _plain_cookies(self):
        # The cookies are Secure (production) and TLS is simulated: hand them back as plain ones.
        for cookie in list(self.client.cookies):
            self.client.cookies.set(cookie.name, cookie.value)

    @task(3)
    def console(self):
        self.client.get("/bureau/", name="bureau console")

    @task(2)
    def queue(self):
        self.client.get("/bureau/submissions/", name="bureau submissions")


@events.quitting.add_listener
def _write_votes(environment, **kwargs):
    out = os.environ.get("LOAD_VOTES_OUT")
    if out:
        open(out, "w").write(json.dumps(VOTES))
