"""Deadlines in school days: CME enquiries, put-on-roll answers, new pupil returns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules.calendar import calendar_for, default_terms
from rollcall.rules.deadlines import (
    DEFAULT_CME_TIMESCALES,
    CMETimescales,
    enquiries_due,
    first_enquiry_due,
    new_pupil_return_due,
    put_on_roll_answer_due,
)

CAL = calendar_for([term for year in (2025, 2026, 2027) for term in default_terms(year)])


def test_the_default_timescales_are_1_and_20_school_days() -> None:
    assert CMETimescales(1, 20) == DEFAULT_CME_TIMESCALES


@pytest.mark.parametrize(("first", "complete"), [(-1, 20), (1, -1), (21, 20)])
def test_timescales_that_make_no_sense_are_refused(first: int, complete: int) -> None:
    with pytest.raises(ValueError, match="cannot"):
        CMETimescales(first, complete)


def test_the_first_enquiry_on_a_wednesday_referral_is_due_on_thursday() -> None:
    assert first_enquiry_due(CAL, date(2026, 11, 18), DEFAULT_CME_TIMESCALES) == date(2026, 11, 19)


def test_the_first_enquiry_on_a_friday_referral_is_due_on_monday() -> None:
    assert first_enquiry_due(CAL, date(2026, 11, 20)) == date(2026, 11, 23)


def test_the_first_enquiry_on_a_weekend_referral_is_due_on_monday() -> None:
    assert first_enquiry_due(CAL, date(2026, 11, 21)) == date(2026, 11, 23)


def test_the_first_enquiry_on_a_referral_in_the_holidays_is_due_on_the_first_day_of_term() -> None:
    assert first_enquiry_due(CAL, date(2026, 12, 24)) == date(2027, 1, 4)


def test_enquiries_are_due_20_school_days_after_the_referral() -> None:
    # Mon 2 Nov 2026 + 20 school days = Mon 30 Nov 2026.
    assert enquiries_due(CAL, date(2026, 11, 2)) == date(2026, 11, 30)


def test_enquiries_due_over_christmas() -> None:
    # Mon 7 Dec 2026: 9 school days to Fri 18 Dec, then 11 more from Mon 4 Jan 2027.
    assert enquiries_due(CAL, date(2026, 12, 7)) == date(2027, 1, 18)


def test_a_council_can_set_its_own_timescales() -> None:
    mine = CMETimescales(first_enquiry_school_days=0, enquiries_complete_school_days=10)
    assert first_enquiry_due(CAL, date(2026, 11, 18), mine) == date(2026, 11, 18)
    assert enquiries_due(CAL, date(2026, 11, 18), mine) == date(2026, 12, 2)


def test_the_school_confirms_the_child_is_on_roll_within_10_school_days() -> None:
    assert put_on_roll_answer_due(CAL, date(2026, 11, 18)) == date(2026, 12, 2)
    assert put_on_roll_answer_due(CAL, date(2026, 11, 18), school_days=5) == date(2026, 11, 25)


def test_the_new_pupil_return_is_due_5_school_days_after_entry() -> None:
    assert new_pupil_return_due(CAL, date(2026, 11, 18)) == date(2026, 11, 25)
    assert new_pupil_return_due(CAL, date(2026, 11, 18), school_days=3) == date(2026, 11, 23)


def test_a_new_pupil_entered_before_half_term_is_due_after_it() -> None:
    # Wed 21 Oct 2026; half-term 26-30 October.
    assert new_pupil_return_due(CAL, date(2026, 10, 21)) == date(2026, 11, 4)


@pytest.mark.parametrize("due", [put_on_roll_answer_due, new_pupil_return_due])
def test_a_negative_timescale_is_refused(due: Callable[..., date]) -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        due(CAL, date(2026, 11, 18), school_days=-1)


@given(
    st.dates(min_value=date(2025, 9, 1), max_value=date(2028, 7, 1)),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=30),
)
def test_every_deadline_is_that_many_school_days_after_the_trigger(trigger: date, a: int, b: int) -> None:
    first, complete = sorted((a, b))
    t = CMETimescales(first, complete)
    assert CAL.school_days_between(trigger, first_enquiry_due(CAL, trigger, t)) == first
    assert CAL.school_days_between(trigger, enquiries_due(CAL, trigger, t)) == complete
    assert first_enquiry_due(CAL, trigger, t) <= enquiries_due(CAL, trigger, t)
