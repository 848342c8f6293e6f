"""Benchmark attendance imports and rules against DuckDB, on SQLite and PostgreSQL.

    .venv/bin/python bench/attendance.py [--pupils 100000] [--database sqlite|postgres|both]
                                         [--workdir DIR] [--keep] [--ctf-areas N]

Not a test: it builds a synthetic council (fixed seeds, invented names and numbers), writes a
year of session marks for every pupil as CSV and as Common Transfer Files, imports both through
the app, evaluates every attendance rule for every pupil, does the same evaluation again as SQL in
DuckDB (bench/attendance_reference.py) and checks that the two agree pupil for pupil. It prints a
table (bench/README.md has measured results and how to read them).

Each step runs in its own process, so one step's memory never shows in another's peak:

1. ``build``: migrate; term dates, schools, teams, children and rolls in bulk; then the marks
   for academic year 2025/26, generated with numpy, written as CSV (one file per area of
   100,000 pupils) and as one CTF per school.
2. ``import_csv``: ``import_create`` for every CSV file (not timed), then ``import_run`` (timed;
   it evaluates the children it changed, prompts included); then a sample of the stored strings
   is compared with the generated marks.
3. ``import_ctf``: the same for every school's CTF, into a copy of the database taken straight
   after the build (so both imports start from the same empty state).
4. ``evaluate``: the app's path (the marks strings read with ``evaluate()``'s query, merged per
   pupil, the Evaluator), with the Evaluator alone timed apart; the facts are saved for step 7.
5. ``evaluate_prompts``: ``rollcall.attendance.evaluation.evaluate()`` end to end in a fresh
   process (facts, flags, prompts), after the import's own run: it must change nothing.
6. ``reference``: DuckDB over the same CSV file(s): load, then the rules in SQL.
7. ``agreement``: the app's facts and DuckDB's, every field of every pupil; and the facts
   ``evaluate()`` stored on single-school pupils' records.
8. ``penalties``: the penalty-notice threshold (10 unauthorised sessions in a rolling 10 school
   weeks, rollcall/rules/penalties.py) for every pupil over the summer term up to as_of, on the
   app's path (strings read as ``evaluate()`` reads them, merged, ``RollingCounter``), the
   counter alone timed apart; then ``penalties_sweep()`` end to end (considerations written).
9. ``penalties_reference``: the same rule as SQL in DuckDB over the same CSV
   (``bench/attendance_reference.penalty_facts``), and ``penalties_agreement``: pupil for pupil.

``--only-penalties`` runs the build, the CSV import and steps 8 and 9 only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:  # run as a script: make ``rollcall`` and ``bench`` importable
    sys.path.insert(0, str(BASE_DIR))

from bench.harness import (  # noqa: E402  (after the path is set)
    FORENAMES,
    SURNAMES,
    frozen,
    maxrss_mb,
    pg_admin,
    phase_env,
    run_phase,
    setup_django,
)

SEED = 2026
GENERATOR = 2  # bump when the generated files change, so a --workdir's old files are not reused
YEAR = 2025  # the academic year 2025/26: 1 September 2025 to 31 August 2026
FIRST_DAY = dt.date(YEAR, 9, 1)
AS_OF = dt.date(2026, 7, 21)  # the last school day of the year in the demo term dates
LA_CODE = "990"
PUPILS_PER_SCHOOL = 400
PUPILS_PER_AREA = 100_000  # one CSV per area: each import is a bounded, per-file transaction
PG_BENCH_DB = "rollcall_bench_attendance"  # --pg-database; the CTF import's copy adds "_ctf"
# Disk per pupil: the CSV (~15 KB) and CTF (~1 KB), the import's stored copy of the CSV (deleted
# after the import), DuckDB's database; and per database engine, the database and its CTF copy.
FILE_BYTES_PER_PUPIL = 35_000
DATABASE_BYTES_PER_PUPIL = 5_000
SAMPLE_PUPILS = 400  # stored strings checked against the generated marks after each import
CSV_HEADER = b"upn,school,date,session,code\n"

PLACES = [
    "Northmoor",
    "Ashby",
    "Fellgate",
    "Marsden",
    "Oakridge",
    "Riverside",
    "Hollins",
    "Castlefield",
    "Brookvale",
    "Kirkby",
    "Saltcote",
    "Whinfell",
    "Greystone",
    "Linthorpe",
    "Harrowden",
    "Elmsworth",
    "Barrowfield",
    "Cresswell",
    "Dunmere",
    "Ravensholme",
]

# The code mix (stored one-character marks; spec §1). Probabilities are of a whole school day
# unless said otherwise; the shares were chosen to look like English national statistics: about
# 5.5% of sessions missed (4% authorised, mostly illness; 1.5% unauthorised), ~15% of pupils
# persistently absent, a few severely.
AUTHORISED_MIX = {
    "I": 0.62,
    "M": 0.08,
    "C": 0.07,
    "R": 0.05,
    "C2": 0.05,
    "E": 0.03,
    "T": 0.03,
    "J1": 0.03,
    "S": 0.02,
    "C1": 0.02,
}
UNAUTHORISED_MIX = {"O": 0.55, "G": 0.2, "N": 0.15, "U": 0.1}
APPROVED_MIX = {"B": 0.35, "V": 0.3, "P": 0.2, "K": 0.1, "W": 0.05}
NOT_COUNTED_MIX = {"#": 0.25, "D": 0.15, "Y1": 0.1, "Y2": 0.1, "Y3": 0.05, "Y4": 0.05, "Y5": 0.02, "Y6": 0.03, "Y7": 0.05, "Q": 0.05, "Z": 0.05, "X": 0.1}  # fmt: skip
MEAN_ABSENCE = 0.055
HALF_DAY_SHARE = 0.3  # absences that are one session only (the other present)
APPROVED_DAYS, NOT_COUNTED_DAYS, LATE_MORNINGS = 0.006, 0.003, 0.012
CHANGERS = 0.02  # pupils who change school mid-year (two roll entries, two strings)
# Planted patterns, shares of pupils (disjoint groups), so that every trigger fires for some.
PLANTED = {
    "illness_spell": 0.006,  # 15-30 consecutive days of I: health-needs prompt
    "missing": 0.004,  # the last 8-19 days all G/N/O/U: CME prompt (from 10)
    "ground_i": 0.0015,  # the last 20-35 days all G/N/O: the ground (i) question
    "old_streak": 0.004,  # 5-25 unexplained days earlier in the year (the longest streak)
    "unmarked": 0.004,  # no marks for the last 10-20 days: "possibly left"
    "unmarked_short": 0.002,  # no marks for the last 3-9 days: not yet
    "severe": 0.006,  # absent from 50-90% of days
}


# ---- the synthetic council (deterministic; used by the build and the checks) -----------------


def _code_to_mark() -> dict[str, str]:
    from rollcall.rules.attendance import CODE_BY_CODE

    return {code: c.mark for code, c in CODE_BY_CODE.items()}


class Council:
    """The pupils, schools and moves of the synthetic council: pure arithmetic on the seed."""

    def __init__(self, pupils: int, n_days: int) -> None:
        self.pupils = pupils
        self.n_days = n_days
        self.schools = math.ceil(pupils / PUPILS_PER_SCHOOL)
        self.areas = math.ceil(pupils / PUPILS_PER_AREA)
        rng = np.random.default_rng([SEED, 0])
        index = np.arange(pupils)
        self.home_school = index // PUPILS_PER_SCHOOL  # the school each pupil starts the year at
        self.area = index // PUPILS_PER_AREA
        self.forename = rng.integers(0, len(FORENAMES), pupils)
        self.surname = rng.integers(0, len(SURNAMES), pupils)
        self.birth_offset = rng.integers(0, 9 * 365, pupils)  # days after 1 September 2011
        self.female = rng.random(pupils) < 0.5
        # Movers go to another school of the same area, so each area's file is self-contained.
        self.changer = rng.random(pupils) < CHANGERS
        first = (self.area * PUPILS_PER_AREA) // PUPILS_PER_SCHOOL
        last = np.minimum((self.area + 1) * PUPILS_PER_AREA, pupils) - 1
        span = last // PUPILS_PER_SCHOOL - first + 1
        other = first + (self.home_school - first + 1 + rng.integers(0, np.maximum(span - 1, 1))) % span
        self.current_school = np.where(self.changer & (span > 1), other, self.home_school)
        self.changer &= self.current_school != self.home_school
        # A mover's last day at the old school is before leave_day; the first at the new one is
        # move_day; the 0-3 school days between are on nobody's register.
        self.leave_day = np.where(self.changer, rng.integers(30, n_days - 20, pupils), -1)
        self.move_day = np.where(self.changer, self.leave_day + rng.integers(0, 4, pupils), -1)

    def upn(self, i: int) -> str:
        from rollcall.rules.upn import make_upn

        # The establishment and year of allocation carry the index, so every UPN is unique.
        return make_upn(LA_CODE, f"{2000 + i // 100_000:04d}", 10 + (i // 1000) % 100, i % 1000)

    def upns(self, start: int = 0, stop: int | None = None) -> list[str]:
        return [self.upn(i) for i in range(start, self.pupils if stop is None else stop)]

    def date_of_birth(self, i: int) -> dt.date:
        return dt.date(2011, 9, 1) + dt.timedelta(days=int(self.birth_offset[i]))

    @staticmethod
    def urn(school: int) -> str:
        return str(100_000 + school)

    @staticmethod
    def establishment(school: int) -> str:
        return f"{2000 + school:04d}"

    @staticmethod
    def school_name(school: int) -> str:
        place = PLACES[school % len(PLACES)]
        kind = "Academy" if school % 5 == 0 else "Primary School"
        return f"{place} {kind} {school // len(PLACES) + 1}" if school >= len(PLACES) else f"{place} {kind}"

    @staticmethod
    def csv_school(school: int) -> str:
        """How the CSV names the school: the URN, or for every third school LA + establishment."""
        return f"{LA_CODE}{Council.establishment(school)}" if school % 3 == 2 else Council.urn(school)


class AreaMarks:
    """A year of marks for one area's pupils: ``am``/``pm`` (pupils x school days, uint8 marks).

    ``move_day[p]`` is the index of the first school day at the new school for a pupil who
    changed school (the old school has the days before ``leave_day[p]``); -1 otherwise.
    """

    def __init__(self, council: Council, area: int) -> None:
        start = area * PUPILS_PER_AREA
        stop = min(start + PUPILS_PER_AREA, council.pupils)
        self.start, self.stop = start, stop
        n = stop - start
        n_days = council.n_days
        rng = np.random.default_rng([SEED, 1, area])
        mark = {code: ord(m) for code, m in _code_to_mark().items()}
        days = np.arange(n_days)

        # Each pupil's share of days absent and of absences unauthorised.
        p_absent = np.minimum(0.95, rng.gamma(1.5, MEAN_ABSENCE / 1.5, n))
        order = rng.permutation(n)
        groups: dict[str, np.ndarray] = {}
        taken = 0
        for name, share in PLANTED.items():
            size = max(1, round(share * n))
            groups[name] = np.sort(order[taken : taken + size])
            taken += size
        p_absent[groups["severe"]] = rng.uniform(0.5, 0.9, len(groups["severe"]))
        p_unauthorised = rng.beta(1.0, 2.7, n)

        am = np.full((n, n_days), ord("/"), dtype=np.uint8)
        pm = np.full((n, n_days), ord("\\"), dtype=np.uint8)
        draw = rng.random((n, n_days), dtype=np.float32)
        absent = draw < p_absent[:, None]
        extra = (draw - p_absent[:, None]) / np.maximum(1 - p_absent[:, None], 1e-6)  # uniform again
        del draw
        approved = ~absent & (extra < APPROVED_DAYS)
        not_counted = ~absent & (extra >= APPROVED_DAYS) & (extra < APPROVED_DAYS + NOT_COUNTED_DAYS)
        del extra
        kind = rng.random((n, n_days), dtype=np.float32)
        unauthorised = absent & (kind < p_unauthorised[:, None])
        code = np.zeros((n, n_days), dtype=np.uint8)
        for mask, mix in (
            (absent & ~unauthorised, AUTHORISED_MIX),
            (unauthorised, UNAUTHORISED_MIX),
            (approved, APPROVED_MIX),
            (not_counted, NOT_COUNTED_MIX),
        ):
            choices = np.array([mark[c] for c in mix], dtype=np.uint8)
            weights = np.array(list(mix.values()))
            code[mask] = choices[rng.choice(len(choices), int(mask.sum()), p=weights / weights.sum())]
        # A half-day absence leaves the other session present: morning or afternoon, evenly.
        half = absent & (rng.random((n, n_days), dtype=np.float32) < HALF_DAY_SHARE)
        morning_only = half & (rng.random((n, n_days), dtype=np.float32) < 0.5)
        whole = (absent & ~half) | approved | not_counted
        in_am = whole | morning_only
        in_pm = whole | (half & ~morning_only)
        am[in_am] = code[in_am]
        pm[in_pm] = code[in_pm]
        del in_am, in_pm
        del kind, code, half, morning_only, whole, absent, unauthorised, approved, not_counted
        am[(am == ord("/")) & (rng.random((n, n_days), dtype=np.float32) < LATE_MORNINGS)] = ord("L")

        def fill(rows: np.ndarray, first: np.ndarray, length: np.ndarray, codes: Sequence[str]) -> None:
            """Set both sessions of days first..first+length-1 of ``rows`` to random ``codes``."""
            span = (days[None, :] >= first[:, None]) & (days[None, :] < (first + length)[:, None])
            choices = np.array([mark[c] if c != "." else ord(".") for c in codes], dtype=np.uint8)
            for target in (am, pm):
                block = target[rows]
                picked = choices[rng.integers(0, len(choices), block.shape)]
                target[rows] = np.where(span, picked, block)

        def ending(rows: np.ndarray, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
            length = rng.integers(low, high + 1, len(rows))
            return n_days - length, length

        rows = groups["illness_spell"]
        length = rng.integers(15, 31, len(rows))
        fill(rows, rng.integers(0, n_days - 30, len(rows)), length, ["I"])
        fill(groups["missing"], *ending(groups["missing"], 8, 19), list(UNAUTHORISED_MIX))
        fill(groups["ground_i"], *ending(groups["ground_i"], 20, 35), ["G", "N", "O"])
        rows = groups["old_streak"]
        length = rng.integers(5, 26, len(rows))
        fill(rows, rng.integers(0, n_days - 35, len(rows)), length, list(UNAUTHORISED_MIX))
        fill(groups["unmarked"], *ending(groups["unmarked"], 10, 20), ["."])
        fill(groups["unmarked_short"], *ending(groups["unmarked_short"], 3, 9), ["."])

        # Movers: nobody marks the days between leaving one school and starting at the next.
        leave, move = council.leave_day[start:stop], council.move_day[start:stop]
        gap = (days[None, :] >= leave[:, None]) & (days[None, :] < move[:, None])
        am[gap] = pm[gap] = ord(".")
        self.council = council
        self.am, self.pm = am, pm
        self.leave_day, self.move_day = leave, move
        self.groups = {name: rows + start for name, rows in groups.items()}

    def school_of_day(self, pupils: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The school whose register holds each (pupil, day) (``pupils`` are council indexes)."""
        council = self.council
        before_move = council.changer[pupils] & (day < self.leave_day[pupils - self.start])
        school: np.ndarray = np.where(
            before_move, council.home_school[pupils], council.current_school[pupils]
        )
        return school

    def strings(self, offsets: np.ndarray, pupils: np.ndarray, school: np.ndarray) -> np.ndarray:
        """Full-year marks strings (rows of uint8) of ``pupils`` at ``school`` (one per pupil).

        A pupil who stayed has all their marks there; a mover has the days before they left at
        the old school and the days from the move at the new one.
        """
        from rollcall.rules.attendance import marks_length

        local = pupils - self.start
        days = np.arange(len(offsets))[None, :]
        leave = self.leave_day[local][:, None]
        move = self.move_day[local][:, None]
        at_old = (school == self.council.home_school[pupils])[:, None]
        here = np.where(leave < 0, True, np.where(at_old, days < leave, days >= move))
        out = np.full((len(pupils), marks_length(YEAR)), ord("."), dtype=np.uint8)
        out[:, 2 * offsets] = np.where(here, self.am[local], ord("."))
        out[:, 2 * offsets + 1] = np.where(here, self.pm[local], ord("."))
        return out


