"""Benchmark loading school rolls (rollcall/rolls) against DuckDB doing the same diff.

    .venv/bin/python bench/rolls.py [--pupils 100000] [--files 250] [--database sqlite|postgres|both]
                                    [--pg-database rollcall_bench_rolls] [--files-in DIR]

Not a test. It writes one CSV file per school (docs/rolls.md) for two days from a fixed seed with
invented names: day 1 is the first load of every roll; day 2 has 0.5% of pupils changed (a quarter
absent, a quarter given a leaving date, a quarter moved to another school, a quarter new pupils).
Then, per database, each in a fresh process (bench/harness.py):

1. ``setup``: migrate; the schools, term dates, an Inclusion team with an officer, an administrator.
2. ``load --day 1``: every file through ``manage.py roll_import``'s engine (parse + ``roll_load``,
   the next file read while this one loads), timed; then the same files again (each must say
   "unchanged"), timed.
3. ``load --day 2``: the next day's files, timed, then again (unchanged); the joiners, leavers and
   the children "lost between rolls" (``rolls.sweep.lost_between_rolls``) written out by UPN.

Each load is timed in wall seconds and in CPU seconds (the load process's own, which on SQLite
includes the database engine, plus the PostgreSQL server process's), since a shared machine
makes wall times noisy.

DuckDB reads the same CSV files and computes the same diff in SQL, including compulsory school age
for the lost children (written independently of rules/age.py). The script prints the number of
pupils on which the two disagree (must be 0) and stops if any.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:  # run as a script: make ``rollcall`` and ``bench`` importable
    sys.path.insert(0, str(BASE_DIR))

from bench.harness import (  # noqa: E402  (after the path is set)
    FORENAMES,
    SURNAMES,
    counting,
    frozen,
    maxrss_mb,
    pg_admin,
    phase_env,
    run_phase,
    setup_django,
)

DAY_1 = dt.date(2026, 11, 16)  # a Monday in term
DAY_2 = dt.date(2026, 11, 17)
SEED = 2026
PG_BENCH_DB = "rollcall_bench_rolls"
HEADER = "upn,forename,surname,date_of_birth,sex,year_group,admission_date,leaving_date,sen_status,fsm\n"
COLUMNS = HEADER.strip().split(",")


# ---- the files (no Django) ----------------------------------------------------------------------


def _upn(n: int) -> str:
    from rollcall.rules.upn import make_upn

    return make_upn("940", f"{2000 + n // 90_000:04d}", 10 + (n // 1000) % 90, n % 1000)


def write_files(pupils: int, files: int, folder: Path) -> dict[str, int]:
    """Day 1 and day 2 CSV files under ``folder``/day1 and /day2, named by URN.

    Each pupil is kept as its CSV line (a million pupils fit in a few hundred megabytes), and a new
    name is checked only against the names born that day that share an end of the surname
    (rules.identity.name_ends: names that agree always do), so a national roll is written in
    minutes; the files are the same as checking every name born that day would give.
    """
    from rollcall.rules.identity import name_ends, names_agree

    rng = random.Random(SEED)
    surnames = [f"{a}-{b}" if a != b else a for a in SURNAMES for b in SURNAMES]
    taken: dict[tuple[dt.date, str], list[tuple[str, str]]] = {}
    first_day = dt.date(2010, 9, 1)
    span = (dt.date(2021, 8, 31) - first_day).days

    def looks_alike(dob: dt.date, forename: str, surname: str) -> bool:
        (s_first, s_last), (f_first, f_last) = name_ends(surname), name_ends(forename)
        keys = {f"<{s_first}", f">{s_last}", f"<{f_first}", f">{f_last}"}
        return any(names_agree(forename, surname, f, s) for key in keys for f, s in taken.get((dob, key), []))

    def person(n: int) -> str:
        while True:
            dob = first_day + dt.timedelta(days=rng.randrange(span))
            forename, surname = rng.choice(FORENAMES), rng.choice(surnames)
            # Invented names, never two look-alikes born the same day (they would be claims).
            if not looks_alike(dob, forename, surname):
                first, last = name_ends(surname)
                taken.setdefault((dob, f"<{first}"), []).append((forename, surname))
                taken.setdefault((dob, f">{last}"), []).append((forename, surname))
                break
        # The columns of HEADER: upn, names, birth, sex, year group, admission, leaving, SEN, FSM.
        sex = rng.choice("FM")
        sen, fsm = rng.choice("NNNNNNK"), rng.choice("NNNY")
        return f"{_upn(n)},{forename},{surname},{dob.isoformat()},{sex},,2025-09-03,,{sen},{fsm}\n"

    def changed(line: str, **values: str) -> str:
        fields = line.rstrip("\n").split(",")
        for name, value in values.items():
            fields[COLUMNS.index(name)] = value
        return ",".join(fields) + "\n"

    rolls: list[list[str]] = [[] for _ in range(files)]
    for n in range(pupils):
        rolls[rng.randrange(files)].append(person(n))
    changes = max(4, pupils // 200)
    quarter = changes // 4
    everyone = [(school, i) for school, roll in enumerate(rolls) for i in range(len(roll))]
    picked = rng.sample(everyone, 3 * quarter)
    del everyone
    absent = set(picked[:quarter])
    dated = set(picked[quarter : 2 * quarter])
    movers = picked[2 * quarter :]
    moving = set(movers)
    joining: list[list[str]] = [[] for _ in range(files)]
    for school, i in movers:
        joining[(school + 1 + rng.randrange(files - 1)) % files].append(
            changed(rolls[school][i], admission_date=DAY_2.isoformat())
        )
    for k in range(quarter):
        joining[rng.randrange(files)].append(changed(person(pupils + k), admission_date=DAY_2.isoformat()))
    rows = 0
    for name in ("day1", "day2"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    for school, roll in enumerate(rolls):
        with (folder / "day1" / f"{100000 + school}.csv").open("w") as out:
            out.write(HEADER)
            out.writelines(roll)
        with (folder / "day2" / f"{100000 + school}.csv").open("w") as out:
            out.write(HEADER)
            for i, line in enumerate(roll):
                if (school, i) in absent or (school, i) in moving:
                    continue
                out.write(changed(line, leaving_date=DAY_2.isoformat()) if (school, i) in dated else line)
                rows += 1
            out.writelines(joining[school])
            rows += len(joining[school])
    return {"changes": 4 * quarter, "day2_rows": rows}


# ---- DuckDB's diff ------------------------------------------------------------------------------

REFERENCE_SQL = """
CREATE TABLE roll AS
SELECT regexp_extract(filename, '(day[12])', 1) AS day,
       regexp_extract(filename, '([0-9]+)\\.csv$', 1) AS urn,
       upn, CAST(date_of_birth AS DATE) AS dob, CAST(leaving_date AS DATE) AS leaving_date
