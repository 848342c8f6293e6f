"""Attendance: the national codes, the marks string, and the facts and triggers derived from it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import FrozenInstanceError, fields
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollcall.rules.attendance import (
    BLANK,
    CODE_BY_CODE,
    CODE_BY_MARK,
    CODES,
    Category,
    Evaluator,
    PupilFacts,
    Thresholds,
    Trigger,
    blank_marks,
    marks_length,
    merge_marks,
    offset_day,
    school_day_offsets,
    session_day,
    session_index,
)
from rollcall.rules.calendar import calendar_for, default_terms

YEAR = 2026  # 2026/27. Autumn term 2 Sep-23 Oct, half-term 26-30 Oct, 2 Nov-18 Dec.
CAL = calendar_for([term for year in (2025, 2026, 2027) for term in default_terms(year)])

# The national set as DOMAIN.md lists it, with the category the attendance design gives each
# (D is "not counted", X "not required"). Written out here so a slip in the module's table shows.
EXPECTED_CATEGORY = {
    "/": Category.PRESENT,
    "\\": Category.PRESENT,
    "L": Category.PRESENT,
    "K": Category.APPROVED,
    "V": Category.APPROVED,
    "P": Category.APPROVED,
    "W": Category.APPROVED,
    "B": Category.APPROVED,
    "C1": Category.AUTHORISED,
    "M": Category.AUTHORISED,
    "J1": Category.AUTHORISED,
    "S": Category.AUTHORISED,
    "C2": Category.AUTHORISED,
    "C": Category.AUTHORISED,
    "E": Category.AUTHORISED,
    "I": Category.AUTHORISED,
    "R": Category.AUTHORISED,
    "T": Category.AUTHORISED,
    "G": Category.UNAUTHORISED,
    "N": Category.UNAUTHORISED,
    "O": Category.UNAUTHORISED,
    "U": Category.UNAUTHORISED,
    "D": Category.NOT_COUNTED,
    "Q": Category.NOT_COUNTED,
    "Y1": Category.NOT_COUNTED,
    "Y2": Category.NOT_COUNTED,
    "Y3": Category.NOT_COUNTED,
    "Y4": Category.NOT_COUNTED,
    "Y5": Category.NOT_COUNTED,
    "Y6": Category.NOT_COUNTED,
    "Y7": Category.NOT_COUNTED,
    "Z": Category.NOT_COUNTED,
    "#": Category.NOT_COUNTED,
    "X": Category.NOT_REQUIRED,
}
TWO_CHARACTER_MARKS = {
    "C1": "F",
    "C2": "H",
    "J1": "J",
    "Y1": "1",
    "Y2": "2",
    "Y3": "3",
    "Y4": "4",
    "Y5": "5",
    "Y6": "6",
    "Y7": "7",
}
POSSIBLE = {Category.PRESENT, Category.APPROVED, Category.AUTHORISED, Category.UNAUTHORISED}
ABSENT = {Category.AUTHORISED, Category.UNAUTHORISED}


# ------------------------------------------------------------------------------------------------
# Helpers: registers written the way a school would fill them in


def school_days(start: date, end: date) -> list[date]:
    return CAL.school_days_in(start, end)


def school_days_from(start: date, n: int) -> list[date]:
    days = [start if CAL.is_school_day(start) else CAL.next_school_day(start)]
    while len(days) < n:
        days.append(CAL.next_school_day(days[-1]))
    return days


def school_days_to(end: date, n: int) -> list[date]:
    days = [end if CAL.is_school_day(end) else CAL.previous_school_day(end)]
    while len(days) < n:
        days.insert(0, CAL.previous_school_day(days[0]))
    return days


def stored(code: str) -> str:
    return BLANK if code == BLANK else CODE_BY_CODE[code].mark


def register(*entries: tuple[Iterable[date], str, str], year: int = YEAR) -> str:
    """A marks string: each entry marks its days AM and PM with the given codes, later entries on top."""
    chars = list(blank_marks(year))
    for days, am, pm in entries:
        for day in days:
            chars[session_index(year, day, pm=False)] = stored(am)
            chars[session_index(year, day, pm=True)] = stored(pm)
    return "".join(chars)


def present(start: date, end: date) -> tuple[list[date], str, str]:
    return (school_days(start, end), "/", "\\")


def window(as_of: date) -> list[int]:
    return school_day_offsets(CAL.school_days_in(date(YEAR, 9, 1), as_of), YEAR)


def facts_as_of(marks: str, as_of: date, thresholds: Thresholds | None = None) -> PupilFacts:
    return Evaluator(window(as_of), thresholds or Thresholds()).facts(marks)


def triggers_as_of(marks: str, as_of: date) -> frozenset[Trigger]:
    evaluator = Evaluator(window(as_of))
    return evaluator.triggers(evaluator.facts(marks))


def sessions(*runs: tuple[str, int]) -> str:
    """A marks string for a window of consecutive days 0..n-1, session by session."""
    return "".join(stored(code) * count for code, count in runs)


# ------------------------------------------------------------------------------------------------
# The national code set


def test_the_set_holds_every_national_code_once() -> None:
    assert [c.code for c in CODES] == list(CODE_BY_CODE)
    assert set(CODE_BY_CODE) == set(EXPECTED_CATEGORY)
    assert len(CODES) == len(EXPECTED_CATEGORY) == 34


@pytest.mark.parametrize(("code", "category"), sorted(EXPECTED_CATEGORY.items()))
def test_each_code_has_its_category_and_a_meaning(code: str, category: Category) -> None:
    assert CODE_BY_CODE[code].category is category
    assert CODE_BY_CODE[code].meaning.strip()


@pytest.mark.parametrize("code", sorted(EXPECTED_CATEGORY))
def test_each_code_is_stored_as_one_character_and_read_back(code: str) -> None:
    mark = CODE_BY_CODE[code].mark
    assert len(mark) == 1
    assert mark != BLANK
    assert mark == TWO_CHARACTER_MARKS.get(code, code)
    assert CODE_BY_MARK[mark].code == code


def test_no_two_codes_share_a_stored_character() -> None:
    assert len(CODE_BY_MARK) == len(CODES)
    assert BLANK not in CODE_BY_MARK


def test_codes_are_immutable_data() -> None:
    with pytest.raises(FrozenInstanceError):
        CODE_BY_CODE["I"].category = Category.UNAUTHORISED  # type: ignore[misc]


def test_categories_are_plain_strings_for_storage() -> None:
    assert Category.NOT_COUNTED.value == "not_counted"
    assert Trigger.GROUND_I.value == "ground_i"
    assert f"{Trigger.POSSIBLY_LEFT}" == "possibly_left"


# ------------------------------------------------------------------------------------------------
# The marks string


@pytest.mark.parametrize(
    ("year", "length"),
    [(2025, 730), (2026, 730), (2027, 732), (2023, 732), (2099, 730)],
)
def test_a_year_has_two_sessions_for_every_calendar_day(year: int, length: int) -> None:
    # 2027/28 and 2023/24 hold 29 February; 1999/2000 holds 29 Feb 2000 but 2099/2100 does not.
    assert marks_length(year) == length
    assert blank_marks(year) == BLANK * length


def test_the_leap_day_of_1999_2000_is_counted() -> None:
    assert marks_length(1999) == 732


def test_the_first_morning_is_position_zero() -> None:
    assert session_index(2026, date(2026, 9, 1), pm=False) == 0
    assert session_index(2026, date(2026, 9, 1), pm=True) == 1
    assert session_index(2026, date(2026, 9, 2), pm=False) == 2


def test_the_last_afternoon_is_the_last_position() -> None:
    assert session_index(2026, date(2027, 8, 31), pm=True) == 729
    assert session_index(2027, date(2028, 8, 31), pm=True) == 731


def test_a_leap_day_has_its_own_sessions_and_moves_the_rest_of_the_year() -> None:
    assert session_index(2027, date(2028, 2, 29), pm=False) == 2 * 181
    assert session_index(2027, date(2028, 3, 1), pm=False) == 2 * 182
    assert session_index(2026, date(2027, 3, 1), pm=False) == 2 * 181


@pytest.mark.parametrize("day", [date(2026, 8, 31), date(2027, 9, 1), date(2020, 1, 1), date(2030, 1, 1)])
def test_a_day_outside_the_academic_year_has_no_position(day: date) -> None:
    with pytest.raises(ValueError, match="not in the academic year 2026/27"):
        session_index(2026, day, pm=False)


@given(
    year=st.integers(1990, 2100),
    offset=st.integers(0, 365),
    pm=st.booleans(),
)
def test_a_position_maps_back_to_its_day_and_session(year: int, offset: int, pm: bool) -> None:
    day = date(year, 9, 1) + timedelta(days=offset)
    if offset * 2 >= marks_length(year):
        with pytest.raises(ValueError, match="not in the academic year"):
            session_index(year, day, pm)
        return
    index = session_index(year, day, pm)
    assert session_day(year, index) == (day, pm)


def test_a_position_beyond_the_string_has_no_day() -> None:
    with pytest.raises(ValueError, match="not in the academic year"):
        session_day(2026, 730)
    with pytest.raises(ValueError, match="not in the academic year"):
        session_day(2026, -1)


def test_school_day_offsets_come_from_the_calendar() -> None:
    offsets = school_day_offsets(CAL.school_days_in(date(2026, 9, 1), date(2026, 9, 11)), 2026)
    # 1 Sept is an INSET-free non-term day in the default terms; term starts Wed 2 Sept.
    assert offsets == [1, 2, 3, 6, 7, 8, 9, 10]


def test_school_day_offsets_leave_out_other_years_and_repeats() -> None:
    days = [date(2027, 9, 1), date(2026, 9, 3), date(2026, 9, 2), date(2026, 9, 2), date(2026, 8, 31)]
    assert school_day_offsets(days, 2026) == [1, 2]
    assert school_day_offsets([date(2027, 8, 31)], 2026) == [364]
    assert school_day_offsets([], 2026) == []


# ------------------------------------------------------------------------------------------------
# Merging the strings of a pupil who changed school


def test_merging_keeps_the_first_non_blank_mark_at_each_position() -> None:
    assert merge_marks(["..I.", "NN.\\", "OOOO"]) == "NNI\\"


def test_merging_one_string_returns_it_and_none_returns_nothing() -> None:
    assert merge_marks(["./I"]) == "./I"
    assert merge_marks([]) == ""


def test_merging_a_shorter_string_treats_the_rest_as_blank() -> None:
    assert merge_marks(["/.", "..NNNN"]) == "/.NNNN"
    assert merge_marks(["", "I"]) == "I"


def test_a_mid_year_change_of_school_gives_one_year_of_marks() -> None:
    old = register(present(date(2026, 9, 1), date(2026, 10, 9)))
    new = register(present(date(2026, 10, 12), date(2026, 12, 18)))
    merged = merge_marks([new, old])
    assert merged == register(present(date(2026, 9, 1), date(2026, 12, 18)))
    assert len(merged) == 730


def test_where_both_schools_marked_a_day_the_current_school_wins() -> None:
    day = date(2026, 10, 12)
    old = register(([day], "O", "O"))
    new = register(([day], "/", "\\"))
    merged = merge_marks([new, old])
    assert merged[session_index(YEAR, day, pm=False)] == "/"


def slow_merge(strings: Sequence[str]) -> str:
    width = max((len(s) for s in strings), default=0)
    out = []
    for i in range(width):
        marks = [s[i] for s in strings if i < len(s) and s[i] != BLANK]
        out.append(marks[0] if marks else BLANK)
    return "".join(out)


@given(st.lists(st.text(alphabet="./IN\\#1", max_size=40), max_size=4))
def test_merging_matches_a_position_by_position_overlay(strings: list[str]) -> None:
    assert merge_marks(strings) == slow_merge(strings)


# ------------------------------------------------------------------------------------------------
# Illness: 15 school days this year, consecutive or cumulative


def test_fourteen_days_of_illness_here_and_there_do_not_trigger() -> None:
    ill = school_days_from(date(2026, 9, 2), 28)[::2]  # every other school day
    assert len(ill) == 14
    marks = register(present(date(2026, 9, 1), date(2026, 10, 23)), (ill, "I", "I"))
    facts = facts_as_of(marks, date(2026, 10, 23))
    assert facts.illness_days == 14
    assert Trigger.ILLNESS not in triggers_as_of(marks, date(2026, 10, 23))


def test_the_fifteenth_day_of_illness_here_and_there_triggers() -> None:
    ill = school_days_from(date(2026, 9, 2), 30)[::2]
    assert len(ill) == 15
    marks = register(present(date(2026, 9, 1), date(2026, 10, 23)), (ill, "I", "I"))
    assert facts_as_of(marks, date(2026, 10, 23)).illness_days == 15
    assert Trigger.ILLNESS in triggers_as_of(marks, date(2026, 10, 23))


def test_illness_counts_up_to_the_day_of_evaluation_only() -> None:
    ill = school_days_from(date(2026, 11, 2), 15)  # Mon 2 Nov to Fri 20 Nov
    marks = register((ill, "I", "I"))
    assert facts_as_of(marks, date(2026, 11, 19)).illness_days == 14
    assert Trigger.ILLNESS not in triggers_as_of(marks, date(2026, 11, 19))
    assert facts_as_of(marks, date(2026, 11, 20)).illness_days == 15
    assert Trigger.ILLNESS in triggers_as_of(marks, date(2026, 11, 20))


def test_fifteen_consecutive_days_across_half_term_trigger() -> None:
    ill = school_days_from(date(2026, 10, 12), 15)  # 12-23 Oct and 2-6 Nov
    assert ill[-1] == date(2026, 11, 6)
    marks = register((ill, "I", "I"))
    assert Trigger.ILLNESS in triggers_as_of(marks, date(2026, 11, 6))


def test_illness_in_the_morning_only_counts_as_a_day() -> None:
    ill = school_days_from(date(2026, 11, 2), 15)
    marks = register((ill[:8], "I", "\\"), (ill[8:], "/", "I"))  # mornings, then afternoons
    facts = facts_as_of(marks, date(2026, 11, 20))
    assert facts.illness_days == 15
    assert Trigger.ILLNESS in triggers_as_of(marks, date(2026, 11, 20))


def test_a_day_ill_all_day_counts_once() -> None:
    marks = register((school_days_from(date(2026, 11, 2), 3), "I", "I"))
    assert facts_as_of(marks, date(2026, 11, 4)).illness_days == 3


def test_illness_marked_on_a_day_that_is_not_a_school_day_does_not_count() -> None:
    weekends = [date(2026, 11, 7) + timedelta(days=7 * w + d) for w in range(8) for d in (0, 1)]
    marks = register((weekends, "I", "I"))
    assert facts_as_of(marks, date(2026, 12, 18)).illness_days == 0


# ------------------------------------------------------------------------------------------------
# Unexplained absence: 10 consecutive school days of G, N, O or U


def test_nine_unexplained_days_do_not_trigger_the_missing_prompt() -> None:
    days = school_days_to(date(2026, 11, 13), 10)  # Mon 2 to Fri 13 Nov
    marks = register(present(date(2026, 9, 1), date(2026, 12, 18)), (days[1:], "N", "O"))
    facts = facts_as_of(marks, date(2026, 11, 13))
    assert facts.unexplained_streak == 9
    assert Trigger.MISSING not in triggers_as_of(marks, date(2026, 11, 13))


def test_ten_unexplained_days_across_a_weekend_trigger_the_missing_prompt() -> None:
    days = school_days_to(date(2026, 11, 13), 10)
    assert days[0] == date(2026, 11, 2)  # the weekend of 7-8 Nov is inside the run
    marks = register(present(date(2026, 9, 1), date(2026, 12, 18)), (days, "U", "G"))
    facts = facts_as_of(marks, date(2026, 11, 13))
    assert facts.unexplained_streak == 10
    assert facts.longest_unexplained_streak == 10
    assert Trigger.MISSING in triggers_as_of(marks, date(2026, 11, 13))


def test_half_term_inside_a_run_of_unexplained_days_does_not_break_it() -> None:
    days = school_days_from(date(2026, 10, 19), 10)  # 19-23 Oct, half-term, 2-6 Nov
    marks = register(present(date(2026, 9, 1), date(2026, 10, 16)), (days, "O", "O"))
    assert facts_as_of(marks, date(2026, 11, 6)).unexplained_streak == 10
    assert Trigger.MISSING in triggers_as_of(marks, date(2026, 11, 6))


def test_the_run_counts_back_from_the_day_of_evaluation() -> None:
    days = school_days_to(date(2026, 11, 13), 10)
    marks = register(present(date(2026, 9, 1), date(2026, 12, 18)), (days, "O", "O"))
    # The next school day (Mon 16 Nov) the child is back: the run is over, the longest remains.
    facts = facts_as_of(marks, date(2026, 11, 16))
    assert facts.unexplained_streak == 0
    assert facts.longest_unexplained_streak == 10
    assert Trigger.MISSING not in triggers_as_of(marks, date(2026, 11, 16))


def test_a_day_with_one_present_session_breaks_the_run() -> None:
    days = school_days_to(date(2026, 11, 13), 10)
    marks = register((days, "G", "G"), ([days[3]], "G", "\\"))
    facts = facts_as_of(marks, date(2026, 11, 13))
    assert facts.unexplained_streak == 6
    assert facts.longest_unexplained_streak == 6
    assert Trigger.MISSING not in triggers_as_of(marks, date(2026, 11, 13))


def test_a_blank_school_day_breaks_the_run() -> None:
    days = school_days_to(date(2026, 11, 13), 10)
    marks = register((days, "N", "N"), ([days[4]], BLANK, BLANK))
    assert facts_as_of(marks, date(2026, 11, 13)).unexplained_streak == 5


def test_a_half_blank_school_day_breaks_the_run() -> None:
    days = school_days_to(date(2026, 11, 13), 10)
    marks = register((days, "N", "N"), ([days[4]], "N", BLANK))
    assert facts_as_of(marks, date(2026, 11, 13)).unexplained_streak == 5


@pytest.mark.parametrize("code", ["#", "X", "Y1", "Y7", "D", "Q", "Z"])
def test_a_code_that_is_not_counted_is_not_possible_and_breaks_the_run(code: str) -> None:
    days = school_days_to(date(2026, 11, 13), 10)
    marks = register((days, "O", "O"), ([days[2]], code, code))
    facts = facts_as_of(marks, date(2026, 11, 13))
    assert facts.unexplained_streak == 7
    assert facts.possible_sessions == 18
    assert facts.absent_sessions == facts.unauthorised_sessions == 18
    assert Trigger.MISSING not in triggers_as_of(marks, date(2026, 11, 13))


@pytest.mark.parametrize("code", ["I", "M", "C", "E", "L", "K", "B"])
def test_an_explained_absence_or_attendance_breaks_the_run(code: str) -> None:
    days = school_days_to(date(2026, 11, 13), 10)
    marks = register((days, "O", "O"), ([days[6]], code, code))
    assert facts_as_of(marks, date(2026, 11, 13)).unexplained_streak == 3


def test_the_longest_run_is_found_anywhere_in_the_window() -> None:
    marks = register(
        present(date(2026, 9, 1), date(2026, 12, 18)),
        (school_days_from(date(2026, 9, 14), 12), "N", "O"),
        (school_days_to(date(2026, 11, 13), 4), "G", "G"),
    )
    facts = facts_as_of(marks, date(2026, 11, 13))
    assert (facts.unexplained_streak, facts.longest_unexplained_streak) == (4, 12)


# ------------------------------------------------------------------------------------------------
# The days the returns' thresholds were first reached (attendance return, sickness return)


def reached(facts: PupilFacts) -> tuple[date | None, date | None]:
    """The 10th unexplained day and the 15th illness day as dates (None: not reached)."""
    return (
        None
        if facts.unexplained_reached_offset is None
        else offset_day(YEAR, facts.unexplained_reached_offset),
        None if facts.illness_reached_offset is None else offset_day(YEAR, facts.illness_reached_offset),
    )


def test_offset_day_is_the_inverse_of_the_window_offsets() -> None:
    days = CAL.school_days_in(date(YEAR, 9, 1), date(2027, 7, 20))
    assert [offset_day(YEAR, o) for o in school_day_offsets(days, YEAR)] == days


def test_nine_unexplained_days_reach_no_tenth_day() -> None:
    days = school_days_to(date(2026, 11, 13), 9)
    marks = register(present(date(2026, 9, 1), date(2026, 12, 18)), (days, "N", "O"))
    assert reached(facts_as_of(marks, date(2026, 12, 18))) == (None, None)


def test_the_tenth_unexplained_day_is_recorded_across_a_weekend() -> None:
    days = school_days_to(date(2026, 11, 13), 10)  # Mon 2 to Fri 13 Nov
    marks = register(present(date(2026, 9, 1), date(2026, 12, 18)), (days, "U", "G"))
    assert reached(facts_as_of(marks, date(2026, 11, 13)))[0] == date(2026, 11, 13)
    # Still the same day once the pupil is back and the run is over.
    facts = facts_as_of(marks, date(2026, 12, 18))
    assert facts.unexplained_streak == 0
    assert reached(facts)[0] == date(2026, 11, 13)
    # Not reached yet the day before.
    assert reached(facts_as_of(marks, date(2026, 11, 12)))[0] is None


def test_the_tenth_day_of_a_run_across_half_term_is_after_the_holiday() -> None:
    days = school_days_from(date(2026, 10, 19), 10)  # 19-23 Oct, half-term, 2-6 Nov
    marks = register(present(date(2026, 9, 1), date(2026, 10, 16)), (days, "O", "O"))
    assert reached(facts_as_of(marks, date(2026, 11, 6)))[0] == date(2026, 11, 6)
    assert reached(facts_as_of(marks, date(2026, 11, 5)))[0] is None


def test_a_longer_run_is_reached_on_its_tenth_day_and_the_first_run_counts() -> None:
    first = school_days_from(date(2026, 9, 14), 14)
    second = school_days_from(date(2026, 11, 2), 10)
    marks = register(present(date(2026, 9, 1), date(2026, 12, 18)), (first, "N", "N"), (second, "G", "G"))
    assert reached(facts_as_of(marks, date(2026, 12, 18)))[0] == first[9]


def test_a_day_present_in_one_session_splits_the_run_so_the_tenth_day_moves() -> None:
    days = school_days_from(date(2026, 11, 2), 12)
    marks = register((days, "O", "O"), ([days[1]], "O", "\\"))  # back for the afternoon of day 2
    # Days 3 to 12 are the first 10 in a row.
    assert reached(facts_as_of(marks, days[-1]))[0] == days[11]
    half_days = register((days, "O", "O"), ([days[1]], BLANK, "O"))  # half-marked day breaks it too
    assert reached(facts_as_of(half_days, days[-1]))[0] == days[11]
    split = register((days, "O", "O"), ([days[1]], "U", "G"))  # different unexplained codes AM and PM
    assert reached(facts_as_of(split, days[-1]))[0] == days[9]


def test_fourteen_illness_days_reach_no_fifteenth_day() -> None:
    ill = school_days_from(date(2026, 9, 2), 28)[::2]
    marks = register(present(date(2026, 9, 1), date(2026, 10, 23)), (ill, "I", "I"))
    assert reached(facts_as_of(marks, date(2026, 12, 18))) == (None, None)


def test_the_fifteenth_illness_day_here_and_there_is_recorded() -> None:
    ill = school_days_from(date(2026, 9, 2), 40)[::2]  # 20 days ill, every other day
    marks = register(present(date(2026, 9, 1), date(2026, 12, 18)), (ill, "I", "I"))
    facts = facts_as_of(marks, date(2026, 12, 18))
    assert facts.illness_days == 20
    assert reached(facts)[1] == ill[14]
    assert reached(facts_as_of(marks, ill[14] - timedelta(days=1)))[1] is None
    assert reached(facts_as_of(marks, ill[14]))[1] == ill[14]


def test_the_fifteenth_illness_day_counts_mornings_and_afternoons_and_skips_half_term() -> None:
    ill = school_days_from(date(2026, 10, 12), 15)  # 12-23 Oct and 2-6 Nov
    marks = register((ill[:8], "I", "\\"), (ill[8:], "/", "I"))
    assert reached(facts_as_of(marks, date(2026, 12, 18)))[1] == date(2026, 11, 6)


def test_illness_on_days_that_are_not_school_days_never_reaches_the_fifteenth() -> None:
    weekends = [date(2026, 11, 7) + timedelta(days=7 * w + d) for w in range(8) for d in (0, 1)]
    marks = register((weekends, "I", "I"))
    assert reached(facts_as_of(marks, date(2026, 12, 18)))[1] is None


def test_the_council_threshold_moves_the_day() -> None:
    ill = school_days_from(date(2026, 11, 2), 15)
    marks = register((ill, "I", "I"), (ill[:5], "N", "N"))
    facts = Evaluator(window(date(2026, 12, 18)), Thresholds(illness_days=5, unexplained_days=3)).facts(marks)
    assert reached(facts) == (ill[2], ill[9])


# ------------------------------------------------------------------------------------------------
# Ground (i): 20 consecutive school days all G, N or O


def test_nineteen_days_of_g_n_or_o_do_not_raise_the_ground_i_question() -> None:
    days = school_days_to(date(2026, 12, 4), 20)
    marks = register((days, "/", "\\"), (days[1:], "G", "N"))
    facts = facts_as_of(marks, date(2026, 12, 4))
    assert facts.ground_i_streak == 19
    found = triggers_as_of(marks, date(2026, 12, 4))
    assert Trigger.GROUND_I not in found
    assert Trigger.MISSING in found


def test_twenty_days_of_g_n_or_o_raise_the_ground_i_question() -> None:
    days = school_days_to(date(2026, 12, 4), 20)
    marks = register((days[:10], "O", "O"), (days[10:], "N", "G"))
    assert facts_as_of(marks, date(2026, 12, 4)).ground_i_streak == 20
    assert {Trigger.GROUND_I, Trigger.MISSING} <= triggers_as_of(marks, date(2026, 12, 4))


def test_a_late_after_registers_closed_day_breaks_ground_i_but_not_the_missing_run() -> None:
    # U is unauthorised (it counts for the attendance return) but reg. 9(1)(i) needs G, N or O.
    days = school_days_to(date(2026, 12, 4), 20)
    marks = register((days, "O", "O"), ([days[9]], "U", "O"))
    facts = facts_as_of(marks, date(2026, 12, 4))
    assert facts.ground_i_streak == 10
    assert facts.unexplained_streak == 20
    found = triggers_as_of(marks, date(2026, 12, 4))
    assert Trigger.GROUND_I not in found
    assert Trigger.MISSING in found


# ------------------------------------------------------------------------------------------------
# Possibly left: no marks for 10 school days while on roll


def test_nine_unmarked_school_days_do_not_suggest_the_pupil_has_left() -> None:
    marks = register(present(date(2026, 9, 1), date(2026, 11, 2)))
    assert school_days(date(2026, 11, 3), date(2026, 11, 13)) == school_days_to(date(2026, 11, 13), 9)
    assert facts_as_of(marks, date(2026, 11, 13)).unmarked_days == 9
    assert Trigger.POSSIBLY_LEFT not in triggers_as_of(marks, date(2026, 11, 13))


def test_ten_unmarked_school_days_suggest_the_pupil_has_left() -> None:
    marks = register(present(date(2026, 9, 1), date(2026, 10, 30)))  # last marks before half-term
    facts = facts_as_of(marks, date(2026, 11, 13))
    assert facts.unmarked_days == 10
    assert Trigger.POSSIBLY_LEFT in triggers_as_of(marks, date(2026, 11, 13))


def test_a_day_with_only_one_session_marked_is_not_unmarked() -> None:
    marks = register(([date(2026, 11, 9)], BLANK, "\\"))
    assert facts_as_of(marks, date(2026, 11, 13)).unmarked_days == 4


def test_a_pupil_with_no_string_yet_is_unmarked_for_the_whole_window() -> None:
    as_of = date(2026, 9, 30)
    assert facts_as_of("", as_of).unmarked_days == len(window(as_of)) == 21
    assert facts_as_of(".." * 10, as_of).unmarked_days == 21


def test_a_string_shorter_than_the_window_is_blank_where_it_stops() -> None:
    full = register(present(date(2026, 9, 1), date(2026, 9, 30)))
    cut = full[: session_index(YEAR, date(2026, 9, 21), pm=True)]  # ends before Mon 21 PM
    facts = facts_as_of(cut, date(2026, 9, 30))
    assert facts.unmarked_days == 7  # 21 Sept has its morning, so the run is 22-30 Sept
    assert facts.possible_sessions == 2 * 13 + 1


# ------------------------------------------------------------------------------------------------
# Persistent and severe absence


def test_sessions_are_counted_by_category() -> None:
    every_code = [c.code for c in CODES]
    marks = "".join(stored(code) * 2 for code in every_code)  # one day of each code
    facts = Evaluator(range(len(every_code))).facts(marks)
    counted = [EXPECTED_CATEGORY[c] for c in every_code]
    assert facts.possible_sessions == 2 * sum(c in POSSIBLE for c in counted) == 44
    assert facts.absent_sessions == 2 * sum(c in ABSENT for c in counted) == 28
    assert facts.unauthorised_sessions == 2 * 4


def test_exactly_ten_percent_absence_is_persistent() -> None:
    evaluator = Evaluator(range(50))
    facts = evaluator.facts(sessions(("/", 90), ("O", 10)))
    assert (facts.possible_sessions, facts.absent_sessions) == (100, 10)
    assert facts.absence_rate == 0.10
    assert evaluator.triggers(facts) == {Trigger.PERSISTENT}


def test_just_under_ten_percent_absence_is_not_persistent() -> None:
    evaluator = Evaluator(range(50))
    facts = evaluator.facts(sessions(("/", 91), ("M", 9)))
    assert facts.absence_rate == 0.09
    assert evaluator.triggers(facts) == frozenset()


def test_ten_percent_is_persistent_even_where_float_arithmetic_rounds() -> None:
    # 0.1 * 30 is 3.0000000000000004 in floating point; 3 / 30 is exactly the nearest double to 0.1.
    evaluator = Evaluator(range(15))
    facts = evaluator.facts(sessions(("/", 27), ("C", 3)))
    assert Trigger.PERSISTENT in evaluator.triggers(facts)


def test_exactly_half_absent_is_severe() -> None:
    evaluator = Evaluator(range(50))
    facts = evaluator.facts(sessions(("N", 25), ("/", 50), ("I", 25)))
    assert facts.absence_rate == 0.5
    assert evaluator.triggers(facts) == {Trigger.PERSISTENT, Trigger.SEVERE}


def test_just_under_half_absent_is_persistent_but_not_severe() -> None:
    evaluator = Evaluator(range(50))
    facts = evaluator.facts(sessions(("O", 49), ("/", 51)))
    assert evaluator.triggers(facts) == {Trigger.PERSISTENT}


def test_sessions_that_are_not_possible_are_left_out_of_the_rate() -> None:
    evaluator = Evaluator(range(30))
    facts = evaluator.facts(sessions(("/", 18), ("Y4", 20), ("X", 10), ("#", 10), ("N", 2)))
    assert (facts.possible_sessions, facts.absent_sessions) == (20, 2)
    assert Trigger.PERSISTENT in evaluator.triggers(facts)


def test_approved_education_off_site_is_not_absence() -> None:
    evaluator = Evaluator(range(10))
    facts = evaluator.facts(sessions(("K", 10), ("V", 2), ("P", 2), ("W", 2), ("B", 2), ("L", 2)))
    assert (facts.possible_sessions, facts.absent_sessions) == (20, 0)
    assert evaluator.triggers(facts) == frozenset()


def test_no_possible_sessions_means_no_rate_and_no_absence_triggers() -> None:
    evaluator = Evaluator(range(20))
    facts = evaluator.facts(sessions(("X", 40)))
    assert facts.possible_sessions == 0
    assert facts.absence_rate == 0.0
    assert evaluator.triggers(facts) == frozenset()


def test_a_window_of_no_school_days_gives_no_facts() -> None:
    evaluator = Evaluator([])
    facts = evaluator.facts(register((school_days_to(date(2026, 9, 30), 20), "O", "O")))
    assert facts == PupilFacts(0, 0, 0, 0, 0, 0, 0, 0)
    assert evaluator.triggers(facts) == frozenset()
    # The year before term starts: 1 September is not a school day in these term dates.
    assert window(date(2026, 9, 1)) == []


def test_a_window_of_one_school_day() -> None:
    evaluator = Evaluator([3])
    facts = evaluator.facts("......NO")
    assert facts == PupilFacts(2, 2, 2, 0, 1, 1, 1, 0)


# ------------------------------------------------------------------------------------------------
# A pupil who changes school mid-year


def test_illness_adds_up_across_a_change_of_school() -> None:
    at_old = school_days(date(2026, 9, 2), date(2026, 10, 9))
    at_new = school_days(date(2026, 10, 12), date(2026, 12, 18))
    old = register((at_old, "/", "\\"), (at_old[10:18], "I", "I"))  # 8 days ill
    new = register((at_new, "/", "\\"), (at_new[5:12], "I", "I"))  # 7 days ill
    as_of = date(2026, 12, 18)
    assert facts_as_of(old, as_of).illness_days == 8
    assert facts_as_of(new, as_of).illness_days == 7
    merged = merge_marks([new, old])
    assert facts_as_of(merged, as_of).illness_days == 15
    assert Trigger.ILLNESS in triggers_as_of(merged, as_of)


def test_an_unexplained_run_continues_across_a_change_of_school() -> None:
    last_at_old = school_days_to(date(2026, 10, 9), 5)
    first_at_new = school_days_from(date(2026, 10, 12), 5)
    old = register(present(date(2026, 9, 1), date(2026, 10, 2)), (last_at_old, "O", "O"))
    new = register((first_at_new, "N", "N"))
    merged = merge_marks([new, old])
    as_of = first_at_new[-1]
    assert facts_as_of(merged, as_of).unexplained_streak == 10
    assert Trigger.MISSING in triggers_as_of(merged, as_of)


def test_possibly_left_is_asked_of_each_school_on_its_own_string() -> None:
    old = register(present(date(2026, 9, 1), date(2026, 10, 9)))
    new = register(present(date(2026, 10, 12), date(2026, 12, 18)))
    as_of = date(2026, 11, 13)
    assert Trigger.POSSIBLY_LEFT in triggers_as_of(old, as_of)
    assert Trigger.POSSIBLY_LEFT not in triggers_as_of(new, as_of)
    assert Trigger.POSSIBLY_LEFT not in triggers_as_of(merge_marks([new, old]), as_of)


# ------------------------------------------------------------------------------------------------
# Thresholds, odd input


def test_the_default_thresholds_are_the_statutory_ones() -> None:
    assert Thresholds() == Thresholds(
        illness_days=15, unexplained_days=10, ground_i_days=20, persistent=0.10, severe=0.50, unmarked_days=10
    )


def test_a_council_may_set_its_own_thresholds() -> None:
    marks = register((school_days_to(date(2026, 11, 13), 5), "I", "I"))
    strict = Thresholds(illness_days=5, unmarked_days=50)
    evaluator = Evaluator(window(date(2026, 11, 13)), strict)
    assert evaluator.thresholds is strict
    assert evaluator.triggers(evaluator.facts(marks)) == {Trigger.ILLNESS, Trigger.PERSISTENT, Trigger.SEVERE}


@pytest.mark.parametrize(
    "bad",
    [
        {"illness_days": 0},
        {"unexplained_days": -1},
        {"ground_i_days": 2.5},
        {"unmarked_days": True},
        {"persistent": 0},
        {"severe": 1.5},
    ],
)
def test_a_nonsense_threshold_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="Thresholds"):
        Thresholds(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("offsets", [[3, 2], [1, 1], [-1, 4]])
def test_a_window_out_of_order_is_refused(offsets: list[int]) -> None:
    with pytest.raises(ValueError, match="ascending"):
        Evaluator(offsets)


@pytest.mark.parametrize("stranger", ["a", "?", "9", "é", "\u2603", " ", "_"])
def test_a_character_that_is_no_code_counts_as_nothing_and_breaks_runs(stranger: str) -> None:
    evaluator = Evaluator(range(5))
    facts = evaluator.facts("OOOO" + stranger * 2 + "OOOO")
    assert facts == PupilFacts(8, 8, 8, 0, 2, 2, 2, 0)


def test_facts_are_immutable() -> None:
    facts = Evaluator(range(1)).facts("//")
    with pytest.raises(FrozenInstanceError):
        facts.illness_days = 3  # type: ignore[misc]
    assert [f.name for f in fields(PupilFacts)] == [
        "possible_sessions",
        "absent_sessions",
        "unauthorised_sessions",
        "illness_days",
        "unexplained_streak",
        "longest_unexplained_streak",
        "ground_i_streak",
        "unmarked_days",
        "unexplained_reached_offset",
        "illness_reached_offset",
    ]


# ------------------------------------------------------------------------------------------------
# The key property: the fast evaluator agrees with an obviously correct day-by-day one


def reference_facts(marks: str, offsets: Sequence[int], thresholds: Thresholds | None = None) -> PupilFacts:
    """The §2 definitions read literally, one school day at a time."""
    thresholds = thresholds or Thresholds()
    possible = absent = unauthorised = illness = 0
    unexplained = longest = ground_i = unmarked = 0
    unexplained_reached: int | None = None
    illness_reached: int | None = None
    for offset in offsets:
        day_codes = []
        for position in (2 * offset, 2 * offset + 1):
            mark = marks[position] if position < len(marks) else BLANK
            code = CODE_BY_MARK.get(mark)
            category = EXPECTED_CATEGORY[code.code] if code else None
            possible += category in POSSIBLE
            absent += category in ABSENT
            unauthorised += category is Category.UNAUTHORISED
            day_codes.append(code.code if code else mark)
        illness += "I" in day_codes
        unexplained = unexplained + 1 if all(c in {"G", "N", "O", "U"} for c in day_codes) else 0
        longest = max(longest, unexplained)
        ground_i = ground_i + 1 if all(c in {"G", "N", "O"} for c in day_codes) else 0
        unmarked = unmarked + 1 if all(c == BLANK for c in day_codes) else 0
        if unexplained_reached is None and unexplained == thresholds.unexplained_days:
            unexplained_reached = offset
        if illness_reached is None and illness == thresholds.illness_days:
            illness_reached = offset
    return PupilFacts(
        possible,
        absent,
        unauthorised,
        illness,
        unexplained,
        longest,
        ground_i,
        unmarked,
        unexplained_reached,
        illness_reached,
    )


ALPHABET = [c.mark for c in CODES] + [BLANK]
# Characters weighted so runs of one kind of day are common: streaks long enough to matter.
LIKELY = st.sampled_from(["/", "\\", "I", "G", "N", "O", "U", BLANK, BLANK])
ANY_MARK = st.one_of(LIKELY, st.sampled_from(ALPHABET), st.sampled_from(["a", "é", "9"]))
DAY = st.tuples(ANY_MARK, ANY_MARK)


@st.composite
def marks_strings(draw: st.DrawFn) -> str:
    """A year of marks built from runs of identical days, sometimes cut short."""
    year_days = draw(st.sampled_from([365, 366]))
    runs = draw(st.lists(st.tuples(DAY, st.integers(1, 40)), min_size=1, max_size=40))
    text = "".join((am + pm) * count for (am, pm), count in runs)
    text = (text * (1 + 2 * year_days // len(text)))[: 2 * year_days]
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return text


@st.composite
def windows(draw: st.DrawFn) -> list[int]:
    """School-day windows: a real council year to a random day, or an arbitrary set of days."""
    kind = draw(st.sampled_from(["calendar", "calendar", "subset", "dense"]))
    if kind == "calendar":
        year = draw(st.sampled_from([2025, 2026, 2027]))
        as_of = date(year, 9, 1) + timedelta(days=draw(st.integers(0, 364)))
        return school_day_offsets(CAL.school_days_in(date(year, 9, 1), as_of), year)
    if kind == "dense":
        start = draw(st.integers(0, 360))
        return list(range(start, draw(st.integers(start, 365))))
    return sorted(draw(st.sets(st.integers(0, 365), max_size=200)))


@settings(max_examples=600, deadline=None)
@given(marks=marks_strings(), offsets=windows())
def test_the_fast_evaluator_agrees_with_the_day_by_day_reference(marks: str, offsets: list[int]) -> None:
    assert Evaluator(offsets).facts(marks) == reference_facts(marks, offsets)


@settings(max_examples=300, deadline=None)
@given(marks=st.text(alphabet=st.sampled_from(ALPHABET), max_size=732), offsets=windows())
def test_the_fast_evaluator_agrees_with_the_reference_on_noise(marks: str, offsets: list[int]) -> None:
    assert Evaluator(offsets).facts(marks) == reference_facts(marks, offsets)


@settings(max_examples=200, deadline=None)
@given(
    strings=st.lists(marks_strings(), min_size=1, max_size=3),
    offsets=windows(),
)
def test_evaluating_a_merged_string_agrees_with_the_reference(strings: list[str], offsets: list[int]) -> None:
    merged = merge_marks(strings)
    assert merged == slow_merge(strings)
    assert Evaluator(offsets).facts(merged) == reference_facts(merged, offsets)


@settings(max_examples=300, deadline=None)
@given(
    marks=marks_strings(),
    offsets=windows(),
    unexplained_days=st.integers(1, 25),
    illness_days=st.integers(1, 25),
)
def test_the_days_thresholds_were_reached_agree_with_the_reference_for_any_threshold(
    marks: str, offsets: list[int], unexplained_days: int, illness_days: int
) -> None:
    thresholds = Thresholds(unexplained_days=unexplained_days, illness_days=illness_days)
    assert Evaluator(offsets, thresholds).facts(marks) == reference_facts(marks, offsets, thresholds)


@given(
    facts=st.builds(PupilFacts, *[st.integers(0, 400)] * 8),
    thresholds=st.builds(
        Thresholds,
        illness_days=st.integers(1, 30),
        unexplained_days=st.integers(1, 30),
        ground_i_days=st.integers(1, 30),
        persistent=st.floats(0.01, 1.0),
        severe=st.floats(0.01, 1.0),
        unmarked_days=st.integers(1, 30),
    ),
)
def test_each_trigger_is_its_threshold_reached(facts: PupilFacts, thresholds: Thresholds) -> None:
    found = Evaluator([], thresholds).triggers(facts)
    rate = facts.absent_sessions / facts.possible_sessions if facts.possible_sessions else None
    assert (Trigger.ILLNESS in found) == (facts.illness_days >= thresholds.illness_days)
    assert (Trigger.MISSING in found) == (facts.unexplained_streak >= thresholds.unexplained_days)
    assert (Trigger.GROUND_I in found) == (facts.ground_i_streak >= thresholds.ground_i_days)
    assert (Trigger.POSSIBLY_LEFT in found) == (facts.unmarked_days >= thresholds.unmarked_days)
    assert (Trigger.PERSISTENT in found) == (rate is not None and rate >= thresholds.persistent)
    assert (Trigger.SEVERE in found) == (rate is not None and rate >= thresholds.severe)
