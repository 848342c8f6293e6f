"""Retention periods: what is due on a day, exhaustively at the boundaries (rules/retention.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollcall.rules.retention import (
    RECORD_TYPES,
    Period,
    Unit,
    academic_year_end,
    add_period,
    due_on,
    is_due,
    latest_due_academic_year,
    latest_due_reference,
    schedule_errors,
    year_group,
)

D = dt.date
periods = st.builds(Period, st.integers(min_value=0, max_value=30), st.sampled_from(list(Unit)))
days = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))


def test_a_case_closed_is_kept_the_whole_period_and_due_on_the_anniversary() -> None:
    six = Period(6, Unit.YEARS)
    assert due_on(D(2020, 3, 3), six) == D(2026, 3, 3)
    assert not is_due(D(2020, 3, 3), D(2026, 3, 2), six)
    assert is_due(D(2020, 3, 3), D(2026, 3, 3), six)
    assert is_due(D(2020, 3, 3), D(2026, 3, 4), six)


def test_29_february_is_kept_until_1_march_when_the_year_has_no_29th() -> None:
    assert add_period(D(2024, 2, 29), Period(1, Unit.YEARS)) == D(2025, 3, 1)
    assert add_period(D(2024, 2, 29), Period(4, Unit.YEARS)) == D(2028, 2, 29)
    assert not is_due(D(2024, 2, 29), D(2025, 2, 28), Period(1, Unit.YEARS))
    assert is_due(D(2024, 2, 29), D(2025, 3, 1), Period(1, Unit.YEARS))


def test_a_month_end_that_does_not_exist_falls_on_the_next_first() -> None:
    assert add_period(D(2026, 1, 31), Period(1, Unit.MONTHS)) == D(2026, 3, 1)
    assert add_period(D(2026, 1, 31), Period(3, Unit.MONTHS)) == D(2026, 5, 1)
    assert add_period(D(2026, 1, 31), Period(2, Unit.MONTHS)) == D(2026, 3, 31)
    assert add_period(D(2026, 12, 31), Period(1, Unit.MONTHS)) == D(2027, 1, 31)
    assert add_period(D(2026, 10, 31), Period(1, Unit.MONTHS)) == D(2026, 12, 1)


def test_days_and_zero() -> None:
    assert due_on(D(2026, 12, 31), Period(1, Unit.DAYS)) == D(2027, 1, 1)
    assert due_on(D(2026, 5, 5), Period(0, Unit.YEARS)) == D(2026, 5, 5)
    assert latest_due_reference(D(2026, 5, 5), Period(0, Unit.MONTHS)) == D(2026, 5, 5)


def test_a_negative_period_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        Period(-1, Unit.DAYS)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(periods, days)
def test_never_due_before_the_full_period_has_run(period: Period, reference: dt.date) -> None:
    due = due_on(reference, period)
    assert due >= reference
    assert not is_due(reference, due - dt.timedelta(days=1), period)
    assert is_due(reference, due, period)
    # At most one day more than the period (the missing-anniversary rule).
    if period.unit is not Unit.DAYS:
        assert due.day in (reference.day, 1)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(periods, days)
def test_latest_due_reference_is_exactly_the_boundary(period: Period, today: dt.date) -> None:
    cutoff = latest_due_reference(today, period)
    assert is_due(cutoff, today, period)
    assert not is_due(cutoff + dt.timedelta(days=1), today, period)


@pytest.mark.parametrize("period", [Period(n, u) for u in Unit for n in (0, 1, 2, 6, 12)])
def test_latest_due_reference_agrees_with_is_due_on_every_day_around_leap_days(period: Period) -> None:
    """Every reference date and every day across two leap years: '<= cutoff' is 'is_due'."""
    start = D(2023, 12, 1)
    references = [start + dt.timedelta(days=i) for i in range(0, 120)]
    references += [D(2024, 2, 29) - dt.timedelta(days=i) for i in range(0, 5)]
    for offset in range(0, 8 * 366, 1 if period.unit is Unit.DAYS else 7):
        today = D(2024, 1, 1) + dt.timedelta(days=offset)
        cutoff = latest_due_reference(today, period)
        for reference in references:
            assert (reference <= cutoff) == is_due(reference, today, period), (reference, today)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(periods, days, st.integers(min_value=1990, max_value=2088))
def test_latest_due_academic_year(period: Period, today: dt.date, year: int) -> None:
    latest = latest_due_academic_year(today, period)
    assert (year <= latest) == is_due(academic_year_end(year), today, period)


def test_academic_year_end_boundary() -> None:
    six = Period(6, Unit.YEARS)
    # 2019/20 ended 31 August 2020: due on 31 August 2026, not the day before.
    assert latest_due_academic_year(D(2026, 8, 30), six) == 2018
    assert latest_due_academic_year(D(2026, 8, 31), six) == 2019


def test_every_record_type_has_a_default_within_its_bounds_and_a_source() -> None:
    keys = [t.key for t in RECORD_TYPES]
    assert len(keys) == len(set(keys))
    for kind in RECORD_TYPES:
        assert 0 <= kind.minimum <= kind.default <= kind.maximum
        assert kind.source
        assert kind.reference
    assert schedule_errors({t.key: t.default for t in RECORD_TYPES}) == {}


def test_schedule_errors_name_the_type_and_the_bound() -> None:
    errors = schedule_errors({"closed_cases": 26, "messages": -1, "nonsense": 3, "emails": 3660})
    assert errors == {
        "closed_cases": "Closed cases, with their tasks, events, flags, notes and enquiries cannot be kept "
        "for more than 25 years",
        "messages": "Messages in people's inboxes must be kept for 0 months or more",
        "nonsense": "There is no record type called nonsense",
    }


def test_a_childs_whole_record_cannot_be_set_to_go_before_they_are_18() -> None:
    assert schedule_errors({"child_records": 17}) == {
        "child_records": "Children's whole records (the child, addresses, carers, rolls, returns, cases "
        "and everything else about them) must be kept for 18 years or more"
    }
    assert schedule_errors({"child_records": 18}) == {}
    assert RECORD_TYPES[-1].key == "child_records"  # after the closed cases and the other records


@pytest.mark.parametrize(
    ("born", "on", "group"),
    [
        (D(2019, 9, 1), D(2024, 9, 1), 0),  # the oldest in Reception
        (D(2020, 8, 31), D(2024, 9, 1), 0),  # the youngest in Reception
        (D(2020, 8, 31), D(2025, 8, 31), 0),
        (D(2020, 8, 31), D(2025, 9, 1), 1),
        (D(2019, 8, 31), D(2024, 9, 1), 1),
        (D(2010, 1, 15), D(2026, 3, 1), 11),
    ],
)
def test_year_group(born: dt.date, on: dt.date, group: int) -> None:
    assert year_group(born, on) == group