FROM read_csv('{folder}/day*/*.csv', filename = true, header = true, all_varchar = true);
CREATE TABLE on_roll AS
SELECT day, urn, upn, dob FROM roll
WHERE leaving_date IS NULL OR leaving_date > CASE day WHEN 'day1' THEN DATE '{day1}' ELSE DATE '{day2}' END;
"""

AGE_SQL = """
WITH lost AS (
    SELECT DISTINCT a.upn, a.dob FROM on_roll a
    WHERE a.day = 'day1' AND NOT EXISTS (SELECT 1 FROM on_roll b WHERE b.day = 'day2' AND b.upn = a.upn)
), ages AS (
    SELECT upn,
           dob + INTERVAL 5 YEAR AS fifth,
           year(dob + INTERVAL 16 YEAR) + CASE WHEN month(dob + INTERVAL 16 YEAR) >= 9 THEN 1 ELSE 0 END AS ly
    FROM lost
), bounds AS (
    SELECT upn,
           CASE WHEN fifth <= make_date(year(fifth), 3, 31) THEN make_date(year(fifth), 3, 31)
                WHEN fifth <= make_date(year(fifth), 8, 31) THEN make_date(year(fifth), 8, 31)
                ELSE make_date(year(fifth), 12, 31) END AS starts,
           make_date(ly, 6, 30) - CAST((dayofweek(make_date(ly, 6, 30)) + 2) % 7 AS INTEGER) AS ends
    FROM ages
)
SELECT upn FROM bounds WHERE DATE '{today}' BETWEEN starts AND ends ORDER BY upn
"""


def duckdb_diff(folder: Path, today: dt.date) -> dict[str, Any]:
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(REFERENCE_SQL.format(folder=folder, day1=DAY_1, day2=DAY_2))

    def pairs(sql: str) -> list[list[str]]:
        return sorted([list(row) for row in con.execute(sql).fetchall()])

    result: dict[str, Any] = {
        "day1_joiners": pairs("SELECT urn, upn FROM on_roll WHERE day = 'day1'"),
        "day2_joiners": pairs(
            "SELECT urn, upn FROM on_roll WHERE day = 'day2' EXCEPT SELECT urn, upn FROM on_roll WHERE day = 'day1'"
        ),
        "day2_leavers": pairs(
            "SELECT urn, upn FROM on_roll WHERE day = 'day1' EXCEPT SELECT urn, upn FROM on_roll WHERE day = 'day2'"
        ),
        "lost": [row[0] for row in con.execute(AGE_SQL.format(today=today)).fetchall()],
    }
    result["seconds"] = time.perf_counter() - started
    return result


# ---- the orchestrator ---------------------------------------------------------------------------


@contextmanager
def _database(kind: str, scratch: str, name: str) -> Iterator[str]:
    if kind == "sqlite":
        path = Path(scratch) / "bench.sqlite3"
        path.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _disagreements(app: dict[str, Any], ref: dict[str, Any]) -> dict[str, int]:
    out = {}
    for key in ("day1_joiners", "day2_joiners", "day2_leavers", "lost"):
        mine = {tuple(x) if isinstance(x, list) else x for x in app[key]}
        theirs = {tuple(x) if isinstance(x, list) else x for x in ref[key]}
        out[key] = len(mine ^ theirs)
    return out


def orchestrate(args: argparse.Namespace) -> None:
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    scratch = tempfile.mkdtemp(prefix="rollcall-bench-rolls-")
    try:
        if args.files_in:
            # The same seed writes the same files: written once, read by every later run.
            folder = Path(args.files_in).resolve() / f"{args.pupils}-{args.files}"
        else:
            folder = Path(scratch) / "files"
        if (folder / "written").exists():
            print(f"reading the files written earlier in {folder}", flush=True)
        else:
            started = time.perf_counter()
            made = write_files(args.pupils, args.files, folder)
            (folder / "written").write_text(json.dumps(made))
            print(
                f"wrote {args.files} files a day in {time.perf_counter() - started:.1f} s: {made}", flush=True
            )
        ref = duckdb_diff(folder, DAY_2)
        print(f"DuckDB diff in {ref['seconds']:.2f} s", flush=True)
        rows = []
        for kind in kinds:
            with _database(kind, scratch, args.pg_database) as url:
                env = phase_env(url, scratch)
                options = ["--folder", str(folder), "--files", str(args.files)]
                setup = run_phase(__file__, "setup", env, options)
                day1 = run_phase(__file__, "load", env, [*options, "--day", "1"], show_progress=True)
                print(f"[{kind}] day 1: {_times(day1)}", flush=True)
                day2 = run_phase(__file__, "load", env, [*options, "--day", "2"], show_progress=True)
                print(f"[{kind}] day 2: {_times(day2)}", flush=True)
            app = {
                "day1_joiners": day1["joiners"],
                "day2_joiners": day2["joiners"],
                "day2_leavers": day2["leavers"],
                "lost": day2["lost"],
            }
            wrong = _disagreements(app, ref)
            rows.append((kind, setup, day1, day2, wrong))
            if any(wrong.values()):
                raise SystemExit(f"[{kind}] the app and DuckDB disagree: {wrong}")
        _print_table(rows, args, ref)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _times(day: dict[str, Any]) -> str:
    server = f" + database server {day['server_cpu']:.1f}" if day.get("server_cpu") is not None else ""
    return f"{day['seconds']:.1f} s wall, CPU {day['cpu']:.1f} s{server}"


def _cpu(day: dict[str, Any]) -> str:
    return f"{day['cpu']:.1f}" + (f" + {day['server_cpu']:.1f}" if day.get("server_cpu") is not None else "")


def _print_table(rows: list[Any], args: argparse.Namespace, ref: dict[str, Any]) -> None:
    uname = os.uname()
    print()
    print(
        f"School rolls: {args.pupils:,} pupils in {args.files} files; {os.cpu_count()} cores, "
        f"{uname.sysname} {uname.release}; Python {sys.version.split()[0]}; DuckDB diff {ref['seconds']:.2f} s"
    )
    head = (
        "| database | first load (s) | CPU (s) | same files again (s) | next day, 0.5% changed (s) | CPU (s) | again (s) "
        "| joiners day 2 | leavers day 2 | left without notice | lost between rolls | disagreements with DuckDB "
        "| peak RSS MB (day 1 / day 2) |"
    )
    print(head)
    print("|" + "|".join([" --- "] * (head.count("|") - 1)) + "|")
    for kind, _setup, day1, day2, wrong in rows:
        print(
            f"| {kind} | {day1['seconds']:.1f} | {_cpu(day1)} | {day1['again_seconds']:.1f} | {day2['seconds']:.1f} "
            f"| {_cpu(day2)} | {day2['again_seconds']:.1f} | {len(day2['joiners']):,} | {len(day2['leavers']):,} "
            f"| {day2['left_without_notice']:,} | {len(day2['lost']):,} | {sum(wrong.values())} "
            f"| {day1['maxrss_mb']:.0f} / {day2['maxrss_mb']:.0f} |"
        )
    print()
    print(
        "CPU: the load process's own (on SQLite that includes the database engine), "
        "+ the PostgreSQL server process's; load average at the end "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    for kind, _setup, day1, day2, _wrong in rows:
        print(
            f"{kind}: queries day 1 {day1['queries']:,}, day 2 {day2['queries']:,}; "
            f"unchanged on rerun {day1['unchanged_again']}/{day2['unchanged_again']} files; "
            f"held for an officer {day1['held'] + day2['held']}"
        )


# ---- the phases (each in its own process) -------------------------------------------------------


def phase_setup(files: int) -> dict[str, Any]:
    from django.core.management import call_command

    from rollcall.accounts.models import Membership, Team, User
    from rollcall.rules.calendar import default_terms
    from rollcall.rules.workflow import Role
    from rollcall.schools.models import School, TermDate

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    TermDate.objects.bulk_create(
        TermDate(academic_year=year, name=f"Term {i + 1}", start=term.start, end=term.end)
        for year in range(2024, 2028)
        for i, term in enumerate(default_terms(year))
    )
    School.objects.bulk_create(
        School(
            urn=str(100000 + i),
            la_code="940",
            establishment_number=f"{2000 + i % 8000:04d}",
            name=f"Northmoor School {i}",
            status_name="Open",
        )
        for i in range(files)
    )
    inclusion = Team.objects.create(name="Inclusion", kind=Team.Kind.INCLUSION)
    officer = User.objects.create(username="officer.one", email="officer.one@northmoor.example")
    Membership.objects.create(user=officer, team=inclusion, role=Role.OFFICER.value)
    User.objects.create(username="admin", is_superuser=True, is_staff=True)
    return {"seconds": time.perf_counter() - started}


def _server_cpu() -> float | None:
    """CPU seconds so far of the PostgreSQL server process serving this connection (same machine)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _load_all(folder: Path, files: int, as_of: dt.date) -> tuple[list[Any], float]:
    from rollcall.read_ahead import read_ahead
    from rollcall.rolls.models import RollSnapshot
    from rollcall.rolls.pupils import rows_from_csv
    from rollcall.rolls.services import roll_load
    from rollcall.schools.models import School

    def read(path: Path) -> Any:
        with path.open("rb") as content:
            return rows_from_csv(content)

    schools = {s.urn: s for s in School.objects.all()}
    results = []
    started = time.perf_counter()
    # As manage.py roll_import does: the next file read while this one loads.
    paths = [folder / f"{100000 + k}.csv" for k in range(files)]
    for k, (path, rows) in enumerate(read_ahead(paths, read)):
        results.append(
            roll_load(
                school=schools[path.stem],
                as_of=as_of,
                rows=rows.result(),
                source=RollSnapshot.Source.CSV,
                original_name=path.name,
            )
        )
        if (k + 1) % 250 == 0 and k + 1 < files:
            print(
                f"  {k + 1:,} of {files:,} files in {time.perf_counter() - started:.0f} s "
                f"(CPU {time.process_time():.0f} s so far)",
                file=sys.stderr,
                flush=True,
            )
    return results, time.perf_counter() - started


