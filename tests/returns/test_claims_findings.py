"""Issue 11, findings 1, 2 and 3 through the pages: a school claiming another school's pupil by UPN.

Each return (new pupil, removal notice, health report) carries another school's pupil's UPN with a
made-up name and date of birth. Nothing about the child changes, no case is closed or opened, and
the page shows nothing the school did not send. The API's side is tests/api/test_api_claims.py.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import Team, User
from rollcall.casework.models import Case
from rollcall.people.models import Child
from rollcall.rules.workflow import Role
from rollcall.schools.models import School
from tests import factories
from tests.claims import (
    assert_held_for_checking,
    assert_shows_nothing_held,
    cme_case,
    other_schools_pupil,
    snapshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


@pytest.fixture
def access_officer(teams: dict[str, Team]) -> User:
    return factories.staff(Role.OFFICER, Team.Kind.ACCESS, username="access.officer")


@pytest.fixture
def other_pupil(db: None) -> Child:
    return other_schools_pupil()


# ---- the pages ----------------------------------------------------------------------------------


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def typed_pupil(child: Child) -> dict[str, str]:
    return {
        "first_name": "Made",
        "last_name": "Upname",
        **date_fields("date_of_birth", dt.date(2014, 1, 1)),
        "upn": child.upn or "",
        "address_line_1": "",
        "town": "",
        "postcode": "",
    }


def test_page_new_pupil_for_another_schools_pupil_is_received_and_closes_nothing(
    client: Client, school: School, school_user: User, other_pupil: Child
) -> None:
    case = cme_case(other_pupil)
    before = snapshot(other_pupil)

    response = signed_in(client, school_user).post(
        reverse("returns:new-pupil"),
        {**typed_pupil(other_pupil), **date_fields("entered_on", dt.date(2026, 11, 16))},
        follow=True,
    )

    page = response.content.decode()
    assert "Return received for Made Upname" in page
    assert_shows_nothing_held(page)
    assert snapshot(other_pupil) == before
    case.refresh_from_db()
    assert case.closed_at is None
    assert_held_for_checking(other_pupil, school, "new_pupil")
    assert client.get(reverse("children:child", args=[other_pupil.pk])).status_code in {403, 404}


def test_page_removal_of_another_schools_pupil_is_received_and_removes_and_opens_nothing(
    client: Client, school: School, school_user: User, other_pupil: Child
) -> None:
    before = snapshot(other_pupil)
    cases_before = Case.objects.count()

    response = signed_in(client, school_user).post(
        reverse("returns:removal-new"),
        {
            **typed_pupil(other_pupil),
            "form_id": str(uuid.uuid4()),
            **date_fields("removal_date", dt.date(2026, 11, 16)),
            "ground": "g",
            "destination": "unknown",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Notice received" in page
    assert "Made Upname" in page
    assert "will check the details" in page
    assert_shows_nothing_held(page)
    assert snapshot(other_pupil) == before
    assert Case.objects.count() == cases_before
    assert_held_for_checking(other_pupil, school, "removal")


def test_page_health_report_for_another_schools_pupil_is_received_and_opens_no_case(
    client: Client, school: School, school_user: User, other_pupil: Child, access_officer: User
) -> None:
    before = snapshot(other_pupil)

    response = signed_in(client, school_user).post(
        reverse("health:report-new"),
        {
            **typed_pupil(other_pupil),
            **date_fields("first_day_absent", dt.date(2026, 10, 19)),
            "days_so_far": "15",
            "pattern": "consecutive",
            "medical_evidence": "no",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Report received for Made Upname" in page
    assert "will check the details" in page
    assert_shows_nothing_held(page)
    assert snapshot(other_pupil) == before
    assert not Case.objects.filter(child=other_pupil, kind="health").exists()
    claim = assert_held_for_checking(other_pupil, school, "illness_report")
    assert claim.team == Team.objects.get(kind="access")
