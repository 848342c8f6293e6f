"""The review panel's three outcomes and the budget adjustment after a quashed permanent exclusion
the board does not reinstate (DOMAIN.md: £4,000, to confirm): the data migration, the service,
the page, the API."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.casework.events import event_text
from rollcall.casework.models import Event
from rollcall.casework.services import CaseworkError
from rollcall.dataprotection import subject_access
from rollcall.exclusions import services
from rollcall.exclusions.models import BudgetAdjustment, EnforcementSettings, Exclusion, ExclusionStep
from rollcall.people.models import Child
from rollcall.rules.exclusions import ReviewOutcome, ReviewStep
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


def _to_panel(
    exclusion: Exclusion, school_user: User, officer: User, panel: ReviewOutcome, frozen_clock: Any
) -> None:
    """The board upholds on 16 November, the parents apply on 4 December, the panel meets on 8
    January 2027 (the clock moved to 20 January 2027)."""
    services.review_step_record(
        exclusion=exclusion,
        actor=school_user,
        step=ReviewStep.BOARD,
        on=dt.date(2026, 11, 16),
        outcome=ReviewOutcome.UPHELD,
    )
    frozen_clock.move_to(dt.datetime(2027, 1, 20, 10, tzinfo=dt.UTC))
    services.review_step_record(
        exclusion=exclusion, actor=officer, step=ReviewStep.APPLIED, on=dt.date(2026, 12, 4)
    )
    services.review_step_record(
        exclusion=exclusion, actor=officer, step=ReviewStep.PANEL, on=dt.date(2027, 1, 8), outcome=panel
    )


def _reconsider(exclusion: Exclusion, school_user: User, outcome: ReviewOutcome) -> ExclusionStep:
    return services.review_step_record(
        exclusion=exclusion,
        actor=school_user,
        step=ReviewStep.RECONSIDERED,
        on=dt.date(2027, 1, 19),
        outcome=outcome,
    )


def test_a_quashed_exclusion_the_board_does_not_reinstate_records_the_adjustment_once(
    school: School, school_user: User, pupil_on_roll: Child, access_officer: User, frozen_clock: Any
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    _to_panel(exclusion, school_user, access_officer, ReviewOutcome.QUASHED, frozen_clock)
    exclusion.refresh_from_db()
    assert exclusion.review_next == "reconsidered"  # the board reconsiders, as after a recommendation
    assert not BudgetAdjustment.objects.exists()
    step = _reconsider(exclusion, school_user, ReviewOutcome.UPHELD)
    adjustment = BudgetAdjustment.objects.get()
    assert (adjustment.exclusion, adjustment.step, adjustment.school) == (exclusion, step, school)
    assert (adjustment.amount, adjustment.on, adjustment.recorded_by) == (
        4000,
        dt.date(2027, 1, 19),
        school_user,
    )
    event = Event.objects.get(child=pupil_on_roll, verb="exclusion.budget_adjustment")
    assert event_text(event) == (
        f"Budget adjustment of £4,000 for {school.name}: the review panel quashed the permanent "
        "exclusion and the board did not reinstate when it reconsidered on 19 January 2027"
    )
    assert event.case_id == exclusion.case_id
    # The child's subject access answer holds it.
    answer = {section.key: rows for section, _heads, rows in subject_access.gather(pupil_on_roll).tables}
    assert len(answer["exclusion_budget_adjustments"]) == 1
    # The route has ended: no second reconsideration, so no second adjustment.
    with pytest.raises(CaseworkError, match="has ended"):
        _reconsider(exclusion, school_user, ReviewOutcome.UPHELD)
    assert BudgetAdjustment.objects.count() == 1


@pytest.mark.parametrize(
    ("panel", "reconsideration"),
    [
        (ReviewOutcome.QUASHED, ReviewOutcome.REINSTATED),
        (ReviewOutcome.RECONSIDERATION_RECOMMENDED, ReviewOutcome.UPHELD),
        (ReviewOutcome.RECONSIDERATION_RECOMMENDED, ReviewOutcome.REINSTATED),
    ],
    ids=["quashed-reinstated", "recommended-upheld", "recommended-reinstated"],
)
def test_no_adjustment_on_reinstatement_or_after_a_recommendation(
    school: School,
    school_user: User,
    pupil_on_roll: Child,
    access_officer: User,
    frozen_clock: Any,
    panel: ReviewOutcome,
    reconsideration: ReviewOutcome,
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    _to_panel(exclusion, school_user, access_officer, panel, frozen_clock)
    _reconsider(exclusion, school_user, reconsideration)
    assert exclusion.steps.count() == 4
    assert not BudgetAdjustment.objects.exists()
    assert not Event.objects.filter(verb="exclusion.budget_adjustment").exists()


def test_a_panel_that_upholds_ends_the_route_with_no_adjustment(
    school: School, school_user: User, pupil_on_roll: Child, access_officer: User, frozen_clock: Any
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    _to_panel(exclusion, school_user, access_officer, ReviewOutcome.UPHELD, frozen_clock)
    with pytest.raises(CaseworkError, match="has ended"):
        _reconsider(exclusion, school_user, ReviewOutcome.UPHELD)
    assert not BudgetAdjustment.objects.exists()


def test_the_amount_is_the_councils_setting_on_the_day(
    school: School, school_user: User, pupil_on_roll: Child, access_officer: User, frozen_clock: Any
) -> None:
    assert EnforcementSettings.current().budget_adjustment == 4000
    exclusion = _excluded(school, school_user, pupil_on_roll)
    _to_panel(exclusion, school_user, access_officer, ReviewOutcome.QUASHED, frozen_clock)
    EnforcementSettings.objects.filter(pk=1).update(budget_adjustment=4250)
    _reconsider(exclusion, school_user, ReviewOutcome.UPHELD)
    assert BudgetAdjustment.objects.get().amount == 4250


def test_a_failed_adjustment_leaves_no_reconsideration_behind(
    school: School,
    school_user: User,
    pupil_on_roll: Child,
    access_officer: User,
    frozen_clock: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    _to_panel(exclusion, school_user, access_officer, ReviewOutcome.QUASHED, frozen_clock)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(BudgetAdjustment.objects, "create", broken)
    with pytest.raises(RuntimeError):
        _reconsider(exclusion, school_user, ReviewOutcome.UPHELD)
    # One transaction: the step, the route and the adjustment stand or fall together.
    assert not exclusion.steps.filter(step="reconsidered").exists()
    exclusion.refresh_from_db()
    assert exclusion.review_next == "reconsidered"
