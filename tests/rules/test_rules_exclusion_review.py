"""The board and review route of an exclusion as recorded steps: order, outcomes and deadlines."""

from __future__ import annotations

from datetime import date

import pytest

from rollcall.rules.calendar import calendar_for, default_terms
from rollcall.rules.exclusions import (
    DEFAULT_BUDGET_ADJUSTMENT,
    REVIEW_OUTCOMES,
    ExclusionKind,
    ExclusionSettings,
    NextReviewStep,
    RecordedStep,
    ReviewOutcome,
    ReviewStep,
    ReviewStepRefused,
    budget_adjustment,
    budget_adjustment_due,
    outcome_choices,
    review_next,
    review_route_ended,
    review_step_check,
)

# 2026/27: autumn to Fri 18 Dec; spring from Mon 4 Jan 2027 (default_terms).
CAL = calendar_for([term for year in (2025, 2026, 2027) for term in default_terms(year)])
PEX, SUS = ExclusionKind.PERMANENT, ExclusionKind.SUSPENSION
S, OC = ReviewStep, ReviewOutcome
BOARD_DUE = date(2026, 12, 7)
MET = date(2026, 11, 16)  # a Monday
UPHELD = RecordedStep(S.BOARD, MET, OC.UPHELD, notice_sent_on=MET)
APPLIED = RecordedStep(S.APPLIED, date(2026, 12, 9))
PANEL_RECONSIDER = RecordedStep(S.PANEL, date(2027, 1, 13), OC.RECONSIDERATION_RECOMMENDED)
PANEL_QUASHED = RecordedStep(S.PANEL, date(2027, 1, 13), OC.QUASHED)


def test_nothing_recorded_waits_for_the_board_by_its_deadline() -> None:
    assert review_next(CAL, PEX, BOARD_DUE, []) == NextReviewStep(S.BOARD, BOARD_DUE)
    assert review_next(CAL, SUS, None, []) is None  # 5 days or fewer: no meeting to wait for


def test_an_upheld_permanent_exclusion_waits_15_school_days_for_the_parents() -> None:
    # Handed over on Monday 16 November (day 0): 17-20, 23-27, 30 Nov-4 Dec, 7 Dec is the 15th.
    assert review_next(CAL, PEX, BOARD_DUE, [UPHELD]) == NextReviewStep(S.APPLIED, date(2026, 12, 7))


def test_a_decision_posted_first_class_counts_from_the_second_working_day() -> None:
    posted = RecordedStep(S.BOARD, MET, OC.UPHELD, notice_sent_on=MET, notice_by_post=True)
    # Given Wednesday 18 November: 19, 20, 23-27, 30 Nov-4 Dec, 7, 8, 9 Dec is the 15th.
    assert review_next(CAL, PEX, BOARD_DUE, [posted]) == NextReviewStep(S.APPLIED, date(2026, 12, 9))


def test_the_board_meeting_day_counts_when_no_notice_day_is_recorded() -> None:
    late_notice = RecordedStep(S.BOARD, MET, OC.UPHELD, notice_sent_on=date(2026, 11, 17))
    without = RecordedStep(S.BOARD, MET, OC.UPHELD)
    assert review_next(CAL, PEX, BOARD_DUE, [without]) == NextReviewStep(S.APPLIED, date(2026, 12, 7))
    assert review_next(CAL, PEX, BOARD_DUE, [late_notice]) == NextReviewStep(S.APPLIED, date(2026, 12, 8))


def test_the_panel_meets_within_15_school_days_of_the_application_across_christmas() -> None:
    # 10, 11, 14-18 Dec (7), holiday, 4-8 Jan (12), 11, 12, 13 Jan is the 15th.
    assert review_next(CAL, PEX, BOARD_DUE, [UPHELD, APPLIED]) == NextReviewStep(S.PANEL, date(2027, 1, 13))


@pytest.mark.parametrize("panel", [PANEL_RECONSIDER, PANEL_QUASHED], ids=["recommended", "quashed"])
def test_a_panel_asking_for_reconsideration_gives_the_board_10_school_days(panel: RecordedStep) -> None:
    steps = [UPHELD, APPLIED, panel]
    assert review_next(CAL, PEX, BOARD_DUE, steps) == NextReviewStep(S.RECONSIDERED, date(2027, 1, 27))


@pytest.mark.parametrize(
    "steps",
    [
        [RecordedStep(S.BOARD, MET, OC.REINSTATED)],
        [UPHELD, RecordedStep(S.NO_REVIEW, MET)],
        [UPHELD, APPLIED, RecordedStep(S.PANEL, date(2027, 1, 13), OC.UPHELD)],
        [UPHELD, APPLIED, PANEL_RECONSIDER, RecordedStep(S.RECONSIDERED, date(2027, 1, 20), OC.UPHELD)],
        [UPHELD, APPLIED, PANEL_QUASHED, RecordedStep(S.RECONSIDERED, date(2027, 1, 20), OC.REINSTATED)],
    ],
    ids=["reinstated", "parents-will-not-apply", "panel-upholds", "reconsidered", "quashed-reconsidered"],
)
def test_the_route_ends(steps: list[RecordedStep]) -> None:
    assert review_next(CAL, PEX, BOARD_DUE, steps) is None
    assert review_route_ended(CAL, PEX, BOARD_DUE, steps, MET)
    with pytest.raises(ReviewStepRefused, match="has ended"):
        review_step_check(CAL, PEX, BOARD_DUE, steps, RecordedStep(S.APPLIED, date(2027, 2, 1)))


