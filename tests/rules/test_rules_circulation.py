"""Circulation every six months, review dates, acknowledgement deadlines and reminder dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules.circulation import (
    ReviewState,
    acknowledge_by,
    add_months,
    circulation_due,
    next_circulation_date,
    reminder_dates,
    reminder_due,
    review_state,
)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


def test_the_action_plan_example_is_due_again_in_february() -> None:
    # "Policy was sent to all staff on 03.08.23. Policy will need to be sent again by February 2024."
    assert next_circulation_date(date(2023, 8, 3)) == date(2024, 2, 3)


def test_the_31st_of_august_plus_six_months_is_the_last_day_of_february() -> None:
    assert next_circulation_date(date(2023, 8, 31)) == date(2024, 2, 29)  # leap year
    assert next_circulation_date(date(2024, 8, 31)) == date(2025, 2, 28)


def test_months_roll_over_the_year_end() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 1, 31), 0) == date(2026, 1, 31)


def test_a_one_off_has_no_next_circulation() -> None:
    assert next_circulation_date(date(2026, 1, 1), 0) is None
    assert not circulation_due(date(2020, 1, 1), 0, date(2030, 1, 1))


def test_negative_months_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        next_circulation_date(date(2026, 1, 1), -1)
    with pytest.raises(ValueError, match="negative"):
        add_months(date(2026, 1, 1), -1)


def test_circulation_is_due_on_the_date_and_not_the_day_before() -> None:
    sent = date(2026, 5, 16)
    assert not circulation_due(sent, 6, date(2026, 11, 15))
    assert circulation_due(sent, 6, date(2026, 11, 16))
    assert circulation_due(sent, 6, date(2026, 11, 17))


def test_a_policy_is_due_for_review_on_its_review_date() -> None:
    today = date(2026, 11, 16)
    assert review_state(today, today) == ReviewState.DUE_FOR_REVIEW
    assert review_state(today - timedelta(days=1), today) == ReviewState.DUE_FOR_REVIEW
    assert review_state(today + timedelta(days=1), today) == ReviewState.REVIEW_SOON
    assert review_state(today + timedelta(days=30), today) == ReviewState.REVIEW_SOON
    assert review_state(today + timedelta(days=31), today) == ReviewState.CURRENT
    assert review_state(today + timedelta(days=31), today, soon_days=31) == ReviewState.REVIEW_SOON
    assert review_state(None, today) == ReviewState.CURRENT


def test_acknowledgement_is_due_fourteen_calendar_days_after_sending() -> None:
    assert acknowledge_by(date(2026, 11, 16)) == date(2026, 11, 30)
    assert acknowledge_by(date(2026, 12, 25)) == date(2027, 1, 8)
    assert acknowledge_by(date(2026, 11, 16), 0) == date(2026, 11, 16)
    with pytest.raises(ValueError, match="negative"):
        acknowledge_by(date(2026, 11, 16), -1)


def test_reminders_go_a_week_before_and_on_the_deadline() -> None:
    sent, deadline = date(2026, 11, 16), date(2026, 11, 30)
    assert reminder_dates(sent, deadline) == [date(2026, 11, 23), date(2026, 11, 30)]


def test_a_reminder_on_or_before_the_sending_day_is_dropped() -> None:
    sent = date(2026, 11, 16)
    assert reminder_dates(sent, date(2026, 11, 23)) == [date(2026, 11, 23)]  # 7 before = sent day
    assert reminder_dates(sent, sent) == []


def test_the_reminder_due_is_the_latest_passed_reminder_date_until_the_deadline() -> None:
    sent, deadline = date(2026, 11, 16), date(2026, 11, 30)
    assert reminder_due(sent, deadline, date(2026, 11, 22)) is None
    assert reminder_due(sent, deadline, date(2026, 11, 23)) == date(2026, 11, 23)
    assert reminder_due(sent, deadline, date(2026, 11, 29)) == date(2026, 11, 23)
    assert reminder_due(sent, deadline, date(2026, 11, 30)) == date(2026, 11, 30)
    assert reminder_due(sent, deadline, date(2026, 12, 1)) is None


@given(dates, st.integers(min_value=0, max_value=120))
def test_adding_months_keeps_the_day_or_clamps_to_the_month_end(day: date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (result.day < day.day and (result + timedelta(days=1)).day == 1)


@given(dates, st.integers(min_value=1, max_value=24))
def test_the_next_circulation_is_always_later_and_within_the_months(day: date, months: int) -> None:
    nxt = next_circulation_date(day, months)
    assert nxt is not None
    assert day < nxt <= day + timedelta(days=31 * months)


@given(dates, st.integers(min_value=0, max_value=60))
def test_reminders_fall_after_sending_and_never_after_the_deadline(sent: date, days: int) -> None:
    deadline = acknowledge_by(sent, days)
    reminders = reminder_dates(sent, deadline)
    assert reminders == sorted(set(reminders))
    assert all(sent < r <= deadline for r in reminders)
    if days > 0:
        assert reminders[-1] == deadline
