"""The benchmark's DuckDB reference and the Evaluator reach the same facts for every pupil.

bench/attendance.py times the app's evaluation against bench/attendance_reference.py and checks
that both agree pupil for pupil on 38 million marks; this keeps the two honest on every CI run,
on a few hundred random pupils, with no database. The marks are drawn in runs (so streaks of every
length occur, ending at as_of or not) and include blanks, two-character codes, marks on weekends
and holidays, marks after as_of, marks in the next academic year, and pupils split across two
schools.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from bench.attendance_reference import facts_by_upn, reference_facts
from rollcall.rules.attendance import (
    BLANK,
    CODE_BY_MARK,
    CODES,
    Evaluator,
    PupilFacts,
    marks_length,
    merge_marks,
    school_day_offsets,
)
from rollcall.rules.calendar import SchoolCalendar, calendar_for, default_terms
from rollcall.rules.upn import make_upn

YEAR = 2025
FIRST_DAY = dt.date(YEAR, 9, 1)
MARKS = [code.mark for code in CODES]

# Whole days as (AM, PM) pairs, each kind drawn for a run of days, so runs of every length occur.
DAY_KINDS: dict[str, list[tuple[str, str]]] = {
    "present": [("/", "\\"), ("L", "\\"), ("/", "M")],
    "unexplained": [(a, p) for a in "GNOU" for p in "GNOU"],
    "ground_i": [(a, p) for a in "GNO" for p in "GNO"],
    "ill": [("I", "I"), ("I", "\\"), ("/", "I"), ("I", "O")],
    "blank": [(BLANK, BLANK)],
    "half_blank": [(BLANK, "O"), ("G", BLANK), (BLANK, "I")],
    "anything": [(a, p) for a in [*MARKS, BLANK] for p in [*MARKS, BLANK]],
}


def _calendar() -> SchoolCalendar:
    """The demo term dates either side of the year (so no day falls back to "any weekday")."""
    terms = [term for year in (YEAR - 1, YEAR, YEAR + 1) for term in default_terms(year)]
    return calendar_for(terms, closures=[default_terms(YEAR)[0].start])


def _random_marks(rng: random.Random) -> str:
    """A year of marks in runs of whole days of one kind (two characters per calendar day)."""
    days: list[str] = []
    total = marks_length(YEAR) // 2
    while len(days) < total:
        kind = rng.choice(list(DAY_KINDS))
        length = rng.choice([1, 2, 3, 5, 9, 10, 11, 14, 19, 20, 21, 28, 40])
        days += ["".join(rng.choice(DAY_KINDS[kind])) for _ in range(length)]
    return "".join(days[:total])


def _split(rng: random.Random, marks: str) -> list[str]:
    """One string, or (for about one pupil in five) two schools' strings, most recent first.

    The move is on a random day: the old school has the marks before it, the new one the rest,
    so no session is marked by both (as in the benchmark's files).
    """
    if rng.random() > 0.2:
        return [marks]
    move = 2 * rng.randrange(1, len(marks) // 2)
    return [BLANK * move + marks[move:], marks[:move] + BLANK * (len(marks) - move)]


def _write_csv(path: Path, records: dict[str, list[str]], extra_rows: list[str]) -> None:
    lines = ["upn,school,date,session,code"]
    for upn, strings in records.items():
        for school, marks in zip(["100001", "9902002"], strings, strict=False):
            for index, mark in enumerate(marks):
                if mark != BLANK:
                    day = FIRST_DAY + dt.timedelta(days=index // 2)
                    session = "PM" if index % 2 else "AM"
                    lines.append(f"{upn},{school},{day.isoformat()},{session},{CODE_BY_MARK[mark].code}")
    lines += extra_rows
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("seed", "as_of"),
    [
        (1, dt.date(2026, 3, 20)),  # a Friday in the spring term
        (2, dt.date(2026, 7, 21)),  # the last school day of the year
        (3, dt.date(2025, 11, 3)),  # the Monday after half term: the window ends after a holiday
    ],
)
def test_the_reference_agrees_with_the_evaluator_for_every_pupil(
    tmp_path: Path, seed: int, as_of: dt.date
) -> None:
    rng = random.Random(seed)
    calendar = _calendar()
    assert calendar.is_school_day(as_of)
    school_days = calendar.school_days_in(FIRST_DAY, dt.date(YEAR + 1, 8, 31))
    records = {make_upn("990", "2001", 25, serial): _split(rng, _random_marks(rng)) for serial in range(300)}
    # A pupil whose only marks fall on a weekend, and rows from the next academic year, which the
    # rules for this year must not see.
    weekend_only = make_upn("990", "2002", 25, 1)
    records[weekend_only] = [BLANK * 24 + "##" + BLANK * (marks_length(YEAR) - 26)]  # Sat 13 Sept
    next_year = [f"{upn},100001,2026-09-0{d},AM,O" for upn in list(records)[:20] for d in (2, 3)]
    csv_path = tmp_path / "marks.csv"
    _write_csv(csv_path, records, next_year)

    evaluator = Evaluator(school_day_offsets(calendar.school_days_in(FIRST_DAY, as_of), YEAR))
    expected = {upn: evaluator.facts(merge_marks(strings)) for upn, strings in records.items()}
    reference = facts_by_upn(reference_facts(csv_path, school_days, as_of))

    disagreements = {
        upn: (reference.get(upn), facts) for upn, facts in expected.items() if reference.get(upn) != facts
    }
    assert disagreements == {}
    assert reference.keys() == expected.keys()
    # The random marks reach every kind of fact, so the comparison is not vacuous.
    facts = list(expected.values())
    assert max(f.unexplained_streak for f in facts) >= 10
    assert max(f.ground_i_streak for f in facts) >= 1
    assert max(f.unmarked_days for f in facts) >= 1
    assert max(f.longest_unexplained_streak for f in facts) >= 10
    assert min(f.illness_days for f in facts) < 15 <= max(f.illness_days for f in facts)
    # Some pupils reached the returns' thresholds and some did not.
    assert {f.unexplained_reached_offset is None for f in facts} == {True, False}
    assert {f.illness_reached_offset is None for f in facts} == {True, False}
    window = len(calendar.school_days_in(FIRST_DAY, as_of))
    assert expected[weekend_only] == PupilFacts(0, 0, 0, 0, 0, 0, 0, unmarked_days=window)


def test_a_pupil_split_across_two_schools_is_evaluated_on_the_merged_marks(tmp_path: Path) -> None:
    """Illness on either side of a move counts as one run of days, in both implementations."""
    calendar = _calendar()
    as_of = dt.date(2025, 10, 17)
    school_days = calendar.school_days_in(FIRST_DAY, as_of)
    offsets = school_day_offsets(school_days, YEAR)
    old, new = [BLANK] * marks_length(YEAR), [BLANK] * marks_length(YEAR)
    for i, offset in enumerate(offsets):
        target = old if i < len(offsets) - 8 else new
        target[2 * offset : 2 * offset + 2] = ["O", "G"] if i >= len(offsets) - 12 else ["/", "\\"]
    upn = make_upn("990", "2001", 25, 7)
    strings = ["".join(new), "".join(old)]
    _write_csv(tmp_path / "moved.csv", {upn: strings}, [])

    reference = facts_by_upn(reference_facts(tmp_path / "moved.csv", school_days, as_of))

    assert reference[upn] == Evaluator(offsets).facts(merge_marks(strings))
    assert reference[upn].unexplained_streak == 12
    assert reference[upn].ground_i_streak == 12
