"""The home-education sweep step: records opened from CME outcomes and removal notices, closing on
a roll, review reminders, and the invariant."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.accounts.models import Team, User
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case
from rollcall.casework.services import case_open, case_transition
from rollcall.casework.sweep import invariant_breaches, sweep
from rollcall.homeeducation import services
from rollcall.homeeducation.models import EHERecord, EHESource
from rollcall.homeeducation.sweep import ehe_invariant_breaches, ehe_sweep
from rollcall.notify.models import Message
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ehe_council", "frozen_clock")]

TODAY = dt.date(2026, 11, 16)


def cme_closed_as_home_educated(manager: User) -> Case:
    case = case_open(
        child=factories.ChildFactory.create(),
        kind="cme",
        team=Team.objects.get(kind="inclusion"),
        source="Referral",
    )
    case_transition(case=case, target="closed", actor=manager, outcome="ehe_registered")
    return case


def test_a_cme_case_closed_as_home_educated_opens_a_record_once(
    inclusion_manager: User, ehe_officer: User
) -> None:
    cme = cme_closed_as_home_educated(inclusion_manager)
    first = ehe_sweep(today=TODAY, calendar=council_calendar())
    assert first["ehe_records_opened"] == 1
    record = EHERecord.objects.get(child=cme.child)
    assert (record.source, record.case.kind, record.case.owner) == ("cme_outcome", "ehe", ehe_officer)
    assert record.case.next_action_due == dt.date(2026, 11, 30)
    assert record.next_review_on == dt.date(2026, 11, 30)
    again = ehe_sweep(today=TODAY, calendar=council_calendar())
    assert (again["ehe_records_opened"], again["ehe_sources_joined"]) == (0, 0)
    assert EHERecord.objects.count() == 1


def test_a_removal_notice_on_ground_f_opens_a_record_with_the_school_and_notice_date(
    ehe_officer: User,
) -> None:
    notice = factories.RemovalNoticeFactory.create(
        ground="f", parent_written_notice_date=dt.date(2026, 11, 2)
    )
    factories.RemovalNoticeFactory.create(ground="g")  # not home education
    assert ehe_sweep(today=TODAY, calendar=council_calendar())["ehe_records_opened"] == 1
    record = EHERecord.objects.get()
    assert (record.child, record.school, record.notified_on) == (
        notice.child,
        notice.school,
        dt.date(2026, 11, 2),
    )
    assert record.case.status == "new"


def test_a_special_schools_notice_waits_for_the_councils_consent(ehe_officer: User) -> None:
    special = factories.SchoolFactory.create(type_name="Community special school")
    factories.RemovalNoticeFactory.create(ground="f", school=special)
    ehe_sweep(today=TODAY, calendar=council_calendar())
    record = EHERecord.objects.get()
    assert record.case.status == "consent"
    assert record.consent_needed == "special_school"


def test_a_second_source_joins_the_open_record(inclusion_manager: User, ehe_officer: User) -> None:
    notice = factories.RemovalNoticeFactory.create(ground="f")
    ehe_sweep(today=TODAY, calendar=council_calendar())
    case = case_open(
        child=notice.child, kind="cme", team=Team.objects.get(kind="inclusion"), source="Referral"
    )
    case_transition(case=case, target="closed", actor=inclusion_manager, outcome="ehe_registered")
    counts = ehe_sweep(today=TODAY, calendar=council_calendar())
    assert (counts["ehe_records_opened"], counts["ehe_sources_joined"]) == (0, 1)
    assert EHESource.objects.filter(record__child=notice.child).count() == 2


def test_a_child_back_on_a_roll_is_not_registered(ehe_officer: User) -> None:
    notice = factories.RemovalNoticeFactory.create(ground="f")
    factories.RollEntryFactory.create(child=notice.child, on_roll_from=dt.date(2026, 11, 10))
    assert ehe_sweep(today=TODAY, calendar=council_calendar())["ehe_records_opened"] == 0


def test_joining_a_roll_closes_the_record_and_the_order_route(ehe_officer: User) -> None:
    record = services.record_open(child=factories.ChildFactory.create(), actor=ehe_officer)
    services.contact_record(record=record, actor=ehe_officer, made_on=TODAY, method="phone")
    services.suitability_judge(record=record, actor=ehe_officer, judgement="not_suitable", reasons="No reply")
    entry = factories.RollEntryFactory.create(child=record.child, on_roll_from=TODAY)
    counts = ehe_sweep(today=TODAY, calendar=council_calendar())
    assert counts["ehe_closed_on_roll"] == 2
    for case in Case.objects.filter(child=record.child):
        assert (case.status, case.outcome, case.outcome_details) == (
            "closed",
            "on_roll",
            {"school": entry.school.name},
        )
    record.refresh_from_db()
    assert record.next_review_on is None


def test_the_owner_is_reminded_once_of_a_review_coming_due(ehe_officer: User) -> None:
    record = services.record_open(child=factories.ChildFactory.create(), actor=ehe_officer)
    services.contact_record(record=record, actor=ehe_officer, made_on=TODAY, method="phone")
    services.suitability_judge(record=record, actor=ehe_officer, judgement="suitable", reasons="Good")
    # Review due 16 November 2027; reminded from 20 days before.
    assert ehe_sweep(today=dt.date(2027, 10, 26), calendar=council_calendar())["ehe_review_reminders"] == 0
    assert ehe_sweep(today=dt.date(2027, 10, 27), calendar=council_calendar())["ehe_review_reminders"] == 1
    assert ehe_sweep(today=dt.date(2027, 10, 28), calendar=council_calendar())["ehe_review_reminders"] == 0
    assert Message.objects.filter(recipient=ehe_officer, key__startswith="ehe-review:").count() == 1


def test_a_review_falling_due_escalates_up_the_same_ladder(ehe_officer: User, ehe_manager: User) -> None:
    record = services.record_open(child=factories.ChildFactory.create(), actor=ehe_officer)
    # The first contact was due 30 November 2026; 5 school days later the manager is told.
    run = sweep(today=dt.date(2026, 12, 7))
    record.case.refresh_from_db()
    assert record.case.escalation_level >= 1
    assert Message.objects.filter(recipient=ehe_manager).exists()
    assert run.counts["ehe_breaches"] == 0


def test_a_record_without_a_next_review_date_is_a_breach_by_name(ehe_officer: User) -> None:
    record = services.record_open(child=factories.ChildFactory.create(), actor=ehe_officer)
    EHERecord.objects.filter(pk=record.pk).update(next_review_on=None)
    breaches = ehe_invariant_breaches(today=TODAY)
    assert breaches == [
        f"{record.child} ({record.case.reference}): registered as home educated with no active owner "
        "or no next review date"
    ]
    assert breaches[0] in invariant_breaches(today=TODAY)


def test_an_inactive_owner_is_a_breach(ehe_officer: User) -> None:
    services.record_open(child=factories.ChildFactory.create(), actor=ehe_officer)
    User.objects.filter(pk=ehe_officer.pk).update(is_active=False)
    assert len(ehe_invariant_breaches(today=TODAY)) == 1


def test_a_removal_for_home_education_with_no_record_is_a_breach_until_the_sweep_opens_one(
    ehe_officer: User,
) -> None:
    notice = factories.RemovalNoticeFactory.create(ground="f")
    assert [b for b in ehe_invariant_breaches(today=TODAY) if str(notice.child) in b]
    run = sweep(today=TODAY)
    assert run.breaches == []
    assert run.counts["ehe_records_opened"] == 1
