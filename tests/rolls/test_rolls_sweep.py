"""The rolls step of the sweep: deletion returns answered or overdue, and nobody lost between rolls."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.accounts.models import Team
from rollcall.casework.services import case_open
from rollcall.casework.sweep import sweep
from rollcall.rolls.models import DeletionReturnMissing
from rollcall.rolls.pupils import PupilRow
from rollcall.rolls.services import roll_load
from rollcall.rolls.sweep import lost_between_rolls
from rollcall.schools.models import RollEntry
from tests import factories

AS_OF = dt.date(2026, 11, 16)


def _row(line: int, forename: str, dob: dt.date = dt.date(2015, 6, 1)) -> PupilRow:
    return PupilRow(line=line, upn=None, forename=forename, surname="Osei", date_of_birth=dob)


@pytest.mark.django_db
def test_a_child_who_drops_off_every_roll_is_named_until_someone_owns_them(council, frozen_clock, school):
    roll_load(school=school, as_of=AS_OF, rows=[_row(2, "Kai"), _row(3, "Ava")], source="csv")
    roll_load(school=school, as_of=AS_OF + dt.timedelta(days=1), rows=[_row(3, "Ava")], source="csv")
    today = AS_OF + dt.timedelta(days=2)
    assert lost_between_rolls(today=today) == [
        "Kai Osei (UPN none): on no school roll, of compulsory school age, with no known destination "
        "and no open case since 17/11/2026"
    ]
    run = sweep(today=today)
    assert run.counts["lost_between_rolls"] == 1
    assert any(breach.startswith("Kai Osei") for breach in run.breaches)
    kai = RollEntry.objects.get(child__legal_forename="Kai").child
    case_open(child=kai, kind="cme", team=Team.objects.get(kind="inclusion"), source="roll")
    assert lost_between_rolls(today=today) == []


@pytest.mark.django_db
def test_a_known_destination_a_second_roll_or_being_over_age_is_not_lost(council, frozen_clock, school):
    other = factories.SchoolFactory.create(name="Fellside School")
    rows = [_row(2, "Kai"), _row(3, "Ava"), _row(4, "Finn", dob=dt.date(2009, 1, 1))]
    roll_load(school=school, as_of=AS_OF, rows=rows, source="csv")
    roll_load(school=other, as_of=AS_OF, rows=[_row(3, "Ava")], source="csv")
    RollEntry.objects.filter(child__legal_forename="Kai").update(
        destination_details="Moved to Wales: Cardiff told"
    )
    roll_load(school=school, as_of=AS_OF + dt.timedelta(days=1), rows=[], source="csv")
    assert lost_between_rolls(today=AS_OF + dt.timedelta(days=2)) == []


@pytest.mark.django_db
def test_the_return_asked_for_is_answered_by_the_removal_notice_or_reminded_when_overdue(
    council, frozen_clock, school, school_user
):
    roll_load(school=school, as_of=AS_OF, rows=[_row(2, "Kai"), _row(3, "Ava")], source="csv")
    roll_load(school=school, as_of=AS_OF + dt.timedelta(days=1), rows=[], source="csv")
    kai = RollEntry.objects.get(child__legal_forename="Kai").child
    factories.RemovalNoticeFactory.create(child=kai, school=school, removal_date=AS_OF + dt.timedelta(days=1))
    late = dt.date(2026, 11, 30)  # after the due date (24 November)
    first = sweep(today=late)
    assert (first.counts["roll_returns_answered"], first.counts["roll_returns_overdue"]) == (1, 1)
    statuses = dict(DeletionReturnMissing.objects.values_list("child__legal_forename", "status"))
    assert statuses == {"Kai": "answered", "Ava": "open"}
    reminders = school_user.messages.filter(subject="Deletion return overdue from Moorside Academy")
    assert reminders.count() == 1
    sweep(today=late)
    assert reminders.count() == 1


@pytest.mark.django_db
def test_the_school_answers_with_a_ground_and_no_destination_and_a_cme_case_opens(
    council, frozen_clock, school, school_user
):
    from rollcall.casework.models import Case
    from rollcall.returns.claims import Pupil
    from rollcall.returns.removals import Removal, removal_notify

    roll_load(school=school, as_of=AS_OF, rows=[_row(2, "Kai")], source="csv")
    roll_load(school=school, as_of=AS_OF + dt.timedelta(days=1), rows=[], source="csv")
    kai = RollEntry.objects.get(child__legal_forename="Kai").child
    received = removal_notify(
        school=school,
        actor=school_user,
        pupil=Pupil("Kai", "Osei", dt.date(2015, 6, 1)),
        removal=Removal(removal_date=AS_OF + dt.timedelta(days=1), ground="g", reason_details="Moved away"),
    )
    assert received.child == kai
    case = Case.objects.get(child=kai, kind="cme")
    assert case.closed_at is None
    assert case.owner is not None
    sweep(today=AS_OF + dt.timedelta(days=2))
    assert DeletionReturnMissing.objects.get(child=kai).status == "answered"


@pytest.mark.django_db
def test_an_overdue_deletion_return_opens_a_cme_case_at_once_and_only_once(council, frozen_clock, school):
    from rollcall.casework.models import Case

    roll_load(school=school, as_of=AS_OF, rows=[_row(2, "Kai"), _row(3, "Ava")], source="csv")
    roll_load(school=school, as_of=AS_OF + dt.timedelta(days=1), rows=[], source="csv")
    before_due = sweep(today=dt.date(2026, 11, 24))
    assert before_due.counts["roll_returns_cme_opened"] == 0
    assert not Case.objects.exists()
    late = sweep(today=dt.date(2026, 11, 25))
    assert late.counts["roll_returns_cme_opened"] == 2
    cases = Case.objects.filter(kind="cme", closed_at__isnull=True)
    assert sorted(cases.values_list("child__legal_forename", flat=True)) == ["Ava", "Kai"]
    assert all(case.owner_id is not None and case.next_action_due is not None for case in cases)
    assert lost_between_rolls(today=dt.date(2026, 11, 25)) == []
    again = sweep(today=dt.date(2026, 11, 26))
    assert again.counts["roll_returns_cme_opened"] == 0
    assert Case.objects.count() == 2
