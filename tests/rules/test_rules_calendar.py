"""The school-day calendar: boundaries, bank holidays, fallback outside term dates, properties."""

from __future__ import annotations

import itertools
import time
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollcall.rules.calendar import (
    SchoolCalendar,
    Term,
    academic_year_of,
    calendar_for,
    default_terms,
    easter_sunday,
    england_bank_holidays,
)

ONE_DAY = timedelta(days=1)

# A realistic council year, 2022/23, with two INSET days. It holds the Queen's state funeral
# (Mon 19 Sep 2022), the early May bank holiday (Mon 1 May 2023) and the Coronation (Mon 8 May 2023)
# inside terms.
TERMS_2022_23 = (
    Term(date(2022, 9, 5), date(2022, 10, 21)),
    Term(date(2022, 10, 31), date(2022, 12, 20)),
    Term(date(2023, 1, 4), date(2023, 2, 10)),
    Term(date(2023, 2, 20), date(2023, 3, 31)),
    Term(date(2023, 4, 17), date(2023, 5, 26)),
    Term(date(2023, 6, 5), date(2023, 7, 21)),
)
INSET_2022_23 = (date(2022, 9, 5), date(2023, 2, 20))
CAL = calendar_for(TERMS_2022_23, closures=INSET_2022_23)

# 2027/28 spring, for the leap day (Tue 29 Feb 2028).
TERMS_SPRING_2028 = (
    Term(date(2028, 1, 4), date(2028, 2, 11)),
    Term(date(2028, 2, 21), date(2028, 3, 30)),
)
CAL_2028 = calendar_for(TERMS_SPRING_2028)

# A made-up summer 2022 term with no half-term, to put the Platinum Jubilee days inside a term.
CAL_JUBILEE = calendar_for([Term(date(2022, 5, 23), date(2022, 7, 22))])

# No term dates at all: every question falls back to weekdays that are not bank holidays.
CAL_NO_TERMS = calendar_for([], extra_years=range(2020, 2032))

# Several years of demo terms, for the property tests.
CAL_DEMO = calendar_for(
    [term for year in range(2022, 2028) for term in default_terms(year)],
    closures=[date(2024, 9, 2), date(2025, 1, 6), date(2026, 6, 1)],
)


# ------------------------------------------------------------------------------------------------
# A reference implementation, written the slow and obvious way, for the properties to check against.


def reference_is_school_day(calendar: SchoolCalendar, day: date) -> bool:
    off = day.weekday() >= 5 or day in calendar.bank_holidays or day in calendar.closures
    if calendar.terms:
        first = min(t.start for t in calendar.terms)
        last = max(t.end for t in calendar.terms)
        if first <= day <= last:
            return not off and any(t.start <= day <= t.end for t in calendar.terms)
    return not off


def reference_add(calendar: SchoolCalendar, start: date, n: int) -> date:
    day, step = start, (ONE_DAY if n >= 0 else -ONE_DAY)
    for _ in range(abs(n)):
        day += step
        while not reference_is_school_day(calendar, day):
            day += step
    return day


def reference_between(calendar: SchoolCalendar, start: date, end: date) -> int:
    low, high = sorted((start, end))
    count = sum(reference_is_school_day(calendar, low + ONE_DAY * i) for i in range(1, (high - low).days + 1))
    return count if end >= start else -count


# ------------------------------------------------------------------------------------------------
# Terms


def test_a_term_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="cannot end"):
        Term(date(2026, 9, 3), date(2026, 9, 2))


def test_a_one_day_term_is_allowed() -> None:
    calendar = calendar_for([Term(date(2026, 9, 2), date(2026, 9, 2))])
    assert calendar.school_days_in(date(2026, 9, 1), date(2026, 9, 3)) == [
        date(2026, 9, 1),  # fallback before the term dates
        date(2026, 9, 2),
        date(2026, 9, 3),  # fallback after the term dates
    ]


def test_terms_given_out_of_order_or_overlapping_are_merged() -> None:
    shuffled = SchoolCalendar(
        terms=(
            Term(date(2026, 11, 2), date(2026, 12, 18)),
            Term(date(2026, 9, 2), date(2026, 10, 23)),
            Term(date(2026, 10, 20), date(2026, 10, 23)),
        )
    )
    assert shuffled.terms[0].start == date(2026, 9, 2)
    assert shuffled.is_school_day(date(2026, 10, 21))
    assert not shuffled.is_school_day(date(2026, 10, 27))


