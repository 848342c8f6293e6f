"""The demo policies: the two circulations the action plan asks for."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from rollcall.accounts.models import User
from rollcall.policies import services
from rollcall.policies.demo import demo_policies
from rollcall.policies.models import CirculationCampaign, Policy
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 16)


def test_the_demo_makes_a_staff_and_a_schools_circulation(
    frozen_clock: object, head_of_service: User, inclusion_officer: User, inclusion_manager: User
) -> None:
    for _ in range(5):
        factories.school_user(factories.SchoolFactory.create())
    summary = demo_policies(rng=random.Random(1), today=TODAY)
    assert summary.startswith("Policies: 2 published")
    health = Policy.objects.get(title="Children unable to attend school because of health needs")
    assert health.owner == head_of_service
    assert health.local_offer_url.startswith("https://localoffer.northmoor.example/")
    current = services.current_version(health)
    assert current is not None
    assert current.number == 1
    assert health.versions.filter(published_at__isnull=True).count() == 1
    staff = CirculationCampaign.objects.get(audience="staff")
    assert staff.sent_on == TODAY - dt.timedelta(days=150)
    assert staff.next_due is not None
    assert TODAY < staff.next_due <= TODAY + dt.timedelta(days=40)
    staff_status = services.campaign_status(staff)
    assert (staff_status.sent, staff_status.acknowledged) == (3, 2)
    schools = CirculationCampaign.objects.get(audience="schools")
    status = services.campaign_status(schools)
    assert status.sent == 5
    assert status.outstanding > 0
    assert schools.acknowledge_by < TODAY
