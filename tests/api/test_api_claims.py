"""Issue 11, findings 1, 2 and 3 through the API: a school system claiming another school's pupil
by UPN with a made-up name and date of birth is told "received" and changes and sees nothing.
The same findings through the pages, and the helpers, are in tests/returns/test_claims_findings.py.
"""

from __future__ import annotations

import pytest

from rollcall.accounts.models import User
from rollcall.casework.models import Case, Event
from rollcall.people.models import Child
from rollcall.schools.models import RollEntry, School
from tests.claims import (
    MADE_UP,
    assert_held_for_checking,
    assert_shows_nothing_held,
    cme_case,
    other_schools_pupil,
    snapshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


@pytest.fixture
def other_pupil(db: None) -> Child:
    return other_schools_pupil()


def test_api_new_pupil_for_another_schools_pupil_is_received_and_changes_and_closes_nothing(
    school: School, school_user: User, other_pupil: Child, token_client
) -> None:
    case = cme_case(other_pupil)
    before = snapshot(other_pupil)
    client = token_client(school_user)

    response = client.post(
        "/api/v1/new-pupils/",
        {"pupil": {**MADE_UP, "upn": other_pupil.upn}, "entered_on": "2026-11-16"},
        format="json",
    )

    assert response.status_code == 202
    assert response.json()["status"] == "received"
    assert_shows_nothing_held(response.content.decode())
    assert snapshot(other_pupil) == before
    case.refresh_from_db()
    assert (case.closed_at, case.outcome) == (None, "")
    assert_held_for_checking(other_pupil, school, "new_pupil")
    assert client.get(f"/api/v1/children/{other_pupil.pk}/").status_code == 404


def test_api_removal_of_another_schools_pupil_is_received_and_removes_and_opens_nothing(
    school: School, school_user: User, other_pupil: Child, token_client
) -> None:
    """Finding 3: the 201 answer echoed the child's real name and a false CME case opened."""
    before = snapshot(other_pupil)
    cases_before = Case.objects.count()
    body = {
        "pupil": {**MADE_UP, "upn": other_pupil.upn, "gender": "F"},
        "removal_date": "2026-11-16",
        "ground": "g",
    }

    response = token_client(school_user).post(
        "/api/v1/removals/", body, format="json", HTTP_IDEMPOTENCY_KEY="claim-1"
    )

    assert response.status_code == 202
    assert response.json()["status"] == "received"
    assert_shows_nothing_held(response.content.decode())
    assert snapshot(other_pupil) == before
    assert Case.objects.count() == cases_before
    assert not Event.objects.filter(child=other_pupil, verb__startswith="removal").exists()
    assert_held_for_checking(other_pupil, school, "removal")


def test_api_return_with_the_right_details_but_no_link_to_the_child_is_still_only_received(
    school: School, school_user: User, other_pupil: Child, token_client
) -> None:
    """Knowing a child's real details is no reason to know the child: the school has no link."""
    case = cme_case(other_pupil)
    pupil = {
        "forename": "Quenby",
        "surname": "Oakhallow",
        "date_of_birth": "2015-03-07",
        "upn": other_pupil.upn,
    }

    response = token_client(school_user).post(
        "/api/v1/new-pupils/", {"pupil": pupil, "entered_on": "2026-11-16"}, format="json"
    )

    assert response.status_code == 202
    assert "Fellside" not in response.content.decode()
    case.refresh_from_db()
    assert case.closed_at is None
    assert not RollEntry.objects.filter(child=other_pupil, school=school).exists()


def test_the_school_lists_its_held_return_only_as_it_sent_it(
    school: School, school_user: User, other_pupil: Child, token_client
) -> None:
    client = token_client(school_user)
    client.post(
        "/api/v1/new-pupils/",
        {"pupil": {**MADE_UP, "upn": other_pupil.upn}, "entered_on": "2026-11-16"},
        format="json",
    )

    listing = client.get("/api/v1/returns/")

    assert listing.status_code == 200
    assert "Upname" in listing.content.decode()
    assert_shows_nothing_held(listing.content.decode())