def test_calendars_built_from_the_same_dates_are_equal_and_hashable() -> None:
    again = calendar_for(list(TERMS_2022_23), closures=set(INSET_2022_23))
    assert again == CAL
    assert hash(again) == hash(CAL)
    assert "_school_days" not in repr(CAL)


# ------------------------------------------------------------------------------------------------
# Which days are school days


@pytest.mark.parametrize(
    ("day", "expected", "why"),
    [
        (date(2022, 9, 5), False, "INSET day on the first day of term"),
        (date(2022, 9, 6), True, "first teaching day"),
        (date(2022, 9, 10), False, "Saturday"),
        (date(2022, 9, 11), False, "Sunday"),
        (date(2022, 9, 19), False, "state funeral of Queen Elizabeth II (one-off bank holiday)"),
        (date(2022, 10, 21), True, "last day of the first half-term"),
        (date(2022, 10, 24), False, "October half-term"),
        (date(2022, 12, 20), True, "last day of the autumn term"),
        (date(2022, 12, 21), False, "Christmas holiday"),
        (date(2022, 12, 27), False, "Christmas Day substitute bank holiday"),
        (date(2023, 1, 2), False, "New Year's Day substitute bank holiday"),
        (date(2023, 1, 4), True, "first day of the spring term"),
        (date(2023, 2, 20), False, "INSET day after February half-term"),
        (date(2023, 4, 7), False, "Good Friday"),
        (date(2023, 4, 10), False, "Easter Monday"),
        (date(2023, 5, 1), False, "early May bank holiday in term"),
        (date(2023, 5, 8), False, "Coronation of King Charles III (one-off bank holiday)"),
        (date(2023, 5, 9), True, "the day after the Coronation"),
        (date(2023, 7, 21), True, "last day of the summer term"),
    ],
)
def test_school_days_in_the_2022_23_year(day: date, expected: bool, why: str) -> None:
    assert CAL.is_school_day(day) is expected, why


@pytest.mark.parametrize("day", [date(2022, 6, 2), date(2022, 6, 3)])
def test_the_platinum_jubilee_bank_holidays_are_not_school_days(day: date) -> None:
    assert CAL_JUBILEE.covers(day)
    assert not CAL_JUBILEE.is_school_day(day)


def test_the_platinum_jubilee_weekend_is_skipped_when_adding_days() -> None:
    # Wed 1 Jun 2022 + 1 school day: Thu 2 and Fri 3 are bank holidays, then the weekend.
    assert CAL_JUBILEE.add_school_days(date(2022, 6, 1), 1) == date(2022, 6, 6)


@pytest.mark.parametrize(
    "day",
    [
        date(2022, 6, 2),
        date(2022, 6, 3),
        date(2022, 9, 19),
        date(2023, 5, 8),
        date(2022, 12, 27),
        date(2023, 1, 2),
        date(2028, 1, 3),
        date(2027, 12, 28),
    ],
)
def test_england_bank_holidays_include_one_offs_and_substitute_days(day: date) -> None:
    assert day in england_bank_holidays([2022, 2023, 2027, 2028])


def test_england_bank_holidays_do_not_include_ordinary_days_or_scottish_ones() -> None:
    days = england_bank_holidays([2026])
    assert date(2026, 1, 2) not in days  # 2 January is a bank holiday in Scotland only
    assert date(2026, 11, 30) not in days  # St Andrew's Day, Scotland only
    assert date(2026, 3, 17) not in days  # St Patrick's Day, Northern Ireland only
    assert date(2026, 8, 31) in days  # late summer bank holiday


def test_no_years_means_no_bank_holidays() -> None:
    assert england_bank_holidays([]) == frozenset()


def test_calendar_for_loads_bank_holidays_a_year_either_side_and_extra_years() -> None:
    calendar = calendar_for([Term(date(2026, 9, 2), date(2027, 7, 21))], extra_years=[2040])
    years = {d.year for d in calendar.bank_holidays}
    assert years == {2025, 2026, 2027, 2028, 2040}


# ------------------------------------------------------------------------------------------------
# Adding school days: the trigger day is day 0


def test_the_trigger_day_is_day_zero() -> None:
    assert CAL.add_school_days(date(2022, 11, 16), 0) == date(2022, 11, 16)


def test_adding_zero_days_to_a_saturday_returns_the_saturday() -> None:
    assert CAL.add_school_days(date(2022, 11, 19), 0) == date(2022, 11, 19)