# ---- writing the files --------------------------------------------------------------------------


def write_area_csv(council: Council, marks: AreaMarks, school_days: Sequence[dt.date], path: Path) -> int:
    """Write one area's marks as CSV (spec §4), pupil by pupil in school order; returns the rows.

    Built column-wise with pyarrow (``take`` from small dictionaries of strings) and written by
    its C++ CSV writer, 5,000 pupils at a time; blank sessions have no row.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    from rollcall.rules.attendance import CODES

    code_of_byte = [None] * 256
    for c in CODES:
        code_of_byte[ord(c.mark)] = c.code  # type: ignore[call-overload]
    codes = pa.array(code_of_byte, pa.string())
    dates = pa.array([d.isoformat() for d in school_days], pa.string())
    sessions = pa.array(["AM", "PM"], pa.string())
    schools = pa.array([Council.csv_school(s) for s in range(council.schools)], pa.string())
    upns = pa.array(council.upns(marks.start, marks.stop), pa.string())
    n_days = len(school_days)
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
    schema = pa.schema([(name, pa.string()) for name in ("upn", "school", "date", "session", "code")])
    rows = 0
    with path.open("wb") as sink:
        sink.write(CSV_HEADER)
        with pa_csv.CSVWriter(sink, schema, write_options=options) as writer:
            for first in range(0, marks.stop - marks.start, 5000):
                last = min(first + 5000, marks.stop - marks.start)
                sessions_of = np.stack([marks.am[first:last], marks.pm[first:last]], axis=2).reshape(-1)
                filled = np.flatnonzero(sessions_of != ord("."))
                local = first + filled // (2 * n_days)
                day = (filled // 2) % n_days
                school = marks.school_of_day(local + marks.start, day)
                table = pa.table(
                    [
                        upns.take(pa.array(local)),
                        schools.take(pa.array(school)),
                        dates.take(pa.array(day)),
                        sessions.take(pa.array(filled % 2)),
                        codes.take(pa.array(sessions_of[filled])),
                    ],
                    schema=schema,
                )
                writer.write_table(table)
                rows += len(filled)
    return rows


def write_area_ctf(council: Council, marks: AreaMarks, offsets: np.ndarray, folder: Path) -> tuple[int, int]:
    """Write one CTF per school of the area (spec §4); returns (files, sessions marked)."""
    from xml.sax.saxutils import escape

    first_school = marks.start // PUPILS_PER_SCHOOL
    last_school = (marks.stop - 1) // PUPILS_PER_SCHOOL
    pupils = np.arange(marks.start, marks.stop)
    marked = 0
    for school in range(first_school, last_school + 1):
        here = pupils[
            (council.current_school[pupils] == school)
            | (council.changer[pupils] & (council.home_school[pupils] == school))
        ]
        strings = marks.strings(offsets, here, np.full(len(here), school))
        marked += int((strings != ord(".")).sum())
        width = strings.shape[1]
        flat = strings.tobytes().decode("ascii")
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<CTfile>\n<Header>'
            "<DocumentName>Common Transfer File</DocumentName><CTFversion>26.0</CTFversion>"
            f"<DateTime>{AS_OF.isoformat()}T16:00:00</DateTime><DocumentQualifier>full</DocumentQualifier>"
            f"<SourceSchool><LEA>{LA_CODE}</LEA><Estab>{Council.establishment(school)}</Estab>"
            f"<SchoolName>{escape(Council.school_name(school))}</SchoolName>"
            f"<AcademicYear>{YEAR}</AcademicYear></SourceSchool>"
            f"<DestSchool><LEA>{LA_CODE}</LEA><Estab>XXXX</Estab></DestSchool></Header>\n<CTFpupilData>\n"
        ]
        for row, i in enumerate(here.tolist()):
            born = council.date_of_birth(i)
            year_group = YEAR - (born.year if born.month >= 9 else born.year - 1) - 5
            parts.append(
                f"<Pupil><UPN>{council.upn(i)}</UPN><Surname>{SURNAMES[council.surname[i]]}</Surname>"
                f"<Forename>{FORENAMES[council.forename[i]]}</Forename><DOB>{born.isoformat()}</DOB>"
                f"<Sex>{'F' if council.female[i] else 'M'}</Sex><Attendance><YearData>"
                f"<YearTaught>{year_group}</YearTaught><SessionAttendance>"
                f"<AttendanceStartDate>{FIRST_DAY.isoformat()}</AttendanceStartDate>"
                f"<AttendanceMarks>{escape(flat[row * width : (row + 1) * width])}</AttendanceMarks>"
                "</SessionAttendance></YearData></Attendance></Pupil>\n"
            )
        parts.append("</CTFpupilData>\n</CTfile>\n")
        (folder / f"ctf-{Council.urn(school)}.xml").write_text("".join(parts), encoding="utf-8")
    return last_school - first_school + 1, marked


def write_files(pupils: int, school_days: list[dt.date], files: Path) -> dict[str, Any]:
    """Generate the marks area by area and write the CSV(s), the CTFs and the check sample."""
    council = Council(pupils, len(school_days))
    offsets = np.array([(d - FIRST_DAY).days for d in school_days])
    (files / "ctf").mkdir(parents=True, exist_ok=True)
    csvs, csv_rows, ctf_files = [], 0, 0
    ctf_marks: list[int] = []
    planted: dict[str, int] = {}
    sample: list[dict[str, Any]] = []
    rng = np.random.default_rng([SEED, 2])
    for area in range(council.areas):
        marks = AreaMarks(council, area)
        name = "marks.csv" if council.areas == 1 else f"marks-area-{area + 1:02d}.csv"
        csv_rows += write_area_csv(council, marks, school_days, files / name)
        csvs.append(name)
        made, marked = write_area_ctf(council, marks, offsets, files / "ctf")
        ctf_files += made
        ctf_marks.append(marked)
        for group, rows in marks.groups.items():
            planted[group] = planted.get(group, 0) + len(rows)
        # The check sample: some pupils who stayed and every mover among a few hundred more.
        chosen = rng.choice(
            np.arange(marks.start, marks.stop), min(SAMPLE_PUPILS, marks.stop - marks.start), replace=False
        )
        chosen = np.concatenate(
            [chosen, np.flatnonzero(council.changer[marks.start : marks.stop])[:50] + marks.start]
        )
        for school_of in (council.current_school, council.home_school):
            keep = chosen if school_of is council.current_school else chosen[council.changer[chosen]]
            strings = marks.strings(offsets, keep, school_of[keep])
            sample += [
                {
                    "upn": council.upn(int(i)),
                    "urn": Council.urn(int(school_of[i])),
                    "area": area,
                    "marks": row.tobytes().decode(),
                }
                for i, row in zip(keep, strings, strict=True)
            ]
        del marks
    (files / "sample.json").write_text(json.dumps(sample), encoding="utf-8")
    return {
        "csv_files": csvs,
        "csv_rows": csv_rows,
        "csv_bytes": sum((files / name).stat().st_size for name in csvs),
        "ctf_files": ctf_files,
        "ctf_marks": sum(ctf_marks),
        "ctf_marks_by_area": ctf_marks,
        "ctf_bytes": sum(p.stat().st_size for p in (files / "ctf").iterdir()),
        "planted": planted,
        "changers": int(council.changer.sum()),
    }


# ---- the orchestrator -----------------------------------------------------------------------


def _run_phase(
    phase: str, env: dict[str, str] | None, args: argparse.Namespace, *extra: str, show_progress: bool = False
) -> dict[str, Any]:
    options = [
        "--pupils",
        str(args.pupils),
        "--workdir",
        str(args.workdir),
        *(["--ctf-areas", str(args.ctf_areas)] if args.ctf_areas else []),
        *extra,
    ]
    return run_phase(__file__, phase, env, options, show_progress=show_progress)


@contextmanager
def _databases(kind: str, folder: Path, pg_name: str) -> Iterator[tuple[str, str]]:
    """Yields (DATABASE_URL for the build and CSV import, DATABASE_URL for the CTF import's copy).

    The copy is made by :func:`_copy_database` after the build. PostgreSQL databases are
    dropped afterwards; SQLite files go with the work folder.
    """
    if kind == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        for old in [*folder.glob("bench.sqlite3*"), *folder.glob("ctf.sqlite3*")]:
            old.unlink()  # from an earlier run in the same --workdir
        yield f"sqlite:///{folder}/bench.sqlite3", f"sqlite:///{folder}/ctf.sqlite3"
        return
    drop = [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in (pg_name, f"{pg_name}_ctf")]
    pg_admin(*drop, f"CREATE DATABASE {pg_name}")
    try:
        yield (
            f"postgres://postgres@127.0.0.1:5432/{pg_name}",
            f"postgres://postgres@127.0.0.1:5432/{pg_name}_ctf",
        )
    finally:
        pg_admin(*drop)


def _copy_database(kind: str, folder: Path, pg_name: str) -> None:
    """A copy of the freshly built database for the CTF import (same start state as the CSV's)."""
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            source = folder / f"bench.sqlite3{suffix}"
            if source.exists():
                shutil.copyfile(source, folder / f"ctf.sqlite3{suffix}")
    else:
        pg_admin(f"CREATE DATABASE {pg_name}_ctf TEMPLATE {pg_name}")


def _var_dir(folder: Path) -> Path:
    """The ROLLCALL_VAR_DIR of a database's processes (the imports store their copies under it)."""
    var = folder / "var"
    var.mkdir(parents=True, exist_ok=True)
    return var


def _disk_needed(args: argparse.Namespace, kinds: list[str]) -> None:
    need = args.pupils * (FILE_BYTES_PER_PUPIL + DATABASE_BYTES_PER_PUPIL * len(kinds))
    free = shutil.disk_usage(args.workdir).free
    print(
        f"Work folder {args.workdir}: needs about {need / 1e9:.1f} GB at {args.pupils:,} pupils; "
        f"{free / 1e9:.1f} GB free.",
        flush=True,
    )
    if free < need:
        raise SystemExit("Not enough free disk: pass --workdir on a larger disk, or fewer --pupils.")


def orchestrate(args: argparse.Namespace) -> None:
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    made_workdir = args.workdir is None
    args.workdir = Path(args.workdir or tempfile.mkdtemp(prefix="rollcall-bench-attendance-")).resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    _disk_needed(args, kinds)
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        print(
            f"The machine is busy (load average {load:.1f} on {os.cpu_count()} cores): expect slower figures."
        )
    (args.workdir / "reference.parquet").unlink(missing_ok=True)  # from an earlier run in --workdir
    (args.workdir / "reference-penalties.parquet").unlink(missing_ok=True)
    rows: list[dict[str, Any]] = []
    try:
        built_files: dict[str, Any] | None = None
        for kind in kinds:
            folder = args.workdir / kind
            with _databases(kind, folder, args.pg_database) as (url, ctf_url):
                env = phase_env(url, _var_dir(folder))
                print(f"[{kind}] building the council of {args.pupils:,} pupils…", flush=True)
                build = _run_phase("build", env, args)
                built_files = build["files"]
                print(
                    f"[{kind}] built in {build['seconds']:.0f} s (database {build['database_seconds']:.0f} s, "
                    f"files {build['files_seconds']:.0f} s): {build['files']['csv_rows']:,} session marks in "
                    f"{len(build['files']['csv_files'])} CSV file(s)"
                    + (" (one per area of 100,000 pupils)" if len(build["files"]["csv_files"]) > 1 else "")
                    + f", {build['files']['ctf_files']:,} CTF files",
                    flush=True,
                )
                rows.append({"database": kind, "step": "build (database)", **_row(build, "database")})
                if args.ctf_only:
                    _ctf_step(kind, env, args, rows)
                    continue
                _copy_database(kind, folder, args.pg_database)
                print(f"[{kind}] importing the CSV…", flush=True)
                csv_import = _run_phase("import_csv", env, args)
                rows.append({"database": kind, "step": "import CSV", **csv_import})
                rows.append(
                    _evaluate_row(kind, "  of which evaluate() (first run: prompts made)", csv_import)
                )
                print(f"[{kind}] {_line(csv_import)}", flush=True)
                if args.only_penalties:
                    _penalty_steps(kind, env, args, folder, rows)
                    continue
                print(f"[{kind}] importing the CTFs (into a copy of the database as built)…", flush=True)
                _ctf_step(kind, phase_env(ctf_url, _var_dir(args.workdir / f"{kind}-ctf")), args, rows)
                print(f"[{kind}] evaluating every pupil (the app's path)…", flush=True)
                facts_path = folder / "app-facts.parquet"
                evaluation = _run_phase("evaluate", env, args, "--out", str(facts_path))
                rows.append({"database": kind, "step": "evaluate (read + rules)", **evaluation})
                rows.append({"database": kind, "step": "  Evaluator alone", **evaluation["evaluator"]})
                print(
                    f"[{kind}] {_line(evaluation)}; Evaluator alone {evaluation['evaluator']['seconds']:.2f} s",
                    flush=True,
                )
                print(f"[{kind}] evaluate() end to end, prompts included…", flush=True)
                prompted = _run_phase("evaluate_prompts", env, args)
                rows.append({"database": kind, "step": "evaluate() again, prompts included", **prompted})
                print(f"[{kind}] {_line(prompted)}", flush=True)
                reference_path = args.workdir / "reference.parquet"
                if not reference_path.exists():
                    print("[duckdb] the reference: DuckDB over the same CSV…", flush=True)
                    reference = _run_phase("reference", None, args, "--out", str(reference_path))
                    rows.append({"database": "duckdb", "step": "reference: load CSV", **reference["load"]})
                    rows.append(
                        {"database": "duckdb", "step": "reference: rules in SQL", **reference["rules"]}
                    )
                    rows.append({"database": "duckdb", "step": "reference", **reference})
                    print(
                        f"[duckdb] load {reference['load']['seconds']:.2f} s, rules {reference['rules']['seconds']:.2f} s, "
                        f"peak {reference['peak_mb']:.0f} MB",
                        flush=True,
                    )
                checked = _run_phase("stored_check", env, args, "--out", str(reference_path))
                agreement = _run_phase(
                    "agreement", None, args, "--out", str(reference_path), "--app", str(facts_path)
                )
                print(
                    f"[{kind}] {agreement['pupils']:,} pupils compared: {agreement['disagreements']} disagreements",
                    flush=True,
                )
                for example in agreement["examples"] + checked["examples"]:
                    print(f"    {example}", flush=True)
                rows.append({"database": kind, "step": "agreement", **agreement, "stored": checked})
                _penalty_steps(kind, env, args, folder, rows)
        _print_table(rows, args, built_files)
        if any(
            (row["step"] == "agreement" and (row["disagreements"] or row["stored"]["disagreements"]))
            or (row["step"] == "penalties agreement" and row["disagreements"])
            for row in rows
        ):
            raise SystemExit("The app and the DuckDB reference disagree (see above).")
    finally:
        if args.keep or not made_workdir:
            print(f"Kept {args.workdir}", flush=True)
        else:
            shutil.rmtree(args.workdir, ignore_errors=True)


def _ctf_step(kind: str, env: dict[str, str], args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    """Every school's CTF (of the first --ctf-areas areas), each its own import, timed."""
    ctf_import = _run_phase("import_ctf", env, args, show_progress=True)
    areas = math.ceil(args.pupils / PUPILS_PER_AREA)
    shown = min(args.ctf_areas or areas, areas)
    label = "import CTF" if shown == areas else f"import CTF ({shown} of {areas} areas)"
    rows.append({"database": kind, "step": label, **ctf_import})
    rows.append(_evaluate_row(kind, "  of which evaluate() (after each file)", ctf_import))
    print(f"[{kind}] {_line(ctf_import)}", flush=True)


def _penalty_steps(
    kind: str, env: dict[str, str], args: argparse.Namespace, folder: Path, rows: list[dict[str, Any]]
) -> None:
    """The penalty-notice threshold for every pupil, the app against DuckDB, pupil for pupil."""
    print(f"[{kind}] the penalty-notice threshold for every pupil (the app's path)…", flush=True)
    app_path = folder / "app-penalties.parquet"
    penalties = _run_phase("penalties", env, args, "--out", str(app_path))
    rows.append({"database": kind, "step": "penalty thresholds (read + rules)", **penalties})
    rows.append({"database": kind, "step": "  RollingCounter alone", **penalties["counter"]})
    rows.append({"database": kind, "step": "penalties_sweep() end to end", **penalties["sweep"]})
    print(
        f"[{kind}] {_line(penalties)}; RollingCounter alone {penalties['counter']['seconds']:.2f} s; "
        f"{penalties['crossed']:,} pupils crossed; sweep {penalties['sweep']['seconds']:.2f} s, "
        f"{penalties['sweep']['considerations']:,} considerations",
        flush=True,
    )
    reference_path = args.workdir / "reference-penalties.parquet"
    if not reference_path.exists():
        print("[duckdb] the penalty threshold in SQL over the same CSV…", flush=True)
        reference = _run_phase("penalties_reference", None, args, "--out", str(reference_path))
        rows.append({"database": "duckdb", "step": "reference: penalty threshold in SQL", **reference})
        print(
            f"[duckdb] load {reference['load']['seconds']:.2f} s, rule {reference['seconds']:.2f} s",
            flush=True,
        )
    agreement = _run_phase(
        "penalties_agreement", None, args, "--out", str(reference_path), "--app", str(app_path)
    )
    print(
        f"[{kind}] penalty thresholds of {agreement['pupils']:,} pupils compared with DuckDB: "
        f"{agreement['disagreements']} disagreements",
        flush=True,
    )
    for example in agreement["examples"]:
        print(f"    {example}", flush=True)
    rows.append({"database": kind, "step": "penalties agreement", **agreement})


def _evaluate_row(kind: str, step: str, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "database": kind,
        "step": step,
        "seconds": result["evaluate_seconds"],
        "rows": 0,
        "unit": "",
        "peak_mb": 0.0,
    }


def _row(result: dict[str, Any], key: str) -> dict[str, Any]:
    return {
        "seconds": result[f"{key}_seconds"],
        "rows": result.get("rows", 0),
        "unit": result.get("unit", ""),
        "peak_mb": result.get("peak_mb", 0.0),
    }


def _line(result: dict[str, Any]) -> str:
    rate = result["rows"] / result["seconds"] if result["seconds"] else 0.0
    cpu = f", CPU {result['cpu_seconds']:.1f} s" if "cpu_seconds" in result else ""
    if result.get("server_cpu_seconds"):
        cpu += f" + PostgreSQL {result['server_cpu_seconds']:.1f} s"
    return (
        f"{result['seconds']:.2f} s{cpu}, {result['rows']:,} {result['unit']} ({rate:,.0f}/s), "
        f"peak {result['peak_mb']:.0f} MB, load {result.get('load_average', 0):.1f}"
    )


def _print_table(rows: list[dict[str, Any]], args: argparse.Namespace, files: dict[str, Any] | None) -> None:
    uname = os.uname()
    print()
    print(
        f"Attendance, academic year 2025/26 as of {AS_OF:%A %d %B %Y}; {args.pupils:,} pupils; "
        f"{os.cpu_count()} cores, {uname.sysname} {uname.release}; Python {sys.version.split()[0]}"
    )
    if files:
        print(
            f"Files: {files['csv_rows']:,} session marks; CSV {files['csv_bytes'] / 1e9:.2f} GB in "
            f"{len(files['csv_files'])} file(s); CTF {files['ctf_bytes'] / 1e9:.2f} GB in {files['ctf_files']:,} files; "
            f"{files['changers']:,} pupils changed school; planted: {files['planted']}"
        )
    head = "| scale | database | step | seconds | CPU s | rows | rows per second | peak MB |"
    print(head)
    print("|" + "|".join([" --- "] * (head.count("|") - 1)) + "|")
    for row in rows:
        if row["step"] in {"agreement", "penalties agreement"}:
            continue
        rate = f"{row['rows'] / row['seconds']:,.0f}" if row.get("rows") and row["seconds"] else "-"
        peak = f"{row['peak_mb']:,.0f}" if row.get("peak_mb") else "-"
        cpu = f"{row['cpu_seconds']:.1f}" if "cpu_seconds" in row else "-"
        count = f"{row['rows']:,} {row.get('unit', '')}" if row.get("rows") else "-"
        print(
            f"| {args.pupils:,} | {row['database']} | {row['step']} | {row['seconds']:.2f} | {cpu} | {count} | {rate} | {peak} |"
        )
    print()
    reference = next((r for r in rows if r["step"] == "reference"), None)
    penalty_reference = next((r for r in rows if r["step"] == "reference: penalty threshold in SQL"), None)
    for row in rows:
        if row["step"] == "penalty thresholds (read + rules)" and penalty_reference is not None:
            ratio = row["seconds"] / penalty_reference["seconds"]
            print(
                f"{row['database']}: penalty thresholds / DuckDB = {ratio:.2f} excluding the CSV load "
                f"(target within 2x: {'met' if ratio <= 2 else 'NOT met'})"
            )
        if row["step"] == "penalties agreement":
            print(
                f"{row['database']}: penalty thresholds of {row['pupils']:,} pupils ({row['crossed']:,} crossed) "
                f"compared with DuckDB on {len(row['fields'])} fields: {row['disagreements']} disagreements (must be 0)"
            )
        if row["step"] == "import CSV":
            per_100k = row["seconds"] * 100_000 / args.pupils
            print(
                f"{row['database']}: CSV import {row['seconds']:.1f} s, {per_100k:.1f} s per 100,000 pupils "
                f"(target < 60 s at 100,000 pupils: "
                f"{'not judged below 100,000' if args.pupils < 100_000 else 'met' if per_100k < 60 else 'NOT met'})"
            )
        if row["step"].startswith("import CTF") and row.get("files"):
            # 1,000,000 pupils are 2,500 school files; a file's cost no longer grows with the council.
            national = 1_000_000 // PUPILS_PER_SCHOOL
            per_file = row["seconds"] / row["files"]
            cpu_per_file = (row["cpu_seconds"] + row.get("server_cpu_seconds", 0.0)) / row["files"]
            print(
                f"{row['database']}: CTF import {row['seconds']:.1f} s for {row['files']:,} files "
                f"({per_file:.2f} s a file; CPU {row['cpu_seconds'] / row['files']:.2f} s"
                f" + PostgreSQL {row.get('server_cpu_seconds', 0.0) / row['files']:.2f} s); "
                f"{national:,} files (1,000,000 pupils) at that rate: {per_file * national / 60:.1f} min, "
                f"CPU {cpu_per_file * national / 60:.1f} min (target < 30 min)"
            )
        if row["step"] == "evaluate (read + rules)" and reference is not None:
            with_load = row["seconds"] / reference["seconds"]
            without = row["seconds"] / reference["rules"]["seconds"]
            print(
                f"{row['database']}: evaluate / DuckDB = {with_load:.2f} including the CSV load, {without:.2f} excluding it "
                f"(target within 2x: {'met' if without <= 2 else 'NOT met'} excluding the load)"
            )
        if row["step"] == "agreement":
            stored = row["stored"]
            print(
                f"{row['database']}: {row['pupils']:,} pupils compared with DuckDB on {len(row['fields'])} fields: "
                f"{row['disagreements']} disagreements (must be 0); stored facts of {stored['records']:,} "
                f"single-school pupils after evaluate(): {stored['disagreements']} disagreements"
            )
    loads = [f"{r['step'].strip()} {r['load_average']:.1f}" for r in rows if "load_average" in r]
    print(f"Load average (1 minute) at the end of each step, on {os.cpu_count()} cores: " + "; ".join(loads))
    peaks = [
        r["peak_mb"]
        for r in rows
        if r.get("peak_mb") and r["database"] != "duckdb" and not r["step"].startswith("build")
    ]
    if peaks:
        print(
            f"Largest peak of an import or evaluation: {max(peaks):,.0f} MB (target < 2,048 MB: {'met' if max(peaks) < 2048 else 'NOT met'})"
        )
    for row in rows:
        if (
            row["step"] in {"import CSV", "evaluate() again, prompts included"}
            or row["step"].startswith("import CTF")
        ) and row.get("details"):
            print(f"{row['database']} {row['step']}: {row['details']}")


# ---- the phases (each in its own process) -----------------------------------------------------


def _cpu_seconds() -> float:
    """CPU time of this process so far, every thread (DuckDB's too): user + system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _server_cpu_seconds() -> float | None:
    """The CPU seconds of this connection's PostgreSQL backend so far (from /proc: the server runs
    on this machine); None on SQLite, whose work is already in the process's own CPU time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tidy() -> None:
    """Refresh the planner's statistics (and on PostgreSQL clear dead rows) before a timed step."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _school_days() -> list[dt.date]:
    from rollcall.casework.calendar import council_calendar

    days = council_calendar().school_days_in(FIRST_DAY, dt.date(YEAR + 1, 8, 31))
    if days[-1] != AS_OF:
        raise SystemExit(
            f"The last school day of 2025/26 is {days[-1]}, not {AS_OF}: the term dates changed."
        )
    return days


def phase_build(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with frozen(AS_OF):
        counts = _build_council(args.pupils)
    _tidy()
    database_seconds = time.perf_counter() - started
    files = Path(args.workdir) / "files"
    meta_path = files / "meta.json"
    school_days = _school_days()
    tick = time.perf_counter()
    old = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if (old.get("pupils"), old.get("generator")) == (args.pupils, GENERATOR):
        meta = old  # the same seed and generator make the same files: reuse them
    else:
        files.mkdir(parents=True, exist_ok=True)
        meta = {
            "pupils": args.pupils,
            "generator": GENERATOR,
            "school_days": [d.isoformat() for d in school_days],
            "as_of": AS_OF.isoformat(),
            **write_files(args.pupils, school_days, files),
        }
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return {
        "seconds": time.perf_counter() - started,
        "database_seconds": database_seconds,
        "files_seconds": time.perf_counter() - tick,
        "rows": args.pupils,
        "unit": "pupils",
        "peak_mb": maxrss_mb(),
        "files": meta,
        **counts,
    }


def _build_council(n_pupils: int) -> dict[str, Any]:
    """Term dates, schools, teams, children and rolls, in bulk (see the module docstring)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from rollcall.accounts.models import Membership, Team, User
    from rollcall.demo.council import demo_terms
    from rollcall.people.models import Child
    from rollcall.rules.workflow import Role
    from rollcall.schools.models import RollEntry, School

    batch = 5000
    unusable = make_password(None)  # nobody signs in to the benchmark's council
    demo_terms(today=AS_OF)  # the demo's term dates and INSET days for 2024/25 to 2026/27
    school_days = _school_days()
    council = Council(n_pupils, len(school_days))

    School.objects.bulk_create(
        (
            School(
                urn=Council.urn(s),
                la_code=LA_CODE,
                establishment_number=Council.establishment(s),
                name=Council.school_name(s),
                status_name="Open",
                phase="Secondary" if s % 5 == 0 else "Primary",
                email=f"office.{Council.urn(s)}@schools.northmoor.example",
            )
            for s in range(council.schools)
        ),
        batch_size=1000,
    )
    school_pk = dict(School.objects.values_list("urn", "pk"))

    teams = {
        kind: Team.objects.create(name=name, kind=kind, email=f"{kind}@northmoor.example")
        for kind, name in (
            (Team.Kind.INCLUSION, "Inclusion (children missing education)"),
            (Team.Kind.ACCESS, "Access to Education"),
            (Team.Kind.HEADS, "Heads of Service"),
        )
    }
    seats = [(f"inclusion.officer{i}", Team.Kind.INCLUSION, Role.OFFICER) for i in range(6)]
    seats += [(f"access.officer{i}", Team.Kind.ACCESS, Role.OFFICER) for i in range(4)]
    seats += [
        ("inclusion.manager", Team.Kind.INCLUSION, Role.MANAGER),
        ("access.manager", Team.Kind.ACCESS, Role.MANAGER),
        ("head.of.service", Team.Kind.HEADS, Role.HEAD_OF_SERVICE),
    ]
    staff = User.objects.bulk_create(
        User(username=name, email=f"{name}@northmoor.example", password=unusable, last_name="Bench")
        for name, _kind, _role in seats
    )
    Membership.objects.bulk_create(
        Membership(user=user, team=teams[kind], role=role.value)
        for user, (_name, kind, role) in zip(staff, seats, strict=True)
    )
    school_users = User.objects.bulk_create(
        (
            User(
                username=f"school.{Council.urn(s)}",
                email=f"school.{Council.urn(s)}@northmoor.example",
                password=unusable,
            )
            for s in range(council.schools)
        ),
        batch_size=1000,
    )
    Membership.objects.bulk_create(
        (
            Membership(user=user, school_id=school_pk[Council.urn(s)], role=Role.SCHOOL.value)
            for s, user in enumerate(school_users)
        ),
        batch_size=1000,
    )

    # Children and rolls, 5,000 at a time; a mover has left the first school (on_roll_to) and is
    # on the second's roll from their first day there.
    joined = dt.date(2024, 9, 4)
    for start in range(0, n_pupils, batch):
        stop = min(start + batch, n_pupils)
        with transaction.atomic():
            children = Child.objects.bulk_create(
                Child(
                    legal_forename=FORENAMES[council.forename[i]],
                    legal_surname=SURNAMES[council.surname[i]],
                    date_of_birth=council.date_of_birth(i),
                    gender="F" if council.female[i] else "M",
                    upn=council.upn(i),
                )
                for i in range(start, stop)
            )
            rolls = []
            for i, child in zip(range(start, stop), children, strict=True):
                home = school_pk[Council.urn(int(council.home_school[i]))]
                if not council.changer[i]:
                    rolls.append(RollEntry(child_id=child.pk, school_id=home, on_roll_from=joined))
                    continue
                current = school_pk[Council.urn(int(council.current_school[i]))]
                rolls += [
                    RollEntry(
                        child_id=child.pk,
                        school_id=home,
                        on_roll_from=joined,
                        on_roll_to=school_days[council.leave_day[i] - 1],
                        destination_school_id=current,
                    ),
                    RollEntry(
                        child_id=child.pk, school_id=current, on_roll_from=school_days[council.move_day[i]]
                    ),
                ]
            RollEntry.objects.bulk_create(rolls)
    return {"schools": council.schools, "changers": int(council.changer.sum())}


def _import_files(fmt: str, paths: list[Path], schools: list[str | None]) -> dict[str, Any]:
    """For each file, ``import_create`` (timed apart), then ``import_run`` (timed).

    ``import_create`` is what an upload or the command line does: it copies the file under
    MEDIA_ROOT/attendance/ and takes its SHA-256. Its time is reported apart. The timed part is
    every ``import_run``: read and check the file, write the records in one transaction, then
    evaluate the children whose records changed (facts, flags and prompts), as the app does.
    """
    from django.core.files import File

    from rollcall.attendance import evaluation
    from rollcall.attendance.models import AttendanceImport
    from rollcall.attendance.services import import_create, import_run
    from rollcall.schools.models import School

    # import_run calls evaluation.evaluate() once the marks are stored: time those calls (the
    # first evaluation of every pupil, facts, flags and prompts), so they show on their own row.
    evaluate_seconds = [0.0]
    real_evaluate = evaluation.evaluate

    def timed_evaluate(**kwargs: Any) -> Any:
        tick = time.perf_counter()
        try:
            return real_evaluate(**kwargs)
        finally:
            evaluate_seconds[0] += time.perf_counter() - tick

    evaluation.evaluate = timed_evaluate

    schools_by_urn = {school.urn: school for school in School.objects.filter(urn__in=set(schools) - {None})}
    read_ends: list[float] = []

    def progress(rows_read: int, rows_total: int) -> None:
        if rows_read >= rows_total:  # the last call of a file: its reading and checking are done
            read_ends.append(time.perf_counter())

    # The prompts' messages reverse() URLs: the first call in a fresh process imports the whole
    # URLconf and every view (1 to 4 s here), which a running worker has long done. Done before
    # the clock starts.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported for its side effect
    _tidy()
    rss_before = maxrss_mb()
    seconds = cpu = store_seconds = read_seconds = server_cpu = 0.0
    per_file = []
    for path, urn in zip(paths, schools, strict=True):
        tick = time.perf_counter()
        with path.open("rb") as handle:
            attendance_import = import_create(
                content=File(handle, name=path.name),
                original_name=path.name,
                file_format=fmt,
                uploaded_by=None,
                school=schools_by_urn[urn] if urn else None,
                enqueue=False,
            )
        store_seconds += time.perf_counter() - tick
        read_ends.clear()
        cpu -= _cpu_seconds()
        server_before = _server_cpu_seconds()
        tick = time.perf_counter()
        import_run(attendance_import, progress=progress)
        per_file.append(time.perf_counter() - tick)
        cpu += _cpu_seconds()
        server_after = _server_cpu_seconds()
        if server_before is not None and server_after is not None:
            server_cpu += server_after - server_before
        read_seconds += (read_ends[-1] if read_ends else tick) - tick
        # The stored copy is not needed again: free the disk (15 GB of CSV at 1,000,000 pupils).
        attendance_import.file.delete(save=False)
        if len(per_file) % 250 == 0 and len(per_file) < len(paths):
            print(
                f"  {len(per_file):,} of {len(paths):,} files in {sum(per_file):.0f} s "
                f"(the last 250: {sum(per_file[-250:]) / 250:.2f} s a file)",
                file=sys.stderr,
                flush=True,
            )
    seconds = sum(per_file)
    peak = maxrss_mb()
    outcomes = list(
        AttendanceImport.objects.order_by("pk").values(
            "original_name", "status", "error_count", "errors", "summary"
        )
    )
    failed = [o for o in outcomes if o["status"] != AttendanceImport.Status.IMPORTED]
    if failed:
        first = failed[0]
        raise SystemExit(
            f"{len(failed)} of {len(outcomes)} imports did not import; first: {first['original_name']} "
            f"{first['status']}, {first['error_count']} errors: {first['errors'][:5]}"
        )
    evaluation.evaluate = real_evaluate
    steps = [o["summary"].get("evaluation", {}).get("seconds", {}) for o in outcomes]
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "server_cpu_seconds": server_cpu,
        "load_average": os.getloadavg()[0],
        "store_seconds": store_seconds,
        "read_seconds": read_seconds,
        "evaluate_seconds": evaluate_seconds[0],
        "evaluation_seconds": {
            step: round(sum(e.get(step, 0.0) for e in steps), 2)
            for step in ("read", "rules", "write", "prompts")
        },
        "per_file_max_seconds": max(per_file),
        "rss_before_mb": rss_before,
        "peak_mb": peak,
        "summaries": [o["summary"] for o in outcomes[:2]],
        "prompts": _prompt_totals([o["summary"].get("evaluation", {}) for o in outcomes]),
    }


def _prompt_totals(evaluations: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """What the evaluations made, added up over imports: {trigger: {what: count}}, zeros left out."""
    totals: dict[str, dict[str, int]] = {}
    for evaluation in evaluations:
        for trigger, counts in evaluation.get("prompts", {}).items():
            for what, n in counts.items():
                if n:
                    totals.setdefault(trigger, {})[what] = totals.get(trigger, {}).get(what, 0) + n
    return totals


def _sample_check(files: Path, areas: int | None = None) -> dict[str, int]:
    """Compare the stored strings of the sample with the generated marks (every character).

    ``areas``: only the sample's pupils in the first ``areas`` areas (those imported).
    """
    from rollcall.attendance.models import PupilMarks

    sample = [
        s for s in json.loads((files / "sample.json").read_text()) if areas is None or s["area"] < areas
    ]
    stored = {
        (upn, urn): marks
        for upn, urn, marks in PupilMarks.objects.filter(
            academic_year=YEAR, child__upn__in={s["upn"] for s in sample}
        ).values_list("child__upn", "school__urn", "marks")
    }
    wrong = [s for s in sample if stored.get((s["upn"], s["urn"])) != s["marks"]]
    if wrong:
        first = wrong[0]
        got = stored.get((first["upn"], first["urn"]))
        raise SystemExit(
            f"{len(wrong)} of {len(sample)} sampled attendance records differ from the generated marks; "
            f"first {first['upn']} at {first['urn']}: stored {got!r:.120} expected {first['marks']!r:.120}"
        )
    return {"sampled_records": len(sample), "records": PupilMarks.objects.filter(academic_year=YEAR).count()}


def phase_import(args: argparse.Namespace, fmt: str) -> dict[str, Any]:
    files = Path(args.workdir) / "files"
    meta = json.loads((files / "meta.json").read_text())
    if fmt == "csv":
        paths = [files / name for name in meta["csv_files"]]
        schools: list[str | None] = [None] * len(paths)
        rows, unit = meta["csv_rows"], "CSV rows"
    else:
        areas = min(args.ctf_areas or len(meta["csv_files"]), len(meta["csv_files"]))
        schools_per_area = PUPILS_PER_AREA // PUPILS_PER_SCHOOL
        paths = [
            path
            for path in sorted((files / "ctf").glob("ctf-*.xml"))
            if (int(path.stem.removeprefix("ctf-")) - 100_000) // schools_per_area < areas
        ]
        schools = [path.stem.removeprefix("ctf-") for path in paths]
        rows, unit = sum(meta["ctf_marks_by_area"][:areas]), "marks"
    with frozen(AS_OF, tick=True):
        result = _import_files(fmt, paths, schools)
    check = _sample_check(files, areas if fmt == "ctf" else None)
    return {
        **result,
        **check,
        "rows": rows,
        "unit": unit,
        "files": len(paths),
        "details": (
            f"{len(paths):,} file(s); CPU {result['cpu_seconds']:.1f} s (this process), "
            f"{result['server_cpu_seconds']:.1f} s (its PostgreSQL backend, 0 on SQLite); "
            f"storing them with import_create (copy + SHA-256, not timed) "
            f"{result['store_seconds']:.1f} s; reading and checking {result['read_seconds']:.1f} s; "
            f"writing {result['seconds'] - result['read_seconds'] - result['evaluate_seconds']:.1f} s; "
            f"evaluate() {result['evaluate_seconds']:.1f} s ({result['evaluation_seconds']}); slowest file {result['per_file_max_seconds']:.1f} s; "
            f"{check['records']:,} attendance records stored, {check['sampled_records']} sampled records equal "
            f"the generated marks; prompts {result['prompts']}"
        ),
    }


def _app_rows() -> Iterator[tuple[int, str, list[str]]]:
    """(child id, UPN, marks strings most recent roll first) per child: the read of ``evaluate()``.

    The same query as ``rollcall.attendance.evaluation.evaluate`` (the year's records with each
    child's current and latest roll at that school, ordered by child, read in chunks) and the same
    order for the merge: a current roll first, then the latest joined, then the latest marks.
    """
    import itertools

    from django.db.models import OuterRef, Subquery

    from rollcall.attendance.evaluation import CHUNK
    from rollcall.attendance.models import PupilMarks
    from rollcall.rules.attendance import BLANK
    from rollcall.schools.models import RollEntry

    current_roll = RollEntry.objects.filter(
        child_id=OuterRef("child_id"), school_id=OuterRef("school_id"), on_roll_to__isnull=True
    ).order_by("-on_roll_from")
    any_roll = RollEntry.objects.filter(
        child_id=OuterRef("child_id"), school_id=OuterRef("school_id")
    ).order_by("-on_roll_from")
    rows = (
        PupilMarks.objects.filter(academic_year=YEAR)
        .annotate(
            on_roll_since=Subquery(current_roll.values("on_roll_from")[:1]),
            last_joined=Subquery(any_roll.values("on_roll_from")[:1]),
        )
        .order_by("child_id", "school_id")
        .values_list("child_id", "child__upn", "marks", "on_roll_since", "last_joined")
        .iterator(chunk_size=CHUNK)
    )
    for child_id, group in itertools.groupby(rows, key=lambda row: row[0]):
        records = list(group)
        if len(records) > 1:
            records.sort(
                key=lambda r: (r[3] is not None, r[3] or r[4] or dt.date.min, len(r[2].rstrip(BLANK))),
                reverse=True,
            )
        yield child_id, records[0][1] or "", [r[2] for r in records]


def phase_evaluate(args: argparse.Namespace) -> dict[str, Any]:
    """The app's path: strings from the database, merged per child, the Evaluator; then alone."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from rollcall.casework.calendar import council_calendar
    from rollcall.rules.attendance import Evaluator, merge_marks, school_day_offsets

    _tidy()
    batch = 20_000
    upns: list[str] = []
    facts: list[Any] = []
    evaluator_seconds = 0.0
    rss_before = maxrss_mb()
    cpu = _cpu_seconds()
    started = time.perf_counter()
    offsets = school_day_offsets(council_calendar().school_days_in(FIRST_DAY, AS_OF), YEAR)
    evaluator = Evaluator(offsets)
    pending: list[str] = []
    for _child_id, upn, strings in _app_rows():
        upns.append(upn)
        pending.append(merge_marks(strings))
        if len(pending) == batch:
            tick = time.perf_counter()
            facts += map(evaluator.facts, pending)
            evaluator_seconds += time.perf_counter() - tick
            pending = []
    tick = time.perf_counter()
    facts += map(evaluator.facts, pending)
    evaluator_seconds += time.perf_counter() - tick
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    peak = maxrss_mb()
    from bench.attendance_reference import FACT_FIELDS

    columns = {"upn": upns} | {name: [getattr(f, name) for f in facts] for name in FACT_FIELDS}
    pq.write_table(pa.table(columns), args.out)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "load_average": os.getloadavg()[0],
        "rows": len(upns),
        "unit": "pupils",
        "peak_mb": peak,
        "rss_before_mb": rss_before,
        "evaluator": {"seconds": evaluator_seconds, "rows": len(upns), "unit": "pupils", "peak_mb": 0.0},
    }


def phase_evaluate_prompts(args: argparse.Namespace) -> dict[str, Any]:
    from rollcall.attendance.evaluation import evaluate

    _tidy()
    at = dt.datetime(AS_OF.year, AS_OF.month, AS_OF.day, 17, 0, tzinfo=dt.UTC)
    with frozen(AS_OF, tick=True):
        cpu = _cpu_seconds()
        started = time.perf_counter()
        result = evaluate(as_of=AS_OF, at=at)
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu
    peak = maxrss_mb()
    summary = result.summary()
    prompts = {name: {k: v for k, v in counts.items() if v} for name, counts in summary["prompts"].items()}
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "load_average": os.getloadavg()[0],
        "rows": result.pupils,
        "unit": "pupils",
        "peak_mb": peak,
        "summary": summary,
        "details": f"{result.records:,} records, {result.facts_written:,} facts written; seconds {summary['seconds']}; "
        f"prompts {prompts}; problems {summary['problems'][:3]}",
    }


def phase_stored_check(args: argparse.Namespace) -> dict[str, Any]:
    """After ``evaluate()``: the facts it stored on each single-school pupil's record, against DuckDB.

    A pupil with one attendance record has that record's facts equal to the child's; a mover's
    records each hold their own school's facts, so they are left out. ``longest_unexplained_streak``
    is not stored, so six fields are compared.
    """
    import pyarrow.parquet as pq
    from django.db.models import Count

    from rollcall.attendance.models import PupilMarks

    fields = (
        "possible_sessions",
        "absent_sessions",
        "unauthorised_sessions",
        "illness_days",
        "unexplained_streak",
        "ground_i_streak",
        "unmarked_days",
    )
    table = pq.read_table(args.out)
    columns = [table.column(name).to_pylist() for name in ("upn", *fields)]
    reference = {row[0]: tuple(row[1:]) for row in zip(*columns, strict=True)}
    single = (
        PupilMarks.objects.filter(academic_year=YEAR)
        .values("child_id")
        .annotate(records=Count("pk"))
        .filter(records=1)
        .values("child_id")
    )
    records = 0
    wrong: list[str] = []
    for upn, *stored in (
        PupilMarks.objects.filter(academic_year=YEAR, child_id__in=single)
        .values_list("child__upn", *fields)
        .iterator(chunk_size=5000)
    ):
        records += 1
        if tuple(stored) != reference.get(upn):
            wrong.append(
                f"{upn}: stored {dict(zip(fields, stored, strict=True))}, DuckDB {reference.get(upn)}"
            )
    return {"records": records, "disagreements": len(wrong), "examples": wrong[:5]}


def phase_reference(args: argparse.Namespace) -> dict[str, Any]:
    import duckdb
    import pyarrow.parquet as pq

    from bench.attendance_reference import load_marks, rules_facts

    files = Path(args.workdir) / "files"
    meta = json.loads((files / "meta.json").read_text())
    school_days = [dt.date.fromisoformat(d) for d in meta["school_days"]]
    store = Path(args.workdir) / "reference.duckdb"
    store.unlink(missing_ok=True)
    with duckdb.connect(str(store)) as connection:
        cpu = _cpu_seconds()
        started = time.perf_counter()
        rows = load_marks(connection, [files / name for name in meta["csv_files"]])
        load_seconds = time.perf_counter() - started
        load_cpu = _cpu_seconds() - cpu
        load_peak = maxrss_mb()
        cpu = _cpu_seconds()
        tick = time.perf_counter()
        table = rules_facts(connection, school_days, AS_OF)
        rules_seconds = time.perf_counter() - tick
        rules_cpu = _cpu_seconds() - cpu
    store.unlink(missing_ok=True)
    peak = maxrss_mb()
    pq.write_table(table, args.out)
    return {
        "seconds": load_seconds + rules_seconds,
        "cpu_seconds": load_cpu + rules_cpu,
        "load_average": os.getloadavg()[0],
        "rows": rows,
        "unit": "CSV rows",
        "peak_mb": peak,
        "load": {
            "seconds": load_seconds,
            "cpu_seconds": load_cpu,
            "rows": rows,
            "unit": "CSV rows",
            "peak_mb": load_peak,
        },
        "rules": {
            "seconds": rules_seconds,
            "cpu_seconds": rules_cpu,
            "rows": table.num_rows,
            "unit": "pupils",
            "peak_mb": peak,
        },
    }


def phase_agreement(args: argparse.Namespace) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from bench.attendance_reference import FACT_FIELDS

    def by_upn(path: str) -> dict[str, tuple[int, ...]]:
        table = pq.read_table(path)
        columns = [table.column(name).to_pylist() for name in ("upn", *FACT_FIELDS)]
        return {row[0]: tuple(row[1:]) for row in zip(*columns, strict=True)}

    app, reference = by_upn(args.app), by_upn(args.out)
    examples: list[str] = []
    disagreements = 0
    for upn in sorted(app.keys() | reference.keys()):
        ours, theirs = app.get(upn), reference.get(upn)
        if ours != theirs:
            disagreements += 1
            if len(examples) < 5:
                fields = FACT_FIELDS
                if ours is None or theirs is None:
                    examples.append(f"{upn}: app {ours}, DuckDB {theirs}")
                else:
                    diff = {f: (a, b) for f, a, b in zip(fields, ours, theirs, strict=True) if a != b}
                    examples.append(f"{upn}: (app, DuckDB) {diff}")
    return {
        "seconds": 0.0,
        "pupils": len(app.keys() | reference.keys()),
        "disagreements": disagreements,
        "examples": examples,
        "fields": list(FACT_FIELDS),
    }


def _penalty_span() -> tuple[dt.date, dt.date]:
    """The days a crossing is looked for: the term of as_of, from its first day to as_of."""
    from rollcall.rules.exclusions import term_bounds, term_of

    year, term = term_of(AS_OF)
    return term_bounds(year, term)[0], AS_OF


def phase_penalties(args: argparse.Namespace) -> dict[str, Any]:
    """The app's path for the threshold: strings from the database, merged, RollingCounter."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from rollcall.casework.calendar import council_calendar
    from rollcall.exclusions.models import Consideration
    from rollcall.exclusions.sweep import penalties_sweep
    from rollcall.rules.attendance import merge_marks
    from rollcall.rules.penalties import RollingCounter, span_marks

    _tidy()
    first, last = _penalty_span()
    upns: list[str] = []
    answers: list[tuple[Any, ...]] = []
    counter_seconds = 0.0
    cpu = _cpu_seconds()
    started = time.perf_counter()
    calendar = council_calendar()
    counter = RollingCounter(calendar, first, last)
    for _child_id, upn, strings in _app_rows():
        upns.append(upn)
        tick = time.perf_counter()
        marks = span_marks({YEAR: merge_marks(strings)}, counter.first_year, counter.last_year)
        crossing = counter.first_crossing(marks)
        answers.append(
            (
                counter.count_at_end(marks),
                crossing.day if crossing else None,
                crossing.sessions if crossing else None,
                crossing.window_start if crossing else None,
            )
        )
        counter_seconds += time.perf_counter() - tick
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    from bench.attendance_reference import PENALTY_FIELDS

    columns = {"upn": upns} | {name: [a[i] for a in answers] for i, name in enumerate(PENALTY_FIELDS)}
    pq.write_table(pa.table(columns), args.out)
    crossed = sum(1 for a in answers if a[1] is not None)
    with frozen(AS_OF, tick=True):
        sweep_cpu = _cpu_seconds()
        tick = time.perf_counter()
        swept = penalties_sweep(today=AS_OF, calendar=council_calendar())
        sweep_seconds = time.perf_counter() - tick
        sweep_cpu = _cpu_seconds() - sweep_cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "load_average": os.getloadavg()[0],
        "rows": len(upns),
        "unit": "pupils",
        "peak_mb": maxrss_mb(),
        "crossed": crossed,
        "counter": {"seconds": counter_seconds, "rows": len(upns), "unit": "pupils", "peak_mb": 0.0},
        "sweep": {
            "seconds": sweep_seconds,
            "cpu_seconds": sweep_cpu,
            "rows": len(upns),
            "unit": "pupils",
            "peak_mb": maxrss_mb(),
            "considerations": swept["penalty_considerations"],
            "stored": Consideration.objects.count(),
        },
    }


def phase_penalties_reference(args: argparse.Namespace) -> dict[str, Any]:
    import duckdb
    import pyarrow.parquet as pq

    from bench.attendance_reference import load_marks, penalty_facts

    files = Path(args.workdir) / "files"
    meta = json.loads((files / "meta.json").read_text())
    school_days = [dt.date.fromisoformat(d) for d in meta["school_days"]]
    first, last = _penalty_span()
    store = Path(args.workdir) / "penalties.duckdb"
    store.unlink(missing_ok=True)
    with duckdb.connect(str(store)) as connection:
        started = time.perf_counter()
        rows = load_marks(connection, [files / name for name in meta["csv_files"]])
        load_seconds = time.perf_counter() - started
        cpu = _cpu_seconds()
        tick = time.perf_counter()
        table = penalty_facts(connection, school_days, first, last)
        rules_seconds = time.perf_counter() - tick
        rules_cpu = _cpu_seconds() - cpu
    store.unlink(missing_ok=True)
    pq.write_table(table, args.out)
    return {
        "seconds": rules_seconds,
        "cpu_seconds": rules_cpu,
        "load_average": os.getloadavg()[0],
        "rows": table.num_rows,
        "unit": "pupils",
        "peak_mb": maxrss_mb(),
        "load": {"seconds": load_seconds, "rows": rows, "unit": "CSV rows", "peak_mb": 0.0},
    }


def phase_penalties_agreement(args: argparse.Namespace) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from bench.attendance_reference import PENALTY_FIELDS

    def by_upn(path: str) -> dict[str, tuple[Any, ...]]:
        table = pq.read_table(path)
        columns = [table.column(name).to_pylist() for name in ("upn", *PENALTY_FIELDS)]
        return {row[0]: tuple(row[1:]) for row in zip(*columns, strict=True)}

    app, reference = by_upn(args.app), by_upn(args.out)
    wrong = [upn for upn in sorted(app.keys() | reference.keys()) if app.get(upn) != reference.get(upn)]
    return {
        "seconds": 0.0,
        "pupils": len(app.keys() | reference.keys()),
        "crossed": sum(1 for v in app.values() if v[1] is not None),
        "disagreements": len(wrong),
        "examples": [f"{upn}: app {app.get(upn)}, DuckDB {reference.get(upn)}" for upn in wrong[:5]],
        "fields": list(PENALTY_FIELDS),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pupils", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument(
        "--workdir", help="Where the files and SQLite databases go (default: a new temporary folder)."
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the work folder (files, databases) afterwards."
    )
    parser.add_argument(
        "--ctf-areas",
        type=int,
        help="Import the CTFs of the first N areas of 100,000 pupils only (default: all). Each school's "
        "file is its own import, so at 1,000,000 pupils all of them take hours.",
    )
    phases = [
        "build",
        "import_csv",
        "import_ctf",
        "evaluate",
        "evaluate_prompts",
        "stored_check",
        "reference",
        "agreement",
        "penalties",
        "penalties_reference",
        "penalties_agreement",
    ]
    parser.add_argument(
        "--only-penalties",
        action="store_true",
        help="Build, import the CSV, then only the penalty-notice threshold against DuckDB.",
    )
    parser.add_argument(
        "--ctf-only",
        action="store_true",
        help="Build, then only import the CTFs (into the database as built; no CSV import, no "
        "evaluation or reference steps): the per-file cost against a large council.",
    )
    parser.add_argument(
        "--pg-database",
        default=PG_BENCH_DB,
        help=f"The PostgreSQL database to (re)create and drop (default {PG_BENCH_DB}; the CTF "
        "import's copy adds _ctf).",
    )
    parser.add_argument("--phase", choices=phases, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--app", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pupils < 1000:
        parser.error("--pupils must be at least 1,000")
    if args.phase is None:
        orchestrate(args)
        return
    if args.phase not in {"reference", "agreement", "penalties_reference", "penalties_agreement"}:
        setup_django()
    handlers = {
        "build": phase_build,
        "import_csv": lambda a: phase_import(a, "csv"),
        "import_ctf": lambda a: phase_import(a, "ctf"),
        "evaluate": phase_evaluate,
        "evaluate_prompts": phase_evaluate_prompts,
        "stored_check": phase_stored_check,
        "reference": phase_reference,
        "agreement": phase_agreement,
        "penalties": phase_penalties,
        "penalties_reference": phase_penalties_reference,
        "penalties_agreement": phase_penalties_agreement,
    }
    print(json.dumps(handlers[args.phase](args), default=str))


if __name__ == "__main__":
    main()
