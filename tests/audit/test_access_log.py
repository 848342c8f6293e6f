"""The access log's writers: what a refusal names, and what is never written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from rollcall import access_log
from rollcall.accounts.models import Team, User
from rollcall.audit.models import RecordView
from rollcall.casework.services import case_open
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_refusal_about_a_record_that_does_not_exist_names_no_child(school_user: User) -> None:
    assert signed_in(school_user).get(reverse("casework:case", args=[987654])).status_code == 404
    assert signed_in(school_user).get(reverse("children:child", args=[987654])).status_code == 404
    assert not RecordView.objects.exists()


def test_a_visitor_without_credentials_is_not_logged(token_client) -> None:
    child = factories.ChildFactory.create()
    case_open(child=child, kind="cme", team=Team.objects.get(kind="inclusion"), source="test")
    assert Client().get(reverse("api:child", args=[child.pk])).status_code in {401, 403}
    assert not RecordView.objects.exists()


def test_a_refused_api_read_names_the_user_and_the_child(school_user: User, token_client) -> None:
    child = factories.ChildFactory.create()
    case = case_open(child=child, kind="cme", team=Team.objects.get(kind="inclusion"), source="test")
    response = token_client(school_user).get(reverse("api:case", args=[case.pk]))
    assert response.status_code == 404
    assert list(RecordView.objects.values_list("user", "child", "outcome", "what")) == [
        (school_user.pk, child.pk, RecordView.Outcome.REFUSED, "API case")
    ]


def test_a_page_of_an_api_list_is_logged_once_per_child(inclusion_officer: User, token_client) -> None:
    inclusion = Team.objects.get(kind="inclusion")
    children = [factories.ChildFactory.create() for _ in range(3)]
    for child in children:
        case_open(child=child, kind="cme", team=inclusion, source="test")
        case_open(child=child, kind="health", team=inclusion, source="test")
    response = token_client(inclusion_officer).get(reverse("api:cases"))
    assert response.status_code == 200
    logged = list(RecordView.objects.filter(what="API cases").values_list("child_id", flat=True))
    assert sorted(logged) == sorted(c.pk for c in children)


def test_the_kernel_entry_point_refuses_to_run_without_the_audit_app(monkeypatch) -> None:
    monkeypatch.setattr(access_log, "_writer", [])
    with pytest.raises(ImproperlyConfigured):
        access_log.children_shown(None, [1], "anything")
