"""Shared fixtures: the council's teams, term dates around "today", and people in each role."""

from __future__ import annotations

import datetime as dt
import resource
import signal
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from rollcall.accounts.models import Team, User
from rollcall.rules.workflow import Role
from rollcall.schools.models import School
from tests import factories
from tests.api_tokens import token_for
from tests.two_factor import mark_verified

_force_login_password_only = Client._login  # type: ignore[attr-defined]


def _force_login_with_two_factor(self: Client, user: User, backend: str | None = None) -> None:
    """force_login signs in completely: password and two-factor (tests/two_factor.py)."""
    _force_login_password_only(self, user, backend)
    mark_verified(self, user)


Client._login = _force_login_with_two_factor  # type: ignore[attr-defined]

# Tests run on a fixed school day so school-day arithmetic is predictable: Monday 16 Nov 2026.
TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def frozen_clock():
    """Freeze the clock at 10:00 on TODAY (Europe/London)."""
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def terms(db: None) -> None:
    """Term dates for 2025/26, 2026/27 and 2027/28."""
    for year in (2025, 2026, 2027):
        factories.academic_year_terms(year)


@pytest.fixture
def teams(db: None) -> dict[str, Team]:
    return {kind: factories.TeamFactory.create(kind=kind) for kind in Team.Kind.values}


@pytest.fixture
def inclusion_officer(teams: dict[str, Team]) -> User:
    return factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.officer")


@pytest.fixture
def inclusion_manager(teams: dict[str, Team]) -> User:
    return factories.staff(Role.MANAGER, Team.Kind.INCLUSION, username="inclusion.manager")


@pytest.fixture
def head_of_service(teams: dict[str, Team]) -> User:
    return factories.staff(Role.HEAD_OF_SERVICE, Team.Kind.HEADS, username="head.of.service")


@pytest.fixture
def admissions_officer(teams: dict[str, Team]) -> User:
    return factories.staff(Role.OFFICER, Team.Kind.ADMISSIONS, username="admissions.officer")


@pytest.fixture
def school(db: None) -> School:
    return factories.SchoolFactory.create(name="Moorside Academy")


@pytest.fixture
def school_user(school: School) -> User:
    return factories.school_user(school, username="school.user")


@pytest.fixture
def council(terms: None, inclusion_officer: User, inclusion_manager: User, head_of_service: User) -> None:
    """A working council: term dates and an Inclusion team with an officer and a manager."""


@pytest.fixture
def token_client() -> Callable[[User], APIClient]:
    """Return a client that sends ``Authorization: Token <key>`` for the given user (as school systems do)."""

    def make(user: User) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return client

    return make


DISK_FULL_LIMIT = 4096  # bytes any one file of this process may reach while the disk is "full"


@pytest.fixture
def disk_full() -> Iterator[None]:
    """A full disk, for real: the test process's file-size limit (RLIMIT_FSIZE) is lowered so a
    write past DISK_FULL_LIMIT bytes fails part-way with an operating-system error. The database
    is untouched (SQLite's test database is in memory; PostgreSQL writes in its own process)."""
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (DISK_FULL_LIMIT, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous_handler)