def test_one_school_day_after_a_wednesday_is_the_thursday() -> None:
    assert CAL.add_school_days(date(2022, 11, 16), 1) == date(2022, 11, 17)


def test_one_school_day_after_a_friday_is_the_monday() -> None:
    assert CAL.add_school_days(date(2022, 11, 18), 1) == date(2022, 11, 21)


def test_one_school_day_after_a_saturday_is_the_monday() -> None:
    assert CAL.add_school_days(date(2022, 11, 19), 1) == date(2022, 11, 21)


@pytest.mark.parametrize(
    ("start", "expected", "why"),
    [
        (date(2022, 10, 21), date(2022, 10, 31), "over October half-term"),
        (date(2022, 12, 20), date(2023, 1, 4), "from the last day of the autumn term"),
        (date(2023, 2, 10), date(2023, 2, 21), "over February half-term and an INSET day"),
        (date(2023, 3, 31), date(2023, 4, 17), "over the Easter holiday"),
        (date(2022, 9, 16), date(2022, 9, 20), "over the Queen's funeral"),
        (date(2023, 4, 28), date(2023, 5, 2), "over the early May bank holiday"),
        (date(2023, 5, 5), date(2023, 5, 9), "over the Coronation bank holiday"),
        (date(2023, 5, 26), date(2023, 6, 5), "over the late May half-term"),
    ],
)
def test_the_next_school_day_skips_holidays(start: date, expected: date, why: str) -> None:
    assert CAL.add_school_days(start, 1) == expected, why
    assert CAL.next_school_day(start) == expected, why
    assert CAL.previous_school_day(expected) == start, why


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (11, date(2022, 12, 20)),
        (12, date(2023, 1, 4)),
        (14, date(2023, 1, 6)),
        (15, date(2023, 1, 9)),
        (16, date(2023, 1, 10)),
        (20, date(2023, 1, 16)),
    ],
)
def test_counting_the_14th_15th_and_16th_day_over_christmas(n: int, expected: date) -> None:
    referred = date(2022, 12, 5)  # a Monday
    assert CAL.add_school_days(referred, n) == expected
    assert CAL.school_days_between(referred, expected) == n


def test_the_15th_day_is_not_yet_reached_on_the_14th() -> None:
    referred = date(2022, 12, 5)
    assert CAL.school_days_between(referred, date(2023, 1, 8)) == 14  # Sunday after the 14th day
    assert CAL.school_days_between(referred, date(2023, 1, 9)) == 15


def test_negative_days_count_backwards() -> None:
    assert CAL.add_school_days(date(2023, 1, 4), -1) == date(2022, 12, 20)
    assert CAL.add_school_days(date(2023, 1, 9), -15) == date(2022, 12, 5)


def test_one_school_day_before_a_sunday_is_the_friday() -> None:
    assert CAL.add_school_days(date(2022, 11, 20), -1) == date(2022, 11, 18)


# ------------------------------------------------------------------------------------------------
# The leap day


def test_the_leap_day_2028_is_a_school_day() -> None:
    assert CAL_2028.is_school_day(date(2028, 2, 29))


def test_adding_days_around_the_leap_day() -> None:
    assert CAL_2028.add_school_days(date(2028, 2, 28), 1) == date(2028, 2, 29)
    assert CAL_2028.add_school_days(date(2028, 2, 29), 1) == date(2028, 3, 1)
    assert CAL_2028.add_school_days(date(2028, 2, 25), 2) == date(2028, 2, 29)
    assert CAL_2028.school_days_between(date(2028, 2, 27), date(2028, 3, 1)) == 3


def test_the_leap_day_counts_in_the_fallback_too() -> None:
    assert CAL_NO_TERMS.add_school_days(date(2028, 2, 25), 2) == date(2028, 2, 29)
    assert CAL_NO_TERMS.school_days_between(date(2028, 2, 28), date(2028, 3, 1)) == 2


def test_a_leap_day_closure_is_skipped() -> None:
    calendar = calendar_for(TERMS_SPRING_2028, closures=[date(2028, 2, 29)])
    assert calendar.add_school_days(date(2028, 2, 28), 1) == date(2028, 3, 1)


# ------------------------------------------------------------------------------------------------
# Outside the council's term dates


def test_the_calendar_says_which_days_its_term_dates_cover() -> None:
    assert CAL.covers(date(2022, 9, 5))
    assert CAL.covers(date(2022, 10, 26))  # half-term is inside the span
    assert CAL.covers(date(2023, 7, 21))
    assert not CAL.covers(date(2022, 9, 4))
    assert not CAL.covers(date(2023, 7, 22))
    assert not CAL_NO_TERMS.covers(date(2026, 1, 1))


