"""The review panel's three outcomes and the budget adjustment after a quashed permanent exclusion
the board does not reinstate (DOMAIN.md: £4,000, to confirm): the data migration, the service,
the page, the API."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.exclusions import services
from rollcall.exclusions.models import Exclusion, ExclusionStep
from rollcall.people.models import Child
from rollcall.schools.models import School
from tests.exclusions.conftest import facts, pupil_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enforcement_council", "frozen_clock")]


def _excluded(school: School, school_user: User, child: Child) -> Exclusion:
    exclusion = services.exclusion_notify(
        school=school, actor=school_user, pupil=pupil_of(child), facts=facts()
    ).exclusion
    assert exclusion is not None
    return exclusion


def test_a_panel_recorded_as_reconsider_before_recommended_reconsideration(
    school: School, school_user: User, pupil_on_roll: Child
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    made = {"exclusion": exclusion, "recorded_by": school_user, "recorded_at": clock.now()}
    old_panel = ExclusionStep.objects.create(
        step="panel", on=dt.date(2026, 11, 16), outcome="reconsider", **made
    )
    board = ExclusionStep.objects.create(step="board", on=dt.date(2026, 11, 16), outcome="upheld", **made)
    migration = importlib.import_module("rollcall.exclusions.migrations.0005_panel_outcomes")
    migration.forwards(apps, None)
    old_panel.refresh_from_db()
    board.refresh_from_db()
    assert old_panel.outcome == "reconsideration_recommended"
    assert old_panel.get_outcome_display() == "Reconsideration recommended"
    assert board.outcome == "upheld"
    migration.backwards(apps, None)
    old_panel.refresh_from_db()
    assert old_panel.outcome == "reconsider"
