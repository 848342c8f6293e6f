"""The smoke journey of ``make test-production``, over real HTTP against a running set-up.

Not a pytest module: ``scripts/test-production`` boots ``make run-production`` on a fresh
PostgreSQL database and runs this with the same environment, so the ``manage.py`` calls below
reach the same database. Uses only the standard library's HTTP client, as a browser would: the
sign-in form with its CSRF token and session cookie, the API with a school's token.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import random
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django_otp.oath import hotp

from rollcall.rules.upn import make_upn

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "rollcall-demo-2026"  # the published demo password (rollcall/demo/council.py)
# The published demo authenticator key (rollcall/demo/council.py DEMO_TOTP_KEY; tests/test_demo.py
# checks they agree): the journey computes codes as a phone's authenticator app would.
DEMO_TOTP_KEY = "526f6c6c2043616c6c2064656d6f20636f646573"
# The last time step whose code each username used: Roll Call refuses a code used before, so a
# second sign-in within 30 seconds takes the next step's code (within django-otp's tolerance of
# one step) or waits for it.
_used_steps: dict[str, int] = {}


@dataclass
class Response:
    status: int
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> dict[str, object]:
        data: dict[str, object] = json.loads(self.body)
        return data


class Browser:
    """Cookies, redirects and plain requests: what the journey needs from a client."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(
        self, path: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(req, timeout=60) as resp:
                return Response(resp.status, resp.url, dict(resp.headers), resp.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.url or path, dict(error.headers), error.read())

    def get(self, path: str, **headers: str) -> Response:
        return self.request(path, headers=headers)

    def post_form(self, path: str, fields: dict[str, str]) -> Response:
        body = urllib.parse.urlencode(fields).encode()
        return self.request(
            path,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path},
        )


