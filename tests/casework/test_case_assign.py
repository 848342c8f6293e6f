"""Giving a case to someone else: managers and heads of service, within the team only."""

from __future__ import annotations

import pytest

from rollcall.accounts.models import Team
from rollcall.casework import events
from rollcall.casework.models import Case, Event, Task
from rollcall.casework.services import (
    CaseworkError,
    case_assign,
)
from rollcall.notify.models import Message
from rollcall.rules.workflow import Role
from tests import factories
from tests.casework.services_support import open_case, snapshot

# ---- assigning -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_gives_a_case_to_another_officer_in_the_team(
    council, frozen_clock, child, inclusion, inclusion_officer, inclusion_manager
):
    other = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer")
    case = open_case(child, inclusion, owner=inclusion_officer)

    case_assign(case=case, owner=other, actor=inclusion_manager)

    case.refresh_from_db()
    assert case.owner == other
    assert set(case.tasks.filter(status=Task.Status.OPEN).values_list("assignee_id", flat=True)) == {other.pk}
    event = Event.objects.get(case=case, verb=events.CASE_ASSIGNED)
    assert (event.actor, event.payload["owner"], event.payload["previous"]) == (
        inclusion_manager,
        str(other),
        str(inclusion_officer),
    )
    assert Message.objects.filter(recipient=other, subject=f"{case.reference} is now yours").exists()


@pytest.mark.django_db
def test_a_head_of_service_may_reassign_a_case(council, frozen_clock, child, inclusion, head_of_service):
    other = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer")
    case = open_case(child, inclusion)

    case_assign(case=case, owner=other, actor=head_of_service)

    assert Case.objects.get(pk=case.pk).owner == other


@pytest.mark.django_db
def test_an_officer_cannot_reassign_a_case(council, frozen_clock, child, inclusion, inclusion_officer):
    other = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer")
    case = open_case(child, inclusion)
    before = snapshot()

    with pytest.raises(CaseworkError, match=r"Only a team manager or head of service can reassign a case\."):
        case_assign(case=case, owner=other, actor=inclusion_officer)

    assert snapshot() == before


@pytest.mark.django_db
def test_a_case_cannot_be_given_to_someone_outside_its_team(
    council, frozen_clock, child, inclusion, inclusion_manager, admissions_officer
):
    case = open_case(child, inclusion)
    before = snapshot()

    with pytest.raises(CaseworkError, match=f"{admissions_officer} is not in the Inclusion"):
        case_assign(case=case, owner=admissions_officer, actor=inclusion_manager)

    assert snapshot() == before
