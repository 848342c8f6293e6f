"""Suspensions and permanent exclusions: days, terms, notifications and every deadline's boundary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rollcall.rules.calendar import calendar_for, default_terms
from rollcall.rules.exclusions import (
    BoardMeeting,
    ExclusionKind,
    ExclusionSettings,
    Suspension,
    TermName,
    board_meeting,
    council_told_without_delay,
    days_by_term,
    deemed_given,
    exceeds_year_limit,
    first_school_day_of_exclusion,
    reconsideration_due,
    reminder_from,
    review_application_due,
    review_panel_due,
    school_arranges_sixth_day,
    sixth_school_day,
    suspension_school_days,
    term_bounds,
    term_of,
    validate_days,
)

# 2026/27: autumn 2 Sep-23 Oct, half-term 26-30 Oct, 2 Nov-18 Dec; spring 4 Jan-12 Feb, 22 Feb-19 Mar;
# Easter Sunday 28 March 2027; summer 5 Apr-28 May (3 May a bank holiday), 7 Jun-21 Jul.
CAL = calendar_for([term for year in (2025, 2026, 2027) for term in default_terms(year)])
PEX, SUS = ExclusionKind.PERMANENT, ExclusionKind.SUSPENSION
D = Decimal


# --- the sixth school day ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_day", "sixth"),
    [
        (date(2026, 11, 2), date(2026, 11, 9)),  # Monday of a full week: the next Monday
        (date(2026, 11, 6), date(2026, 11, 13)),  # Friday: the next Friday
        (date(2026, 10, 21), date(2026, 11, 4)),  # Wed 21 Oct: 21, 22, 23, (half-term), 2, 3; 4 Nov
        (date(2026, 10, 31), date(2026, 11, 9)),  # a Saturday in half-term: from Monday 2 Nov
        (date(2027, 4, 29), date(2027, 5, 7)),  # Thu 29 Apr: 29, 30, (3 May bank holiday), 4, 5, 6; 7 May
        (date(2026, 12, 16), date(2027, 1, 6)),  # across Christmas: 16, 17, 18 Dec, 4, 5 Jan; 6 Jan
    ],
)
def test_the_sixth_school_day_skips_weekends_half_terms_and_bank_holidays(
    first_day: date, sixth: date
) -> None:
    assert sixth_school_day(CAL, first_day) == sixth
    assert CAL.school_days_between(first_school_day_of_exclusion(CAL, first_day), sixth) == 5


def test_the_sixth_day_is_a_setting() -> None:
    assert sixth_school_day(CAL, date(2026, 11, 2), ExclusionSettings(sixth_day=1)) == date(2026, 11, 2)


@pytest.mark.parametrize(
    ("kind", "days", "school_arranges"),
    [(SUS, D(5), False), (SUS, D("5.5"), True), (SUS, D(6), True), (PEX, None, False), (SUS, None, False)],
)
def test_the_school_arranges_the_sixth_day_only_for_a_suspension_over_five_days(
    kind: ExclusionKind, days: Decimal | None, school_arranges: bool
) -> None:
    assert school_arranges_sixth_day(kind, days) is school_arranges


# --- days and terms ----------------------------------------------------------------------------


def test_a_suspension_covers_its_school_days_and_a_half_day_takes_a_whole_day() -> None:
    assert suspension_school_days(CAL, Suspension(date(2026, 10, 22), D("2.5"))) == [
        date(2026, 10, 22),
        date(2026, 10, 23),
        date(2026, 11, 2),
    ]
    assert suspension_school_days(CAL, Suspension(date(2026, 11, 2), D("0.5"))) == [date(2026, 11, 2)]


@pytest.mark.parametrize("bad", [D(0), D(-1), D("0.25"), D("1.4"), D("NaN"), D("Infinity")])
def test_a_suspension_is_a_whole_number_of_half_days_above_zero(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="whole number of school days or half days"):
        validate_days(bad)


def test_valid_lengths_pass() -> None:
    assert validate_days(D("0.5")) == D("0.5")
    assert validate_days(D(45)) == D(45)


@pytest.mark.parametrize(
    ("day", "term"),
    [
        (date(2026, 9, 1), (2026, TermName.AUTUMN)),
        (date(2026, 12, 31), (2026, TermName.AUTUMN)),
        (date(2027, 1, 1), (2026, TermName.SPRING)),
        (date(2027, 3, 28), (2026, TermName.SPRING)),  # Easter Sunday
        (date(2027, 3, 29), (2026, TermName.SUMMER)),  # Easter Monday
        (date(2027, 8, 31), (2026, TermName.SUMMER)),
        (date(2026, 8, 31), (2025, TermName.SUMMER)),
    ],
)
def test_term_of_at_every_boundary(day: date, term: tuple[int, TermName]) -> None:
    assert term_of(day) == term


def test_term_bounds_meet_without_gaps() -> None:
    autumn, spring, summer = (term_bounds(2026, t) for t in TermName)
    assert autumn == (date(2026, 9, 1), date(2026, 12, 31))
    assert spring == (date(2027, 1, 1), date(2027, 3, 28))
    assert summer == (date(2027, 3, 29), date(2027, 8, 31))
    for t in TermName:
        first, last = term_bounds(2026, t)
        assert term_of(first) == term_of(last) == (2026, t)


def test_days_by_term_splits_a_suspension_across_christmas_and_adds_up_per_term() -> None:
    totals = days_by_term(
        CAL,
        [
            Suspension(date(2026, 12, 17), D("2.5")),  # 17, 18 Dec; half of 4 Jan
            Suspension(date(2026, 11, 2), D(3)),
            Suspension(date(2027, 1, 11), D(1)),
        ],
    )
    assert totals == {(2026, TermName.AUTUMN): D(5), (2026, TermName.SPRING): D("1.5")}


def test_no_suspensions_no_days() -> None:
    assert days_by_term(CAL, []) == {}


@pytest.mark.parametrize(
    ("kind", "term_days", "exam", "without_delay"),
    [
        (SUS, D(5), False, False),
        (SUS, D("5.5"), False, True),  # over 5 days, or 11 lunchtimes
        (SUS, D(1), True, True),  # a missed public exam
        (PEX, D(0), False, True),
    ],
)
def test_the_council_is_told_without_delay(
    kind: ExclusionKind, term_days: Decimal, exam: bool, without_delay: bool
) -> None:
    assert council_told_without_delay(kind, term_days, misses_exam=exam) is without_delay


def test_the_year_limit_is_45_days() -> None:
    assert not exceeds_year_limit(D(45))
    assert exceeds_year_limit(D("45.5"))


# --- the governing board and the review --------------------------------------------------------


def test_five_days_or_fewer_have_no_meeting_to_track() -> None:
    assert board_meeting(CAL, SUS, date(2026, 10, 16), D(5)) is None


@pytest.mark.parametrize("term_days", [D("5.5"), D(15)])
def test_six_to_fifteen_days_meet_on_request_within_fifty_school_days(term_days: Decimal) -> None:
    meeting = board_meeting(CAL, SUS, date(2026, 11, 2), term_days)
    assert meeting == BoardMeeting(CAL.add_school_days(date(2026, 11, 2), 50), must_meet=False)
    assert CAL.school_days_between(date(2026, 11, 2), meeting.due) == 50


@pytest.mark.parametrize(
    ("kind", "term_days", "exam"), [(SUS, D("15.5"), False), (PEX, D(0), False), (SUS, D(1), True)]
)
def test_the_board_must_meet_within_fifteen_school_days(
    kind: ExclusionKind, term_days: Decimal, exam: bool
) -> None:
    # Told Friday 16 October: 19-23 Oct (5), half-term, 2-6 Nov (10), 9-13 Nov (15).
    assert board_meeting(CAL, kind, date(2026, 10, 16), term_days, misses_exam=exam) == BoardMeeting(
        date(2026, 11, 13), must_meet=True
    )


def test_a_notice_by_post_counts_as_given_on_the_second_working_day() -> None:
    assert deemed_given(CAL, date(2026, 12, 11), by_post=True) == date(2026, 12, 15)  # Fri -> Tue
    # Thu 24 Dec: 25 Dec and 28 Dec (Boxing Day substitute) are bank holidays: Tue 29, Wed 30.
    assert deemed_given(CAL, date(2026, 12, 24), by_post=True) == date(2026, 12, 30)
    assert deemed_given(CAL, date(2026, 12, 24), by_post=False) == date(2026, 12, 24)


def test_review_application_deadline() -> None:
    # Given 15 Dec: 16-18 Dec (3), 4-8 Jan (8), 11-15 Jan (13), 18, 19 Jan (15).
    assert review_application_due(CAL, date(2026, 12, 11), by_post=True) == date(2027, 1, 19)
    # Given 30 Dec, in the holiday: 4-8 Jan (5), 11-15 (10), 18-22 (15).
    assert review_application_due(CAL, date(2026, 12, 24), by_post=True) == date(2027, 1, 22)
    assert review_application_due(CAL, date(2026, 12, 18)) == date(2027, 1, 22)


def test_panel_and_reconsideration_deadlines() -> None:
    # Applied Tue 9 Feb 2027: 10-12 Feb (3), half-term, 22-26 Feb (8), 1-5 Mar (13), 8, 9 Mar (15).
    assert review_panel_due(CAL, date(2027, 2, 9)) == date(2027, 3, 9)
    # Decided Fri 12 Mar: 15-19 Mar (5), Easter holiday, 5-9 Apr (10).
    assert reconsideration_due(CAL, date(2027, 3, 12)) == date(2027, 4, 9)


def test_the_reminder_goes_three_school_days_before() -> None:
    assert reminder_from(CAL, date(2026, 11, 4)) == date(2026, 10, 23)  # 3, 2 Nov, back over half-term


@pytest.mark.parametrize(
    "kwargs",
    [{"board_meeting_days": 0}, {"sixth_day": -1}, {"reminder_days": True}, {"council_told_over_days": 15}],
)
def test_settings_refuse_nonsense(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"ExclusionSettings|fewer than"):
        ExclusionSettings(**kwargs)
