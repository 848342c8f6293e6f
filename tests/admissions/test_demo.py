"""The admissions demo builds records at every stage through the services."""

from __future__ import annotations

import random

import pytest

from rollcall.admissions.demo import demo_admissions
from rollcall.admissions.models import Application, DeferredPlace, FairAccessReferral, PutOnRollRequest
from rollcall.casework.models import Case
from tests import factories
from tests.admissions.helpers import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


def test_the_demo_makes_applicants_at_every_stage(admissions_officer):
    for i in range(4):
        factories.school_user(factories.SchoolFactory.create(name=f"Demo School {i}"))

    summary = demo_admissions(rng=random.Random(1), today=TODAY)

    assert summary.startswith("Admissions: 7 in-year applications")
    assert Application.objects.count() == 7
    assert PutOnRollRequest.objects.filter(checked_off_at__isnull=False).exists()
    assert PutOnRollRequest.objects.filter(reminded_on__isnull=False).exists()
    assert PutOnRollRequest.objects.filter(referred_cme_on__isnull=False).count() == 1
    assert Case.objects.filter(kind="cme", source="admissions: place not taken up").count() == 1
    assert FairAccessReferral.objects.count() == 2
    assert DeferredPlace.objects.count() == 2
    assert Case.objects.filter(kind="waiting").count() == 1
