"""No lost updates on a put-on-roll request: the school's form and the API carry its version."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from rollcall.accounts.models import User
from rollcall.admissions.models import PutOnRollRequest
from rollcall.schools.models import School
from tests import factories
from tests.admissions.helpers import TODAY, offer
from tests.api_tokens import token_for
from tests.pages import error_summary, hidden_inputs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]

STALE = "Someone else changed this since you opened it"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def _dates(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def test_two_school_staff_answering_the_same_request_cannot_overwrite_each_other(
    admissions_officer: User, school: School, school_user: User
) -> None:
    put = offer(admissions_officer, school)
    colleague = factories.school_user(school, username="school.colleague")
    url = reverse("admissions:school_request", args=[put.pk])
    one, two = _client(school_user), _client(colleague)
    one_form, two_form = hidden_inputs(one.get(url)), hidden_inputs(two.get(url))

    first = one.post(url, {**one_form, "on_roll": "no", "reason": "The family moved to Leeds"})
    second = two.post(url, {**two_form, "on_roll": "yes", **_dates("on_roll_from", TODAY), "reason": ""})

    assert first.status_code == 302
    assert second.status_code == 409
    summary = error_summary(second)
    assert STALE in summary
    assert "Not on roll" in summary
    assert "The family moved to Leeds" in summary
    # The second person's input is kept so they can decide, and saving again now goes through.
    assert 'value="yes" checked' in second.content.decode()
    again = two.post(url, {**hidden_inputs(second), "on_roll": "yes", **_dates("on_roll_from", TODAY)})
    assert again.status_code == 302
    put.refresh_from_db()
    assert put.answer == PutOnRollRequest.Answer.ON_ROLL


def test_the_api_refuses_a_stale_if_match_with_412_and_says_what_the_request_is_now(
    admissions_officer: User, school: School, school_user: User
) -> None:
    put = offer(admissions_officer, school)
    api = _api(school_user)
    url = reverse("api:admissions-request-confirm", args=[put.pk])
    read = next(r for r in api.get(reverse("api:admissions-requests")).json() if r["id"] == put.pk)
    tag = f'"{read["version"]}"'

    first = api.post(url, {"on_roll": False, "reason": "Not arrived"}, format="json", HTTP_IF_MATCH=tag)
    second = api.post(url, {"on_roll": True, "on_roll_from": "2026-11-16"}, format="json", HTTP_IF_MATCH=tag)

    assert first.status_code == 200
    assert first["ETag"] == f'"{read["version"] + 1}"'
    assert second.status_code == 412
    assert second.json()["detail"] == STALE
    assert second.json()["current"]["answer"] == "not_on_roll"
    assert second["ETag"] == first["ETag"]
    put.refresh_from_db()
    assert put.answer == PutOnRollRequest.Answer.NOT_ON_ROLL


def test_the_api_refuses_a_stale_version_in_the_body_with_409(
    admissions_officer: User, school: School, school_user: User
) -> None:
    put = offer(admissions_officer, school)
    api = _api(school_user)
    url = reverse("api:admissions-request-confirm", args=[put.pk])
    version = put.version

    first = api.post(url, {"on_roll": False, "reason": "Not arrived", "version": version}, format="json")
    second = api.post(url, {"on_roll": True, "on_roll_from": "2026-11-16", "version": version}, format="json")

    assert first.status_code == 200
    assert second.status_code == 409
    assert {"field": "Answer", "now": "Not on roll"} in second.json()["changes"]


def test_an_if_match_that_names_no_version_is_refused_rather_than_ignored(
    admissions_officer: User, school: School, school_user: User
) -> None:
    put = offer(admissions_officer, school)
    url = reverse("api:admissions-request-confirm", args=[put.pk])

    response = _api(school_user).post(
        url, {"on_roll": False, "reason": "Not arrived"}, format="json", HTTP_IF_MATCH='W/"abc"'
    )

    assert response.status_code == 412
    put.refresh_from_db()
    assert put.answer == ""


def test_without_a_version_the_api_answers_as_before(
    admissions_officer: User, school: School, school_user: User
) -> None:
    put = offer(admissions_officer, school)
    url = reverse("api:admissions-request-confirm", args=[put.pk])
    api = _api(school_user)

    first = api.post(url, {"on_roll": False, "reason": "Not arrived"}, format="json")
    second = api.post(url, {"on_roll": True, "on_roll_from": "2026-11-16"}, format="json")

    assert (first.status_code, second.status_code) == (200, 200)
    assert int(second["ETag"].strip('"')) == int(first["ETag"].strip('"')) + 1
