"""The review panel's three outcomes and the budget adjustment after a quashed permanent exclusion
the board does not reinstate (DOMAIN.md: £4,000, to confirm): the data migration, the service,
the page, the API."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.audit.models import RecordView
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


# ---- the page and the API ------------------------------------------------------------------------


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _step(step: str, outcome: str, day: dt.date) -> dict[str, str]:
    return {
        "step-step": step,
        "step-on_0": str(day.day),
        "step-on_1": str(day.month),
        "step-on_2": str(day.year),
        "step-outcome": outcome,
        "step-note": "",
    }


def _board_and_application(exclusion: Exclusion, school_user: User, officer: User, frozen_clock: Any) -> None:
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


def test_the_page_records_a_quashing_panel_and_shows_the_adjustment(
    school: School, school_user: User, pupil_on_roll: Child, access_officer: User, frozen_clock: Any
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    _board_and_application(exclusion, school_user, access_officer, frozen_clock)
    url = f"/exclusions/{exclusion.pk}/"
    officer = _signed_in(access_officer)
    page = officer.get(url).content.decode()
    assert '<option value="quashed">Quashed and reconsideration directed</option>' in page
    assert '<option value="reconsideration_recommended">Reconsideration recommended</option>' in page
    # A board's outcome for the panel: refused on the outcome field, nothing recorded.
    wrong = officer.post(url, _step("panel", "reinstated", dt.date(2027, 1, 8))).content.decode()
    assert (
        "Independent review panel met: choose an outcome, upheld, reconsideration recommended or "
        "quashed and reconsideration directed"
    ) in wrong
    assert 'href="#id_step-outcome"' in wrong
    assert not exclusion.steps.filter(step="panel").exists()
    assert officer.post(url, _step("panel", "quashed", dt.date(2027, 1, 8))).status_code == 302
    page = officer.get(url).content.decode()
    assert "Quashed and reconsideration directed" in page
    assert "Next: governing board reconsidered, by 22 January 2027" in page
    assert "School budget adjustment" not in page

    school_page = _signed_in(school_user)
    # A step out of order: in the form's error summary.
    out_of_order = school_page.post(url, _step("applied", "", dt.date(2027, 1, 19))).content.decode()
    assert "The next step is: governing board reconsidered" in out_of_order
    assert "govuk-error-summary" in out_of_order
    wrong = school_page.post(url, _step("reconsidered", "quashed", dt.date(2027, 1, 19))).content.decode()
    assert "Governing board reconsidered: choose an outcome, reinstated or upheld" in wrong
    assert not BudgetAdjustment.objects.exists()
    assert school_page.post(url, _step("reconsidered", "upheld", dt.date(2027, 1, 19))).status_code == 302
    page = school_page.get(url).content.decode()
    assert "School budget adjustment" in page
    assert (
        f"£4,000 for {school.name}: the review panel quashed the exclusion and the board did not "
        "reinstate when it reconsidered on 19 January 2027"
    ) in page
    assert BudgetAdjustment.objects.get().recorded_by == school_user
    assert RecordView.objects.filter(user=school_user, child=pupil_on_roll, what="exclusion").exists()


def test_the_api_records_the_panels_outcomes_and_answers_with_the_adjustment(
    school: School,
    school_user: User,
    pupil_on_roll: Child,
    access_officer: User,
    frozen_clock: Any,
    token_client: Callable[[User], APIClient],
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    _board_and_application(exclusion, school_user, access_officer, frozen_clock)
    client = token_client(school_user)
    url = f"/api/v1/exclusions/{exclusion.pk}/steps/"
    old_value = client.post(
        url, {"step": "panel", "on": "2027-01-08", "outcome": "reconsider"}, format="json"
    )
    assert old_value.status_code == 400
    assert "reconsideration_recommended, quashed" in old_value.json()["outcome"][0]
    wrong = client.post(url, {"step": "panel", "on": "2027-01-08", "outcome": "reinstated"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["outcome"] == [
        "Independent review panel met: choose an outcome, upheld, reconsideration recommended or "
        "quashed and reconsideration directed"
    ]
    quashed = client.post(url, {"step": "panel", "on": "2027-01-08", "outcome": "quashed"}, format="json")
    assert quashed.status_code == 201
    assert (quashed.json()["review_next"], quashed.json()["budget_adjustment"]) == ("reconsidered", None)
    wrong = client.post(
        url, {"step": "reconsidered", "on": "2027-01-19", "outcome": "quashed"}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["outcome"] == [
        "Governing board reconsidered: choose an outcome, reinstated or upheld"
    ]
    out_of_order = client.post(url, {"step": "applied", "on": "2027-01-19"}, format="json")
    assert out_of_order.status_code == 400
    assert out_of_order.json()["detail"] == "The next step is: governing board reconsidered"
    upheld = client.post(
        url, {"step": "reconsidered", "on": "2027-01-19", "outcome": "upheld"}, format="json"
    )
    assert upheld.status_code == 201
    expected = {"amount": 4000, "on": "2027-01-19", "school": school.urn}
    assert upheld.json()["budget_adjustment"] == expected
    listed = client.get("/api/v1/exclusions/").json()["results"]
    assert [e["budget_adjustment"] for e in listed if e["id"] == exclusion.pk] == [expected]
    assert BudgetAdjustment.objects.count() == 1


def test_the_api_records_a_recommendation_with_no_adjustment(
    school: School,
    school_user: User,
    pupil_on_roll: Child,
    access_officer: User,
    frozen_clock: Any,
    token_client: Callable[[User], APIClient],
) -> None:
    exclusion = _excluded(school, school_user, pupil_on_roll)
    _board_and_application(exclusion, school_user, access_officer, frozen_clock)
    client = token_client(access_officer)
    url = f"/api/v1/exclusions/{exclusion.pk}/steps/"
    body = {"step": "panel", "on": "2027-01-08", "outcome": "reconsideration_recommended"}
    assert client.post(url, body, format="json").status_code == 201
    body = {"step": "reconsidered", "on": "2027-01-19", "outcome": "upheld"}
    answer = client.post(url, body, format="json")
    assert answer.status_code == 201
    assert answer.json()["budget_adjustment"] is None
    assert (answer.json()["review_next"], exclusion.steps.count()) == ("", 4)
    assert not BudgetAdjustment.objects.exists()
