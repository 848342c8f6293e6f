"""Issue 11, finding 5: a refused submission leaves no child behind.

The application, Fair Access and deferred place pages (and the SEN panel's) created the child's
record and then called the service in a second transaction, so a refusal kept the new child.
Here the council's Admissions team has nobody to own a case, so a head of service's vulnerable
application or Fair Access referral is refused: the child's record must go with it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.admissions.models import Application, FairAccessReferral
from rollcall.casework.models import Case, Event
from rollcall.people.models import Child, PossibleDuplicate
from rollcall.schools.models import School
from tests.admissions.test_views import application_post, date_fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


def counts() -> dict[str, int]:
    return {
        "children": Child.objects.count(),
        "duplicates": PossibleDuplicate.objects.count(),
        "events": Event.objects.count(),
        "cases": Case.objects.count(),
    }


def test_a_refused_application_leaves_no_child_record(
    client: Client, head_of_service: User, school: School
) -> None:
    before = counts()
    client.force_login(head_of_service)

    response = client.post(
        reverse("admissions:application_new"), application_post(school.pk, county_lines="yes")
    )

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not Application.objects.exists()
    assert counts() == before


def test_a_refused_fair_access_referral_leaves_no_child_record(
    client: Client, head_of_service: User, school: School
) -> None:
    before = counts()
    client.force_login(head_of_service)
    data = {
        "forename": "Rio",
        "surname": "Hart",
        **date_fields("date_of_birth", dt.date(2012, 1, 5)),
        "upn": "",
        "category": "homeless",
        "reason": "Temporary accommodation",
        "schools_considered": [str(school.pk)],
        **date_fields("taken_into_protocol_on", dt.date(2026, 11, 16)),
        "panel_date_0": "",
        "panel_date_1": "",
        "panel_date_2": "",
    }

    response = client.post(reverse("admissions:fair_access_new"), data)

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not FairAccessReferral.objects.exists()
    assert counts() == before
