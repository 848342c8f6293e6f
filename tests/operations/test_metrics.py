"""/metrics: Prometheus text with Roll Call's own figures, never public."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.casework.models import Case, SweepRun
from rollcall.casework.services import case_open
from rollcall.operations.workers import worker_beat
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


def value(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.MULTILINE)
    assert match is not None, f"{name}{labels} not in the metrics"
    return float(match.group(1))


def open_cme_case() -> Case:
    return case_open(
        child=factories.ChildFactory.create(),
        kind="cme",
        team=Team.objects.get(kind=Team.Kind.INCLUSION),
        source="referral",
    )


def test_metrics_are_404_to_anyone_without_the_token_or_a_listed_address(settings) -> None:
    settings.METRICS_TOKEN = "scrape-secret-123"
    settings.METRICS_ALLOWED_ADDRESSES = []

    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-123").status_code == 200


def test_a_listed_address_may_read_metrics_unless_a_proxy_passed_the_request_on(settings) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]

    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 404
    proxied = Client(REMOTE_ADDR="127.0.0.1").get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.status_code == 404


def test_metrics_count_open_and_overdue_cases_by_kind_the_queue_and_the_last_sweep(settings, today) -> None:
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]
    fresh, late, closed = open_cme_case(), open_cme_case(), open_cme_case()
    Case.objects.filter(pk=late.pk).update(next_action_due=today - dt.timedelta(days=3))
    Case.objects.filter(pk=closed.pk).update(closed_at=clock.now(), status="closed", outcome="on_roll")
    assert fresh.next_action_due is not None
    assert fresh.next_action_due >= today
    SweepRun.objects.create(
        as_of=today,
        started_at=clock.now() - dt.timedelta(seconds=42),
        finished_at=clock.now(),
        counts={"reminders": 7, "manager": 2},
        breaches=["someone"],
    )
    worker_beat(worker_id="w1", started_at=clock.now())

    text = Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode()

    assert value(text, "rollcall_cases_open", '{kind="cme"}') == 2
    assert value(text, "rollcall_cases_overdue", '{kind="cme"}') == 1
    assert value(text, "rollcall_sweep_last_duration_seconds") == 42
    assert value(text, "rollcall_sweep_last_count", '{item="reminders"}') == 7
    assert value(text, "rollcall_invariant_breaches") == 1
    assert value(text, "rollcall_workers_alive") == 1
    assert "django_http_requests_total_by_method_total" in text


def test_metrics_show_the_task_queue_depth_and_the_age_of_its_oldest_task(settings) -> None:
    from django_tasks_db.models import DBTaskResult, get_date_max

    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]
    for minutes in (10, 2):
        row = DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="rollcall.casework.tasks.sweep_task",
            backend_name="default",
            run_after=get_date_max(),
        )
        DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=clock.now() - dt.timedelta(minutes=minutes))

    text = Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode()

    assert value(text, "rollcall_task_queue_depth", '{queue="default"}') == 2
    assert value(text, "rollcall_task_queue_oldest_age_seconds", '{queue="default"}') == 600
    assert value(text, "rollcall_tasks", '{queue="default",status="READY"}') == 2
