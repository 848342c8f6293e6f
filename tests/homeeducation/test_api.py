"""The home-education API: records for the EHE team (scoped, logged), notifications as claims."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rollcall.accounts.models import User
from rollcall.audit.models import RecordView
from rollcall.homeeducation import services
from rollcall.homeeducation.models import EHERecord, EHESettings, ParentNotification
from rollcall.people.models import Child
from tests import factories
from tests.api_tokens import token_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ehe_council", "frozen_clock")]

RECORDS = "/api/v1/home-education/records/"
NOTIFY = "/api/v1/home-education/notifications/"


def client_for(user: User, *scopes: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user, scopes) if scopes else token_for(user)}")
    return client


def registered(officer: User, surname: str = "Ng") -> EHERecord:
    child = factories.ChildFactory.create(legal_surname=surname)
    return services.record_open(
        child=child, actor=officer, facts=services.EducationFacts(educated_by="The parents", parents="Jo Ng")
    )


def test_the_ehe_team_lists_open_records_and_each_child_is_logged(ehe_officer: User) -> None:
    record = registered(ehe_officer)
    response = client_for(ehe_officer, "home-education:read").get(RECORDS)
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [r["reference"] for r in results] == [record.case.reference]
    assert results[0]["child"] == record.child_id
    assert results[0]["educated_by"] == "The parents"
    assert record.next_review_on is not None
    assert results[0]["next_review_on"] == record.next_review_on.isoformat()
    assert RecordView.objects.filter(user=ehe_officer, child=record.child, what__contains="API").count() == 1


def test_one_record_is_read_and_logged(ehe_officer: User) -> None:
    record = registered(ehe_officer)
    response = client_for(ehe_officer, "home-education:read").get(f"{RECORDS}{record.pk}/")
    assert response.status_code == 200
    assert response.json()["status"] == "new"
    assert RecordView.objects.filter(child=record.child, outcome=RecordView.Outcome.SHOWN).exists()


def test_a_token_without_the_scope_is_refused(ehe_officer: User) -> None:
    registered(ehe_officer)
    response = client_for(ehe_officer, "cases:read").get(RECORDS)
    assert response.status_code == 403
    assert "home-education:read" in response.json()["detail"]


def test_other_teams_cannot_read_records_and_the_refusal_names_the_child(
    ehe_officer: User, inclusion_officer: User
) -> None:
    record = registered(ehe_officer)
    client = client_for(inclusion_officer, "home-education:read")
    assert client.get(RECORDS).status_code == 403
    assert client.get(f"{RECORDS}{record.pk}/").status_code == 403
    assert RecordView.objects.filter(
        user=inclusion_officer, child=record.child, outcome=RecordView.Outcome.REFUSED
    ).exists()


def _notification(**changes: str) -> dict[str, str]:
    return {
        "child_forename": "Lily",
        "child_surname": "Marsh",
        "child_date_of_birth": "2016-06-14",
        "address_line_1": "9 Quarry Road",
        "postcode": "nm1 2ab",
        "parent_name": "Sam Marsh",
    } | changes


def test_a_notification_is_held_to_confirm_and_answered_with_its_reference_only(ehe_officer: User) -> None:
    existing = factories.ChildFactory.create(
        legal_forename="Lily", legal_surname="Marsh", date_of_birth="2016-06-14"
    )
    response = client_for(ehe_officer, "home-education:notify").post(NOTIFY, _notification(), format="json")
    assert response.status_code == 202, response.json()
    held = ParentNotification.objects.get()
    answer = response.json()
    # The reference only: nothing the council holds about the child.
    assert set(answer) == {"reference", "status", "message"}
    assert (answer["reference"], answer["status"]) == (held.reference, "to_confirm")
    assert held.postcode == "NM1 2AB"
    # A claim: nothing about the child the council holds changed, nor any record opened.
    assert not EHERecord.objects.exists()
    assert Child.objects.count() == 1
    assert existing.legal_forename == Child.objects.get().legal_forename


def test_a_notification_with_a_misspelt_field_is_refused_by_field(ehe_officer: User) -> None:
    response = client_for(ehe_officer, "home-education:notify").post(
        NOTIFY, _notification(postcod="NM1 2AB"), format="json"
    )
    assert response.status_code == 400
    assert "postcod" in response.json()
    assert not ParentNotification.objects.exists()


def test_notifications_about_one_home_are_throttled_like_the_public_form(ehe_officer: User) -> None:
    limit = EHESettings.current().notifications_per_address_per_day
    client = client_for(ehe_officer, "home-education:notify")
    answers = [client.post(NOTIFY, _notification(), format="json").status_code for _ in range(limit + 1)]
    assert answers == [202] * limit + [429]
    assert ParentNotification.objects.count() == limit


def test_a_school_system_cannot_pass_on_notifications(ehe_officer: User) -> None:
    school_user = factories.school_user(factories.SchoolFactory.create())
    response = client_for(school_user, "home-education:notify").post(NOTIFY, _notification(), format="json")
    assert response.status_code == 403
    assert not ParentNotification.objects.exists()
