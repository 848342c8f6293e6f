"""Exclusions fixtures: an Access to Education team with an officer and a manager, and a pupil on roll."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from rollcall.accounts.models import Team, User
from rollcall.exclusions.services import ExclusionFacts
from rollcall.people.models import Child
from rollcall.returns.claims import Pupil
from rollcall.rules.exclusions import ExclusionKind
from rollcall.rules.workflow import Role
from rollcall.schools.models import School
from tests import factories
from tests.api_tokens import token_for


@pytest.fixture
def access_officer(teams: dict[str, Team]) -> User:
    return factories.staff(Role.OFFICER, Team.Kind.ACCESS, username="access.officer")


@pytest.fixture
def access_manager(teams: dict[str, Team]) -> User:
    return factories.staff(Role.MANAGER, Team.Kind.ACCESS, username="access.manager")


@pytest.fixture
def enforcement_council(
    terms: None, access_officer: User, access_manager: User, head_of_service: User
) -> None:
    """Term dates and an Access to Education team."""


@pytest.fixture
def pupil_on_roll(school: School) -> Child:
    child = factories.ChildFactory.create(legal_forename="Robin", legal_surname="Ashdown")
    factories.RollEntryFactory.create(child=child, school=school)
    return child


def pupil_of(child: Child) -> Pupil:
    return Pupil(
        forename=child.legal_forename,
        surname=child.legal_surname,
        date_of_birth=child.date_of_birth,
        upn=child.upn,
    )


def facts(kind: ExclusionKind = ExclusionKind.PERMANENT, **overrides: object) -> ExclusionFacts:
    values: dict[str, object] = {
        "kind": kind,
        "first_day": dt.date(2026, 11, 16),
        "reason": "Persistent disruptive behaviour",
        "days": None if kind is ExclusionKind.PERMANENT else Decimal(3),
    }
    values.update(overrides)
    return ExclusionFacts(**values)  # type: ignore[arg-type]


@pytest.fixture
def token_client() -> Callable[[User], APIClient]:
    """A client that sends ``Authorization: Token <key>`` for the given user, as school systems do."""

    def make(user: User) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return client

    return make