def test_after_the_last_term_weekdays_that_are_not_bank_holidays_count() -> None:
    # Term dates for 2023/24 are not loaded: the summer holiday falls back to weekdays, so a
    # deadline set in July still arrives.
    assert CAL.add_school_days(date(2023, 7, 21), 1) == date(2023, 7, 24)
    assert not CAL.is_school_day(date(2023, 8, 28))  # late summer bank holiday
    assert CAL.add_school_days(date(2023, 8, 25), 1) == date(2023, 8, 29)


def test_before_the_first_term_weekdays_that_are_not_bank_holidays_count() -> None:
    assert not CAL.is_school_day(date(2022, 8, 29))  # late summer bank holiday
    assert CAL.is_school_day(date(2022, 8, 30))
    assert CAL.add_school_days(date(2022, 8, 26), 1) == date(2022, 8, 30)


def test_counting_into_the_term_dates_from_before_them() -> None:
    # Fri 2 Sep 2022 is before the term dates; Mon 5 Sep is an INSET day; Tue 6 Sep is day 1.
    assert CAL.add_school_days(date(2022, 9, 2), 1) == date(2022, 9, 6)
    assert CAL.school_days_between(date(2022, 9, 1), date(2022, 9, 6)) == 2


def test_when_next_year_is_loaded_the_summer_holiday_is_a_holiday() -> None:
    calendar = calendar_for([*default_terms(2026), *default_terms(2027)])
    assert calendar.add_school_days(date(2027, 7, 21), 1) == date(2027, 9, 1)


def test_a_calendar_without_terms_counts_weekdays_without_bank_holidays() -> None:
    # Thu 24 Dec 2026 + 2: Fri 25 and Mon 28 (Boxing Day substitute) are bank holidays.
    assert CAL_NO_TERMS.add_school_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    # 22, 23, 24, 29, 30, 31 December and 4 January (1 January is a bank holiday).
    assert CAL_NO_TERMS.school_days_between(date(2026, 12, 21), date(2027, 1, 4)) == 7


def test_a_closure_outside_the_term_dates_is_still_not_a_school_day() -> None:
    calendar = calendar_for(TERMS_2022_23, closures=[date(2023, 7, 24)])
    assert not calendar.is_school_day(date(2023, 7, 24))


# ------------------------------------------------------------------------------------------------
# Counting between dates and listing school days


def test_counting_excludes_the_start_and_includes_the_end() -> None:
    assert CAL.school_days_between(date(2022, 11, 14), date(2022, 11, 18)) == 4
    assert CAL.school_days_between(date(2022, 11, 14), date(2022, 11, 14)) == 0


def test_counting_backwards_is_negative() -> None:
    assert CAL.school_days_between(date(2022, 11, 18), date(2022, 11, 14)) == -4


def test_a_whole_school_year_has_a_plausible_number_of_days() -> None:
    days = CAL.school_days_in(date(2022, 9, 5), date(2023, 7, 21))
    assert len(days) == 190
    assert days[0] == date(2022, 9, 6)
    assert days[-1] == date(2023, 7, 21)


def test_school_days_in_includes_both_ends() -> None:
    assert CAL.school_days_in(date(2023, 5, 5), date(2023, 5, 10)) == [
        date(2023, 5, 5),
        date(2023, 5, 9),
        date(2023, 5, 10),
    ]


def test_school_days_in_an_empty_or_reversed_range_is_empty() -> None:
    assert CAL.school_days_in(date(2022, 10, 24), date(2022, 10, 28)) == []
    assert CAL.school_days_in(date(2022, 11, 18), date(2022, 11, 14)) == []


def test_adding_twenty_school_days_takes_microseconds() -> None:
    start = time.perf_counter()
    for i in range(10_000):
        CAL_DEMO.add_school_days(date(2026, 11, 23) + timedelta(days=i % 300), 20)
    elapsed = time.perf_counter() - start
    # About 1 microsecond each on a laptop; the bound is generous so a busy CI machine passes.
    assert elapsed < 1.0


# ------------------------------------------------------------------------------------------------
# Academic years, Easter and the demo term dates


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 11, 23), 2026),
        (date(2027, 3, 1), 2026),
        (date(2026, 8, 31), 2025),
        (date(2026, 9, 1), 2026),
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),
        (date(2028, 2, 29), 2027),
    ],
)
def test_the_academic_year_starts_on_1_september(day: date, year: int) -> None:
    assert academic_year_of(day) == year


