"""No lost updates on an action-plan action: the edit form carries the version it was read at."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.actionplans.models import Action
from tests.pages import error_summary, hidden_inputs

pytestmark = [pytest.mark.django_db]

STALE = "Someone else changed this since you opened it"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _details(action: Action, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "description": action.description,
        "owner_title": action.owner_title,
        "responsible": action.responsible_id or "",
        "team": action.team_id or "",
        "due_on_0": action.due_on.day if action.due_on else "",
        "due_on_1": action.due_on.month if action.due_on else "",
        "due_on_2": action.due_on.year if action.due_on else "",
        "time_frame_as_written": action.time_frame_as_written,
        "feature": action.feature,
        "policy": action.policy_id or "",
    }
    return {**data, **changes}


def test_two_managers_editing_the_same_action_cannot_silently_overwrite_each_other(
    action: Action, head_of_service: User, inclusion_manager: User
) -> None:
    url = reverse("actionplans:action-edit", args=[action.pk])
    one, two = _client(head_of_service), _client(inclusion_manager)
    one_form = hidden_inputs(one.get(url))
    two_form = hidden_inputs(two.get(url))

    first = one.post(url, {**one_form, **_details(action, owner_title="Head of Inclusion")})
    second = two.post(url, {**two_form, **_details(action, description="Publish it on the website.")})

    assert first.status_code == 302
    assert second.status_code == 409
    summary = error_summary(second)
    assert STALE in summary
    assert "Owner" in summary
    assert "Head of Inclusion" in summary
    action.refresh_from_db()
    assert (action.owner_title, action.description) == (
        "Head of Inclusion",
        "Publish the policy on the Local Offer.",
    )