def test_a_suspensions_board_ends_the_route_whatever_it_decided() -> None:
    assert review_next(CAL, SUS, BOARD_DUE, [UPHELD]) is None


def test_the_route_ends_the_day_after_the_last_day_to_apply() -> None:
    assert not review_route_ended(CAL, PEX, BOARD_DUE, [UPHELD], date(2026, 12, 7))
    assert review_route_ended(CAL, PEX, BOARD_DUE, [UPHELD], date(2026, 12, 8))
    assert not review_route_ended(CAL, PEX, BOARD_DUE, [], date(2027, 6, 1))  # the board never met


def test_the_timescales_are_the_councils_settings() -> None:
    settings = ExclusionSettings(review_application_days=1, review_panel_days=2, reconsideration_days=3)
    assert review_next(CAL, PEX, BOARD_DUE, [UPHELD], settings) == NextReviewStep(
        S.APPLIED, date(2026, 11, 17)
    )
    assert review_next(CAL, PEX, BOARD_DUE, [UPHELD, APPLIED], settings) == NextReviewStep(
        S.PANEL, date(2026, 12, 11)
    )
    assert review_next(CAL, PEX, BOARD_DUE, [UPHELD, APPLIED, PANEL_RECONSIDER], settings) == NextReviewStep(
        S.RECONSIDERED, date(2027, 1, 18)
    )


# --- which step may be recorded ------------------------------------------------------------------


@pytest.mark.parametrize("panel", [PANEL_RECONSIDER, PANEL_QUASHED], ids=["recommended", "quashed"])
def test_the_steps_in_order_are_accepted(panel: RecordedStep) -> None:
    route = [
        UPHELD,
        APPLIED,
        panel,
        RecordedStep(S.RECONSIDERED, date(2027, 1, 27), OC.REINSTATED),
    ]
    for i, step in enumerate(route):
        review_step_check(CAL, PEX, BOARD_DUE, route[:i], step)


def test_a_late_application_is_still_recorded_and_the_parents_may_refuse_instead() -> None:
    review_step_check(CAL, PEX, BOARD_DUE, [UPHELD], RecordedStep(S.APPLIED, date(2027, 3, 1)))
    review_step_check(CAL, PEX, BOARD_DUE, [UPHELD], RecordedStep(S.NO_REVIEW, MET))


def test_a_board_may_meet_when_no_meeting_was_due() -> None:
    review_step_check(CAL, SUS, None, [], RecordedStep(S.BOARD, MET, OC.UPHELD))


@pytest.mark.parametrize(
    ("steps", "new", "message"),
    [
        ([], RecordedStep(S.PANEL, MET, OC.UPHELD), "next step is: governing board met"),
        ([UPHELD], RecordedStep(S.PANEL, MET, OC.UPHELD), "parents applied .* or parents confirmed"),
        ([UPHELD, APPLIED], RecordedStep(S.RECONSIDERED, date(2027, 1, 5), OC.UPHELD), "panel met"),
        ([UPHELD], RecordedStep(S.BOARD, MET, OC.UPHELD), "next step"),
        ([], RecordedStep(S.BOARD, MET), "choose an outcome"),
        ([], RecordedStep(S.BOARD, MET, OC.QUASHED), "choose an outcome, reinstated or upheld"),
        (
            [],
            RecordedStep(S.BOARD, MET, OC.RECONSIDERATION_RECOMMENDED),
            "choose an outcome, reinstated or upheld",
        ),
        (
            [UPHELD, APPLIED],
            RecordedStep(S.PANEL, date(2027, 1, 5), OC.REINSTATED),
            "panel met: choose an outcome, upheld, reconsideration recommended or quashed and "
            "reconsideration directed$",
        ),
        ([UPHELD, APPLIED], RecordedStep(S.PANEL, date(2027, 1, 5)), "panel met: choose an outcome"),
        (
            [UPHELD, APPLIED, PANEL_QUASHED],
            RecordedStep(S.RECONSIDERED, date(2027, 1, 20), OC.QUASHED),
            "reconsidered: choose an outcome, reinstated or upheld$",
        ),
        (
            [UPHELD, APPLIED, PANEL_RECONSIDER],
            RecordedStep(S.RECONSIDERED, date(2027, 1, 20)),
            "reconsidered: choose an outcome",
        ),
        ([UPHELD], RecordedStep(S.APPLIED, date(2026, 12, 1), OC.UPHELD), "has no outcome"),
        ([UPHELD], RecordedStep(S.APPLIED, date(2026, 11, 13)), "before the previous step"),
        ([], RecordedStep(S.BOARD, MET, OC.UPHELD, notice_sent_on=date(2026, 11, 13)), "on or after"),
        (
            [UPHELD],
            RecordedStep(S.APPLIED, date(2026, 12, 1), notice_sent_on=date(2026, 12, 1)),
            "only for a board",
        ),
    ],
)
def test_a_step_out_of_order_or_with_the_wrong_outcome_is_refused(
    steps: list[RecordedStep], new: RecordedStep, message: str
) -> None:
    with pytest.raises(ReviewStepRefused, match=message):
        review_step_check(CAL, PEX, BOARD_DUE, steps, new)


