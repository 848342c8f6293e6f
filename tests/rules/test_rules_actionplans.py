"""The tracker's plain rules: overdue, escalation day, quarters and month ends (no database)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules import actionplans as rules
from rollcall.rules.calendar import calendar_for, default_terms


def test_an_action_is_not_overdue_on_its_due_date_but_is_the_day_after() -> None:
    due = dt.date(2026, 11, 2)
    assert not rules.is_overdue(due_on=due, status=rules.IN_PROGRESS, today=due)
    assert rules.is_overdue(due_on=due, status=rules.IN_PROGRESS, today=due + dt.timedelta(days=1))


def test_a_complete_action_or_one_with_no_due_date_is_never_overdue() -> None:
    late = dt.date(2030, 1, 1)
    assert not rules.is_overdue(due_on=dt.date(2020, 8, 31), status=rules.COMPLETE, today=late)
    assert not rules.is_overdue(due_on=None, status=rules.NOT_STARTED, today=late)
    # "Not stated" is not complete: a transcribed plan's silent action is followed up.
    assert rules.is_overdue(due_on=dt.date(2021, 11, 1), status=rules.NOT_STATED, today=late)


def test_the_escalation_day_counts_school_days_from_the_due_date() -> None:
    calendar = calendar_for(default_terms(2026))
    due = dt.date(2026, 11, 2)  # a Monday in term
    day = rules.escalation_day(due_on=due, after_school_days=10, calendar=calendar)
    assert calendar.school_days_between(due, day) == 10
    assert day == dt.date(2026, 11, 16)


def test_quarters_run_january_to_march_and_so_on() -> None:
    q = rules.Quarter.of(dt.date(2026, 11, 16))
    assert (q.label, q.start, q.end) == ("Q4 2026", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert rules.Quarter.of(dt.date(2024, 3, 31)).end == dt.date(2024, 3, 31)
    assert rules.Quarter.of(dt.date(2024, 4, 1)).label == "Q2 2024"
    assert q.next() == rules.Quarter(2027, 1)


def test_quarters_between_keeps_the_latest_ones_only() -> None:
    got = rules.quarters_between(dt.date(2024, 2, 1), dt.date(2026, 11, 16), limit=8)
    assert got[0].label == "Q1 2025"
    assert got[-1].label == "Q4 2026"
    assert len(got) == 8
    assert rules.quarters_between(dt.date(2026, 11, 16), dt.date(2026, 1, 1)) == []


def test_a_month_written_as_aug_20_becomes_its_last_day() -> None:
    assert rules.month_end(2020, 8) == dt.date(2020, 8, 31)
    assert rules.month_end(2024, 2) == dt.date(2024, 2, 29)  # leap year
    assert rules.month_end(2021, 2) == dt.date(2021, 2, 28)
    assert rules.month_end(2020, 12) == dt.date(2020, 12, 31)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_day_lies_inside_its_quarter(day: dt.date) -> None:
    q = rules.Quarter.of(day)
    assert q.start <= day <= q.end
    assert q.next().start == q.end + dt.timedelta(days=1)
