"""Enquiries and tasks on a case: the first enquiry starts enquiries, tasks done once, the next action follows."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.casework import events
from rollcall.casework.models import Event, Task
from rollcall.casework.services import (
    CaseworkError,
    case_transition,
    enquiry_record,
    task_add,
    task_complete,
)
from tests.casework.services_support import NOW, open_case, snapshot

# ---- enquiries and tasks -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_enquiry_starts_enquiries_and_completes_the_first_enquiry_task(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    case = open_case(child, inclusion)

    enquiry = enquiry_record(
        case=case,
        actor=inclusion_officer,
        party="last_school",
        made_on=dt.date(2026, 11, 16),
        result="nothing",
        details="  Not seen since 2 November  ",
    )

    case.refresh_from_db()
    assert enquiry.details == "Not seen since 2 November"
    assert case.status == "enquiries"
    first = case.tasks.get(code="first_enquiry")
    assert (first.status, first.completed_by, first.completed_at) == (
        Task.Status.DONE,
        inclusion_officer,
        NOW,
    )
    assert case.next_action == "Complete reasonable enquiries"
    verbs = list(Event.objects.filter(case=case).order_by("pk").values_list("verb", flat=True))
    assert verbs[-2:] == [events.ENQUIRY_RECORDED, events.CASE_MOVED]


@pytest.mark.django_db
def test_a_second_enquiry_keeps_the_case_in_enquiries(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    case = open_case(child, inclusion)
    enquiry_record(
        case=case, actor=inclusion_officer, party="carers", made_on=dt.date(2026, 11, 16), result="no_reply"
    )

    enquiry_record(
        case=case, actor=inclusion_officer, party="health", made_on=dt.date(2026, 11, 13), result="nothing"
    )

    case.refresh_from_db()
    assert case.status == "enquiries"
    assert case.enquiries.count() == 2
    assert Event.objects.filter(case=case, verb=events.CASE_MOVED).count() == 1


@pytest.mark.django_db
def test_an_enquiry_dated_in_the_future_is_refused(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    case = open_case(child, inclusion)
    before = snapshot()

    with pytest.raises(CaseworkError, match="The date of the enquiry must be today or in the past"):
        enquiry_record(
            case=case,
            actor=inclusion_officer,
            party="carers",
            made_on=dt.date(2026, 11, 17),
            result="located",
        )

    assert snapshot() == before
    assert case.enquiries.count() == 0


@pytest.mark.django_db
def test_an_enquiry_on_a_closed_case_is_refused(council, frozen_clock, child, inclusion, inclusion_manager):
    case = open_case(child, inclusion)
    case_transition(case=case, target="closed", actor=inclusion_manager, outcome="ehe_registered")

    with pytest.raises(CaseworkError, match=r"This case is closed\. Reopen it first\."):
        enquiry_record(
            case=case,
            actor=inclusion_manager,
            party="carers",
            made_on=dt.date(2026, 11, 16),
            result="located",
        )


@pytest.mark.django_db
def test_completing_a_task_twice_changes_nothing_the_second_time(
    council, frozen_clock, child, inclusion, inclusion_officer, inclusion_manager
):
    case = open_case(child, inclusion)
    task = case.tasks.get(code="first_enquiry")
    task_complete(task=task, actor=inclusion_officer)
    before = snapshot()

    again = task_complete(
        task=Task.objects.get(pk=task.pk), actor=inclusion_manager, at=NOW + dt.timedelta(hours=2)
    )

    assert snapshot() == before
    stored = Task.objects.get(pk=task.pk)
    assert (stored.completed_by, stored.completed_at) == (inclusion_officer, NOW)
    assert again.pk == task.pk
    assert Event.objects.filter(case=case, verb=events.TASK_COMPLETED).count() == 1


@pytest.mark.django_db
def test_completing_the_last_open_task_gives_the_case_a_next_step(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    case = open_case(child, inclusion)
    for task in case.tasks.all():
        task_complete(task=task, actor=inclusion_officer)

    case.refresh_from_db()
    assert case.next_action == "Decide the next step"
    assert case.next_action_due == dt.date(2026, 11, 17)


@pytest.mark.django_db
def test_an_earlier_task_becomes_the_next_action(council, frozen_clock, child, inclusion, inclusion_officer):
    case = open_case(child, inclusion)
    task_complete(task=case.tasks.get(code="first_enquiry"), actor=inclusion_officer)

    task_add(
        case=case, actor=inclusion_officer, title="  Visit the last known address ", due=dt.date(2026, 11, 19)
    )

    case.refresh_from_db()
    assert case.next_action == "Visit the last known address"
    assert case.next_action_due == dt.date(2026, 11, 19)
