"""Home-education fixtures: an Elective Home Education team with an officer and a manager."""

from __future__ import annotations

import pytest

from rollcall.accounts.models import Team, User
from rollcall.rules.workflow import Role
from tests import factories


@pytest.fixture
def ehe_officer(teams: dict[str, Team]) -> User:
    return factories.staff(
        Role.OFFICER, Team.Kind.EHE, username="ehe.officer", first_name="Esme", last_name="Hart"
    )


@pytest.fixture
def ehe_manager(teams: dict[str, Team]) -> User:
    return factories.staff(
        Role.MANAGER, Team.Kind.EHE, username="ehe.manager", first_name="Marek", last_name="Nowak"
    )


@pytest.fixture
def ehe_council(terms: None, ehe_officer: User, ehe_manager: User, head_of_service: User) -> None:
    """Term dates and an Elective Home Education team."""