def phase_load(folder: Path, files: int, day: int) -> dict[str, Any]:
    from django.urls import reverse

    from rollcall.people.models import Child
    from rollcall.rolls.sweep import lost_between_rolls

    as_of = DAY_1 if day == 1 else DAY_2
    # Import the URL configuration (messages link to pages) before the clock starts, as a running
    # worker has: a constant of about 3 s for the first reverse() in a process, not a cost per file.
    reverse("rolls:school", args=["100000"])
    server = _server_cpu()
    cpu = time.process_time()
    with frozen(as_of, tick=True), counting() as counter:
        loaded, seconds = _load_all(folder / f"day{day}", files, as_of)
    cpu = time.process_time() - cpu
    server_after = _server_cpu()
    queries = counter.count
    with frozen(as_of, tick=True):
        again, again_seconds = _load_all(folder / f"day{day}", files, as_of)
    rss = maxrss_mb()
    upn_of = dict(Child.objects.values_list("pk", "upn"))
    joiners = [[r.snapshot.school.urn, upn_of[c]] for r in loaded for c in r.joined]
    leavers = [[r.snapshot.school.urn, upn_of[c]] for r in loaded for c in r.left]
    lost = []
    if day == 2:
        for line in lost_between_rolls(today=DAY_2):
            lost.append(line.split("(UPN ", 1)[1].split(")", 1)[0])
    return {
        "seconds": seconds,
        "cpu": cpu,
        "server_cpu": None if server is None or server_after is None else server_after - server,
        "again_seconds": again_seconds,
        "unchanged_again": sum(1 for r in again if r.unchanged),
        "queries": queries,
        "maxrss_mb": rss,
        "joiners": joiners,
        "leavers": leavers,
        "left_without_notice": sum(len(r.left_without_notice) for r in loaded),
        "held": sum(r.held for r in loaded),
        "lost": sorted(lost),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pupils", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=250)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--pg-database",
        default=PG_BENCH_DB,
        help=f"The throwaway PostgreSQL database (dropped and created; default {PG_BENCH_DB}).",
    )
    parser.add_argument(
        "--files-in",
        help="Keep the generated files in this folder and reuse them on later runs (at 1,000,000 pupils "
        "they take minutes to write); default: a temporary folder, deleted afterwards.",
    )
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--day", type=int, choices=[1, 2], help=argparse.SUPPRESS)
    parser.add_argument("--phase", choices=["setup", "load"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase is None:
        orchestrate(args)
        return
    setup_django()
    if args.phase == "setup":
        result = phase_setup(args.files)
    else:
        result = phase_load(Path(args.folder), args.files, args.day)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
