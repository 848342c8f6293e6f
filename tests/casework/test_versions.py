"""No lost updates on a case: every form carries the version it was read at (issue 11, finding 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from rollcall.accounts.models import Team, User
from rollcall.casework.models import Case
from rollcall.casework.services import case_open, case_transition, task_add
from rollcall.rules.workflow import Role
from tests import factories
from tests.pages import error_summary, hidden_inputs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]

TODAY = dt.date(2026, 11, 16)
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


def test_a_stale_move_is_refused_and_shows_the_status_in_the_workflows_words(
    inclusion_officer: User, inclusion_manager: User
) -> None:
    case = _open_case()
    url = reverse("casework:case-move", args=[case.pk, "enquiries"])
    officer, manager = _client(inclusion_officer), _client(inclusion_manager)
    stale_form = hidden_inputs(officer.get(url))
    assign_url = reverse("casework:case-assign", args=[case.pk])
    colleague = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="colleague")
    manager.post(assign_url, {**hidden_inputs(manager.get(assign_url)), "owner": colleague.pk})

    response = officer.post(url, stale_form)

    assert response.status_code == 409
    summary = error_summary(response)
    assert STALE in summary
    assert str(colleague) in summary
    case.refresh_from_db()
    assert case.status == "new"


def test_a_form_without_its_version_saves_nothing(inclusion_manager: User) -> None:
    case = _open_case()
    colleague = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="colleague")

    response = _client(inclusion_manager).post(
        reverse("casework:case-assign", args=[case.pk]), {"owner": colleague.pk}
    )

    assert response.status_code == 200
    assert "This page is out of date" in error_summary(response)
    case.refresh_from_db()
    assert case.owner != colleague


def test_every_write_to_a_case_moves_its_version_on(inclusion_officer: User) -> None:
    case = _open_case()
    seen = [case.version]
    task_add(case=case, actor=inclusion_officer, title="Home visit", due=TODAY)
    seen.append(Case.objects.get(pk=case.pk).version)
    case_transition(case=case, target="enquiries", actor=inclusion_officer)
    seen.append(Case.objects.get(pk=case.pk).version)

    assert seen == sorted(set(seen))


def test_the_api_gives_a_case_its_version_as_an_etag(inclusion_officer: User) -> None:
    case = _open_case()
    api = APIClient()
    api.force_authenticate(inclusion_officer)

    response = api.get(reverse("api:case", args=[case.pk]))

    assert response.status_code == 200
    assert response["ETag"] == f'"{case.version}"'
    assert response.json()["version"] == case.version
