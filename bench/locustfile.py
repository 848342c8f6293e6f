"""The users of ``bench/load.py``: officers, schools and managers in a council's proportions.

Run by Locust from ``bench/load.py`` (not by hand, not by pytest). ``LOAD_CONFIG`` names a JSON
file the orchestrator writes: the demo password, the staff usernames to sign in as, and school
API tokens. Every request is named by its page kind, so the figures come out per kind.

- Officers (6 in 10) work their caseload: the caseload, a case page, the child page, a search,
  and now and then a note on a case (a write through the form, with its CSRF token).
- Schools (3 in 10) use the portal and the removal form, and send removal notices and new-pupil
  returns through the API with their token (each pupil invented, each with an idempotency key).
- Managers (1 in 10) open the reports index, the monthly report and the dashboard, and the caseload.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
from typing import Any

from locust import HttpUser, between, task

from rollcall.rules.upn import make_upn

CONFIG: dict[str, Any] = json.loads(open(os.environ["LOAD_CONFIG"]).read())  # noqa: SIM115
PASSWORD = CONFIG["password"]
_serial = itertools.count(1)
_rng = random.Random(2026)
FORENAMES = ["Robin", "Alex", "Sam", "Jordan", "Casey", "Morgan", "Riley", "Avery"]
SURNAMES = ["Loadtest", "Benchmark", "Synthetic", "Invented", "Example"]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


class SignedIn(HttpUser):
    abstract = True
    usernames: list[str] = []

    def on_start(self) -> None:
        username = _rng.choice(self.usernames)
        page = self.client.get("/accounts/sign-in/", name="sign-in page")
        self.client.post(
            "/accounts/sign-in/",
            {"csrfmiddlewaretoken": _csrf(page.text), "username": username, "password": PASSWORD},
            headers={"Referer": self.host + "/accounts/sign-in/"},
            name="sign in",
        )


class Officer(SignedIn):
    weight = 6
    wait_time = between(1, 3)
    usernames = CONFIG["officers"]
    cases: list[str] = []
    children: list[str] = []

    @task(4)
    def caseload(self) -> None:
        page = self.client.get("/cases/", name="caseload")
        self.cases = re.findall(r'href="(/cases/\d+/)"', page.text) or self.cases

    @task(4)
    def case_page(self) -> None:
        if not self.cases:
            self.caseload()
            return
        page = self.client.get(_rng.choice(self.cases), name="case page")
        self.children = re.findall(r'href="(/children/\d+/)"', page.text) or self.children

    @task(2)
    def child_page(self) -> None:
        if self.children:
            self.client.get(_rng.choice(self.children), name="child page")

    @task(1)
    def search(self) -> None:
        self.client.get(
            "/children/", params={"q": _rng.choice(["smith", "jones", "ali", "brown"])}, name="search"
        )

    @task(1)
    def add_note(self) -> None:
        if not self.cases:
            return
        url = _rng.choice(self.cases) + "notes/new/"
        form = self.client.get(url, name="note form")
        if form.status_code != 200:
            return
        self.client.post(
            url,
            {"csrfmiddlewaretoken": _csrf(form.text), "text": "Phoned the family; no answer (load test)."},
            headers={"Referer": self.host + url},
            name="note add",
        )


class School(HttpUser):
    weight = 3
    wait_time = between(2, 5)

    def on_start(self) -> None:
        school = _rng.choice(CONFIG["schools"])
        self.token = school["token"]
        username = school["username"]
        page = self.client.get("/accounts/sign-in/", name="sign-in page")
        self.client.post(
            "/accounts/sign-in/",
            {"csrfmiddlewaretoken": _csrf(page.text), "username": username, "password": PASSWORD},
            headers={"Referer": self.host + "/accounts/sign-in/"},
            name="sign in",
        )

    def _pupil(self) -> dict[str, str]:
        n = next(_serial)
        return {
            "upn": make_upn("990", "3001", 20 + n % 7, n % 1000),
            "forename": _rng.choice(FORENAMES),
            "surname": f"{_rng.choice(SURNAMES)}{os.getpid()}x{n}",
            "date_of_birth": dt.date(2013 + n % 5, 1 + n % 12, 1 + n % 28).isoformat(),
        }

    def _api(self, path: str, body: dict[str, Any], name: str) -> None:
        self.client.post(
            path,
            data=json.dumps(body),
            headers={
                "Authorization": f"Token {self.token}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"load-{os.getpid()}-{next(_serial)}",
            },
            name=name,
        )

    @task(2)
    def portal(self) -> None:
        self.client.get("/schools/", name="school portal")

    @task(1)
    def removal_form(self) -> None:
        self.client.get("/schools/removals/new/", name="removal form")

    @task(1)
    def api_removal(self) -> None:
        removal_date = (dt.date.today() - dt.timedelta(days=1)).isoformat()  # noqa: TID251 - the school's clock
        self._api(
            "/api/v1/removals/",
            {"pupil": self._pupil(), "removal_date": removal_date, "ground": "g"},
            "API removal",
        )

    @task(1)
    def api_new_pupil(self) -> None:
        joined = (dt.date.today() - dt.timedelta(days=2)).isoformat()  # noqa: TID251 - the school's clock
        self._api("/api/v1/new-pupils/", {"pupil": self._pupil(), "entered_on": joined}, "API new pupil")


class Manager(SignedIn):
    weight = 1
    wait_time = between(2, 5)
    usernames = CONFIG["managers"]

    @task(2)
    def reports(self) -> None:
        self.client.get("/reports/", name="reports index")

    @task(2)
    def monthly(self) -> None:
        self.client.get("/reports/monthly/", name="monthly report")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/reports/dashboard/", name="dashboard")

    @task(1)
    def caseload(self) -> None:
        self.client.get("/cases/", name="caseload")
