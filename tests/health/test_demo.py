"""The health-needs demo makes cases at every stage through the services."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from rollcall.accounts.models import Team, User
from rollcall.casework.models import Case
from rollcall.health.demo import demo_health
from rollcall.health.models import CheckIn, ProvisionReferral, SenPanelRequest
from rollcall.rules.workflow import Role
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("terms", "frozen_clock")]


def test_the_demo_makes_cases_at_every_stage(
    teams: dict[str, Team], access_officer: User, access_manager: User
) -> None:
    factories.staff(Role.OFFICER, Team.Kind.SEN, username="sen.officer")
    for _ in range(2):
        school = factories.SchoolFactory.create()
        factories.school_user(school)
        for _ in range(6):
            child = factories.ChildFactory.create(date_of_birth=dt.date(2014, 3, 1))
            factories.RollEntryFactory.create(school=school, child=child)
    summary = demo_health(rng=random.Random(1), today=dt.date(2026, 11, 16))
    assert summary.startswith("Health needs: 6 cases")
    statuses = set(Case.objects.filter(kind="health").values_list("status", flat=True))
    assert statuses == {"new", "referred", "provision", "reintegration", "closed"}
    assert ProvisionReferral.objects.count() == 4
    assert CheckIn.objects.filter(done_on__isnull=False).exists()
    assert SenPanelRequest.objects.filter(attending_school="no", case__isnull=False).count() == 1
