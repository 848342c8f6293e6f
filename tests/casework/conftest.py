"""Fixtures shared by the casework tests: the Inclusion team and a child."""

from __future__ import annotations

from typing import Any

import pytest

from rollcall.accounts.models import Team
from tests import factories


@pytest.fixture
def inclusion(teams: dict[str, Team]) -> Team:
    return teams[Team.Kind.INCLUSION]


@pytest.fixture
def child() -> Any:
    return factories.ChildFactory.create(legal_forename="Amara", legal_surname="Okafor")
