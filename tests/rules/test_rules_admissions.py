"""Admission timescales at their boundaries, across weekends and the Christmas holiday."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules.admissions import (
    DEFAULT_TIMESCALES,
    AdmissionTimescales,
    academic_year_span,
    answer_due,
    days_waiting,
    fair_access_placement_due,
    month_end,
    needs_waiting_case,
    school_response_due,
    second_window_ends,
    waiting_review_due,
)
from rollcall.rules.calendar import calendar_for, default_terms

# 2026/27 autumn term ends Friday 18 December 2026; spring term starts Monday 4 January 2027.
CAL = calendar_for([term for year in (2025, 2026, 2027) for term in default_terms(year)])


def test_the_defaults_are_the_statutory_and_seed_values() -> None:
    assert AdmissionTimescales(10, 10, 20, 7, 10) == DEFAULT_TIMESCALES


def test_a_negative_timescale_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        AdmissionTimescales(answer_window_school_days=-1)


def test_a_request_on_a_monday_is_due_two_weeks_later() -> None:
    assert answer_due(CAL, date(2026, 11, 16)) == date(2026, 11, 30)


def test_a_request_ten_school_days_before_the_holiday_is_due_on_the_last_day_of_term() -> None:
    assert answer_due(CAL, date(2026, 12, 4)) == date(2026, 12, 18)


def test_a_request_one_day_later_is_due_after_the_christmas_holiday() -> None:
    assert answer_due(CAL, date(2026, 12, 7)) == date(2027, 1, 4)


def test_a_request_sent_in_the_holiday_counts_from_the_first_day_of_term() -> None:
    assert answer_due(CAL, date(2026, 12, 25)) == date(2027, 1, 15)


def test_the_answer_window_is_a_setting() -> None:
    assert answer_due(CAL, date(2026, 11, 16), AdmissionTimescales(answer_window_school_days=5)) == date(
        2026, 11, 23
    )


def test_the_second_window_runs_ten_school_days_on_from_the_answer_date() -> None:
    assert second_window_ends(CAL, date(2026, 12, 7)) == date(2027, 1, 18)


def test_a_fair_access_place_is_due_within_twenty_school_days() -> None:
    assert fair_access_placement_due(CAL, date(2026, 11, 16)) == date(2026, 12, 14)


def test_a_fair_access_place_spans_the_christmas_holiday() -> None:
    assert fair_access_placement_due(CAL, date(2026, 12, 1)) == date(2027, 1, 12)


def test_a_school_has_seven_calendar_days_to_respond() -> None:
    assert school_response_due(date(2026, 12, 18)) == date(2026, 12, 25)


def test_waiting_is_reviewed_every_ten_school_days() -> None:
    assert waiting_review_due(CAL, date(2026, 12, 7)) == date(2027, 1, 4)


def test_days_waiting_counts_school_days_only_and_never_goes_negative() -> None:
    assert days_waiting(CAL, date(2026, 12, 18), date(2027, 1, 4)) == 1
    assert days_waiting(CAL, date(2026, 12, 18), date(2026, 12, 1)) == 0
    assert days_waiting(CAL, date(2026, 11, 16), date(2026, 11, 16)) == 0


def test_a_nine_year_old_with_no_place_needs_a_waiting_case() -> None:
    assert needs_waiting_case(date(2017, 5, 1), date(2026, 11, 16), on_roll=False)
    assert not needs_waiting_case(date(2017, 5, 1), date(2026, 11, 16), on_roll=True)


def test_a_three_year_old_is_not_of_compulsory_school_age() -> None:
    assert not needs_waiting_case(date(2023, 5, 1), date(2026, 11, 16), on_roll=False)


@given(st.dates(min_value=date(2025, 9, 1), max_value=date(2028, 6, 30)), st.integers(0, 40))
def test_the_answer_date_is_exactly_the_window_in_school_days_after_the_request(sent: date, n: int) -> None:
    due = answer_due(CAL, sent, AdmissionTimescales(answer_window_school_days=n))
    assert CAL.school_days_between(sent, due) == n
    if n:
        assert CAL.is_school_day(due)
        assert second_window_ends(CAL, sent, AdmissionTimescales(answer_window_school_days=n)) > due


@pytest.mark.parametrize(
    ("year", "month", "end"),
    [
        (2026, 1, dt.date(2026, 1, 31)),
        (2026, 2, dt.date(2026, 2, 28)),
        (2028, 2, dt.date(2028, 2, 29)),
        (2026, 4, dt.date(2026, 4, 30)),
        (2026, 12, dt.date(2026, 12, 31)),
    ],
)
def test_a_monthly_report_is_as_at_the_last_day_of_its_month(year: int, month: int, end: dt.date) -> None:
    assert month_end(year, month) == end


@pytest.mark.parametrize("month", [0, 13])
def test_there_is_no_thirteenth_month(month: int) -> None:
    with pytest.raises(ValueError, match="no month"):
        month_end(2026, month)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_day_is_on_or_before_its_months_end_and_the_next_day_is_a_new_month(day: dt.date) -> None:
    end = month_end(day.year, day.month)
    assert day <= end
    assert (end + dt.timedelta(days=1)).day == 1


def test_the_annual_report_runs_from_september_to_august() -> None:
    assert academic_year_span(2026) == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
