"""/healthz and /readyz: named checks, 200 or 503, no sign-in and no personal data."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client

from rollcall import clock
from rollcall.casework.models import SweepRun
from rollcall.notify.models import Message
from rollcall.operations.workers import worker_beat
from tests import factories

pytestmark = pytest.mark.django_db


def finished_sweep(*, hours_ago: float, breaches: list[str] | None = None) -> SweepRun:
    finished = clock.now() - dt.timedelta(hours=hours_ago)
    return SweepRun.objects.create(
        as_of=clock.local_date(finished),
        started_at=finished - dt.timedelta(seconds=30),
        finished_at=finished,
        counts={"reminders": 3},
        breaches=breaches or [],
    )


def test_healthz_answers_without_sign_in_or_database() -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_is_503_naming_each_failing_check_when_no_worker_or_sweep_has_run() -> None:
    response = Client().get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    checks = body["checks"]
    assert set(checks) == {"database", "migrations", "worker", "sweep", "invariant"}
    assert checks["database"]["ok"] is True
    assert checks["migrations"] == {"ok": True, "unapplied": 0}
    assert checks["worker"]["ok"] is False
    assert checks["worker"]["alive"] == 0
    assert checks["sweep"]["ok"] is False


def test_readyz_is_200_with_a_live_worker_and_a_clean_sweep_within_26_hours() -> None:
    worker_beat(worker_id="w1", started_at=clock.now())
    run = finished_sweep(hours_ago=25)

    response = Client().get("/readyz")

    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["worker"] == {"ok": True, "alive": 1, "within_seconds": 300}
    assert checks["sweep"]["ok"] is True
    assert checks["sweep"]["as_of"] == run.as_of.isoformat()
    assert checks["invariant"] == {"ok": True, "breaches": 0}


def test_readyz_fails_the_sweep_check_after_26_hours() -> None:
    worker_beat(worker_id="w1", started_at=clock.now())
    finished_sweep(hours_ago=26.5)

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["sweep"]["ok"] is False


def test_readyz_counts_breaches_without_naming_the_children() -> None:
    worker_beat(worker_id="w1", started_at=clock.now())
    finished_sweep(hours_ago=1, breaches=["Zebedee Quillfeather (CME-000001): open case with no owner"])

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["invariant"] == {"ok": False, "breaches": 1}
    assert b"Quillfeather" not in response.content


def test_a_worker_silent_for_longer_than_the_window_does_not_count(settings) -> None:
    settings.READY_WORKER_SECONDS = 60
    worker_beat(worker_id="w1", started_at=clock.now())
    finished_sweep(hours_ago=1)
    later = clock.now() + dt.timedelta(seconds=61)

    with time_machine.travel(later, tick=False):
        response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["alive"] == 0


def test_readyz_tells_the_administrators_once_a_day_that_the_sweep_has_not_run(
    django_capture_on_commit_callbacks,
) -> None:
    admin = factories.administrator(email="admin@northmoor.example")
    factories.staff()  # an officer is not told
    finished_sweep(hours_ago=30)

    with django_capture_on_commit_callbacks(execute=True):
        Client().get("/readyz")
        Client().get("/readyz")

    messages = Message.objects.all()
    assert [m.recipient for m in messages] == [admin]
    assert messages[0].subject == "The daily sweep has not run"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@northmoor.example"]


def test_a_new_installation_without_any_sweep_tells_nobody() -> None:
    factories.administrator()

    Client().get("/readyz")

    assert not Message.objects.exists()
