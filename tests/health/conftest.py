"""Health-needs fixtures: an Access to Education team with an officer, a manager, and an SEN officer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rollcall.accounts.models import Team, User
from rollcall.health.services import CheckInFacts, ReferralFacts, ReportFacts
from rollcall.rules.workflow import Role
from tests import factories


@pytest.fixture
def access_officer(teams: dict[str, Team]) -> User:
    return factories.staff(
        Role.OFFICER, Team.Kind.ACCESS, username="access.officer", first_name="Asha", last_name="Patel"
    )


@pytest.fixture
def access_officer_2(teams: dict[str, Team]) -> User:
    return factories.staff(
        Role.OFFICER, Team.Kind.ACCESS, username="access.officer2", first_name="Ben", last_name="Cole"
    )


@pytest.fixture
def access_manager(teams: dict[str, Team]) -> User:
    return factories.staff(Role.MANAGER, Team.Kind.ACCESS, username="access.manager")


@pytest.fixture
def sen_officer(teams: dict[str, Team]) -> User:
    return factories.staff(Role.OFFICER, Team.Kind.SEN, username="sen.officer")


@pytest.fixture
def health_council(terms: None, access_officer: User, access_manager: User, head_of_service: User) -> None:
    """Term dates and an Access to Education team."""


def report_facts(**overrides: object) -> ReportFacts:
    values: dict[str, object] = {
        "first_day_absent": dt.date(2026, 10, 19),
        "days_so_far": 15,
        "pattern": "consecutive",
        "medical_evidence": "no",
    }
    values.update(overrides)
    return ReportFacts(**values)  # type: ignore[arg-type]


def referral_facts(**overrides: object) -> ReferralFacts:
    values: dict[str, object] = {
        "medical_evidence": "yes",
        "evidence_from": "Dr Okafor, Mayday GP practice",
        "evidence_date": dt.date(2026, 11, 10),
        "health_needs": "Post-viral fatigue; can manage short sessions.",
        "hours_per_week": Decimal("10"),
        "kind": "home",
        "sen_status": "none",
        "consent": "yes",
        "consent_date": dt.date(2026, 11, 12),
    }
    values.update(overrides)
    return ReferralFacts(**values)  # type: ignore[arg-type]


def checkin_facts(**overrides: object) -> CheckInFacts:
    values: dict[str, object] = {
        "done_on": dt.date(2026, 11, 16),
        "method": "phone",
        "spoken_to": "Mother",
        "situation": "Improving; tired after sessions.",
        "hours_received": Decimal("8.5"),
    }
    values.update(overrides)
    return CheckInFacts(**values)  # type: ignore[arg-type]
