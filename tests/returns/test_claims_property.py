"""Property (issue 11): whatever a school submits, it never reads or changes a child it has no link to.

A small council: three schools, and children on one school's roll, expected at another (named as
the destination in a removal notice), on no roll and missing education. Hypothesis picks a sending
school, a child, a kind of return (new pupil or removal through the API, illness report through the
page) and details that agree with the record or not (misspelt, made up, without the UPN). When the
school has no link to the child (not on its roll; for a new pupil, not expected there either),
nothing about the child changes, the answer carries nothing the council holds that the school did
not send, and the school cannot open the child's record by page or API.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from rollcall.accounts.models import Team, User
from rollcall.people.models import Child
from rollcall.returns.models import SchoolReturn
from rollcall.rules.workflow import Role
from rollcall.schools.models import School
from tests import factories
from tests.api_tokens import token_for
from tests.claims import cme_case, snapshot

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)
KINDS = ("new_pupil", "removal", "illness_report")
DETAILS = ("agree", "misspelt", "made_up", "no_upn", "wrong_birthday")


@dataclass(frozen=True)
class World:
    schools: tuple[School, ...]
    users: tuple[User, ...]
    children: tuple[Child, ...]
    on_roll: dict[int, int]  # child pk -> the school whose roll they are on
    expected: dict[int, int]  # child pk -> the school a removal notice named as their destination


@pytest.fixture
def world(terms: None, teams: dict[str, Team]) -> Iterator[World]:
    with time_machine.travel(NOW, tick=False):
        factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.officer")
        factories.staff(Role.MANAGER, Team.Kind.INCLUSION, username="inclusion.manager")
        factories.staff(Role.OFFICER, Team.Kind.ACCESS, username="access.officer")
        factories.staff(Role.MANAGER, Team.Kind.ACCESS, username="access.manager")
        factories.staff(Role.HEAD_OF_SERVICE, Team.Kind.HEADS, username="head.of.service")
        schools = tuple(factories.SchoolFactory.create(name=name) for name in ("Ash", "Birch", "Cedar"))
        users = tuple(
            factories.school_user(s, username=f"school.{s.name.lower()}", first_name="Sam", last_name="Clerk")
            for s in schools
        )
        names = [
            ("Quenby", "Oakhallow"),
            ("Tavish", "Blackwhin"),
            ("Ysolde", "Fairsteading"),
            ("Orrin", "Hazelgrove"),
        ]
        children = tuple(
            factories.ChildFactory.create(
                legal_forename=f, legal_surname=s, date_of_birth=dt.date(2015, 3, 7 + n)
            )
            for n, (f, s) in enumerate(names)
        )
        on_roll = {children[0].pk: schools[0].pk, children[1].pk: schools[1].pk}
        for child_pk, school_pk in on_roll.items():
            factories.RollEntryFactory.create(child_id=child_pk, school_id=school_pk)
        for child in children:
            factories.AddressFactory.create(child=child, line_1="7 Secret Lane", postcode="NM9 9ZZ")
            factories.CarerFactory.create(child=child, name="Pat Secretcarer", phone="01632 960999")
        # Children[2] left Dale (which sends nothing here) for Cedar, which expects them; children[3]
        # is on no roll. A school that notified a removal may read that pupil (docs/access.md), so
        # the notice comes from outside the senders.
        dale = factories.SchoolFactory.create(name="Dale")
        factories.RemovalNoticeFactory.create(
            child=children[2],
            school=dale,
            destination_school=schools[2],
            removal_date=dt.date(2026, 6, 1),
        )
        expected = {children[2].pk: schools[2].pk}
        for child in (children[2], children[3]):
            cme_case(child)
        yield World(schools, users, children, on_roll, expected)


def linked(world: World, school: School, child: Child, kind: str) -> bool:
    """The school's reason to know the child, as the world was built (not as the code computes it)."""
    if world.on_roll.get(child.pk) == school.pk:
        return True
    return kind == "new_pupil" and world.expected.get(child.pk) == school.pk


