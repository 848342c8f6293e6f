"""Exclusion notifications: the claims rule, the deadlines, the sixth-day case and provision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from rollcall.accounts.models import User
from rollcall.casework.models import Case, Event
from rollcall.casework.services import CaseworkError
from rollcall.exclusions import services
from rollcall.exclusions.models import EnforcementSettings, Exclusion, ExclusionStep
from rollcall.people.models import Child
from rollcall.returns.claims import Pupil, claim_confirm
from rollcall.returns.models import SchoolReturn
from rollcall.rules.exclusions import ExclusionKind, ReviewOutcome, ReviewStep
from rollcall.schools.models import School
from tests import factories
from tests.exclusions.conftest import facts, pupil_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enforcement_council", "frozen_clock")]

SUS = ExclusionKind.SUSPENSION


def test_a_permanent_exclusion_of_a_pupil_on_roll_opens_the_sixth_day_case(
    school: School, school_user: User, pupil_on_roll: Child, access_officer: User
) -> None:
    notified = services.exclusion_notify(
        school=school, actor=school_user, pupil=pupil_of(pupil_on_roll), facts=facts()
    )
    exclusion = notified.exclusion
    assert exclusion is not None
    assert exclusion.child == pupil_on_roll
    # Monday 16 November: the sixth school day is Monday 23rd; the board meets within 15 school days.
    assert exclusion.sixth_day == dt.date(2026, 11, 23)
    assert (exclusion.board_due, exclusion.board_must_meet) == (dt.date(2026, 12, 7), True)
    assert exclusion.told_without_delay
    case = exclusion.case
    assert case is not None
    assert (case.kind, case.status, case.team.kind) == ("exclusion", "awaiting_provision", "access")
    assert {t.code: t.due for t in case.tasks.all()} == {"sixth_day_provision": dt.date(2026, 11, 23)}
    assert Event.objects.filter(child=pupil_on_roll, verb="exclusion.notified").count() == 1


def test_a_notification_about_a_child_not_on_the_schools_roll_waits_for_a_check(
    school: School, school_user: User, access_officer: User
) -> None:
    child = factories.ChildFactory.create()  # held by the council, on no roll at this school
    notified = services.exclusion_notify(
        school=school, actor=school_user, pupil=pupil_of(child), facts=facts()
    )
    assert notified.exclusion is None
    assert notified.received.held
    assert not Exclusion.objects.exists()
    assert not Case.objects.filter(kind="exclusion").exists()

    claim_confirm(claim=notified.received.school_return, actor=access_officer, note="Checked with the school")
    exclusion = Exclusion.objects.get()
    assert exclusion.child == child
    assert exclusion.case is not None
    assert exclusion.school_return == notified.received.school_return


def test_a_pupil_the_council_does_not_know_is_recorded(school: School, school_user: User) -> None:
    pupil = Pupil(forename="Kai", surname="Newcombe", date_of_birth=dt.date(2013, 2, 3))
    notified = services.exclusion_notify(school=school, actor=school_user, pupil=pupil, facts=facts(SUS))
    assert notified.exclusion is not None
    assert notified.exclusion.child.legal_surname == "Newcombe"


def test_suspension_days_add_up_per_term_and_change_what_the_council_is_told(
    school: School, school_user: User, pupil_on_roll: Child
) -> None:
    first = services.exclusion_notify(
        school=school,
        actor=school_user,
        pupil=pupil_of(pupil_on_roll),
        facts=facts(SUS, first_day=dt.date(2026, 11, 2)),
    ).exclusion
    assert first is not None
    assert (first.term_days, first.told_without_delay, first.board_due, first.sixth_day) == (
        Decimal(3),
        False,
        None,
        None,
    )
    second = services.exclusion_notify(
        school=school,
        actor=school_user,
        pupil=pupil_of(pupil_on_roll),
        facts=facts(SUS, first_day=dt.date(2026, 11, 16), days=Decimal("2.5")),
    ).exclusion
    assert second is not None
    assert (second.term_days, second.told_without_delay) == (Decimal("5.5"), True)
    # 6 to 15 days: the board meets only if the parents ask, within 50 school days.
    assert second.board_must_meet is False
    assert second.board_due is not None
    assert second.case is None


def test_a_suspension_over_five_days_is_the_schools_to_provide_for_from_the_sixth_day(
    school: School, school_user: User, pupil_on_roll: Child
) -> None:
    exclusion = services.exclusion_notify(
        school=school, actor=school_user, pupil=pupil_of(pupil_on_roll), facts=facts(SUS, days=Decimal(6))
    ).exclusion
    assert exclusion is not None
    assert exclusion.school_arranges_sixth_day
    assert exclusion.sixth_day == dt.date(2026, 11, 23)
    assert exclusion.case is None


def test_the_same_idempotency_key_records_nothing_twice(
    school: School, school_user: User, pupil_on_roll: Child
) -> None:
    for _ in range(2):
        services.exclusion_notify(
            school=school,
            actor=school_user,
            pupil=pupil_of(pupil_on_roll),
            facts=facts(),
            idempotency_key="k-1",
        )
    assert Exclusion.objects.count() == 1
    assert SchoolReturn.objects.filter(kind="exclusion").count() == 1


@pytest.mark.parametrize(
    ("kind", "days", "reason", "message"),
    [
        (SUS, None, "Fighting", "how many school days"),
        (SUS, Decimal("0.3"), "Fighting", "half days"),
        (ExclusionKind.PERMANENT, Decimal(2), "Fighting", "no number of days"),
        (SUS, Decimal(1), "  ", "reason"),
    ],
)
def test_incomplete_notifications_are_refused_with_nothing_saved(
    school: School,
    school_user: User,
    pupil_on_roll: Child,
    kind: ExclusionKind,
    days: Decimal | None,
    reason: str,
    message: str,
) -> None:
    with pytest.raises(CaseworkError, match=message):
        services.exclusion_notify(
            school=school,
            actor=school_user,
            pupil=pupil_of(pupil_on_roll),
            facts=facts(kind, days=days, reason=reason),
        )
    assert not SchoolReturn.objects.exists()


def test_recording_provision_moves_the_case_and_completes_its_task(
    school: School, school_user: User, pupil_on_roll: Child, access_officer: User
) -> None:
    exclusion = services.exclusion_notify(
        school=school, actor=school_user, pupil=pupil_of(pupil_on_roll), facts=facts()
    ).exclusion
    assert exclusion is not None
    services.provision_record(
        exclusion=exclusion,
        actor=access_officer,
        provision_from=dt.date(2026, 11, 23),
        provider="Northmoor PRU",
    )
    exclusion.refresh_from_db()
    case = exclusion.case
    assert case is not None
    case.refresh_from_db()
    assert case.status == "provision"
    assert not case.tasks.filter(code="sixth_day_provision", status="open").exists()
    assert exclusion.provision_by == "Northmoor PRU"


def test_a_school_cannot_record_the_councils_provision(
    school: School, school_user: User, pupil_on_roll: Child
) -> None:
    exclusion = services.exclusion_notify(
        school=school, actor=school_user, pupil=pupil_of(pupil_on_roll), facts=facts()
    ).exclusion
    assert exclusion is not None
    with pytest.raises(CaseworkError, match="Only Access to Education"):
        services.provision_record(
            exclusion=exclusion, actor=school_user, provision_from=dt.date(2026, 11, 23), provider="X"
        )


def test_the_school_records_the_boards_meeting_and_the_route_waits_for_the_parents(
    school: School, school_user: User, pupil_on_roll: Child
) -> None:
    exclusion = services.exclusion_notify(
        school=school, actor=school_user, pupil=pupil_of(pupil_on_roll), facts=facts()
    ).exclusion
    assert exclusion is not None
    step = services.review_step_record(
        exclusion=exclusion,
        actor=school_user,
        step=ReviewStep.BOARD,
        on=dt.date(2026, 11, 16),
        outcome=ReviewOutcome.UPHELD,
        notice_sent_on=dt.date(2026, 11, 16),
        notice_by_post=True,
    )
    exclusion.refresh_from_db()
    assert (exclusion.board_met_on, exclusion.board_decision) == (dt.date(2026, 11, 16), "Upheld")
    # Posted Monday 16th, given Wednesday 18th: 15 school days is Wednesday 9 December.
    assert (exclusion.review_next, exclusion.review_due) == ("applied", dt.date(2026, 12, 9))
    assert (step.recorded_by, step.outcome) == (school_user, "upheld")
    assert Event.objects.filter(child=pupil_on_roll, verb="exclusion.step").count() == 1
    other = factories.school_user()
    with pytest.raises(CaseworkError, match="Only the excluding school"):
        services.review_step_record(
            exclusion=exclusion, actor=other, step=ReviewStep.APPLIED, on=dt.date(2026, 11, 16)
        )


def test_a_step_out_of_order_or_in_the_future_is_refused_and_nothing_is_recorded(
    school: School, school_user: User, pupil_on_roll: Child
) -> None:
    exclusion = services.exclusion_notify(
        school=school, actor=school_user, pupil=pupil_of(pupil_on_roll), facts=facts()
    ).exclusion
    assert exclusion is not None
    with pytest.raises(CaseworkError, match="next step is: governing board met"):
        services.review_step_record(
            exclusion=exclusion,
            actor=school_user,
            step=ReviewStep.PANEL,
            on=dt.date(2026, 11, 16),
            outcome=ReviewOutcome.UPHELD,
        )
    with pytest.raises(CaseworkError, match="future"):
        services.review_step_record(
            exclusion=exclusion,
            actor=school_user,
            step=ReviewStep.BOARD,
            on=dt.date(2026, 11, 17),
            outcome=ReviewOutcome.UPHELD,
        )
    assert not ExclusionStep.objects.exists()
    exclusion.refresh_from_db()
    assert exclusion.board_met_on is None


def test_the_whole_review_route_to_reconsideration(
    school: School, school_user: User, pupil_on_roll: Child, access_officer: User, frozen_clock: Any
) -> None:
    exclusion = services.exclusion_notify(
        school=school, actor=school_user, pupil=pupil_of(pupil_on_roll), facts=facts()
    ).exclusion
    assert exclusion is not None
    services.review_step_record(
        exclusion=exclusion,
        actor=school_user,
        step=ReviewStep.BOARD,
        on=dt.date(2026, 11, 16),
        outcome=ReviewOutcome.UPHELD,
    )
    frozen_clock.move_to(dt.datetime(2027, 1, 20, 10, tzinfo=dt.UTC))
    services.review_step_record(
        exclusion=exclusion, actor=access_officer, step=ReviewStep.APPLIED, on=dt.date(2026, 12, 4)
    )
    exclusion.refresh_from_db()
    # 7-11, 14-18 Dec (10), 4-8 Jan: the 15th school day is Friday 8 January.
    assert (exclusion.review_next, exclusion.review_due) == ("panel", dt.date(2027, 1, 8))
    services.review_step_record(
        exclusion=exclusion,
        actor=access_officer,
        step=ReviewStep.PANEL,
        on=dt.date(2027, 1, 8),
        outcome=ReviewOutcome.RECONSIDERATION_RECOMMENDED,
    )
    exclusion.refresh_from_db()
    assert (exclusion.review_next, exclusion.review_due) == ("reconsidered", dt.date(2027, 1, 22))
    services.review_step_record(
        exclusion=exclusion,
        actor=school_user,
        step=ReviewStep.RECONSIDERED,
        on=dt.date(2027, 1, 20),
        outcome=ReviewOutcome.REINSTATED,
    )
    exclusion.refresh_from_db()
    assert (exclusion.review_next, exclusion.review_due) == ("", None)
    assert list(exclusion.steps.values_list("step", flat=True)) == [
        "board",
        "applied",
        "panel",
        "reconsidered",
    ]


def test_the_review_timescales_are_the_councils_settings(
    school: School, school_user: User, pupil_on_roll: Child
) -> None:
    EnforcementSettings.objects.update_or_create(
        pk=1, defaults={"review_application_days": 2, "post_working_days": 1}
    )
    exclusion = services.exclusion_notify(
        school=school, actor=school_user, pupil=pupil_of(pupil_on_roll), facts=facts()
    ).exclusion
    assert exclusion is not None
    services.review_step_record(
        exclusion=exclusion,
        actor=school_user,
        step=ReviewStep.BOARD,
        on=dt.date(2026, 11, 16),
        outcome=ReviewOutcome.UPHELD,
        notice_sent_on=dt.date(2026, 11, 16),
        notice_by_post=True,
    )
    exclusion.refresh_from_db()
    # Posted Monday, given Tuesday 17th (1 working day); 2 school days later: Thursday 19th.
    assert exclusion.review_due == dt.date(2026, 11, 19)
