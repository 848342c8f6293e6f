"""The database holds the invariant even if a service is bypassed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from rollcall.casework.models import Case
from tests.casework.services_support import NOW, open_case

# ---- the database holds the invariant even if a service is bypassed --------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("owner", "due"), [(False, True), (True, False), (False, False)], ids=["no-owner", "no-date", "neither"]
)
def test_an_open_case_without_an_owner_or_date_cannot_be_saved(
    council, child, inclusion, inclusion_officer, owner, due
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            kind="cme",
            child=child,
            team=inclusion,
            owner=inclusion_officer if owner else None,
            status="new",
            source="x",
            opened_at=timezone.make_aware(dt.datetime(2026, 11, 16, 10)),
            opened_on=dt.date(2026, 11, 16),
            next_action_due=dt.date(2026, 11, 17) if due else None,
        )

    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_a_closed_case_needs_no_owner(council, child, inclusion):
    Case.objects.create(
        kind="cme",
        child=child,
        team=inclusion,
        owner=None,
        status="closed",
        source="x",
        opened_at=NOW,
        opened_on=dt.date(2026, 11, 16),
        closed_at=NOW,
        outcome="on_roll",
    )

    assert Case.objects.closed().count() == 1


@pytest.mark.django_db
def test_a_second_open_case_of_the_same_kind_cannot_be_saved(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    open_case(child, inclusion)

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            kind="cme",
            child=child,
            team=inclusion,
            owner=inclusion_officer,
            status="new",
            source="x",
            opened_at=NOW,
            opened_on=dt.date(2026, 11, 16),
            next_action_due=dt.date(2026, 11, 17),
        )
