"""A child joining a school roll: open CME cases close as back on roll, one roll entry."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.casework import events
from rollcall.casework.models import Case, Event, Task
from rollcall.casework.services import (
    case_transition,
    roll_join,
)
from rollcall.schools.models import RollEntry
from tests import factories
from tests.casework.services_support import NOW, open_case

# ---- rolls -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_joining_a_roll_closes_open_cme_cases_as_back_on_roll(
    council, frozen_clock, child, inclusion, school
):
    cme = open_case(child, inclusion)
    removal = open_case(child, inclusion, kind="removal")

    entry = roll_join(child=child, school=school, on_roll_from=dt.date(2026, 11, 16))

    cme.refresh_from_db()
    assert entry.is_current
    assert (cme.status, cme.outcome, cme.outcome_details) == (
        "closed",
        "on_roll",
        {"school": "Moorside Academy"},
    )
    assert cme.closed_at == NOW
    assert Case.objects.get(pk=removal.pk).is_open
    assert Event.objects.filter(child=child, verb=events.ROLL_JOINED).count() == 1
    moved = Event.objects.get(case=cme, verb=events.CASE_MOVED)
    assert moved.actor is None


@pytest.mark.django_db
def test_joining_the_same_roll_twice_makes_one_entry(council, frozen_clock, child, inclusion, school):
    roll_join(child=child, school=school, on_roll_from=dt.date(2026, 11, 16))
    roll_join(child=child, school=school, on_roll_from=dt.date(2026, 11, 16))

    assert RollEntry.objects.filter(child=child).count() == 1
    assert Event.objects.filter(child=child, verb=events.ROLL_JOINED).count() == 1


@pytest.mark.django_db
def test_a_child_who_joins_a_roll_while_closure_awaits_approval_closes_as_back_on_roll(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    case = open_case(child, inclusion)
    case_transition(case=case, target="awaiting_approval", actor=inclusion_officer, outcome="ehe_registered")
    school = factories.SchoolFactory.create(name="Fellbeck Academy")

    roll_join(child=child, school=school, on_roll_from=dt.date(2026, 11, 16))

    case.refresh_from_db()
    assert case.closed_at is not None
    assert case.outcome == "on_roll"
    assert case.outcome_details == {"school": "Fellbeck Academy"}
    assert not case.tasks.filter(status=Task.Status.OPEN).exists()
