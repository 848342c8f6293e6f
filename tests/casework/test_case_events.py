"""Every casework service writes its event on the child's timeline; flags once, notes not empty."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from rollcall.accounts.models import Team
from rollcall.casework import events
from rollcall.casework.models import Event, Flag, Note
from rollcall.casework.services import (
    CaseworkError,
    case_assign,
    case_open,
    case_transition,
    enquiry_record,
    flag_raise,
    note_add,
    roll_join,
    task_add,
    task_complete,
)
from rollcall.rules.workflow import Role
from tests import factories
from tests.casework.services_support import NOW, open_case

# ---- every service writes its event ----------------------------------------------------------


def _do_open(ctx: dict[str, Any]) -> Any:
    return case_open(
        child=factories.ChildFactory.create(), kind="cme", team=ctx["team"], source="x", actor=ctx["officer"]
    )


SERVICES: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "case_open": (events.CASE_OPENED, _do_open),
    "case_transition": (
        events.CASE_MOVED,
        lambda c: case_transition(case=c["case"], target="enquiries", actor=c["officer"]),
    ),
    "case_assign": (
        events.CASE_ASSIGNED,
        lambda c: case_assign(case=c["case"], owner=c["other"], actor=c["manager"]),
    ),
    "note_add": (
        events.NOTE_ADDED,
        lambda c: note_add(case=c["case"], author=c["officer"], text="Phoned mum"),
    ),
    "enquiry_record": (
        events.ENQUIRY_RECORDED,
        lambda c: enquiry_record(
            case=c["case"],
            actor=c["officer"],
            party="police",
            made_on=dt.date(2026, 11, 16),
            result="nothing",
        ),
    ),
    "task_add": (
        events.TASK_ADDED,
        lambda c: task_add(case=c["case"], actor=c["officer"], title="Home visit", due=dt.date(2026, 11, 20)),
    ),
    "task_complete": (
        events.TASK_COMPLETED,
        lambda c: task_complete(task=c["case"].tasks.first(), actor=c["officer"]),
    ),
    "flag_raise": (
        events.FLAG_RAISED,
        lambda c: flag_raise(case=c["case"], code=Flag.Code.MISSING_EDUCATION, details="x"),
    ),
    "roll_join": (
        events.ROLL_JOINED,
        lambda c: roll_join(child=c["case"].child, school=c["school"], on_roll_from=dt.date(2026, 11, 16)),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SERVICES))
def test_every_service_writes_its_event_on_the_childs_timeline(
    council, frozen_clock, inclusion, inclusion_officer, inclusion_manager, school, name
):
    verb, call = SERVICES[name]
    ctx = {
        "team": inclusion,
        "officer": inclusion_officer,
        "manager": inclusion_manager,
        "school": school,
        "case": open_case(factories.ChildFactory.create(), inclusion),
        "other": factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer"),
    }
    started = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    call(ctx)

    new = Event.objects.filter(pk__gt=started, verb=verb)
    assert new.count() == 1
    event = new.get()
    assert event.at == NOW
    assert events.event_text(event) != verb  # rendered to words
    assert "?" not in events.event_text(event)


@pytest.mark.django_db
def test_a_flag_is_raised_once_per_case(council, frozen_clock, child, inclusion):
    case = open_case(child, inclusion)

    first = flag_raise(case=case, code=Flag.Code.MISSING_EDUCATION, details="x")
    second = flag_raise(case=case, code=Flag.Code.MISSING_EDUCATION, details="y")

    assert first.pk == second.pk
    assert Event.objects.filter(case=case, verb=events.FLAG_RAISED).count() == 1


@pytest.mark.django_db
def test_an_empty_note_is_refused(council, frozen_clock, child, inclusion, inclusion_officer):
    case = open_case(child, inclusion)

    with pytest.raises(CaseworkError, match="Enter the note"):
        note_add(case=case, author=inclusion_officer, text="   ")

    assert Note.objects.count() == 0
