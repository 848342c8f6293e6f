"""The children-not-in-school register: part-time arrangements and the duties to inform, at their edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules.not_in_school import (
    SESSIONS_PER_WEEK,
    InformationTimescales,
    arrangement_in_force,
    arrangement_problems,
    next_provider_request_allowed,
    request_due,
    request_reminder_on,
    request_state,
)

T = InformationTimescales()


# ---- part-time arrangements ---------------------------------------------------------------------


@pytest.mark.parametrize("sessions", [1, 5, SESSIONS_PER_WEEK])
def test_an_arrangement_takes_one_to_ten_sessions(sessions: int) -> None:
    assert arrangement_problems(date(2026, 11, 2), None, sessions) == {}


@pytest.mark.parametrize("sessions", [0, SESSIONS_PER_WEEK + 1, None])
def test_no_sessions_or_more_than_a_school_week_is_refused(sessions: int | None) -> None:
    assert set(arrangement_problems(date(2026, 11, 2), None, sessions)) == {"sessions_elsewhere"}


def test_an_arrangement_may_end_on_the_day_it_starts_but_not_before() -> None:
    assert arrangement_problems(date(2026, 11, 2), date(2026, 11, 2), 2) == {}
    assert set(arrangement_problems(date(2026, 11, 2), date(2026, 11, 1), 2)) == {"ends_on"}


def test_an_arrangement_needs_a_start() -> None:
    assert set(arrangement_problems(None, None, 2)) == {"starts_on"}


def test_an_arrangement_is_in_force_from_its_first_to_its_last_day() -> None:
    start, end = date(2026, 11, 2), date(2026, 12, 18)
    assert not arrangement_in_force(start, end, start - timedelta(days=1))
    assert arrangement_in_force(start, end, start)
    assert arrangement_in_force(start, end, end)
    assert not arrangement_in_force(start, end, end + timedelta(days=1))


def test_an_open_ended_arrangement_stays_in_force() -> None:
    assert arrangement_in_force(date(2026, 11, 2), None, date(2030, 1, 1))


# ---- requests for the register information (calendar days, the request day is day 1) -----------


def test_a_parent_asked_on_the_first_answers_by_the_end_of_the_fifteenth() -> None:
    assert request_due(date(2026, 3, 1), to_provider=False) == date(2026, 3, 15)


def test_the_period_counts_half_term_days() -> None:
    # Autumn half-term 2026: 26-30 October. Calendar days all count.
    assert request_due(date(2026, 10, 22), to_provider=False) == date(2026, 11, 5)


def test_the_period_counts_christmas_and_bank_holidays() -> None:
    assert request_due(date(2026, 12, 18), to_provider=True) == date(2027, 1, 1)


def test_the_council_sets_each_period() -> None:
    t = InformationTimescales(parent_days=20, provider_days=10)
    assert request_due(date(2026, 11, 16), to_provider=False, t=t) == date(2026, 12, 5)
    assert request_due(date(2026, 11, 16), to_provider=True, t=t) == date(2026, 11, 25)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)), st.integers(1, 60))
def test_a_period_holds_exactly_its_days_including_the_request_day(sent: date, days: int) -> None:
    due = request_due(sent, to_provider=False, t=InformationTimescales(parent_days=days))
    assert (due - sent).days + 1 == days


@pytest.mark.parametrize("field", ["parent_days", "provider_days"])
def test_a_period_of_no_days_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        InformationTimescales(**{field: 0})


def test_a_negative_reminder_or_an_interval_over_a_year_is_refused() -> None:
    with pytest.raises(ValueError, match="reminder"):
        InformationTimescales(reminder_days=-1)
    with pytest.raises(ValueError, match="0 to 12 months"):
        InformationTimescales(provider_interval_months=13)


def test_a_request_is_waiting_then_reminded_then_overdue_the_day_after_it_is_due() -> None:
    due = date(2026, 11, 30)
    assert request_reminder_on(due) == date(2026, 11, 25)
    assert request_state(due, None, date(2026, 11, 24), T) == "waiting"
    assert request_state(due, None, date(2026, 11, 25), T) == "reminder"
    assert request_state(due, None, due, T) == "reminder"
    assert request_state(due, None, date(2026, 12, 1), T) == "overdue"


def test_an_answered_request_is_never_overdue() -> None:
    assert request_state(date(2026, 11, 30), date(2026, 12, 20), date(2027, 1, 1), T) == "answered"


def test_a_provider_may_be_asked_again_three_calendar_months_on() -> None:
    assert next_provider_request_allowed(None) is None
    assert next_provider_request_allowed(date(2026, 11, 30)) == date(2027, 2, 28)
    assert next_provider_request_allowed(date(2026, 1, 16)) == date(2026, 4, 16)
