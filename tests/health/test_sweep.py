"""The health-needs sweep step: check-in reminders, missed check-ins, and provision deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from rollcall.accounts.models import User
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case, Escalation, Task
from rollcall.casework.sweep import sweep
from rollcall.health import services
from rollcall.health.sweep import health_sweep
from rollcall.notify.models import Message
from rollcall.schools.models import School
from tests import factories
from tests.health.conftest import report_facts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("health_council", "frozen_clock")]


def health_case(school: School, school_user: User, officer: User) -> Case:
    report = services.health_report_record(
        child=factories.ChildFactory.create(), school=school, actor=school_user, facts=report_facts()
    )
    assert report.case is not None
    services.named_contact_assign(case=report.case, officer=officer, actor=officer)
    return report.case  # first check-in due 16 December 2026


def test_the_named_contact_is_reminded_once_within_five_days(
    school: School, school_user: User, access_officer: User
) -> None:
    health_case(school, school_user, access_officer)
    calendar = council_calendar()
    assert health_sweep(today=dt.date(2026, 12, 10), calendar=calendar)["checkin_reminders"] == 0
    assert health_sweep(today=dt.date(2026, 12, 11), calendar=calendar)["checkin_reminders"] == 1
    assert health_sweep(today=dt.date(2026, 12, 12), calendar=calendar)["checkin_reminders"] == 0
    assert Message.objects.filter(recipient=access_officer, key__startswith="checkin-reminder:").count() == 1


def test_a_missed_check_in_goes_to_the_manager_once_with_a_task(
    school: School, school_user: User, access_officer: User, access_manager: User
) -> None:
    case = health_case(school, school_user, access_officer)
    calendar = council_calendar()
    first = health_sweep(today=dt.date(2026, 12, 17), calendar=calendar)
    assert (first["checkins_missed"], first["checkin_missed_tasks"]) == (1, 1)
    second = health_sweep(today=dt.date(2026, 12, 18), calendar=calendar)
    assert (second["checkins_missed"], second["checkin_missed_tasks"]) == (0, 0)
    assert (
        Message.objects.filter(recipient=access_manager, subject__startswith="Check-in missed").count() == 1
    )
    task = Task.objects.get(case=case, code="checkin_missed")
    assert task.assignee == access_manager


def test_a_check_in_on_time_is_not_missed(school: School, school_user: User, access_officer: User) -> None:
    case = health_case(school, school_user, access_officer)
    case.checkins.update(done_on=dt.date(2026, 12, 16))
    assert health_sweep(today=dt.date(2026, 12, 17), calendar=council_calendar())["checkins_missed"] == 0


def test_closed_cases_are_left_alone(school: School, school_user: User, access_officer: User) -> None:
    case = health_case(school, school_user, access_officer)
    Case.objects.filter(pk=case.pk).update(
        status="closed", closed_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC), outcome="back_in_school"
    )
    counts = health_sweep(today=dt.date(2026, 12, 17), calendar=council_calendar())
    assert counts == {"checkin_reminders": 0, "checkins_missed": 0, "checkin_missed_tasks": 0}


def test_the_step_reads_a_fixed_number_of_queries(
    school: School, school_user: User, access_officer: User, django_assert_max_num_queries: object
) -> None:
    for _ in range(5):
        health_case(school, school_user, access_officer)
    calendar = council_calendar()
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        health_sweep(today=dt.date(2026, 12, 17), calendar=calendar)


@override_settings(SWEEP_STEPS=["rollcall.health.sweep.health_sweep"])
def test_provision_not_in_place_by_the_deadline_escalates_to_the_manager(
    school: School, school_user: User, access_officer: User, access_manager: User
) -> None:
    report = services.health_report_record(
        child=factories.ChildFactory.create(), school=school, actor=school_user, facts=report_facts()
    )
    assert report.case is not None
    services.named_contact_assign(case=report.case, officer=access_officer, actor=access_officer)
    # Provision was due on 23 November; 5 school days overdue is 30 November.
    run = sweep(today=dt.date(2026, 11, 27))
    assert not Escalation.objects.filter(case=report.case).exists()
    run = sweep(today=dt.date(2026, 11, 30))
    assert "checkin_reminders" in run.counts
    escalation = Escalation.objects.get(case=report.case)
    assert escalation.overdue_since == dt.date(2026, 11, 23)
    assert Message.objects.filter(recipient=access_manager, subject__contains="escalated").exists()