def step(name: str) -> None:
    print(f"- {name}", flush=True)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def manage(*args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def two_factor_code(username: str) -> str:
    """The demo authenticator app's code for this username's next sign-in (never one used)."""
    now = time.time()
    step = int(now) // 30
    wanted = max(step, _used_steps.get(username, -1) + 1)
    if wanted > step + 1:
        time.sleep((wanted - 1) * 30 - now + 0.5)
    _used_steps[username] = wanted
    return f"{hotp(bytes.fromhex(DEMO_TOTP_KEY), wanted):06d}"  # TOTP is HOTP of the time step


def _csrf(page: Response) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    check(token is not None, f"{page.url} has no CSRF token")
    assert token is not None
    return token.group(1)


def sign_in(browser: Browser, username: str) -> Response:
    """The sign-in form, then the two-factor code page when Roll Call asks for a code."""
    form = browser.get("/accounts/sign-in/")
    check(form.status == 200, f"sign-in page answered {form.status}")
    answer = browser.post_form(
        "/accounts/sign-in/", {"csrfmiddlewaretoken": _csrf(form), "username": username, "password": PASSWORD}
    )
    if "/accounts/two-factor/code/" not in answer.url:
        return answer
    path = urllib.parse.urlsplit(answer.url)
    next_page = urllib.parse.parse_qs(path.query).get("next", ["/"])[0]
    return browser.post_form(
        f"{path.path}?{path.query}",
        {"csrfmiddlewaretoken": _csrf(answer), "code": two_factor_code(username), "next": next_page},
    )


def journey(base: str) -> None:
    browser = Browser(base)

    step("the process is up: /healthz")
    health = browser.get("/healthz")
    check(health.status == 200 and health.json() == {"status": "ok"}, f"/healthz: {health.status}")
    check(len(health.headers.get("X-Request-ID", "")) >= 8, "no X-Request-ID on the response")

    step("an anonymous visitor is sent to sign in, and /metrics is hidden from a proxied caller")
    check("/accounts/sign-in/" in browser.get("/cases/").url, "the caseload did not ask to sign in")
    check(browser.get("/metrics", **{"X-Forwarded-For": "203.0.113.9"}).status == 404, "/metrics leaked")

    step("an Inclusion officer signs in through the form (CSRF token) and the two-factor code page")
    signed_in = sign_in(browser, "inclusion.officer")
    check(signed_in.status == 200 and signed_in.url.endswith("/cases/"), f"sign-in ended at {signed_in.url}")
    check("Sign out" in signed_in.text, "the caseload page does not offer to sign out")

    step("a school's system sends a removal notice through the API with its token")
    school_user = next(
        line.split()[0] for line in manage("demo_sign_ins").splitlines() if line.startswith("school.")
    )
    token = manage(
        "issue_api_token", school_user, "--name", "Smoke test MIS", "--preset", "school-system"
    ).strip()
    rng = random.SystemRandom()
    upn = make_upn("990", "2001", rng.randrange(1, 99), rng.randrange(1, 999))
    surname = f"Smoketest{rng.randrange(10**6):06d}"
    notice = {
        "pupil": {"upn": upn, "forename": "Robin", "surname": surname, "date_of_birth": "2014-03-09"},
        # The school's system dates the notice by its own clock (outside Roll Call's).
        "removal_date": (dt.date.today() - dt.timedelta(days=1)).isoformat(),  # noqa: TID251
        "ground": "g",
    }
    api = Browser(base)
    created = api.request(
        "/api/v1/removals/",
        data=json.dumps(notice).encode(),
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": f"smoke-{upn}",
        },
    )
    check(created.status == 201, f"the API answered {created.status}: {created.text[:500]}")
    # The school is told the notice went ahead and a case opens, never the council's case reference.
    answer = created.json()
    removal = answer.get("removal_notice")
    check(answer.get("status") == "accepted", f"the notice was not accepted: {created.text[:300]}")
    check(
        isinstance(removal, dict) and removal.get("opens_cme_case") is True,
        f"no CME case: {created.text[:300]}",
    )

    step("the school's token may not read the council's cases (its scopes)")
    refused = api.request("/api/v1/cases/", headers={"Authorization": f"Token {token}"})
    check(refused.status == 403, f"a school-system token read /api/v1/cases/: {refused.status}")

    step(f"the new case for {surname} is in the Inclusion caseload")
    caseload = browser.get("/cases/?sort=opened&order=desc")
    check(caseload.status == 200 and surname in caseload.text, f"{surname}'s case is not on the caseload")

    step("the sweep runs through a task worker")
    print("  " + manage("rollcall_sweep", "--enqueue", "--wait", "180").strip().replace("\n", "\n  "))

    step("/readyz names every check, and sees the database, migrations, a worker and the sweep")
    ready = browser.get("/readyz")
    checks = ready.json()["checks"]
    check(isinstance(checks, dict), f"/readyz: {ready.text}")
    assert isinstance(checks, dict)
    check(set(checks) == {"database", "migrations", "worker", "sweep", "invariant"}, f"/readyz: {ready.text}")
    for name in ("database", "migrations", "worker", "sweep"):
        check(checks[name]["ok"] is True, f"/readyz {name} is not ok: {ready.text}")
    breaches = checks["invariant"]["breaches"]
    check(ready.status == (200 if breaches == 0 else 503), f"/readyz {ready.status} with {breaches} breaches")
    print(f"  /readyz {ready.status}; the demo council's last sweep found {breaches} breaches")

    step("the officer downloads a report export (XLSX)")
    export = browser.get("/reports/monthly/report.xlsx")
    check(export.status == 200, f"the export answered {export.status}")
    check(export.body[:2] == b"PK", "the export is not an XLSX file")
    check("spreadsheetml" in export.headers.get("Content-Type", ""), "the export's content type is wrong")

    step("Prometheus can read /metrics from this machine")
    metrics = browser.get("/metrics")
    check(metrics.status == 200, f"/metrics answered {metrics.status}")
    for name in ("rollcall_cases_open", "rollcall_task_queue_depth", "rollcall_sweep_last_duration_seconds"):
        check(name in metrics.text, f"/metrics has no {name}")
    check("django_http_requests" in metrics.text, "/metrics has no django-prometheus figures")

    step("static files come from the manifest (hashed names)")
    page = browser.get("/accounts/sign-in/").text
    css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    check(css is not None, "the sign-in page links no hashed stylesheet")
    assert css is not None
    check(browser.get(css.group(1)).status == 200, f"{css.group(1)} is not served")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="e.g. http://127.0.0.1:8765")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        journey(args.base)
    except AssertionError as error:
        print(f"SMOKE JOURNEY FAILED: {error}", file=sys.stderr)
        return 1
    print(f"The smoke journey passed in {time.monotonic() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
