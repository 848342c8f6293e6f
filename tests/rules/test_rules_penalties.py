"""Penalty notices: the rolling 10-school-week threshold (against a day-by-day reference), amounts,
payment periods and the look-back period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollcall.rules.attendance import BLANK, CODE_BY_CODE, blank_marks, merge_marks, session_index
from rollcall.rules.calendar import SchoolCalendar, academic_year_of, calendar_for, default_terms
from rollcall.rules.penalties import (
    PENALTY_CODES,
    Crossing,
    NoticeLimitReached,
    NoticeTerms,
    PaymentState,
    PenaltySettings,
    RollingCounter,
    improvement_period_end,
    notice_terms,
    notices_in_lookback,
    payment_state,
    span_marks,
    window_days,
)

# 2025/26 summer term ends Tue 21 Jul 2026. 2026/27: autumn 2 Sep-23 Oct, half-term 26-30 Oct,
# 2 Nov-18 Dec; spring 4 Jan-12 Feb, half-term 15-19 Feb, 22 Feb-19 Mar.
CAL = calendar_for([term for year in (2025, 2026, 2027) for term in default_terms(year)])


def marks_with(year: int, sessions: dict[tuple[date, bool], str]) -> str:
    chars = list(blank_marks(year))
    for (day, pm), code in sessions.items():
        chars[session_index(year, day, pm)] = CODE_BY_CODE[code].mark
    return "".join(chars)


def days_from(start: date, n: int) -> list[date]:
    days = [start if CAL.is_school_day(start) else CAL.next_school_day(start)]
    while len(days) < n:
        days.append(CAL.next_school_day(days[-1]))
    return days


# --- the window --------------------------------------------------------------------------------


def test_the_window_skips_the_half_term_week() -> None:
    window = window_days(CAL, date(2026, 11, 13))
    # 10 school weeks: 9 Nov, 2 Nov, (half-term), 19 Oct ... 7 Sep, and the short first week.
    assert window[0] == date(2026, 9, 2)
    assert window[-1] == date(2026, 11, 13)
    assert len(window) == 3 + 7 * 5 + 10


def test_the_window_rolls_on_at_the_start_of_each_week() -> None:
    assert window_days(CAL, date(2026, 11, 16))[0] == date(2026, 9, 7)
    assert window_days(CAL, date(2026, 11, 15))[0] == date(2026, 9, 2)  # Sunday: still last week's


def test_a_day_in_a_holiday_week_is_not_a_school_week() -> None:
    assert window_days(CAL, date(2026, 10, 28)) == window_days(CAL, date(2026, 10, 23))


def test_the_window_spans_the_summer_holiday_into_last_school_year() -> None:
    window = window_days(CAL, date(2026, 9, 9))
    # 7 Sep and 31 Aug weeks, then back over the holiday: 20 Jul, 13 Jul ... 1 Jun (8 weeks).
    assert window[0] == date(2026, 6, 1)
    assert academic_year_of(window[0]) == 2025


def test_the_window_length_is_a_setting() -> None:
    assert window_days(CAL, date(2026, 11, 13), 1) == [
        date(2026, 11, 9) + timedelta(days=i) for i in range(5)
    ]
    with pytest.raises(ValueError, match="not a window"):
        window_days(CAL, date(2026, 11, 13), 0)


# --- the threshold -----------------------------------------------------------------------------


def counter_at(day: date, settings: PenaltySettings = PenaltySettings()) -> RollingCounter:  # noqa: B008
    return RollingCounter(CAL, day, day, settings)


def test_ten_unauthorised_sessions_in_the_window_reach_the_threshold_and_nine_do_not() -> None:
    as_of = date(2026, 11, 13)
    days = days_from(date(2026, 10, 12), 5)
    nine = {(d, pm): code for d, code in zip(days, "GNOUG", strict=True) for pm in (False, True)}
    del nine[(days[-1], True)]
    counter = counter_at(as_of)
    marks = span_marks({2026: marks_with(2026, nine)}, counter.first_year, counter.last_year)
    assert counter.count_at_end(marks) == 9
    assert counter.first_crossing(marks) is None
    ten = nine | {(days[-1], True): "O"}
    marks = span_marks({2026: marks_with(2026, ten)}, counter.first_year, counter.last_year)
    assert counter.count_at_end(marks) == 10
    assert counter.first_crossing(marks) == Crossing(as_of, 10, date(2026, 9, 2))


def test_authorised_and_present_sessions_do_not_count() -> None:
    counter = counter_at(date(2026, 11, 13))
    codes = ["I", "M", "/", "E", "C", "B", "X", "#", "Y1", "D"]
    days = days_from(date(2026, 11, 2), 10)
    marks = marks_with(2026, {(d, pm): c for d, c in zip(days, codes, strict=True) for pm in (False, True)})
    assert counter.count_at_end(span_marks({2026: marks}, counter.first_year, counter.last_year)) == 0


def test_a_session_the_day_before_the_window_does_not_count() -> None:
    as_of = date(2026, 11, 16)  # window from 7 Sep
    counter = counter_at(as_of)
    inside = days_from(date(2026, 9, 7), 5)
    sessions = {(d, pm): "N" for d in inside for pm in (False, True)}
    marks = span_marks({2026: marks_with(2026, sessions)}, counter.first_year, counter.last_year)
    assert counter.count_at_end(marks) == 10
    sessions = {(d, pm): "N" for d in [date(2026, 9, 4), *inside[:4]] for pm in (False, True)}
    marks = span_marks({2026: marks_with(2026, sessions)}, counter.first_year, counter.last_year)
    assert counter.count_at_end(marks) == 8


def test_the_window_spans_two_school_years() -> None:
    counter = counter_at(date(2026, 9, 9))
    june = days_from(date(2026, 6, 1), 3)
    september = [date(2026, 9, 2), date(2026, 9, 3)]
    last_year = marks_with(2025, {(d, pm): "G" for d in june for pm in (False, True)})
    this_year = marks_with(2026, {(d, pm): "U" for d in september for pm in (False, True)})
    marks = span_marks({2025: last_year, 2026: this_year}, counter.first_year, counter.last_year)
    assert (counter.first_year, counter.last_year) == (2025, 2026)
    assert counter.count_at_end(marks) == 10


def test_a_change_of_school_inside_the_window_counts_both_schools() -> None:
    counter = counter_at(date(2026, 11, 13))
    old = marks_with(2026, {(d, pm): "O" for d in days_from(date(2026, 10, 19), 3) for pm in (False, True)})
    new = marks_with(2026, {(d, pm): "N" for d in days_from(date(2026, 11, 2), 2) for pm in (False, True)})
    marks = span_marks({2026: merge_marks([new, old])}, counter.first_year, counter.last_year)
    assert counter.count_at_end(marks) == 10
    assert counter.first_crossing(marks) == Crossing(date(2026, 11, 13), 10, date(2026, 9, 2))


def test_the_first_crossing_in_a_span_is_the_day_the_tenth_session_arrived() -> None:
    counter = RollingCounter(CAL, date(2026, 11, 2), date(2026, 12, 18))
    days = days_from(date(2026, 11, 9), 5)  # 9-13 Nov
    marks = span_marks(
        {2026: marks_with(2026, {(d, pm): "G" for d in days for pm in (False, True)})},
        counter.first_year,
        counter.last_year,
    )
    assert counter.first_crossing(marks) == Crossing(date(2026, 11, 13), 10, date(2026, 9, 2))
    # On 18 December the window reaches back to 5 October: the sessions are still in it.
    assert window_days(CAL, date(2026, 12, 18))[0] == date(2026, 10, 5)
    assert counter.count_at_end(marks) == 10


def test_a_span_with_no_school_day_counts_the_window_of_its_last_day() -> None:
    counter = RollingCounter(CAL, date(2026, 10, 26), date(2026, 10, 30))
    assert counter.evaluated_days == [date(2026, 10, 30)]
    with pytest.raises(ValueError, match="ends"):
        RollingCounter(CAL, date(2026, 10, 30), date(2026, 10, 26))


def test_marks_outside_ascii_count_as_nothing() -> None:
    counter = counter_at(date(2026, 11, 13))
    marks = span_marks({2026: "é" * 300}, counter.first_year, counter.last_year)
    assert counter.count_at_end(marks) == 0


# --- the day-by-day reference ------------------------------------------------------------------


def naive_window(calendar: SchoolCalendar, day: date, weeks: int) -> list[date]:
    """Walk back one calendar day at a time, collecting school days until an 11th week shows up."""
    mondays: list[date] = []
    found: list[date] = []
    d = day
    while True:
        if calendar.is_school_day(d):
            monday = d - timedelta(days=d.weekday())
            if monday not in mondays:
                if len(mondays) == weeks:
                    break
                mondays.append(monday)
            found.append(d)
        d -= timedelta(days=1)
    return sorted(found)


def naive_count(
    calendar: SchoolCalendar, marks_by_year: dict[int, str], day: date, weeks: int
) -> tuple[int, date]:
    window = naive_window(calendar, day, weeks)
    count = 0
    for d in window:
        year = academic_year_of(d)
        marks = marks_by_year.get(year, "")
        for pm in (False, True):
            i = session_index(year, d, pm)
            ch = marks[i] if i < len(marks) else BLANK
            if ch in {CODE_BY_CODE[c].mark for c in PENALTY_CODES}:
                count += 1
    return count, window[0]


MARKS = ["G", "N", "O", "U", "I", "/", "M", "E", "Y1"]


@settings(max_examples=60, deadline=None)
@given(
    first=st.dates(date(2026, 9, 1), date(2027, 7, 31)),
    span=st.integers(0, 40),
    weeks=st.integers(1, 12),
    threshold=st.integers(1, 14),
    sessions=st.lists(
        st.tuples(st.dates(date(2026, 4, 1), date(2027, 8, 31)), st.booleans(), st.sampled_from(MARKS)),
        max_size=80,
    ),
)
def test_the_counter_agrees_with_the_day_by_day_reference(
    first: date, span: int, weeks: int, threshold: int, sessions: list[tuple[date, bool, str]]
) -> None:
    last = first + timedelta(days=span)
    settings_ = PenaltySettings(threshold_sessions=threshold, window_weeks=weeks)
    by_year: dict[int, dict[tuple[date, bool], str]] = {}
    for day, pm, code in sessions:
        by_year.setdefault(academic_year_of(day), {})[(day, pm)] = code
    marks_by_year = {year: marks_with(year, s) for year, s in by_year.items()}
    counter = RollingCounter(CAL, first, last, settings_)
    marks = span_marks(marks_by_year, counter.first_year, counter.last_year)

    expected_crossing = None
    for day in counter.evaluated_days:
        count, start = naive_count(CAL, marks_by_year, day, weeks)
        if count >= threshold:
            expected_crossing = Crossing(day, count, start)
            break
    assert counter.first_crossing(marks) == expected_crossing
    assert (
        counter.count_at_end(marks) == naive_count(CAL, marks_by_year, counter.evaluated_days[-1], weeks)[0]
    )


# --- notices -----------------------------------------------------------------------------------


def test_a_first_notice_is_80_within_21_days_and_160_within_28() -> None:
    terms = notice_terms([], date(2027, 3, 1), date(2027, 3, 3))
    assert terms == NoticeTerms(1, 80, date(2027, 3, 24), 160, date(2027, 3, 31))


def test_a_second_notice_within_three_years_is_160_with_no_reduction() -> None:
    assert notice_terms([date(2024, 3, 2)], date(2027, 3, 1), date(2027, 3, 1)) == NoticeTerms(
        2, None, None, 160, date(2027, 3, 29)
    )


def test_a_notice_three_years_to_the_day_earlier_is_outside_the_lookback() -> None:
    assert notice_terms([date(2024, 3, 1)], date(2027, 3, 1), date(2027, 3, 1)).number == 1
    assert notices_in_lookback([date(2024, 3, 1), date(2024, 3, 2)], date(2027, 3, 1)) == 1


def test_a_later_notice_does_not_count_before_it_was_issued() -> None:
    assert notices_in_lookback([date(2027, 3, 2)], date(2027, 3, 1)) == 0


def test_the_lookback_from_29_february() -> None:
    assert notices_in_lookback([date(2025, 2, 28), date(2025, 3, 1)], date(2028, 2, 29)) == 1


def test_a_third_notice_within_three_years_is_refused() -> None:
    with pytest.raises(NoticeLimitReached, match="prosecution"):
        notice_terms([date(2025, 1, 1), date(2026, 1, 1)], date(2027, 3, 1), date(2027, 3, 1))


def test_a_notice_cannot_be_received_before_it_was_issued() -> None:
    with pytest.raises(ValueError, match="received before"):
        notice_terms([], date(2027, 3, 2), date(2027, 3, 1))


FIRST = NoticeTerms(1, 80, date(2027, 3, 24), 160, date(2027, 3, 31))
SECOND = NoticeTerms(2, None, None, 160, date(2027, 3, 31))


@pytest.mark.parametrize(
    ("terms", "today", "paid_on", "paid", "state"),
    [
        (FIRST, date(2027, 3, 24), date(2027, 3, 24), 80, PaymentState.PAID_REDUCED),
        (FIRST, date(2027, 3, 25), date(2027, 3, 25), 80, PaymentState.UNDERPAID),
        (FIRST, date(2027, 3, 25), date(2027, 3, 25), 160, PaymentState.PAID),
        (FIRST, date(2027, 3, 31), date(2027, 3, 31), 160, PaymentState.PAID),
        (FIRST, date(2027, 4, 1), date(2027, 4, 1), 160, PaymentState.UNDERPAID),
        (FIRST, date(2027, 3, 31), None, 0, PaymentState.AWAITING),
        (FIRST, date(2027, 4, 1), None, 0, PaymentState.UNPAID),
        (SECOND, date(2027, 3, 2), date(2027, 3, 2), 80, PaymentState.UNDERPAID),
        (SECOND, date(2027, 3, 2), date(2027, 3, 2), 160, PaymentState.PAID),
    ],
)
def test_payment_states_at_every_boundary(
    terms: NoticeTerms, today: date, paid_on: date | None, paid: int, state: PaymentState
) -> None:
    assert payment_state(terms, today, paid_on, paid) is state


def test_the_amounts_and_periods_are_settings() -> None:
    s = PenaltySettings(reduced_amount=60, full_amount=120, reduced_days=14, full_days=21)
    assert notice_terms([], date(2027, 3, 1), date(2027, 3, 1), s) == NoticeTerms(
        1, 60, date(2027, 3, 15), 120, date(2027, 3, 22)
    )


@pytest.mark.parametrize(
    "kwargs",
    [{"threshold_sessions": 0}, {"reduced_days": 30}, {"improvement_min_weeks": 7}, {"window_weeks": True}],
)
def test_settings_refuse_nonsense(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"PenaltySettings|cannot be longer"):
        PenaltySettings(**kwargs)


def test_the_improvement_period_is_three_to_six_weeks() -> None:
    assert improvement_period_end(date(2027, 3, 1), 3) == date(2027, 3, 21)
    assert improvement_period_end(date(2027, 3, 1), 6) == date(2027, 4, 11)
    for weeks in (2, 7):
        with pytest.raises(ValueError, match="3 to 6 weeks"):
            improvement_period_end(date(2027, 3, 1), weeks)
