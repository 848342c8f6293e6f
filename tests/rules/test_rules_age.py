"""Compulsory school age: the prescribed start days, the school leaving date, leap-day birthdays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules.age import (
    birthday,
    compulsory_school_age_end,
    compulsory_school_age_start,
    is_compulsory_school_age,
)


@pytest.mark.parametrize(
    ("dob", "start"),
    [
        (date(2021, 1, 1), date(2026, 3, 31)),
        (date(2021, 3, 30), date(2026, 3, 31)),
        (date(2021, 3, 31), date(2026, 3, 31)),  # fifth birthday on a prescribed day
        (date(2021, 4, 1), date(2026, 8, 31)),
        (date(2021, 8, 30), date(2026, 8, 31)),
        (date(2021, 8, 31), date(2026, 8, 31)),
        (date(2021, 9, 1), date(2026, 12, 31)),
        (date(2021, 12, 30), date(2026, 12, 31)),
        (date(2021, 12, 31), date(2026, 12, 31)),
    ],
)
def test_compulsory_school_age_starts_on_the_prescribed_day_on_or_after_the_fifth_birthday(
    dob: date, start: date
) -> None:
    assert compulsory_school_age_start(dob) == start


@pytest.mark.parametrize(
    ("dob", "end"),
    [
        (date(2010, 9, 1), date(2027, 6, 25)),  # turns 16 on 1 Sep 2026: school year 2026/27
        (date(2010, 8, 31), date(2026, 6, 26)),  # turns 16 on 31 Aug 2026: school year 2025/26
        (date(2010, 7, 15), date(2026, 6, 26)),  # turns 16 after the leaving date
        (date(2010, 6, 26), date(2026, 6, 26)),  # turns 16 on the leaving date
        (date(2011, 1, 15), date(2027, 6, 25)),
        (date(2012, 3, 3), date(2028, 6, 30)),  # 30 June 2028 is itself a Friday
        (date(2013, 5, 1), date(2029, 6, 29)),  # 30 June 2029 is a Saturday
    ],
)
def test_compulsory_school_age_ends_on_the_last_friday_in_june_of_the_year_they_turn_16(
    dob: date, end: date
) -> None:
    assert compulsory_school_age_end(dob) == end
    assert end.weekday() == 4
    assert end.month == 6
    assert (end + timedelta(days=7)).month == 7


def test_a_child_born_on_29_february_turns_5_on_1_march_in_a_common_year() -> None:
    assert birthday(date(2020, 2, 29), 5) == date(2025, 3, 1)
    assert birthday(date(2020, 2, 29), 8) == date(2028, 2, 29)


def test_a_leap_day_child_starts_school_age_on_31_march() -> None:
    assert compulsory_school_age_start(date(2020, 2, 29)) == date(2025, 3, 31)
    assert compulsory_school_age_start(date(2024, 2, 29)) == date(2029, 3, 31)


def test_a_leap_day_child_leaves_school_age_in_june_of_the_year_they_turn_16() -> None:
    assert compulsory_school_age_end(date(2012, 2, 29)) == date(2028, 6, 30)  # 16 on 29 Feb 2028
    assert compulsory_school_age_end(date(2016, 2, 29)) == date(2032, 6, 25)  # 16 on 29 Feb 2032
    assert compulsory_school_age_end(date(2011, 2, 28)) == date(2027, 6, 25)


def test_the_first_and_last_days_are_both_included() -> None:
    dob = date(2021, 4, 1)
    start, end = compulsory_school_age_start(dob), compulsory_school_age_end(dob)
    assert not is_compulsory_school_age(dob, start - timedelta(days=1))
    assert is_compulsory_school_age(dob, start)
    assert is_compulsory_school_age(dob, date(2030, 1, 1))
    assert is_compulsory_school_age(dob, end)
    assert not is_compulsory_school_age(dob, end + timedelta(days=1))


def test_a_child_not_yet_born_is_not_of_compulsory_school_age() -> None:
    assert not is_compulsory_school_age(date(2027, 1, 1), date(2026, 11, 23))


DOBS = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


@given(DOBS)
def test_the_start_is_a_prescribed_day_within_five_months_after_the_fifth_birthday(
    dob: date,
) -> None:
    start = compulsory_school_age_start(dob)
    fifth = birthday(dob, 5)
    assert (start.month, start.day) in {(3, 31), (8, 31), (12, 31)}
    assert fifth <= start <= fifth + timedelta(days=152)  # 1 April to 31 August


@given(DOBS)
def test_the_child_is_15_or_16_when_compulsory_school_age_ends(dob: date) -> None:
    end = compulsory_school_age_end(dob)
    assert birthday(dob, 15) <= end < birthday(dob, 17)
    # The leaving date is in the school year (1 Sep - 31 Aug) of the 16th birthday.
    sixteenth = birthday(dob, 16)
    school_year_start = date(sixteenth.year if sixteenth.month >= 9 else sixteenth.year - 1, 9, 1)
    assert school_year_start < end < date(school_year_start.year + 1, 9, 1)


@given(DOBS, st.dates(min_value=date(1990, 1, 1), max_value=date(2050, 12, 31)))
def test_compulsory_school_age_is_one_unbroken_stretch(dob: date, on: date) -> None:
    expected = compulsory_school_age_start(dob) <= on <= compulsory_school_age_end(dob)
    assert is_compulsory_school_age(dob, on) is expected
