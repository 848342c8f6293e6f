"""No lost updates on a case: every form carries the version it was read at (issue 11, finding 6)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import Team, User
from rollcall.casework.models import Case
from rollcall.casework.services import case_open
from rollcall.rules.workflow import Role
from tests import factories
from tests.pages import error_summary, hidden_inputs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]

STALE = "Someone else changed this since you opened it"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _open_case() -> Case:
    child = factories.ChildFactory.create()
    team = Team.objects.get(kind=Team.Kind.INCLUSION)
    return case_open(child=child, kind="cme", team=team, source="test")


def test_two_managers_reassigning_the_same_case_cannot_silently_overwrite_each_other(
    inclusion_manager: User, head_of_service: User
) -> None:
    case = _open_case()
    first_choice = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="first.choice")
    second_choice = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.choice")
    url = reverse("casework:case-assign", args=[case.pk])
    manager, head = _client(inclusion_manager), _client(head_of_service)
    # Both open the form before either saves.
    manager_form = hidden_inputs(manager.get(url))
    head_form = hidden_inputs(head.get(url))

    first = manager.post(url, {**manager_form, "owner": first_choice.pk})
    second = head.post(url, {**head_form, "owner": second_choice.pk})

    assert first.status_code == 302
    assert second.status_code == 409
    summary = error_summary(second)
    assert STALE in summary
    # What changed, as the form labels it, with the value now.
    assert "Owner" in summary
    assert str(first_choice) in summary
    case.refresh_from_db()
    assert case.owner == first_choice