@pytest.mark.parametrize(
    "easter",
    [
        date(2000, 4, 23),
        date(2008, 3, 23),
        date(2019, 4, 21),
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
        date(2028, 4, 16),
        date(2038, 4, 25),  # the latest possible date
        date(2285, 3, 22),  # the earliest possible date
    ],
)
def test_easter_sunday_is_computed_correctly(easter: date) -> None:
    assert easter_sunday(easter.year) == easter


def test_easter_agrees_with_the_bank_holiday_data() -> None:
    bank_holidays = england_bank_holidays(range(1980, 2101))
    for year in range(1980, 2101):
        easter = easter_sunday(year)
        assert easter - timedelta(days=2) in bank_holidays, year  # Good Friday
        assert easter + timedelta(days=1) in bank_holidays, year  # Easter Monday


@given(st.integers(min_value=1583, max_value=4000))
def test_easter_is_a_sunday_between_22_march_and_25_april(year: int) -> None:
    easter = easter_sunday(year)
    assert easter.weekday() == 6
    assert date(year, 3, 22) <= easter <= date(year, 4, 25)


def test_the_demo_terms_for_2026_look_like_an_english_school_year() -> None:
    terms = default_terms(2026)
    assert len(terms) == 6
    assert terms[0].start == date(2026, 9, 2)  # the first Wednesday of September
    assert terms[0].end == date(2026, 10, 23)  # before the half-term week of Mon 26 October
    assert terms[1].start == date(2026, 11, 2)
    assert terms[3].end == date(2027, 3, 19)  # the Friday before Holy Week (Easter: 28 March)
    assert terms[4].start == date(2027, 4, 5)  # the Monday after Easter Monday
    assert terms[5].start == date(2027, 6, 7)  # after the late May half-term
    assert terms[5].end == date(2027, 7, 21)


@given(st.integers(min_value=1990, max_value=2200))
def test_the_demo_terms_are_ordered_weekday_terms_of_a_plausible_length(year: int) -> None:
    terms = default_terms(year)
    assert len(terms) == 6
    for earlier, later in itertools.pairwise(terms):
        assert earlier.end < later.start
    for term in terms:
        assert term.start.weekday() < 5
        assert term.end.weekday() < 5
    assert date(year, 9, 1) <= terms[0].start <= date(year, 9, 7)
    assert terms[0].start.weekday() == 2
    assert terms[-1].end <= date(year + 1, 7, 21)
    easter = easter_sunday(year + 1)
    assert terms[3].end < easter - timedelta(days=2) < easter + timedelta(days=1) < terms[4].start
    calendar = SchoolCalendar(terms=terms)  # no bank holidays: count the term weekdays only
    days = len(calendar.school_days_in(terms[0].start, terms[-1].end))
    assert 185 <= days <= 202


@pytest.mark.parametrize("year", range(2020, 2031))
def test_the_demo_years_have_about_190_school_days(year: int) -> None:
    terms = default_terms(year)
    calendar = calendar_for(terms)
    days = len(calendar.school_days_in(terms[0].start, terms[-1].end))
    assert 188 <= days <= 198


# ------------------------------------------------------------------------------------------------
# Properties

DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 12, 31))
STEPS = st.integers(min_value=0, max_value=400)


@given(DATES, st.integers(min_value=1, max_value=400))
def test_adding_school_days_lands_on_a_school_day(start: date, n: int) -> None:
    assert CAL_DEMO.is_school_day(CAL_DEMO.add_school_days(start, n))
    assert CAL_DEMO.is_school_day(CAL_DEMO.add_school_days(start, -n))


@given(DATES, STEPS)
def test_counting_undoes_adding(start: date, n: int) -> None:
    assert CAL_DEMO.school_days_between(start, CAL_DEMO.add_school_days(start, n)) == n


@given(DATES, STEPS)
def test_counting_backwards_undoes_adding_backwards_from_a_school_day(start: date, n: int) -> None:
    day = CAL_DEMO.next_school_day(start)
    earlier = CAL_DEMO.add_school_days(day, -n)
    assert CAL_DEMO.school_days_between(earlier, day) == n
    assert CAL_DEMO.add_school_days(earlier, n) == day


@given(DATES, st.integers(min_value=1, max_value=400))
def test_adding_moves_strictly_forward_and_backward(start: date, n: int) -> None:
    assert CAL_DEMO.add_school_days(start, n) > start
    assert CAL_DEMO.add_school_days(start, -n) < start


