"""The admissions sweep step: remind, follow up, refer as CME; idempotent; set-based."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from rollcall import clock
from rollcall.admissions import services
from rollcall.admissions.events import SCHOOL_REMINDED
from rollcall.admissions.models import DeferredPlace, FairAccessReferral, PutOnRollRequest
from rollcall.admissions.sweep import admissions_sweep
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case, Event, Task
from rollcall.casework.services import roll_join
from rollcall.notify.models import Message
from tests import factories
from tests.admissions.helpers import TODAY, case_of, offer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]

ANSWER_DUE = dt.date(2026, 11, 30)
SECOND_WINDOW_ENDS = dt.date(2026, 12, 14)


def run(day: dt.date) -> dict[str, int]:
    return admissions_sweep(today=day, calendar=council_calendar())


def test_nothing_happens_on_the_day_the_answer_is_due(admissions_officer, school, school_user):
    offer(admissions_officer, school)
    assert run(ANSWER_DUE)["admission_reminded"] == 0


def test_the_day_after_the_answer_was_due_the_school_is_reminded_and_the_officer_tasked_once(
    admissions_officer, school, school_user
):
    request = offer(admissions_officer, school)
    day = dt.date(2026, 12, 1)

    first = run(day)
    second = run(day)

    assert first["admission_reminded"] == 1
    assert second["admission_reminded"] == 0
    assert Message.objects.filter(recipient=school_user, key__startswith="put-on-roll-reminder").count() == 1
    assert Task.objects.filter(case=case_of(request), code="admission_follow_up").count() == 1
    assert case_of(request).status == "follow_up"
    assert Event.objects.filter(child=request.child, verb=SCHOOL_REMINDED).count() == 1
    assert PutOnRollRequest.objects.get(pk=request.pk).reminded_on == day


def test_a_school_that_answered_is_not_reminded(admissions_officer, school, school_user):
    request = offer(admissions_officer, school)
    services.request_answer(request=request, actor=school_user, on_roll=False, reason="Not arrived")
    assert run(dt.date(2026, 12, 1))["admission_reminded"] == 0


def test_a_child_not_on_roll_after_the_second_window_is_referred_to_inclusion_as_cme(
    admissions_officer, school, school_user, inclusion_officer
):
    request = offer(admissions_officer, school)
    services.contact_record(
        request=request,
        actor=admissions_officer,
        party="parent",
        made_on=TODAY,
        intent="unknown",
        details="No reply",
    )
    assert run(SECOND_WINDOW_ENDS)["admission_referred_cme"] == 0

    counts = run(dt.date(2026, 12, 15))
    again = run(dt.date(2026, 12, 15))

    assert counts["admission_referred_cme"] == 1
    assert again["admission_referred_cme"] == 0
    cme = Case.objects.get(child=request.child, kind="cme")
    assert cme.team.kind == "inclusion"
    assert cme.source == "admissions: place not taken up"
    assert "Application received 16 November 2026" in cme.summary
    assert "Risk assessment: High" in cme.summary
    assert "The school never answered." in cme.summary
    assert "Contact with parent or carer on 16 November 2026" in cme.summary
    admission = case_of(request)
    assert admission.status == "closed"
    assert admission.outcome == "referred_cme"
    assert Message.objects.filter(
        recipient=inclusion_officer, key=f"case-opened:{cme.pk}:{inclusion_officer.pk}"
    ).exists()
    assert PutOnRollRequest.objects.get(pk=request.pk).status_label == "Referred as CME"


def test_a_child_on_roll_but_never_attending_is_referred_too(admissions_officer, school, school_user):
    request = offer(admissions_officer, school)
    services.request_answer(request=request, actor=school_user, on_roll=True, on_roll_from=TODAY)
    assert run(dt.date(2026, 12, 15))["admission_referred_cme"] == 1
    assert case_of(request).outcome == "referred_cme"


def test_a_child_on_roll_and_attending_is_never_referred(admissions_officer, school, school_user):
    request = offer(admissions_officer, school)
    services.request_answer(
        request=request, actor=school_user, on_roll=True, on_roll_from=TODAY, attended_from=TODAY
    )
    assert run(dt.date(2027, 1, 20))["admission_referred_cme"] == 0
    assert not Case.objects.filter(child=request.child, kind="cme").exists()


def test_the_second_window_spans_the_christmas_holiday(admissions_officer, school, frozen_clock):
    frozen_clock.move_to(dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC))
    request = offer(admissions_officer, school)
    assert request.answer_due == dt.date(2027, 1, 4)
    assert request.second_window_ends == dt.date(2027, 1, 18)
    assert run(dt.date(2027, 1, 4))["admission_reminded"] == 0
    assert run(dt.date(2027, 1, 5))["admission_reminded"] == 1
    assert run(dt.date(2027, 1, 18))["admission_referred_cme"] == 0
    assert run(dt.date(2027, 1, 19))["admission_referred_cme"] == 1


def test_the_sweep_uses_a_bounded_number_of_queries_for_reminders(
    admissions_officer, school, school_user, django_assert_max_num_queries
):
    for i in range(3):
        offer(admissions_officer, school, surname=f"Child{i}")
    # Reminders are bulk; only the per-case workflow move is per item.
    with django_assert_max_num_queries(80):
        assert run(dt.date(2026, 12, 1))["admission_reminded"] == 3


def test_a_waiting_case_closes_when_the_child_joins_a_roll(admissions_officer, school):
    child = factories.ChildFactory.create(date_of_birth=dt.date(2015, 1, 1))
    case = services.waiting_open(child=child, actor=admissions_officer)
    assert run(TODAY)["waiting_closed_on_roll"] == 0
    roll_join(child=child, school=school, on_roll_from=TODAY)
    assert run(TODAY)["waiting_closed_on_roll"] == 1
    case.refresh_from_db()
    assert case.status == "closed"
    assert case.outcome == "on_roll"
    assert run(TODAY)["waiting_closed_on_roll"] == 0


def test_a_deferred_place_is_checked_on_the_day_the_child_is_due_to_start(admissions_officer, school):
    started = factories.ChildFactory.create()
    missing = factories.ChildFactory.create()
    start = dt.date(2027, 1, 4)
    a = services.deferred_record(child=started, school=school, due_to_start=start, actor=admissions_officer)
    b = services.deferred_record(child=missing, school=school, due_to_start=start, actor=admissions_officer)
    roll_join(child=started, school=school, on_roll_from=start)

    assert run(dt.date(2027, 1, 3))["deferred_checked"] == 0
    assert run(start)["deferred_checked"] == 2
    assert run(start)["deferred_checked"] == 0
    assert DeferredPlace.objects.get(pk=a.pk).started is True
    assert DeferredPlace.objects.get(pk=b.pk).started is False
    assert Message.objects.filter(
        recipient=admissions_officer, key=f"deferred-not-started:{b.pk}:{admissions_officer.pk}"
    ).exists()


def test_fair_access_escalates_from_a_school_reminder_to_the_head_of_service(
    admissions_officer, school, school_user, head_of_service
):
    referral = services.fair_access_refer(
        actor=admissions_officer,
        child=factories.ChildFactory.create(),
        category=FairAccessReferral.Category.HOMELESS,
        reason="Family in temporary accommodation",
        schools_considered=[school],
        taken_into_protocol_on=TODAY,
    )
    assert referral.placement_due == dt.date(2026, 12, 14)
    services.fair_access_allocate(
        referral=referral, actor=admissions_officer, school=school, panel_date=TODAY
    )

    assert run(dt.date(2026, 12, 14))["fair_access_reminded"] == 0
    assert run(dt.date(2026, 12, 15))["fair_access_reminded"] == 1
    assert run(dt.date(2026, 12, 22))["fair_access_escalated"] == 0
    counts = run(dt.date(2026, 12, 23))
    assert counts["fair_access_escalated"] == 1
    assert run(dt.date(2026, 12, 23))["fair_access_escalated"] == 0
    assert Message.objects.filter(recipient=head_of_service, key__startswith="fair-access-escalated").exists()
    assert Message.objects.filter(recipient=school_user, key__startswith="fair-access-reminder").exists()

    services.fair_access_request_direction(referral=referral, actor=head_of_service)
    referral.refresh_from_db()
    assert referral.status_label == "Direction requested"
    assert case_of(referral).status == "direction"
    services.fair_access_admitted(
        referral=referral, actor=admissions_officer, admitted_on=dt.date(2027, 1, 4)
    )
    assert case_of(referral).status == "admitted"


def test_the_daily_sweep_runs_the_admissions_step_from_settings_and_breaks_no_invariant(
    admissions_officer, school, school_user, settings, frozen_clock
):
    from rollcall.casework.sweep import sweep

    settings.SWEEP_STEPS = ["rollcall.admissions.sweep.admissions_sweep"]
    offer(admissions_officer, school, surname="Late")
    offer(admissions_officer, school, surname="Never")

    frozen_clock.move_to(dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC))
    first = sweep(today=dt.date(2026, 12, 1))
    assert first.counts["admission_reminded"] == 2
    assert first.breaches == []
    frozen_clock.move_to(dt.datetime(2026, 12, 15, 6, 0, tzinfo=dt.UTC))
    later = sweep(today=dt.date(2026, 12, 15))
    assert later.counts["admission_referred_cme"] == 2
    assert later.breaches == []
    assert sweep(today=dt.date(2026, 12, 15)).counts["admission_referred_cme"] == 0


def test_a_cme_referral_made_by_a_sweep_run_for_a_later_date_is_dated_from_that_date_not_the_wall_clock(
    admissions_officer, school, school_user, inclusion_officer, inclusion_manager, head_of_service
):
    """Issue 14: with the wall clock on Sunday 6 December 2026, ``--date 2027-01-11`` opened the
    CME case with its first enquiry due Monday 7 December, so a second run for the same date found
    it a month overdue and escalated it again."""
    from rollcall.casework.models import Escalation
    from rollcall.casework.sweep import sweep

    request = offer(admissions_officer, school)
    day = dt.date(2027, 1, 11)
    with time_machine.travel(dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC), tick=False):
        first = sweep(today=day)
        tables = _table_counts()
        second = sweep(today=day)

        assert first.counts["admission_referred_cme"] == 1
        assert _table_counts() == tables
        assert second.counts["manager"] == second.counts["head_of_service"] == 0
    cme = Case.objects.get(child=request.child, kind="cme")
    assert cme.opened_on == day
    assert clock.local_date(cme.opened_at) == day
    first_enquiry = cme.tasks.get(code="first_enquiry")
    assert first_enquiry.due == dt.date(2027, 1, 12)
    assert clock.local_date(first_enquiry.created_at) == day
    assert not Escalation.objects.filter(case=cme).exists()
    assert {clock.local_date(at) for at in Event.objects.filter(case=cme).values_list("at", flat=True)} == {
        day
    }
    assert {
        clock.local_date(at)
        for at in Message.objects.filter(key__startswith=f"case-opened:{cme.pk}:").values_list(
            "created_at", flat=True
        )
    } == {day}


def _table_counts() -> dict[str, int]:
    from django.apps import apps

    from rollcall.casework.models import SweepRun

    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model is not SweepRun
        and model._meta.app_label not in {"sessions", "contenttypes", "auth", "admin"}
    }
