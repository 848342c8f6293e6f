"""Helpers for the tests of issue 11's claims: another school's pupil, and what a false claim could change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rollcall.accounts.models import Team
from rollcall.casework.models import Case
from rollcall.casework.services import case_open
from rollcall.health.models import HealthReport
from rollcall.people.models import Child
from rollcall.returns.models import SchoolReturn
from rollcall.schools.models import RemovalNotice, RollEntry, School
from tests import factories

# What the council holds about the other school's pupil: none of it may reach school A.
SECRETS = ("Quenby", "Oakhallow", "Secret Lane", "NM9 9ZZ", "Pat Oakhallow", "01632 960999", "Fellside")
MADE_UP = {"forename": "Made", "surname": "Upname", "date_of_birth": "2014-01-01"}


def other_schools_pupil() -> Child:
    """A pupil on Fellside School's roll, with an address and a carer, missing education."""
    elsewhere = factories.SchoolFactory.create(name="Fellside School")
    child = factories.ChildFactory.create(
        legal_forename="Quenby", legal_surname="Oakhallow", date_of_birth=dt.date(2015, 3, 7)
    )
    factories.RollEntryFactory.create(child=child, school=elsewhere)
    factories.AddressFactory.create(child=child, line_1="7 Secret Lane", postcode="NM9 9ZZ")
    factories.CarerFactory.create(child=child, name="Pat Oakhallow", phone="01632 960999")
    return child


def snapshot(child: Child) -> dict[str, Any]:
    """Everything a false claim could change about ``child``: rolls, notices, cases, reports."""
    return {
        "rolls": sorted(
            RollEntry.objects.filter(child=child).values_list("school_id", "on_roll_from", "on_roll_to")
        ),
        "notices": RemovalNotice.objects.filter(child=child).count(),
        "cases": sorted(Case.objects.filter(child=child).values_list("pk", "status", "closed_at", "outcome")),
        "reports": HealthReport.objects.filter(child=child).count(),
        "child": Child.objects.filter(pk=child.pk).values().get(),
        "children": Child.objects.count(),
    }


def assert_shows_nothing_held(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def assert_held_for_checking(child: Child, school: School, kind: str) -> SchoolReturn:
    claim = SchoolReturn.objects.get(school=school, kind=kind)
    assert (claim.status, claim.child_id) == ("to_confirm", child.pk)
    assert claim.sent["pupil"]["surname"] == "Upname"
    return claim


def cme_case(child: Child) -> Case:
    return case_open(child=child, kind="cme", team=Team.objects.get(kind="inclusion"), source="referral")
