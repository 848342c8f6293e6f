"""POST /api/v1/new-pupils/: a school system's new pupil return."""

from __future__ import annotations

import pytest

from rollcall.accounts.models import Team
from rollcall.casework.services import case_open
from rollcall.people.models import Child
from rollcall.returns.models import SchoolReturn
from rollcall.schools.models import RollEntry
from tests import factories

URL = "/api/v1/new-pupils/"


def _body(child: Child | None = None, **pupil: str) -> dict[str, object]:
    details = {
        "forename": child.legal_forename if child else "Robin",
        "surname": child.legal_surname if child else "Ashdown",
        "date_of_birth": child.date_of_birth.isoformat() if child else "2015-05-04",
        "upn": (child.upn or "") if child else "",
    }
    details.update(pupil)
    return {"pupil": details, "entered_on": "2026-11-16"}


@pytest.mark.django_db
def test_a_new_pupil_return_the_council_expected_puts_the_child_on_roll_and_closes_their_cme_case(
    council, frozen_clock, school, school_user, token_client
):
    child = factories.ChildFactory.create()
    factories.RemovalNoticeFactory.create(child=child, destination_school=school)
    case = case_open(child=child, kind="cme", team=Team.objects.get(kind="inclusion"), source="referral")

    response = token_client(school_user).post(URL, _body(child), format="json")

    assert response.status_code == 201
    claim = SchoolReturn.objects.get(school=school)
    assert response.json() == {
        "reference": claim.reference,
        "status": "accepted",
        "message": "Accepted.",
        "child": child.pk,
        "on_roll_from": "2026-11-16",
    }
    case.refresh_from_db()
    assert case.outcome == "on_roll"


@pytest.mark.django_db
def test_another_schools_pupil_claimed_by_upn_with_made_up_details_changes_and_shows_nothing(
    council, frozen_clock, school, school_user, token_client
):
    """Issue 11, finding 1: school A's token claimed any child by UPN and then read their record."""
    elsewhere = factories.SchoolFactory.create(name="Fellside School")
    child = factories.ChildFactory.create(legal_forename="Jasmine", legal_surname="Oakley")
    factories.RollEntryFactory.create(child=child, school=elsewhere)
    factories.AddressFactory.create(child=child, line_1="7 Secret Lane", postcode="NM9 9ZZ")
    factories.CarerFactory.create(child=child, name="Pat Oakley", phone="01632 960999")
    client = token_client(school_user)

    response = client.post(
        URL,
        _body(upn=child.upn or "", forename="Made", surname="Up", date_of_birth="2014-01-01"),
        format="json",
    )

    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["child"], body["on_roll_from"]) == ("received", None, None)
    assert "will check the details" in body["message"]
    for secret in ("Jasmine", "Oakley", "Secret Lane", "NM9", "Pat", "01632", "Fellside"):
        assert secret not in response.content.decode()
    assert not RollEntry.objects.filter(child=child, school=school).exists()
    assert client.get(f"/api/v1/children/{child.pk}/").status_code == 404


@pytest.mark.django_db
def test_sending_the_same_return_twice_records_the_pupil_once(
    council, frozen_clock, school_user, token_client
):
    client = token_client(school_user)

    first = client.post(URL, _body(), format="json")
    second = client.post(URL, _body(), format="json")

    # The second is about a pupil already on the school's roll: accepted, and nothing new.
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["child"] == second.json()["child"]
    assert "child_created" not in first.json()
    assert RollEntry.objects.filter(child__legal_surname="Ashdown").count() == 1


@pytest.mark.django_db
def test_a_bad_return_names_the_field_and_records_nothing(council, frozen_clock, school_user, token_client):
    body = _body(upn="Z990300126007")
    body["entered_on"] = "2027-01-01"

    response = token_client(school_user).post(URL, body, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert "UPN" in errors["pupil"]["upn"][0]
    assert "today or in the past" in errors["entered_on"][0]
    assert Child.objects.count() == 0


@pytest.mark.django_db
def test_council_staff_cannot_send_a_new_pupil_return(council, inclusion_officer, token_client):
    response = token_client(inclusion_officer).post(URL, _body(), format="json")

    assert response.status_code == 403
    assert Child.objects.count() == 0
