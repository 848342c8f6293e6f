"""The prosecution route for attendance as recorded steps: the order, the dates and the fine."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rollcall.rules.penalties import (
    MAX_FINE,
    ProsecutionStep,
    ProsecutionStepRefused,
    prosecution_next,
    prosecution_step_check,
)

P = ProsecutionStep
TODAY = date(2027, 3, 10)
DAY = date(2027, 3, 1)

# The route as DOMAIN.md gives it, written out here rather than read from the module.
EXPECTED: dict[P | None, set[P]] = {
    None: {P.REFERRED},
    P.REFERRED: {P.ESO_CONSIDERED, P.WITHDRAWN},
    P.ESO_CONSIDERED: {P.CASE_PREPARED, P.WITHDRAWN},
    P.CASE_PREPARED: {P.HEARING, P.WITHDRAWN},
    P.HEARING: {P.HEARING, P.CONVICTED, P.ACQUITTED, P.WITHDRAWN},
    P.CONVICTED: {P.PARENTING_ORDER},
    P.ACQUITTED: set(),
    P.PARENTING_ORDER: set(),
    P.WITHDRAWN: set(),
}


@pytest.mark.parametrize("last", [None, *P])
@pytest.mark.parametrize("step", list(P))
def test_each_step_may_follow_only_the_steps_the_route_allows(last: P | None, step: P) -> None:
    done = [] if last is None else [(last, DAY)]
    fine = 100 if step is P.CONVICTED else None
    if step in EXPECTED[last]:
        prosecution_step_check(done, step, DAY, TODAY, fine)
        assert step in prosecution_next([s for s, _ in done])
    else:
        with pytest.raises(ProsecutionStepRefused):
            prosecution_step_check(done, step, DAY, TODAY, fine)


def test_the_whole_route_with_an_adjournment() -> None:
    route = [
        P.REFERRED,
        P.ESO_CONSIDERED,
        P.CASE_PREPARED,
        P.HEARING,
        P.HEARING,
        P.CONVICTED,
        P.PARENTING_ORDER,
    ]
    done: list[tuple[P, date]] = []
    for i, step in enumerate(route):
        on = DAY + timedelta(days=i)
        prosecution_step_check(done, step, on, TODAY, 440 if step is P.CONVICTED else None)
        done.append((step, on))
    assert prosecution_next([s for s, _ in done]) == frozenset()


def test_the_refusal_names_the_steps_that_may_come_next() -> None:
    with pytest.raises(ProsecutionStepRefused, match="education supervision order considered, withdrawn"):
        prosecution_step_check([(P.REFERRED, DAY)], P.HEARING, DAY, TODAY)
    with pytest.raises(ProsecutionStepRefused, match="has ended"):
        prosecution_step_check([(P.REFERRED, DAY), (P.WITHDRAWN, DAY)], P.REFERRED, DAY, TODAY)


def test_a_step_is_not_dated_before_the_previous_one() -> None:
    done = [(P.REFERRED, DAY)]
    prosecution_step_check(done, P.ESO_CONSIDERED, DAY, TODAY)  # the same day
    with pytest.raises(ProsecutionStepRefused, match="before the previous step"):
        prosecution_step_check(done, P.ESO_CONSIDERED, DAY - timedelta(days=1), TODAY)


def test_only_a_court_date_may_be_in_the_future() -> None:
    prosecution_step_check([], P.REFERRED, TODAY, TODAY)
    with pytest.raises(ProsecutionStepRefused, match="in the future"):
        prosecution_step_check([], P.REFERRED, TODAY + timedelta(days=1), TODAY)
    prosecution_step_check([(P.CASE_PREPARED, DAY)], P.HEARING, TODAY + timedelta(days=60), TODAY)


@pytest.mark.parametrize(
    ("fine", "accepted"), [(None, False), (-1, False), (0, True), (MAX_FINE, True), (MAX_FINE + 1, False)]
)
def test_a_conviction_records_a_fine_up_to_level_4(fine: int | None, accepted: bool) -> None:
    done = [(P.HEARING, DAY)]
    if accepted:
        prosecution_step_check(done, P.CONVICTED, DAY, TODAY, fine)
    else:
        with pytest.raises(ProsecutionStepRefused, match="Enter the fine"):
            prosecution_step_check(done, P.CONVICTED, DAY, TODAY, fine)


def test_no_other_step_records_a_fine() -> None:
    with pytest.raises(ProsecutionStepRefused, match="Only a conviction"):
        prosecution_step_check([], P.REFERRED, DAY, TODAY, 100)
    assert MAX_FINE == 2500