def details(child: Child, how: str) -> dict[str, str]:
    forename, surname, born, upn = (
        child.legal_forename,
        child.legal_surname,
        child.date_of_birth,
        child.upn or "",
    )
    if how == "misspelt":
        surname = surname[:-1] + "x"
    elif how == "made_up":
        forename, surname, born = "Made", "Upname", dt.date(2014, 1, 1)
    elif how == "no_upn":
        upn = ""
    elif how == "wrong_birthday":
        born = born + dt.timedelta(days=1)
    return {"forename": forename, "surname": surname, "date_of_birth": born.isoformat(), "upn": upn}


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def submit(kind: str, user: User, pupil: dict[str, str]) -> str:
    """Send the return as the school's system or staff would; the answer's text."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    if kind == "new_pupil":
        answer = api.post("/api/v1/new-pupils/", {"pupil": pupil, "entered_on": "2026-11-16"}, format="json")
        assert answer.status_code in {201, 202}, answer.content
        return str(answer.content.decode())
    if kind == "removal":
        body = {"pupil": {**pupil, "gender": "F"}, "removal_date": "2026-11-16", "ground": "g"}
        answer = api.post("/api/v1/removals/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
        assert answer.status_code in {201, 202}, answer.content
        return str(answer.content.decode())
    web = Client()
    web.force_login(user)
    born = dt.date.fromisoformat(pupil["date_of_birth"])
    form = {
        "first_name": pupil["forename"],
        "last_name": pupil["surname"],
        **date_fields("date_of_birth", born),
        "upn": pupil["upn"],
        **date_fields("first_day_absent", dt.date(2026, 10, 19)),
        "days_so_far": "15",
        "pattern": "consecutive",
        "medical_evidence": "no",
    }
    response = web.post(reverse("health:report-new"), form, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def can_read(user: User, child: Child) -> dict[str, int]:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    web = Client()
    web.force_login(user)
    return {
        "api": api.get(f"/api/v1/children/{child.pk}/").status_code,
        "page": web.get(reverse("children:child", args=[child.pk])).status_code,
    }


def held_about(child: Child, sent: dict[str, str]) -> list[str]:
    """What the council holds about the child that the school did not send."""
    held = ["7 Secret Lane", "NM9 9ZZ", "Pat Secretcarer", "01632 960999"]
    for value in (child.legal_forename, child.legal_surname, child.date_of_birth.isoformat()):
        if value not in sent.values():
            held.append(value)
    return held


def without_counts(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in state.items() if k != "children"}  # a made-up pupil may be a new record


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sender=st.integers(min_value=0, max_value=2),
    target=st.integers(min_value=0, max_value=3),
    kind=st.sampled_from(KINDS),
    how=st.sampled_from(DETAILS),
)
def test_a_school_never_reads_or_changes_a_child_it_has_no_link_to(
    world: World, sender: int, target: int, kind: str, how: str
) -> None:
    school, user, child = world.schools[sender], world.users[sender], world.children[target]
    others = [c for c in world.children if c.pk != child.pk]
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        before = without_counts(snapshot(child))
        others_before = [without_counts(snapshot(c)) for c in others]
        sent = details(child, how)

        answer = submit(kind, user, sent)

        # Whatever was sent, no other child of the council moves.
        assert [without_counts(snapshot(c)) for c in others] == others_before
        if not linked(world, school, child, kind):
            assert without_counts(snapshot(child)) == before
            for value in held_about(child, sent):
                assert value not in answer, value
            assert set(can_read(user, child).values()) <= {403, 404}
            # The return is kept, and one that points at the child waits for an officer.
            kept = SchoolReturn.objects.filter(school=school).latest("pk")
            assert kept.child_id != child.pk or kept.status == SchoolReturn.Status.TO_CONFIRM
        transaction.set_rollback(True)
