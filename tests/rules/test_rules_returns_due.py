"""Returns completeness: due dates of the four statutory returns and where each stands."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules.calendar import calendar_for, default_terms
from rollcall.rules.returns_due import (
    ReturnStanding,
    attendance_return_due,
    classify,
    deletion_return_due,
    is_september_reception_intake,
    new_pupil_return_due,
    sickness_return_due,
)

CAL = calendar_for([term for year in (2025, 2026, 2027) for term in default_terms(year)])


def test_a_new_pupil_entered_on_a_monday_is_due_the_next_monday() -> None:
    assert new_pupil_return_due(CAL, date(2026, 11, 9)) == date(2026, 11, 16)


def test_the_5th_school_day_skips_the_october_half_term() -> None:
    # Autumn 2026: half-term 26-30 October. Entered Wed 21 Oct: Thu, Fri, then Mon 2, Tue 3, Wed 4 Nov.
    assert new_pupil_return_due(CAL, date(2026, 10, 21)) == date(2026, 11, 4)


def test_the_5th_school_day_skips_the_early_may_bank_holiday() -> None:
    # Monday 3 May 2027 is a bank holiday inside the summer term.
    assert new_pupil_return_due(CAL, date(2027, 4, 27)) == date(2027, 5, 5)


def test_a_pupil_entered_in_a_holiday_counts_from_the_next_school_day() -> None:
    # Entered Tuesday 27 October 2026 (half-term): day 1 is Monday 2 November.
    assert new_pupil_return_due(CAL, date(2026, 10, 27)) == date(2026, 11, 6)


def test_a_return_on_the_5th_school_day_is_on_time_and_the_next_school_day_late() -> None:
    due = new_pupil_return_due(CAL, date(2026, 10, 21))
    assert due is not None
    assert classify(due=due, received_on=due, today=date(2026, 12, 1)) is ReturnStanding.ON_TIME
    next_day = CAL.next_school_day(due)
    assert classify(due=due, received_on=next_day, today=date(2026, 12, 1)) is ReturnStanding.LATE


def test_the_due_day_itself_is_not_yet_missing() -> None:
    due = date(2026, 11, 4)
    assert classify(due=due, received_on=None, today=due) is ReturnStanding.NOT_YET_DUE
    assert classify(due=due, received_on=None, today=due + timedelta(days=1)) is ReturnStanding.MISSING


@pytest.mark.parametrize(
    ("entered", "born", "excepted"),
    [
        (date(2026, 9, 2), date(2022, 5, 1), True),  # reception, September
        (date(2026, 9, 30), date(2022, 8, 31), True),  # youngest of the reception year
        (date(2026, 9, 2), date(2022, 9, 1), False),  # too young for reception this year
        (date(2026, 9, 2), date(2021, 5, 1), False),  # year 1
        (date(2026, 10, 1), date(2022, 5, 1), False),  # reception, but after September
        (date(2026, 8, 31), date(2022, 5, 1), False),
        (date(2026, 9, 2), None, False),  # no date of birth: owed
    ],
)
def test_the_september_reception_intake_owes_no_new_pupil_return(
    entered: date, born: date | None, excepted: bool
) -> None:
    assert is_september_reception_intake(entered, born) is excepted
    due = new_pupil_return_due(CAL, entered, date_of_birth=born)
    assert (due is None) is excepted


def test_the_council_may_ask_for_the_september_reception_intake() -> None:
    entered = date(2026, 9, 2)
    due = new_pupil_return_due(CAL, entered, date_of_birth=date(2022, 5, 1), council_asks_for_reception=True)
    assert due == date(2026, 9, 9)


def test_a_deletion_return_is_due_no_later_than_the_deletion() -> None:
    left = date(2026, 11, 13)
    assert deletion_return_due(left) == left
    assert classify(due=left, received_on=date(2026, 11, 13), today=left) is ReturnStanding.ON_TIME
    assert classify(due=left, received_on=date(2026, 11, 16), today=left) is ReturnStanding.LATE
    assert classify(due=left, received_on=None, today=date(2026, 11, 14)) is ReturnStanding.MISSING


def test_an_attendance_return_is_due_20_school_days_after_the_10th_day_across_half_term() -> None:
    # 10th day Friday 16 October 2026; 20 school days on, skipping 26-30 October: Friday 20 November.
    assert attendance_return_due(CAL, date(2026, 10, 16)) == date(2026, 11, 20)
    assert attendance_return_due(CAL, date(2026, 10, 16), school_days=1) == date(2026, 10, 19)


def test_a_sickness_return_is_due_after_the_15th_day_over_the_christmas_holiday() -> None:
    # 15th day Friday 18 December 2026; the spring term starts Monday 4 January 2027.
    assert sickness_return_due(CAL, date(2026, 12, 18), school_days=1) == date(2027, 1, 4)


@pytest.mark.parametrize("fn", [attendance_return_due, sickness_return_due])
def test_negative_timescales_are_refused(fn: object) -> None:
    with pytest.raises(ValueError, match="negative"):
        fn(CAL, date(2026, 11, 9), -1)  # type: ignore[operator]
    with pytest.raises(ValueError, match="negative"):
        new_pupil_return_due(CAL, date(2026, 11, 9), school_days=-1)


@given(
    due=st.dates(date(2025, 9, 1), date(2027, 7, 1)),
    received=st.none() | st.dates(date(2025, 9, 1), date(2027, 7, 1)),
    today=st.dates(date(2025, 9, 1), date(2027, 7, 1)),
)
def test_every_return_has_exactly_the_standing_its_dates_give(
    due: date, received: date | None, today: date
) -> None:
    standing = classify(due=due, received_on=received, today=today)
    if received is None:
        assert (standing is ReturnStanding.MISSING) == (today > due)
        assert standing in {ReturnStanding.MISSING, ReturnStanding.NOT_YET_DUE}
    else:
        assert (standing is ReturnStanding.ON_TIME) == (received <= due)
        assert standing in {ReturnStanding.ON_TIME, ReturnStanding.LATE}


@given(st.dates(date(2025, 9, 1), date(2027, 7, 1)))
def test_the_new_pupil_return_falls_on_a_school_day_exactly_5_school_days_on(entered: date) -> None:
    due = new_pupil_return_due(CAL, entered)
    assert due is not None
    assert CAL.is_school_day(due)
    assert CAL.school_days_between(entered, due) == 5
