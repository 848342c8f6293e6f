"""The escalation ladder: thresholds in school days overdue, and the stored next escalation date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules.calendar import Term, calendar_for, default_terms
from rollcall.rules.escalation import (
    Ladder,
    Level,
    level_for,
    next_escalation_date,
    overdue_school_days,
)

# Autumn 2026 (demo dates): half-term is 26-30 October 2026.
CAL = calendar_for([term for year in (2025, 2026, 2027) for term in default_terms(year)])
LADDER = Ladder()


def test_the_levels_have_names_an_officer_reads() -> None:
    assert [level.label for level in Level] == [
        "Officer",
        "Team manager",
        "Head of service",
        "Exceptions report",
    ]


def test_the_levels_are_ordered() -> None:
    assert Level.OFFICER < Level.MANAGER < Level.HEAD_OF_SERVICE < Level.EXCEPTIONS


def test_the_default_ladder_is_5_10_and_20_school_days() -> None:
    assert (LADDER.manager_after, LADDER.head_after, LADDER.exceptions_after) == (5, 10, 20)


@pytest.mark.parametrize(
    ("manager", "head", "exceptions"), [(5, 5, 20), (10, 5, 20), (5, 20, 20), (0, 10, 20), (-1, 2, 3)]
)
def test_a_ladder_must_climb(manager: int, head: int, exceptions: int) -> None:
    with pytest.raises(ValueError, match="must increase"):
        Ladder(manager, head, exceptions)


def test_a_council_can_set_its_own_ladder() -> None:
    ladder = Ladder(manager_after=3, head_after=6, exceptions_after=15)
    assert level_for(ladder, 3) is Level.MANAGER
    assert level_for(ladder, 15) is Level.EXCEPTIONS


@pytest.mark.parametrize(
    ("overdue", "level"),
    [
        (0, Level.OFFICER),
        (1, Level.OFFICER),
        (4, Level.OFFICER),
        (5, Level.MANAGER),
        (6, Level.MANAGER),
        (9, Level.MANAGER),
        (10, Level.HEAD_OF_SERVICE),
        (19, Level.HEAD_OF_SERVICE),
        (20, Level.EXCEPTIONS),
        (200, Level.EXCEPTIONS),
    ],
)
def test_it_escalates_at_exactly_5_10_and_20_school_days(overdue: int, level: Level) -> None:
    assert level_for(LADDER, overdue) is level


def test_a_task_due_today_is_not_overdue() -> None:
    assert overdue_school_days(CAL, date(2026, 11, 18), date(2026, 11, 18)) == 0


def test_a_task_due_in_the_future_is_not_overdue() -> None:
    assert overdue_school_days(CAL, date(2026, 11, 25), date(2026, 11, 18)) == 0


def test_a_task_due_yesterday_is_one_school_day_overdue() -> None:
    assert overdue_school_days(CAL, date(2026, 11, 17), date(2026, 11, 18)) == 1


def test_a_task_due_on_friday_is_not_overdue_at_the_weekend_and_one_day_on_monday() -> None:
    due = date(2026, 11, 20)
    assert overdue_school_days(CAL, due, date(2026, 11, 21)) == 0
    assert overdue_school_days(CAL, due, date(2026, 11, 22)) == 0
    assert overdue_school_days(CAL, due, date(2026, 11, 23)) == 1


def test_half_term_does_not_count_as_overdue() -> None:
    due = date(2026, 10, 23)  # the Friday before half-term
    assert overdue_school_days(CAL, due, date(2026, 10, 30)) == 0
    assert overdue_school_days(CAL, due, date(2026, 11, 2)) == 1


def test_a_bank_holiday_does_not_count_as_overdue() -> None:
    due = date(2027, 4, 30)  # Friday before the early May bank holiday, Mon 3 May 2027
    assert overdue_school_days(CAL, due, date(2027, 5, 3)) == 0
    assert overdue_school_days(CAL, due, date(2027, 5, 4)) == 1


def test_the_next_escalation_date_from_each_level() -> None:
    due = date(2026, 11, 2)  # a Monday
    assert next_escalation_date(CAL, LADDER, due, Level.OFFICER) == date(2026, 11, 9)
    assert next_escalation_date(CAL, LADDER, due, Level.MANAGER) == date(2026, 11, 16)
    assert next_escalation_date(CAL, LADDER, due, Level.HEAD_OF_SERVICE) == date(2026, 11, 30)
    assert next_escalation_date(CAL, LADDER, due, Level.EXCEPTIONS) is None


def test_the_next_escalation_date_skips_the_christmas_holiday() -> None:
    due = date(2026, 12, 14)  # a Monday; the autumn term ends Fri 18 Dec 2026
    # 15-18 December are days 1-4; Mon 4 January 2027 is day 5.
    assert next_escalation_date(CAL, LADDER, due, Level.OFFICER) == date(2027, 1, 4)


def test_the_ladder_thresholds_by_level() -> None:
    assert [LADDER.threshold(level) for level in Level] == [0, 5, 10, 20]


DATES = st.dates(min_value=date(2025, 9, 1), max_value=date(2028, 7, 1))
CLIMBING = st.sampled_from([Level.OFFICER, Level.MANAGER, Level.HEAD_OF_SERVICE])


@given(DATES, CLIMBING)
def test_a_task_reaches_the_next_level_on_the_next_escalation_date_and_not_before(
    due: date, current: Level
) -> None:
    when = next_escalation_date(CAL, LADDER, due, current)
    assert when is not None
    assert CAL.is_school_day(when)
    assert level_for(LADDER, overdue_school_days(CAL, due, when)) == current + 1
    assert level_for(LADDER, overdue_school_days(CAL, due, when - timedelta(days=1))) == current


@given(DATES, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_the_level_never_goes_down_as_days_pass(due: date, a: int, b: int) -> None:
    early, late = sorted((a, b))
    first = overdue_school_days(CAL, due, due + timedelta(days=early))
    second = overdue_school_days(CAL, due, due + timedelta(days=late))
    assert first <= second
    assert level_for(LADDER, first) <= level_for(LADDER, second)


@given(DATES, DATES)
def test_overdue_days_are_never_negative(due: date, today: date) -> None:
    assert overdue_school_days(CAL, due, today) >= 0


def test_escalation_works_where_term_dates_are_missing() -> None:
    calendar = calendar_for([Term(date(2026, 9, 2), date(2026, 12, 18))])
    # 2027 terms are not loaded: the fallback counts weekdays that are not bank holidays.
    assert next_escalation_date(calendar, LADDER, date(2027, 3, 1), Level.OFFICER) == date(2027, 3, 8)
