"""The sweep: sixth-day escalation, board reminders, and the penalty-notice threshold for every pupil."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from rollcall.accounts.models import User
from rollcall.attendance.models import PupilMarks
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Event, Task
from rollcall.exclusions import services
from rollcall.exclusions.models import Consideration, Exclusion
from rollcall.exclusions.sweep import exclusions_sweep, penalties_sweep
from rollcall.notify.models import Message
from rollcall.people.models import Child
from rollcall.rules.attendance import CODE_BY_CODE, blank_marks, session_index
from rollcall.rules.exclusions import ExclusionKind, ReviewOutcome, ReviewStep
from rollcall.schools.models import School
from tests import factories
from tests.exclusions.conftest import facts, pupil_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enforcement_council", "frozen_clock")]


def _excluded(school: School, school_user: User, child: Child) -> Exclusion:
    exclusion = services.exclusion_notify(
        school=school, actor=school_user, pupil=pupil_of(child), facts=facts()
    ).exclusion
    assert exclusion is not None
    return exclusion


def test_no_provision_by_the_sixth_day_escalates_the_case_once(
    school: School, school_user: User, pupil_on_roll: Child, access_manager: User
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    calendar = council_calendar()
    assert exclusions_sweep(today=dt.date(2026, 11, 20), calendar=calendar)["exclusions_escalated"] == 0
    result = exclusions_sweep(today=dt.date(2026, 11, 23), calendar=calendar)
    assert result["exclusions_escalated"] == 1
    case = exclusion.case
    assert case is not None
    case.refresh_from_db()
    assert case.status == "escalated"
    task = Task.objects.get(key=f"sixth-day-missed:{exclusion.pk}")
    assert task.assignee == access_manager
    assert (
        Message.objects.filter(recipient=access_manager, subject__startswith="No sixth-day provision").count()
        == 1
    )
    assert Event.objects.filter(verb="exclusion.no_provision", case=case).count() == 1
    again = exclusions_sweep(today=dt.date(2026, 11, 24), calendar=calendar)
    assert again["exclusions_escalated"] == 0
    assert Event.objects.filter(verb="exclusion.no_provision").count() == 1


def test_provision_recorded_in_time_is_not_escalated(
    school: School, school_user: User, pupil_on_roll: Child, access_officer: User
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    services.provision_record(
        exclusion=exclusion,
        actor=access_officer,
        provision_from=dt.date(2026, 11, 23),
        provider="Northmoor PRU",
    )
    assert (
        exclusions_sweep(today=dt.date(2026, 11, 23), calendar=council_calendar())["exclusions_escalated"]
        == 0
    )


def test_the_school_is_reminded_of_the_boards_deadline_and_the_team_told_when_it_passes(
    school: School, school_user: User, pupil_on_roll: Child, access_officer: User
) -> None:
    _excluded(school, school_user, pupil_on_roll)  # board due Monday 7 December
    calendar = council_calendar()
    exclusions_sweep(today=dt.date(2026, 12, 1), calendar=calendar)
    assert not Message.objects.filter(recipient=school_user, subject__startswith="Governing board").exists()
    exclusions_sweep(today=dt.date(2026, 12, 2), calendar=calendar)  # 3 school days before
    exclusions_sweep(today=dt.date(2026, 12, 3), calendar=calendar)
    assert Message.objects.filter(recipient=school_user, subject__startswith="Governing board").count() == 1
    exclusions_sweep(today=dt.date(2026, 12, 7), calendar=calendar)
    assert not Message.objects.filter(recipient=access_officer, subject__contains="overdue").exists()
    exclusions_sweep(today=dt.date(2026, 12, 8), calendar=calendar)
    assert Message.objects.filter(recipient=access_officer, subject__contains="overdue").count() == 1


def test_a_long_suspension_asks_the_school_for_its_sixth_day_provision(
    school: School, school_user: User, pupil_on_roll: Child
) -> None:
    services.exclusion_notify(
        school=school,
        actor=school_user,
        pupil=pupil_of(pupil_on_roll),
        facts=facts(ExclusionKind.SUSPENSION, days=Decimal(8)),
    )
    exclusions_sweep(today=dt.date(2026, 11, 23), calendar=council_calendar())
    assert (
        Message.objects.filter(
            recipient=school_user, subject__startswith="Education from the sixth day"
        ).count()
        == 1
    )


# ---- the penalty-notice threshold ---------------------------------------------------------------


def _marks(sessions: dict[tuple[dt.date, bool], str], year: int = 2026) -> str:
    chars = list(blank_marks(year))
    for (day, pm), code in sessions.items():
        chars[session_index(year, day, pm)] = CODE_BY_CODE[code].mark
    return "".join(chars)


def _unauthorised(days: list[dt.date], code: str = "O") -> dict[tuple[dt.date, bool], str]:
    return {(d, pm): code for d in days for pm in (False, True)}


WEEK = [dt.date(2026, 11, 9) + dt.timedelta(days=i) for i in range(5)]  # Monday 9 to Friday 13 November


def _record(child: Child, school: School, marks: str) -> PupilMarks:
    return PupilMarks.objects.create(
        child=child,
        school=school,
        academic_year=2026,
        marks=marks,
        updated_at=dt.datetime(2026, 11, 14, tzinfo=dt.UTC),
    )


def test_ten_unauthorised_sessions_make_one_consideration_per_term(
    school: School, access_officer: User
) -> None:
    ten, nine = factories.ChildFactory.create(), factories.ChildFactory.create()
    _record(ten, school, _marks(_unauthorised(WEEK)))
    nine_sessions = _unauthorised(WEEK)
    nine_sessions[(WEEK[-1], True)] = "/"
    _record(nine, school, _marks(nine_sessions))
    calendar = council_calendar()
    assert penalties_sweep(today=dt.date(2026, 11, 16), calendar=calendar)["penalty_considerations"] == 1
    consideration = Consideration.objects.get()
    assert consideration.child == ten
    assert (consideration.reached_on, consideration.sessions, consideration.term) == (
        dt.date(2026, 11, 13),
        10,
        "autumn",
    )
    assert consideration.window_start == dt.date(2026, 9, 2)
    assert Event.objects.filter(child=ten, verb="penalty.threshold").count() == 1
    assert Message.objects.filter(recipient=access_officer, subject__contains="penalty-notice").count() == 1
    # The next day's run adds nothing: one consideration per pupil per term.
    assert penalties_sweep(today=dt.date(2026, 11, 17), calendar=calendar)["penalty_considerations"] == 0
    assert penalties_sweep(today=dt.date(2026, 11, 16), calendar=calendar)["penalty_considerations"] == 0
    assert Event.objects.filter(verb="penalty.threshold").count() == 1


def test_sessions_at_two_schools_count_together(school: School) -> None:
    child = factories.ChildFactory.create()
    other = factories.SchoolFactory.create()
    _record(child, other, _marks(_unauthorised(WEEK[:3])))
    _record(child, school, _marks(_unauthorised(WEEK[3:], code="N")))
    penalties_sweep(today=dt.date(2026, 11, 16), calendar=council_calendar())
    consideration = Consideration.objects.get(child=child)
    assert consideration.sessions == 10
    assert sorted(consideration.schools) == sorted([school.pk, other.pk])


def test_an_e_mark_with_no_notification_is_a_question_to_the_school_once(
    school: School, school_user: User, pupil_on_roll: Child
) -> None:
    asked, notified = pupil_on_roll, factories.ChildFactory.create()
    factories.RollEntryFactory.create(child=notified, school=school)
    _record(asked, school, _marks({(WEEK[0], False): "E", (WEEK[0], True): "E"}))
    _record(notified, school, _marks({(WEEK[0], False): "E"}))
    # A mark on a Saturday is not a school day: it asks nothing.
    _record(factories.ChildFactory.create(), school, _marks({(dt.date(2026, 11, 14), False): "E"}))
    services.exclusion_notify(
        school=school,
        actor=school_user,
        pupil=pupil_of(notified),
        facts=facts(ExclusionKind.SUSPENSION, first_day=WEEK[0], days=Decimal(1)),
    )
    calendar = council_calendar()
    exclusions_sweep(today=dt.date(2026, 11, 16), calendar=calendar)
    exclusions_sweep(today=dt.date(2026, 11, 17), calendar=calendar)
    questions = Message.objects.filter(recipient=school_user, subject__startswith="Marked as excluded")
    assert [q.subject for q in questions] == [f"Marked as excluded with no notification: {asked.full_name}"]


def test_the_review_route_reminds_before_each_deadline_and_tells_the_team_when_one_passes(
    school: School, school_user: User, pupil_on_roll: Child, access_officer: User, frozen_clock: Any
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    services.review_step_record(
        exclusion=exclusion,
        actor=school_user,
        step=ReviewStep.BOARD,
        on=dt.date(2026, 11, 16),
        outcome=ReviewOutcome.UPHELD,
    )
    services.review_step_record(
        exclusion=exclusion, actor=access_officer, step=ReviewStep.APPLIED, on=dt.date(2026, 11, 16)
    )
    # The panel is due within 15 school days of Monday 16 November: Monday 7 December; reminded
    # 3 school days before (Wednesday 2 December).
    calendar = council_calendar()
    panel = Message.objects.filter(recipient=access_officer, subject__contains="independent review panel")
    exclusions_sweep(today=dt.date(2026, 12, 1), calendar=calendar)
    assert not panel.exists()
    exclusions_sweep(today=dt.date(2026, 12, 2), calendar=calendar)
    exclusions_sweep(today=dt.date(2026, 12, 3), calendar=calendar)
    assert list(panel.values_list("subject", flat=True)) == [
        f"Due by 7 December 2026: the independent review panel for {pupil_on_roll.full_name}"
    ]
    assert not Message.objects.filter(recipient=school_user, subject__contains="review panel").exists()
    exclusions_sweep(today=dt.date(2026, 12, 7), calendar=calendar)
    assert not panel.filter(subject__startswith="Overdue").exists()
    exclusions_sweep(today=dt.date(2026, 12, 8), calendar=calendar)
    exclusions_sweep(today=dt.date(2026, 12, 9), calendar=calendar)
    assert panel.filter(subject__startswith="Overdue").count() == 1


def test_the_school_hears_once_that_the_parents_did_not_apply_in_time(
    school: School, school_user: User, pupil_on_roll: Child
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    services.review_step_record(
        exclusion=exclusion,
        actor=school_user,
        step=ReviewStep.BOARD,
        on=dt.date(2026, 11, 16),
        outcome=ReviewOutcome.UPHELD,
    )  # the parents may apply until Monday 7 December
    ended = Message.objects.filter(recipient=school_user, subject__startswith="No review asked for")
    exclusions_sweep(today=dt.date(2026, 12, 7), calendar=council_calendar())
    assert not ended.exists()
    exclusions_sweep(today=dt.date(2026, 12, 8), calendar=council_calendar())
    exclusions_sweep(today=dt.date(2026, 12, 9), calendar=council_calendar())
    assert ended.count() == 1


def test_the_school_is_reminded_of_the_reconsideration_and_the_team_told_when_it_is_late(
    school: School, school_user: User, pupil_on_roll: Child, access_officer: User
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    day = dt.date(2026, 11, 16)
    for step, outcome in (
        (ReviewStep.BOARD, ReviewOutcome.UPHELD),
        (ReviewStep.APPLIED, None),
        (ReviewStep.PANEL, ReviewOutcome.RECONSIDERATION_RECOMMENDED),
    ):
        services.review_step_record(
            exclusion=exclusion, actor=access_officer, step=step, on=day, outcome=outcome
        )
    # 10 school days after Monday 16 November: Monday 30 November; reminded from Wednesday 25th.
    calendar = council_calendar()
    reminder = Message.objects.filter(recipient=school_user, subject__contains="reconsideration")
    exclusions_sweep(today=dt.date(2026, 11, 24), calendar=calendar)
    assert not reminder.exists()
    exclusions_sweep(today=dt.date(2026, 11, 25), calendar=calendar)
    exclusions_sweep(today=dt.date(2026, 11, 26), calendar=calendar)
    assert reminder.count() == 1
    late = Message.objects.filter(
        recipient=access_officer, subject__startswith="Overdue: the governing board"
    )
    exclusions_sweep(today=dt.date(2026, 11, 30), calendar=calendar)
    assert not late.exists()
    exclusions_sweep(today=dt.date(2026, 12, 1), calendar=calendar)
    assert late.count() == 1