def test_a_step_on_the_same_day_as_the_previous_one_is_accepted() -> None:
    review_step_check(CAL, PEX, BOARD_DUE, [UPHELD], RecordedStep(S.APPLIED, MET))


# --- the budget adjustment after a quashed permanent exclusion -----------------------------------

PANEL_MAY = {None, OC.UPHELD, OC.RECONSIDERATION_RECOMMENDED, OC.QUASHED}
RECONSIDERATION_MAY = {None, OC.REINSTATED, OC.UPHELD}


def test_the_panels_three_outcomes_and_the_boards_two() -> None:
    assert REVIEW_OUTCOMES[S.PANEL] == {OC.UPHELD, OC.RECONSIDERATION_RECOMMENDED, OC.QUASHED}
    assert REVIEW_OUTCOMES[S.BOARD] == REVIEW_OUTCOMES[S.RECONSIDERED] == {OC.REINSTATED, OC.UPHELD}
    assert REVIEW_OUTCOMES[S.APPLIED] == REVIEW_OUTCOMES[S.NO_REVIEW] == frozenset()
    assert outcome_choices(S.APPLIED) == ""


@pytest.mark.parametrize("reconsideration", [None, *OC], ids=lambda o: str(o))
@pytest.mark.parametrize("panel", [None, *OC], ids=lambda o: str(o))
def test_an_adjustment_is_due_only_when_the_panel_quashed_and_the_board_did_not_reinstate(
    panel: ReviewOutcome | None, reconsideration: ReviewOutcome | None
) -> None:
    # Every combination of the two outcomes, recorded or not (5 x 5).
    if panel not in PANEL_MAY or reconsideration not in RECONSIDERATION_MAY:
        with pytest.raises(ValueError, match="is not an outcome of this step"):
            budget_adjustment_due(panel, reconsideration)
        return
    expected = (panel, reconsideration) == (OC.QUASHED, OC.UPHELD)
    assert budget_adjustment_due(panel, reconsideration) is expected


ROUTE_START = [UPHELD, APPLIED]


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([], None),
        ([RecordedStep(S.BOARD, MET, OC.REINSTATED)], None),
        ([UPHELD], None),
        ([UPHELD, RecordedStep(S.NO_REVIEW, MET)], None),
        (ROUTE_START, None),
        ([*ROUTE_START, RecordedStep(S.PANEL, date(2027, 1, 13), OC.UPHELD)], None),
        ([*ROUTE_START, PANEL_RECONSIDER], None),
        ([*ROUTE_START, PANEL_QUASHED], None),  # the board has not reconsidered yet
        ([*ROUTE_START, PANEL_RECONSIDER, RecordedStep(S.RECONSIDERED, date(2027, 1, 20), OC.UPHELD)], None),
        (
            [*ROUTE_START, PANEL_RECONSIDER, RecordedStep(S.RECONSIDERED, date(2027, 1, 20), OC.REINSTATED)],
            None,
        ),
        ([*ROUTE_START, PANEL_QUASHED, RecordedStep(S.RECONSIDERED, date(2027, 1, 20), OC.REINSTATED)], None),
        ([*ROUTE_START, PANEL_QUASHED, RecordedStep(S.RECONSIDERED, date(2027, 1, 20), OC.UPHELD)], 4000),
    ],
    ids=[
        "nothing",
        "board-reinstated",
        "board-upheld",
        "no-review",
        "applied",
        "panel-upheld",
        "recommended",
        "quashed-waiting",
        "recommended-upheld",
        "recommended-reinstated",
        "quashed-reinstated",
        "quashed-upheld",
    ],
)
def test_the_adjustment_along_the_route(steps: list[RecordedStep], expected: int | None) -> None:
    assert budget_adjustment(steps, DEFAULT_BUDGET_ADJUSTMENT) == expected


def test_the_amount_is_the_councils_and_whole_pounds() -> None:
    assert DEFAULT_BUDGET_ADJUSTMENT == 4000
    due = [*ROUTE_START, PANEL_QUASHED, RecordedStep(S.RECONSIDERED, date(2027, 1, 20), OC.UPHELD)]
    assert budget_adjustment(due, 1) == 1
    assert budget_adjustment(due, 5500) == 5500
    for wrong in (0, -4000, True, 4000.0):
        with pytest.raises(ValueError, match="whole number of pounds"):
            budget_adjustment(due, wrong)  # type: ignore[arg-type]