@given(DATES, DATES, STEPS)
def test_adding_is_monotonic_in_the_start_date(a: date, b: date, n: int) -> None:
    early, late = sorted((a, b))
    assert CAL_DEMO.add_school_days(early, n) <= CAL_DEMO.add_school_days(late, n)


@given(DATES, STEPS, STEPS)
def test_adding_is_monotonic_in_the_number_of_days(start: date, m: int, n: int) -> None:
    fewer, more = sorted((m, n))
    assert CAL_DEMO.add_school_days(start, fewer) <= CAL_DEMO.add_school_days(start, more)


@given(DATES, STEPS, STEPS)
def test_adding_in_two_steps_equals_adding_once(start: date, m: int, n: int) -> None:
    # Holds once the first step lands on a school day, i.e. when m >= 1.
    first = CAL_DEMO.add_school_days(start, m + 1)
    assert CAL_DEMO.add_school_days(first, n) == CAL_DEMO.add_school_days(start, m + 1 + n)


@given(DATES, DATES, DATES)
def test_counting_is_additive_and_antisymmetric(a: date, b: date, c: date) -> None:
    between = CAL_DEMO.school_days_between
    assert between(a, b) + between(b, c) == between(a, c)
    assert between(a, b) == -between(b, a)


@given(DATES)
def test_the_next_school_day_is_the_first_one_after(day: date) -> None:
    following = CAL_DEMO.next_school_day(day)
    assert following > day
    assert CAL_DEMO.is_school_day(following)
    assert CAL_DEMO.school_days_in(day + ONE_DAY, following - ONE_DAY) == []


@given(DATES)
def test_is_school_day_agrees_with_the_slow_reference(day: date) -> None:
    assert CAL_DEMO.is_school_day(day) is reference_is_school_day(CAL_DEMO, day)


@given(DATES, st.integers(min_value=-60, max_value=60))
def test_adding_agrees_with_the_slow_reference(start: date, n: int) -> None:
    assert CAL_DEMO.add_school_days(start, n) == reference_add(CAL_DEMO, start, n)


@given(DATES, st.integers(min_value=-120, max_value=120))
def test_counting_agrees_with_the_slow_reference(start: date, offset: int) -> None:
    end = start + timedelta(days=offset)
    assert CAL_DEMO.school_days_between(start, end) == reference_between(CAL_DEMO, start, end)


@given(DATES, st.integers(min_value=0, max_value=60))
def test_listing_agrees_with_the_slow_reference(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    expected = [
        start + ONE_DAY * i
        for i in range(length + 1)
        if reference_is_school_day(CAL_DEMO, start + ONE_DAY * i)
    ]
    assert CAL_DEMO.school_days_in(start, end) == expected


# Arbitrary calendars: random terms (gaps, overlaps, single days) and random closures.
BASE = date(2026, 1, 1)


@st.composite
def calendars(draw: st.DrawFn) -> SchoolCalendar:
    terms = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        start = BASE + timedelta(days=draw(st.integers(min_value=0, max_value=300)))
        terms.append(Term(start, start + timedelta(days=draw(st.integers(0, 60)))))
    closures = draw(
        st.frozensets(st.dates(min_value=date(2025, 11, 1), max_value=date(2027, 3, 1)), max_size=20)
    )
    return SchoolCalendar(
        terms=tuple(terms),
        closures=closures,
        bank_holidays=england_bank_holidays([2025, 2026, 2027]),
    )


AROUND = st.dates(min_value=date(2025, 11, 1), max_value=date(2027, 3, 1))


@settings(max_examples=200)
@given(calendars(), AROUND, st.integers(min_value=-40, max_value=40))
def test_any_calendar_adds_like_the_slow_reference(calendar: SchoolCalendar, start: date, n: int) -> None:
    assert calendar.add_school_days(start, n) == reference_add(calendar, start, n)
    if n >= 0:
        assert calendar.school_days_between(start, calendar.add_school_days(start, n)) == n


@settings(max_examples=200)
@given(calendars(), AROUND, st.integers(min_value=-90, max_value=90))
def test_any_calendar_counts_like_the_slow_reference(
    calendar: SchoolCalendar, start: date, offset: int
) -> None:
    end = start + timedelta(days=offset)
    assert calendar.school_days_between(start, end) == reference_between(calendar, start, end)
    assert calendar.is_school_day(end) is reference_is_school_day(calendar, end)
