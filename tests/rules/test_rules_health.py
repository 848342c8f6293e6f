"""Health needs: the 15-day threshold, the provision deadline and the monthly check-ins."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules.calendar import calendar_for, default_terms
from rollcall.rules.health import (
    add_one_month,
    checkin_reminder_from,
    health_absence_days,
    next_checkin_due,
    provision_start_due,
    reaches_threshold,
    threshold_day,
    threshold_day_if_continuous,
)

# Autumn 2026: half-term 26-30 October; term ends Friday 18 December 2026.
CAL = calendar_for([term for year in (2025, 2026, 2027) for term in default_terms(year)])


def school_days_from(start: date, n: int) -> list[date]:
    days = [start if CAL.is_school_day(start) else CAL.next_school_day(start)]
    while len(days) < n:
        days.append(CAL.next_school_day(days[-1]))
    return days


def test_the_fourteenth_school_day_does_not_reach_the_threshold() -> None:
    days = school_days_from(date(2026, 11, 2), 14)
    assert health_absence_days(CAL, days, 2026) == 14
    assert not reaches_threshold(CAL, days, 2026)


def test_the_fifteenth_school_day_reaches_the_threshold() -> None:
    days = school_days_from(date(2026, 11, 2), 15)
    assert reaches_threshold(CAL, days, 2026)
    assert threshold_day(CAL, days, 2026) == date(2026, 11, 20)


def test_the_sixteenth_day_keeps_the_day_the_threshold_was_reached() -> None:
    days = school_days_from(date(2026, 11, 2), 16)
    assert health_absence_days(CAL, days, 2026) == 16
    assert threshold_day(CAL, days, 2026) == date(2026, 11, 20)


def test_a_consecutive_absence_across_a_weekend_counts_only_school_days() -> None:
    every_day = [date(2026, 11, 2) + timedelta(days=i) for i in range(21)]  # Mon 2 to Sun 22 Nov
    assert health_absence_days(CAL, every_day, 2026) == 15
    assert threshold_day_if_continuous(CAL, date(2026, 11, 2)) == date(2026, 11, 20)


def test_a_cumulative_absence_across_half_term_adds_up() -> None:
    before = school_days_from(date(2026, 10, 19), 5)  # 19-23 October
    half_term = [date(2026, 10, 26) + timedelta(days=i) for i in range(5)]
    after = school_days_from(date(2026, 11, 9), 10)
    days = before + half_term + after
    assert health_absence_days(CAL, days, 2026) == 15
    assert reaches_threshold(CAL, days, 2026)


def test_the_count_starts_again_after_the_summer_break() -> None:
    summer_term = school_days_from(date(2027, 7, 1), 10)
    autumn_term = school_days_from(date(2027, 9, 6), 10)
    assert health_absence_days(CAL, summer_term + autumn_term, 2026) == 10
    assert health_absence_days(CAL, summer_term + autumn_term, 2027) == 10
    assert not reaches_threshold(CAL, summer_term + autumn_term, 2027)


def test_earlier_days_this_year_bring_the_threshold_day_forward() -> None:
    assert threshold_day_if_continuous(CAL, date(2026, 11, 2), days_already=10) == date(2026, 11, 6)
    assert threshold_day_if_continuous(CAL, date(2026, 11, 2), days_already=20) == date(2026, 11, 2)


def test_an_absence_starting_on_a_saturday_counts_from_monday() -> None:
    assert threshold_day_if_continuous(CAL, date(2026, 11, 7)) == date(2026, 11, 27)


def test_a_lower_threshold_is_a_setting() -> None:
    days = school_days_from(date(2026, 11, 2), 10)
    assert reaches_threshold(CAL, days, 2026, threshold=10)


def test_provision_should_start_five_school_days_after_the_case_opens() -> None:
    assert provision_start_due(CAL, date(2026, 11, 16)) == date(2026, 11, 23)
    assert provision_start_due(CAL, date(2026, 10, 23)) == date(2026, 11, 6)  # across half-term


def test_a_check_in_is_one_calendar_month_later() -> None:
    assert next_checkin_due(None, date(2026, 11, 16)) == date(2026, 12, 16)
    assert next_checkin_due(date(2026, 12, 20), date(2026, 11, 16)) == date(2027, 1, 20)


def test_the_thirty_first_of_january_checks_in_at_the_end_of_february() -> None:
    assert add_one_month(date(2027, 1, 31)) == date(2027, 2, 28)
    assert add_one_month(date(2028, 1, 31)) == date(2028, 2, 29)  # leap year


def test_the_twenty_ninth_of_february_and_the_thirtieth_of_april() -> None:
    assert add_one_month(date(2028, 2, 29)) == date(2028, 3, 29)
    assert add_one_month(date(2027, 4, 30)) == date(2027, 5, 30)
    assert add_one_month(date(2027, 3, 31)) == date(2027, 4, 30)
    assert add_one_month(date(2026, 12, 31)) == date(2027, 1, 31)


def test_check_ins_fall_in_the_holidays_too() -> None:
    assert next_checkin_due(date(2026, 11, 24), date(2026, 11, 1)) == date(2026, 12, 24)


def test_the_reminder_comes_five_days_before() -> None:
    assert checkin_reminder_from(date(2026, 12, 16)) == date(2026, 12, 11)
    assert checkin_reminder_from(date(2026, 12, 16), 2) == date(2026, 12, 14)


DAYS = st.dates(min_value=date(2025, 9, 1), max_value=date(2028, 7, 31))


@given(st.lists(DAYS, max_size=60))
def test_the_count_never_exceeds_the_days_given_and_ignores_duplicates(days: list[date]) -> None:
    year = 2026
    count = health_absence_days(CAL, days, year)
    assert count <= len(set(days))
    assert count == health_absence_days(CAL, days + days, year)


@given(st.lists(DAYS, max_size=60), st.integers(min_value=1, max_value=30))
def test_the_threshold_day_exists_exactly_when_the_threshold_is_reached(days: list[date], n: int) -> None:
    reached = reaches_threshold(CAL, days, 2026, threshold=n)
    day = threshold_day(CAL, days, 2026, threshold=n)
    assert reached == (day is not None)
    if day is not None:
        assert health_absence_days(CAL, [d for d in days if d <= day], 2026) == n


@given(DAYS)
def test_a_check_in_is_28_to_31_days_later_and_never_skips_a_month(day: date) -> None:
    due = add_one_month(day)
    assert 28 <= (due - day).days <= 31
    assert (due.year * 12 + due.month) - (day.year * 12 + day.month) == 1
    assert due.day <= day.day


@given(DAYS, st.integers(min_value=1, max_value=14))
def test_a_continuous_absence_reaches_the_threshold_on_the_predicted_day(start: date, already: int) -> None:
    end = threshold_day_if_continuous(CAL, start, days_already=already)
    assert CAL.is_school_day(end)
    first = start if CAL.is_school_day(start) else CAL.next_school_day(start)
    assert len(CAL.school_days_in(first, end)) == 15 - already
