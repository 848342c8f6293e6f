"""The benchmark's DuckDB penalty threshold and RollingCounter agree for every pupil.

bench/attendance.py times the app's threshold against bench/attendance_reference.py's SQL at
100,000 pupils; this keeps the two in step on every CI run, on a few hundred random pupils (runs of
unauthorised days of every length, pupils split across two schools), with no database.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb
import pytest

from bench.attendance_reference import PENALTY_FIELDS, load_marks, penalty_facts
from rollcall.rules.attendance import BLANK, CODE_BY_MARK, marks_length, merge_marks
from rollcall.rules.calendar import calendar_for, default_terms
from rollcall.rules.penalties import RollingCounter, span_marks
from rollcall.rules.upn import make_upn

YEAR = 2025
FIRST_DAY = dt.date(YEAR, 9, 1)
CAL = calendar_for([term for year in (YEAR - 1, YEAR, YEAR + 1) for term in default_terms(year)])
DAYS = [("/", "\\"), ("O", "O"), ("G", "\\"), ("/", "N"), ("U", "I"), ("I", "I"), (BLANK, BLANK), ("E", "E")]


def _marks(rng: random.Random) -> str:
    days: list[str] = []
    total = marks_length(YEAR) // 2
    while len(days) < total:
        pair = rng.choice(DAYS) if rng.random() < 0.3 else DAYS[0]
        days += ["".join(pair)] * rng.choice([1, 1, 2, 3, 5])
    return "".join(days[:total])


def _write_csv(path: Path, records: dict[str, list[str]]) -> None:
    lines = ["upn,school,date,session,code"]
    for upn, strings in records.items():
        for school, marks in zip(["100001", "100002"], strings, strict=False):
            for index, mark in enumerate(marks):
                if mark != BLANK:
                    day = FIRST_DAY + dt.timedelta(days=index // 2)
                    lines.append(
                        f"{upn},{school},{day},{'PM' if index % 2 else 'AM'},{CODE_BY_MARK[mark].code}"
                    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("seed", "first", "last"),
    [
        (1, dt.date(2026, 4, 13), dt.date(2026, 7, 21)),  # the summer term, across the May half-term
        (2, dt.date(2025, 11, 3), dt.date(2025, 12, 19)),  # after the October half-term
    ],
)
def test_the_reference_agrees_with_the_rolling_counter(
    tmp_path: Path, seed: int, first: dt.date, last: dt.date
) -> None:
    rng = random.Random(seed)
    records: dict[str, list[str]] = {}
    for serial in range(250):
        marks = _marks(rng)
        if rng.random() < 0.2:  # moved school on a random day: no session marked twice
            move = 2 * rng.randrange(1, len(marks) // 2)
            records[make_upn("990", "2001", 25, serial)] = [
                BLANK * move + marks[move:],
                marks[:move] + BLANK * (len(marks) - move),
            ]
        else:
            records[make_upn("990", "2001", 25, serial)] = [marks]
    _write_csv(tmp_path / "marks.csv", records)
    # From the year before: a window early in the autumn term reaches back into the summer term.
    school_days = CAL.school_days_in(dt.date(YEAR - 1, 9, 1), dt.date(YEAR + 1, 8, 31))

    counter = RollingCounter(CAL, first, last)
    expected = {}
    for upn, strings in records.items():
        merged = span_marks({YEAR: merge_marks(strings)}, counter.first_year, counter.last_year)
        crossing = counter.first_crossing(merged)
        expected[upn] = (
            counter.count_at_end(merged),
            crossing.day if crossing else None,
            crossing.sessions if crossing else None,
            crossing.window_start if crossing else None,
        )
    with duckdb.connect() as connection:
        load_marks(connection, tmp_path / "marks.csv")
        table = penalty_facts(connection, school_days, first, last)
    columns = [table.column(name).to_pylist() for name in ("upn", *PENALTY_FIELDS)]
    reference = {row[0]: tuple(row[1:]) for row in zip(*columns, strict=True)}

    assert {
        upn: (reference.get(upn), ours) for upn, ours in expected.items() if reference.get(upn) != ours
    } == {}
    crossed = [v for v in expected.values() if v[1] is not None]
    assert 0 < len(crossed) < len(expected)  # not vacuous: some pupils cross, some do not
