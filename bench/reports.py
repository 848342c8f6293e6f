"""Benchmark the reports at council scale on SQLite and PostgreSQL, with DuckDB as the yardstick.

    .venv/bin/python bench/reports.py                                   # 1,000,000 children, 50,000 cases
    .venv/bin/python bench/reports.py --children 20000 --cases 2000 --database sqlite

Not a test (issue 6, "Speed"): it builds a synthetic council (fixed seed, invented names), then for
each report and two periods (the one a manager gets by default, and one a year or two earlier)
times (a) the figures function in ``rollcall.reports.figures``, (b) the report page rendered through
``django.test.Client`` as a signed-in head of service, and (c) each download (XLSX, PDF and every
CSV table) through its view. Targets: every page under 2 s, every download under 10 s.

Each step runs twice: the first time is the one judged against the target, the second shows
how much of it was noise (other work on the same two cores) or a cold cache.

Then the reference: the tables the reports read are exported to Parquet and every figure is
computed again in DuckDB SQL (``bench/reports_reference.py``, written from docs/reports.md and
the figures' docstrings, not from the app's queries), and compared with the app's figures field
by field, plus an officer's monthly report (the Inclusion team's cases only). The number of
disagreements must be 0; with both databases the app's figures on SQLite and on PostgreSQL are
compared with each other too.

Each database gets three fresh processes, so one phase's memory never shows in another's:

1. ``build``: migrate, then insert the council straight into the tables (COPY on PostgreSQL,
   ``executemany`` on SQLite) with explicit primary keys. The rows are what the services would
   have stored (same fields, dates from the same pure rules; see "What it builds" in
   bench/README.md); the timeline events, messages, flags, notes and history rows the services
   also write are left out, as no report reads them.
2. ``time``: the timings above, with the clock frozen at 17:00 UTC on Monday 16 November 2026;
   the app's figures are saved as JSON for the next phase.
3. ``reference``: export, DuckDB, comparison.

bench/README.md ("Reports") describes the council it builds and the results.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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

TODAY = dt.date(2026, 11, 16)  # a Monday in term, as in bench/sweep.py
START = dt.date(2023, 11, 16)  # cases open over the three years before TODAY
SEED = 2026
LONDON = ZoneInfo("Europe/London")
PG_BENCH_DB = "rollcall_bench_reports"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
HEAD_OF_SERVICE = "head.of.service"
TEAM_SCOPED = "inclusion"  # the team whose officers' monthly report (their own cases) is compared too
PAGE_TARGET = 2.0
EXPORT_TARGET = 10.0

# Each report with the periods timed: the default a manager gets on opening the page (the last
# complete period; the exceptions list and the dashboard: today), then one a year or two earlier
# (within the periods the page offers: 36 months, 24 for the exceptions list, 12 quarters, 4 years).
REPORT_PERIODS: dict[str, tuple[str | None, ...]] = {
    "dashboard": (None,),
    "monthly": ("2026-10", "2024-11"),
    "quarterly": ("2026-27-Q2", "2025-26-Q2"),
    "exceptions": ("2026-11", "2024-12"),
    "unknown-destinations": ("2026-10", "2024-11"),
    "waiting": ("2026-10", "2024-11"),
    "deferred-places": ("AY2025-26", "AY2023-24"),
    "hub-profile": ("2026-27-Q2", "2024-25-Q2"),
}

# Invented postcode districts ("NM" for Northmoor) and how common each is; NM99 is a handful of
# streets, so the hub profile has small numbers to suppress.
DISTRICTS = (
    ("NM1", 14),
    ("NM2", 12),
    ("NM3", 11),
    ("NM4", 10),
    ("NM5", 9),
    ("NM6", 9),
    ("NM7", 8),
    ("NM8", 7),
    ("NM9", 6),
    ("NM10", 5),
    ("NM11", 4),
    ("NM12", 3),
    ("NR4", 2),
    ("NM99", 0.02),
)


# ---- the orchestrator -----------------------------------------------------------------------


def _run_phase(phase: str, env: dict[str, str], args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    options = ["--children", str(args.children), "--cases", str(args.cases), "--workdir", str(workdir)]
    return run_phase(__file__, phase, env, options, show_progress=True)


@contextmanager
def _database(kind: str, workdir: Path, *, fresh: bool, keep: bool) -> Iterator[str]:
    """The database of ``kind`` (created empty when ``fresh``); yields its DATABASE_URL."""
    if kind == "sqlite":
        path = workdir / "reports.sqlite3"
        if fresh:
            for stale in workdir.glob("reports.sqlite3*"):
                stale.unlink()
        yield f"sqlite:///{path}"
        return
    if fresh:
        pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)", f"CREATE DATABASE {PG_BENCH_DB}")
    try:
        yield PG_URL
    finally:
        if not keep:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def orchestrate(args: argparse.Namespace) -> None:
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    made_workdir = args.workdir is None
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="rollcall-bench-reports-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    try:
        for kind in kinds:
            folder = workdir / kind
            (folder / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT, for whitenoise
            with _database(kind, folder, fresh=not args.skip_build, keep=args.keep) as url:
                env = phase_env(
                    url, folder, STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage"
                )
                if args.skip_build:
                    build: dict[str, Any] = json.loads((folder / "build.json").read_text())
                    print(f"[{kind}] reusing the council built earlier in {folder}", flush=True)
                else:
                    print(
                        f"[{kind}] building {args.children:,} children and {args.cases:,} cases…", flush=True
                    )
                    build = _run_phase("build", env, args, folder)
                    (folder / "build.json").write_text(json.dumps(build))
                    print(f"[{kind}] built in {build['seconds']:.0f} s: {build['counts']}", flush=True)
                print(f"[{kind}] timing the figures, pages and downloads…", flush=True)
                timed = _run_phase("time", env, args, folder)
                print(f"[{kind}] timed in {timed['wall_seconds']:.0f} s", flush=True)
                print(f"[{kind}] the reference: export, DuckDB, comparison…", flush=True)
                reference = _run_phase("reference", env, args, folder)
                print(
                    f"[{kind}] exported in {reference['export_seconds']:.1f} s, DuckDB "
                    f"{reference['duckdb_seconds']:.1f} s, {reference['mismatch_count']} mismatches",
                    flush=True,
                )
            results[kind] = {"build": build, "time": timed, "reference": reference}
        (workdir / "results.json").write_text(json.dumps(results, indent=1, default=str))
        _print_table(results, args)
        _print_agreement(results, workdir)
    finally:
        if args.keep or not made_workdir:
            print(f"\nKept {workdir}" + (f" and the database {PG_BENCH_DB}" if args.keep else ""))
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _status(seconds: float, target: float | None) -> str:
    if target is None:
        return "-"
    return "OK" if seconds < target else "over"


def _print_table(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> None:
    uname = os.uname()
    print()
    print(
        f"Reports as of {TODAY:%A %d %B %Y}; {args.children:,} children, {args.cases:,} cases; "
        f"{os.cpu_count()} cores, {uname.sysname} {uname.release}; Python {sys.version.split()[0]}"
    )
    head = "| database | report | period | step | seconds | again | CPU | queries | target | OK/over |"
    print(head)
    print("|" + "|".join([" --- "] * (head.count("|") - 1)) + "|")
    for kind, result in results.items():
        for row in result["time"]["rows"]:
            target = row["target"]
            print(
                f"| {kind} | {row['report']} | {row['period']} | {row['step']} | {row['seconds']:.2f} "
                f"| {row['again']:.2f} | {row['cpu']:.2f} | {row.get('queries', '')} "
                f"| {f'< {target:g} s' if target else '-'} "
                f"| {_status(row['seconds'], target)} |"
            )
        for row in result["reference"]["rows"]:
            print(
                f"| DuckDB over {kind} | {row['report']} | {row['period']} | reference figures "
                f"| {row['seconds']:.2f} | | | | - | {row['mismatches']} mismatches |"
            )
    print()
    for kind, result in results.items():
        timed, reference, build = result["time"], result["reference"], result["build"]
        over = [r for r in timed["rows"] if r["target"] and r["seconds"] >= r["target"]]
        print(
            f"{kind}: load average {timed['load'][0]} before the timings, {timed['load'][1]} after; "
            f"the timing process used {timed['cpu_seconds']:.0f} s of CPU in {timed['wall_seconds_inside']:.0f} s"
        )
        print(
            f"{kind}: build {build['seconds']:.0f} s; peak RSS build {build['maxrss_mb']:.0f} MB, "
            f"timing {timed['maxrss_mb']:.0f} MB, reference {reference['maxrss_mb']:.0f} MB; "
            f"{len(over)} steps over target; export to Parquet {reference['export_seconds']:.1f} s "
            f"({reference['exported_rows']:,} rows), DuckDB load {reference['load_seconds']:.1f} s, "
            f"DuckDB figures {reference['duckdb_seconds']:.1f} s; "
            f"{reference['mismatch_count']} figures disagree"
        )
        for line in reference["first_mismatches"]:
            print(f"    {line}")


def _print_agreement(results: dict[str, dict[str, Any]], workdir: Path) -> None:
    """SQLite and PostgreSQL hold the same rows, so the app must give the same figures on both."""
    if set(results) != {"sqlite", "postgres"}:
        return
    sqlite = json.loads((workdir / "sqlite" / "app_figures.json").read_text())
    postgres = json.loads((workdir / "postgres" / "app_figures.json").read_text())
    differences = list(differ(sqlite, postgres, "app"))
    print(f"\nThe app on SQLite and on PostgreSQL: {len(differences)} figures differ")
    for line in differences[:10]:
        print(f"    {line}")


# ---- comparing figures ----------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A figures dataclass as plain JSON values, field by field: dates as ISO strings, periods by
    their key, tuples as lists. The reference builds the same shape from DuckDB."""
    from rollcall.rules.reporting import Period

    if isinstance(value, Period):
        return value.key
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def differ(app: Any, reference: Any, path: str) -> Iterator[str]:
    """Every place two plain structures disagree, as "path: app X, reference Y"."""
    if isinstance(app, dict) and isinstance(reference, dict):
        for key in list(app) + [k for k in reference if k not in app]:
            if key not in reference:
                yield f"{path}.{key}: the reference has no such figure (app {_short(app[key])})"
            elif key not in app:
                yield f"{path}.{key}: the app has no such figure (reference {_short(reference[key])})"
            else:
                yield from differ(app[key], reference[key], f"{path}.{key}")
        return
    if isinstance(app, list) and isinstance(reference, list):
        if len(app) != len(reference):
            yield f"{path}: app has {len(app)} entries, reference {len(reference)}"
        for i, (a, r) in enumerate(zip(app, reference, strict=False)):
            yield from differ(a, r, f"{path}[{i}]")
        return
    if app != reference or type(app) is not type(reference):
        yield f"{path}: app {_short(app)}, reference {_short(reference)}"


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


# ---- the phases (each in its own process) -----------------------------------------------------


def _tidy() -> None:
    """Refresh the planner's statistics after the bulk load (as a DBA would after a migration)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# ---- build: writing rows straight into the tables --------------------------------------------


class Rows:
    """Insert rows into one model's table without building model instances: COPY on PostgreSQL,
    ``executemany`` on SQLite, with values in the form Django itself stores them.

    ``columns`` are attribute names (``child_id``, ``id``...); every other concrete column is
    filled with its field's default, and a NOT NULL column with no default is an error here, not a
    surprise in the database.
    """

    def __init__(self, model: Any, columns: Sequence[str]) -> None:
        from django.db import connection, models

        meta = model._meta
        by_name = {f.attname: f for f in meta.concrete_fields}
        missing = [c for c in columns if c not in by_name]
        if missing:
            raise ValueError(f"{model.__name__} has no columns {missing}")
        rest = [f for f in meta.concrete_fields if f.attname not in columns and not f.primary_key]
        self.fields = [by_name[c] for c in columns] + rest
        self.table = meta.db_table
        self.vendor = connection.vendor
        self.model = model
        converters: list[Callable[[Any], Any]] = []
        for f in self.fields:
            if isinstance(f, models.JSONField):
                converters.append(lambda v: None if v is None else json.dumps(v))
            elif self.vendor == "sqlite" and isinstance(f, models.DateTimeField):
                converters.append(_sqlite_datetime)
            elif self.vendor == "sqlite" and isinstance(f, models.DateField):
                converters.append(lambda v: None if v is None else v.isoformat())
            elif self.vendor == "sqlite" and isinstance(f, models.BooleanField):
                converters.append(lambda v: None if v is None else int(v))
            else:
                converters.append(lambda v: v)
        self.converters = converters
        defaults = []
        for f in rest:
            value = f.get_default()
            if value is None and not f.null:
                raise ValueError(f"{model.__name__}.{f.attname} is NOT NULL with no default: give it")
            defaults.append(value)
        n = len(columns)
        self.defaults = tuple(c(v) for c, v in zip(converters[n:], defaults, strict=True))
        self.given = n
        self.count = 0

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        from django.db import connection, transaction

        converters = self.converters[: self.given]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        table = connection.ops.quote_name(self.table)
        written = 0
        with transaction.atomic():
            if self.vendor == "postgresql":
                with connection.cursor() as wrapper:
                    raw = wrapper.cursor
                    with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(
                                tuple(c(v) for c, v in zip(converters, row, strict=True)) + self.defaults
                            )
                            written += 1
            else:
                marks = ", ".join("?" * len(self.fields))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
                with connection.cursor() as wrapper:
                    raw = wrapper.cursor
                    batch: list[tuple[Any, ...]] = []
                    for row in rows:
                        batch.append(
                            tuple(c(v) for c, v in zip(converters, row, strict=True)) + self.defaults
                        )
                        if len(batch) == 20_000:
                            raw.executemany(sql, batch)
                            written += len(batch)
                            batch = []
                    raw.executemany(sql, batch)
                    written += len(batch)
        self.count += written
        return written


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    """As Django's SQLite backend stores an aware datetime: naive UTC, ISO with a space."""
    if value is None:
        return None
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An instant on ``day`` at ``hour``:``minute`` in England (never inside a clock change)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON).astimezone(dt.UTC)


def local_day(instant: dt.datetime) -> dt.date:
    return instant.astimezone(LONDON).date()


@dataclasses.dataclass
class CasePlan:
    """One case as the services would have left it on TODAY."""

    id: int
    kind: str
    child: int
    team: int
    owner: int
    opened_at: dt.datetime
    opened_on: dt.date
    source: str
    status: str = ""
    closed_at: dt.datetime | None = None
    outcome: str = ""
    outcome_details: dict[str, str] = dataclasses.field(default_factory=dict)
    removal_notice: int | None = None
    next_action: str = ""
    next_action_due: dt.date | None = None
    escalation_level: int = 0
    next_escalation_on: dt.date | None = None

    def row(self) -> tuple[Any, ...]:
        return (
            self.id,
            self.kind,
            self.child,
            self.team,
            self.owner,
            self.status,
            self.source,
            self.opened_at,
            self.opened_on,
            self.next_action,
            self.next_action_due,
            self.escalation_level,
            self.next_escalation_on,
            self.closed_at,
            self.outcome,
            self.outcome_details,
            self.removal_notice,
        )


CASE_COLUMNS = (
    "id",
    "kind",
    "child_id",
    "team_id",
    "owner_id",
    "status",
    "source",
    "opened_at",
    "opened_on",
    "next_action",
    "next_action_due",
    "escalation_level",
    "next_escalation_on",
    "closed_at",
    "outcome",
    "outcome_details",
    "removal_notice_id",
)
TASK_COLUMNS = (
    "id",
    "case_id",
    "code",
    "title",
    "due",
    "assignee_id",
    "status",
    "created_at",
    "completed_at",
    "completed_by_id",
    "key",
)

# Case kinds by share of all cases, and (for the kinds whose length is not set by their own
# dates) the median school days to closure and the spread (lognormal sigma).
KIND_SHARES = (
    ("cme", 0.33),
    ("removal", 0.07),
    ("health", 0.15),
    ("admission", 0.15),
    ("fair_access", 0.10),
    ("waiting", 0.20),
)
LENGTHS = {"cme": (35, 0.9), "removal": (10, 0.7), "health": (55, 0.7), "waiting": (15, 0.9)}
OUTCOMES = {
    "cme": (
        ("on_roll", 0.45),
        ("other_suitable_education", 0.10),
        ("other_council", 0.15),
        ("left_country", 0.10),
        ("ehe_registered", 0.12),
        ("other", 0.08),
    ),
    "removal": (("reinstated", 0.40), ("lawful", 0.45), ("cme_opened", 0.15)),
    "health": (
        ("back_in_school", 0.60),
        ("other_suitable_education", 0.20),
        ("other_council", 0.10),
        ("other", 0.10),
    ),
    "waiting": (("on_roll", 0.90), ("other_council", 0.10)),
}
FOLLOW_UP_TITLES = {
    "cme": "Follow up the enquiries",
    "removal": "Follow up with the school",
    "health": "Review the provision",
    "admission": "Follow up the place",
    "fair_access": "Follow up the allocation",
    "waiting": "Review progress towards a school place",
}


class Council:
    """The synthetic council, generated in memory from one seed, then written table by table."""

    def __init__(self, n_children: int, n_cases: int, staff: dict[str, Any]) -> None:
        from rollcall.admissions.models import AdmissionSettings
        from rollcall.casework.calendar import council_calendar
        from rollcall.casework.models import RuleSettings
        from rollcall.health.models import HealthSettings
        from rollcall.rules.deadlines import CMETimescales

        self.rng = random.Random(SEED)
        self.n_children = n_children
        self.n_cases = n_cases
        self.calendar = council_calendar()
        self.settings = RuleSettings.current()
        self.ladder = self.settings.ladder
        self.admission_timescales = AdmissionSettings.current().timescales()
        self.provision_days = HealthSettings.current().provision_start_school_days
        self.cme_timescales = CMETimescales(
            first_enquiry_school_days=self.settings.first_enquiry_school_days,
            enquiries_complete_school_days=self.settings.enquiries_complete_school_days,
        )
        self.officers: dict[int, list[int]] = staff["officers"]
        self.managers: dict[int, int] = staff["managers"]
        self.school_users: list[int] = staff["school_users"]
        self.school_user = self.school_users[0]
        self.n_schools: int = staff["schools"]
        self.cases: list[CasePlan] = []
        self.tasks: list[tuple[Any, ...]] = []
        self.escalations: list[tuple[Any, ...]] = []
        self.notices: list[tuple[Any, ...]] = []
        self.roll_end: dict[int, tuple[dt.date, str, int | None, str]] = {}
        self.roll_joins: list[tuple[int, int, dt.date]] = []
        self.no_roll: set[int] = set()
        self.lost: list[tuple[int, dt.date]] = []
        self.applications: list[list[Any]] = []
        self.answers: list[tuple[Any, ...]] = []
        self.offers: list[tuple[Any, ...]] = []
        self.requests: list[tuple[Any, ...]] = []
        self.referrals: list[tuple[Any, ...]] = []
        self.deferred: list[tuple[Any, ...]] = []
        self.runs: list[tuple[Any, ...]] = []
        self.health_reports: list[tuple[Any, ...]] = []
        self.dob: list[dt.date] = []
        self.child_school: list[int] = []
        self.next_task = 1
        self.next_escalation = 1

    # -- small helpers

    def pick(self, weighted: Sequence[tuple[Any, float]]) -> Any:
        return self.rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randrange((last - first).days + 1))

    def working_day_between(self, first: dt.date, last: dt.date) -> dt.date:
        """A weekday (most of the council's work), now and then a weekend day."""
        day = self.day_between(first, last)
        while day.weekday() >= 5 and self.rng.random() < 0.9:
            day = self.day_between(first, last)
        return day

    def instant(self, day: dt.date) -> dt.datetime:
        """A time on ``day`` in England: office hours, and now and then just before or after
        midnight, so the reports' England-day boundaries are exercised."""
        r = self.rng.random()
        if r < 0.02:
            return at(day, 23, 45)
        if r < 0.04:
            return at(day, 0, 20)
        return at(day, self.rng.randrange(8, 18), self.rng.randrange(60))

    def age_on(self, child: int, day: dt.date) -> int:
        from rollcall.rules.reporting import age_on

        return age_on(self.dob[child - 1], day)

    # -- people, schools, the calendar

    def people(self) -> None:
        """Dates of birth (ages about 2 to 22 today) and each child's usual school."""
        rng = self.rng
        first = dt.date(2004, 9, 1)
        span = (dt.date(2024, 8, 31) - first).days
        self.dob = [first + dt.timedelta(days=rng.randrange(span)) for _ in range(self.n_children)]
        self.child_school = [rng.randrange(1, self.n_schools + 1) for _ in range(self.n_children)]
        order = list(range(1, self.n_children + 1))
        rng.shuffle(order)
        self._pool = iter(order)
        health = list(range(1, self.n_children + 1))
        rng.shuffle(health)
        self._health_pool = iter(health)

    def take_child(self, day: dt.date, *, health: bool = False) -> int:
        """The next child of compulsory school age on ``day`` (5 to 15), each used once per pool:
        a child out of school has one story here, so roll histories never contradict each other."""
        pool = self._health_pool if health else self._pool
        for child in pool:
            if 5 <= self.age_on(child, day) <= 15:
                return child
        raise SystemExit("Ran out of children: give more --children for this many --cases")

    def reception_start(self, child: int) -> dt.date:
        """The September after the fourth birthday: the usual first day on a school's roll."""
        dob = self.dob[child - 1]
        year = dob.year + 4 if dob.month < 9 else dob.year + 5
        return dt.date(year, 9, 4)

    def leaving_day(self, child: int) -> dt.date:
        """The end of Year 11, after which a child with no other story leaves the roll."""
        return dt.date(self.reception_start(child).year + 12, 7, 22)

    # -- cases and their work

    def new_case(self, kind: str, child: int, opened_at: dt.datetime, source: str) -> CasePlan:
        team = {"cme": 2, "removal": 2, "health": 3}.get(kind, 1)
        owner = self.rng.choice(self.officers[team])
        case = CasePlan(
            id=len(self.cases) + 1,
            kind=kind,
            child=child,
            team=team,
            owner=owner,
            opened_at=opened_at,
            opened_on=local_day(opened_at),
            source=source,
        )
        self.cases.append(case)
        return case

    def close(self, case: CasePlan, close_day: dt.date | None, outcome: str) -> None:
        """Close on ``close_day`` (None, or a day from TODAY on: still open)."""
        if close_day is None or close_day >= TODAY:
            case.status = "open"
            return
        closed_at = max(self.instant(close_day), case.opened_at + dt.timedelta(minutes=1))
        case.closed_at = closed_at
        case.status = "closed"
        case.outcome = outcome
        if outcome in {"on_roll", "back_in_school", "attending", "placed_attending"}:
            case.outcome_details = {"school": f"Northmoor School {self.rng.randrange(self.n_schools)}"}
        elif outcome in {"other_council"}:
            case.outcome_details = {"council": "Southmoor Council", "council_told_on": close_day.isoformat()}
        elif outcome in {"other", "other_suitable_education", "withdrawn", "lawful"}:
            case.outcome_details = {"details": "Recorded by the officer"}
        elif outcome == "left_country":
            case.outcome_details = {"evidence": "Flight booking seen"}

    def finish_day(self, created: dt.date, due: dt.date) -> dt.date:
        """When an officer finishes a task: on time (55%), or a little or a lot late."""
        rng = self.rng
        r = rng.random()
        if r < 0.55:
            low = max(created, due - dt.timedelta(days=14))
            return self.day_between(min(low, due), due) if low <= due else created
        if r < 0.80:
            late = rng.randint(1, 4)
        elif r < 0.90:
            late = rng.randint(5, 9)
        elif r < 0.96:
            late = rng.randint(10, 19)
        else:
            late = rng.randint(20, 45)
        return self.calendar.add_school_days(due, late)

    def task(
        self,
        case: CasePlan,
        code: str,
        title: str,
        due: dt.date,
        assignee: int,
        created_at: dt.datetime,
        finish: dt.date,
        end: dt.date,
        key: str | None,
        still_open: list[tuple[dt.date, int, str]],
        *,
        done_at_close: bool = False,
    ) -> tuple[int, dt.datetime | None]:
        """One task row; returns its id and when it was done (None if not done)."""
        task_id = self.next_task
        self.next_task += 1
        if finish < end or (done_at_close and finish == end and case.closed_at is not None):
            completed_at = (
                case.closed_at
                if finish == end and case.closed_at is not None
                else max(at(finish, self.rng.randrange(9, 18), self.rng.randrange(60)), created_at)
            )
            assert completed_at is not None
            completed_at = max(completed_at, created_at + dt.timedelta(minutes=1))
            self.tasks.append(
                (
                    task_id,
                    case.id,
                    code,
                    title,
                    due,
                    assignee,
                    "done",
                    created_at,
                    completed_at,
                    assignee,
                    key,
                )
            )
            return task_id, completed_at
        if case.closed_at is not None:
            cancelled_at = max(case.closed_at, created_at)
            self.tasks.append(
                (
                    task_id,
                    case.id,
                    code,
                    title,
                    due,
                    assignee,
                    "cancelled",
                    created_at,
                    cancelled_at,
                    None,
                    key,
                )
            )
        else:
            self.tasks.append(
                (task_id, case.id, code, title, due, assignee, "open", created_at, None, None, key)
            )
            still_open.append((due, task_id, title))
        return task_id, None

    def work(
        self,
        case: CasePlan,
        planned: Sequence[tuple[str, str, dt.date, dt.date | None]],
        side: Sequence[tuple[str, str, dt.date]] = (),
    ) -> None:
        """Lay down a case's tasks and escalations from its opening to its closure (or TODAY).

        ``planned``: the case's first tasks in order, each (code, title, due, the day it is done
        or None for "when the officer gets to it"); after them, follow-up tasks one at a time. Only
        one of these is open at once, so the earliest open task (which the escalation ladder
        reads) is always the current one, as with ``case_refresh``. ``side`` tasks (the first
        enquiry, naming a contact) are done within three school days.

        The daily sweep runs each morning, so a task done on day F had climbed to
        ``level_for(overdue_school_days(due, F))``; each rung reached is an Escalation row dated
        the school day it was reached, and the team manager's rung comes with a review task for
        the manager, as ``rollcall.casework.sweep`` makes them.
        """
        from rollcall.rules.escalation import Level, level_for, next_escalation_date, overdue_school_days

        cal, rng = self.calendar, self.rng
        end = local_day(case.closed_at) if case.closed_at is not None else TODAY
        still_open: list[tuple[dt.date, int, str]] = []
        for code, title, due in side:
            finish = cal.add_school_days(due, rng.randrange(4)) if rng.random() < 0.5 else case.opened_on
            self.task(
                case,
                code,
                title,
                due,
                case.owner,
                case.opened_at,
                finish,
                end,
                f"{code}:{case.id}",
                still_open,
            )
        queue = list(planned)
        created_at = case.opened_at
        level = 0
        first = True
        while True:
            if queue:
                code, title, due, finish_or_none = queue.pop(0)
                key = f"{code}:{case.id}" if first else None
                explicit = finish_or_none is not None
            else:
                code, title = "follow_up", FOLLOW_UP_TITLES[case.kind]
                due = cal.add_school_days(local_day(created_at), rng.choice((5, 10, 10, 15, 20)))
                finish_or_none, key, explicit = None, None, False
            first = False
            finish = finish_or_none or self.finish_day(local_day(created_at), due)
            stop = min(finish, end)
            level = level_for(self.ladder, overdue_school_days(cal, due, stop))
            for rung in range(1, level + 1):
                reached = cal.add_school_days(due, self.ladder.threshold(Level(rung)))
                self.escalations.append((self.next_escalation, case.id, rung, reached, due, at(reached, 6)))
                self.next_escalation += 1
                if rung == Level.MANAGER:
                    review_due = cal.next_school_day(reached)
                    review_created = at(reached, 6, 5)
                    if case.closed_at is not None:
                        review_created = min(review_created, case.closed_at)
                    self.task(
                        case,
                        "escalation_review",
                        "Review overdue case",
                        review_due,
                        self.managers[case.team],
                        review_created,
                        cal.add_school_days(review_due, rng.randrange(3)),
                        end,
                        f"escalation-review:{case.id}:{due}",
                        still_open,
                    )
            _task_id, done_at = self.task(
                case,
                code,
                title,
                due,
                case.owner,
                created_at,
                finish,
                end,
                key,
                still_open,
                done_at_close=explicit,
            )
            if done_at is None or (case.closed_at is not None and done_at >= case.closed_at):
                break
            created_at = done_at
        if case.closed_at is not None:
            case.escalation_level = level
            return
        due, _pk, title = min(still_open)
        case.next_action, case.next_action_due = title, due
        case.escalation_level = level_for(self.ladder, overdue_school_days(cal, due, TODAY))
        case.next_escalation_on = next_escalation_date(cal, self.ladder, due, Level(case.escalation_level))

    def length_close(self, kind: str, opened_on: dt.date) -> dt.date:
        median, sigma = LENGTHS[kind]
        length = max(1, round(self.rng.lognormvariate(math.log(median), sigma)))
        if kind == "cme" and self.rng.random() < 0.02:
            length = 5_000  # the few that stay open for years
        return self.calendar.add_school_days(opened_on, length)

    def opened_instant(self) -> dt.datetime:
        return self.instant(self.working_day_between(START, TODAY - dt.timedelta(days=1)))

    # -- each kind of case, with the records its service keeps beside it

    def cme(self, child: int, opened_at: dt.datetime, source: str, notice: int | None = None) -> CasePlan:
        from rollcall.rules.deadlines import enquiries_due, first_enquiry_due

        case = self.new_case("cme", child, opened_at, source)
        case.removal_notice = notice
        opened_on = case.opened_on
        self.close(case, self.length_close("cme", opened_on), self.pick(OUTCOMES["cme"]))
        if case.closed_at is None:
            days_open = self.calendar.school_days_between(opened_on, TODAY)
            case.status = "new" if days_open < 2 else "enquiries"
        t = self.cme_timescales
        self.work(
            case,
            [
                (
                    "enquiries_complete",
                    "Complete reasonable enquiries",
                    enquiries_due(self.calendar, opened_on, t),
                    None,
                )
            ],
            [("first_enquiry", "Make the first enquiry", first_enquiry_due(self.calendar, opened_on, t))],
        )
        if case.closed_at is not None and case.outcome == "on_roll":
            self.join_roll(child, local_day(case.closed_at))
        return case

    def removal_case(self, child: int, opened_at: dt.datetime, notice: int, school: int) -> None:
        case = self.new_case("removal", child, opened_at, "possibly unlawful removal by Northmoor School")
        case.removal_notice = notice
        self.close(case, self.length_close("removal", case.opened_on), self.pick(OUTCOMES["removal"]))
        if case.closed_at is None:
            case.status = "challenged" if self.rng.random() < 0.7 else "new"
        due = self.calendar.add_school_days(case.opened_on, self.settings.challenge_removal_school_days)
        self.work(case, [("challenge_removal", "Challenge the school about the removal", due, None)])
        if case.closed_at is not None:
            if case.outcome == "reinstated":
                self.join_roll(child, local_day(case.closed_at), school)
            elif case.outcome == "cme_opened":
                self.cme(child, case.closed_at, "removal from roll: CME took over")

    def health(self, child: int, opened_at: dt.datetime) -> None:
        from rollcall.rules.health import provision_start_due

        case = self.new_case("health", child, opened_at, "Health report from Northmoor School")
        self.close(case, self.length_close("health", case.opened_on), self.pick(OUTCOMES["health"]))
        if case.closed_at is None:
            case.status = self.rng.choice(("referred", "provision", "provision", "reintegration"))
        due = provision_start_due(self.calendar, case.opened_on, self.provision_days)
        self.work(
            case,
            [("arrange_provision", "Arrange provision", due, None)],
            [("named_contact", "Assign a named contact", self.calendar.next_school_day(case.opened_on))],
        )
        self.health_reports.append(
            (
                len(self.health_reports) + 1,
                child,
                self.child_school[child - 1],
                case.id,
                self.school_user,
                opened_at,
                case.opened_on - dt.timedelta(days=self.rng.randrange(20, 40)),
                self.rng.randrange(15, 40),
                "consecutive",
                "yes",
            )
        )

    def waiting(self, child: int, opened_at: dt.datetime) -> None:
        from rollcall.rules.admissions import waiting_review_due

        case = self.new_case("waiting", child, opened_at, "no school place")
        self.close(case, self.length_close("waiting", case.opened_on), self.pick(OUTCOMES["waiting"]))
        if case.closed_at is None:
            case.status = "offered" if self.rng.random() < 0.2 else "waiting"
        due = waiting_review_due(self.calendar, case.opened_on, self.admission_timescales)
        self.work(case, [("waiting_review", "Review progress towards a school place", due, None)])
        if case.closed_at is not None and case.outcome == "on_roll":
            closed_on = local_day(case.closed_at)
            # Now and then the roll entry starts the day before the case closes (the school's
            # return arrived first): the child is on a roll, so no longer waiting, that day.
            self.join_roll(child, closed_on - dt.timedelta(days=1 if self.rng.random() < 0.03 else 0))
        elif case.closed_at is None and self.rng.random() < 0.02:
            self.join_roll(child, self.day_between(case.opened_on, TODAY - dt.timedelta(days=1)))

    def admission(self, child: int, opened_at: dt.datetime) -> None:
        """A vulnerable in-year applicant: the application, the offer and the put-on-roll
        request, the tracking case, and what became of it (rollcall/admissions/services.py)."""
        from rollcall.rules import admissions as rules

        cal, rng, t = self.calendar, self.rng, self.admission_timescales
        case = self.new_case("admission", child, opened_at, "in-year application: vulnerable applicant")
        opened_on = case.opened_on
        if rng.random() < 0.1:  # an earlier application, not vulnerable, that came to nothing
            earlier = opened_on - dt.timedelta(days=rng.randrange(60, 400))
            self.application(child, earlier, vulnerable=False, case=None, status="withdrawn")
        application = self.application(child, opened_on, vulnerable=True, case=case.id, status="received")
        offer_due = cal.add_school_days(opened_on, 5)
        sent_on = cal.add_school_days(opened_on, rng.randint(1, 8))
        planned: list[tuple[str, str, dt.date, dt.date | None]] = [
            (
                "admission_offer",
                "Record the offer and ask the school to put the child on roll",
                offer_due,
                sent_on,
            )
        ]
        if sent_on >= TODAY:
            self.close(case, None, "")
            case.status = "awaiting_school"
            self.work(case, planned)
            return
        school = rng.randrange(1, self.n_schools + 1)
        answer_due = rules.answer_due(cal, sent_on, t)
        second_window = rules.second_window_ends(cal, sent_on, t)
        r = rng.random()
        on_roll_not_attending = None
        if r < 0.72:
            outcome, happens = "attending", cal.add_school_days(sent_on, rng.randint(2, 16))
        elif r < 0.87:
            outcome, happens = "referred_cme", cal.add_school_days(second_window, rng.randint(0, 3))
            if rng.random() < 0.5:
                # The school put the child on roll (checked off) but the child never came: the
                # request is both checked off and, later, referred as CME.
                on_roll_not_attending = cal.add_school_days(sent_on, rng.randint(2, 8))
        elif r < 0.99:
            outcome, happens = "withdrawn", cal.add_school_days(sent_on, rng.randint(3, 15))
        else:
            outcome, happens = "", NEVER  # the school never answers and nobody chases it
        self.close(case, happens, outcome)
        if case.closed_at is None:
            case.status = "follow_up" if answer_due < TODAY else "awaiting_school"
        planned.append(
            (
                "admission_answer",
                f"Check Northmoor School {school} has confirmed the child is on roll",
                answer_due,
                happens,
            )
        )
        self.work(case, planned)
        sent_at = max(at(sent_on, 11), opened_at)
        request: dict[str, Any] = {
            "sent_on": sent_on,
            "sent_at": sent_at,
            "answer_due": answer_due,
            "second_window_ends": second_window,
        }
        status = "offered"
        if on_roll_not_attending is not None and on_roll_not_attending < TODAY:
            instant = at(on_roll_not_attending, 14)
            request.update(
                answer="on_roll",
                on_roll_from=on_roll_not_attending,
                answered_at=instant,
                answered_by=self.school_user,
                checked_off_at=instant,
            )
            status = "on_roll"
            self.join_roll(child, on_roll_not_attending, school)
        if case.closed_at is not None and outcome == "attending":
            request.update(
                answer="on_roll",
                on_roll_from=local_day(case.closed_at),
                attended_from=local_day(case.closed_at),
                answered_at=case.closed_at,
                answered_by=self.school_user,
                checked_off_at=case.closed_at,
            )
            status = "checked_off"
            self.join_roll(child, local_day(case.closed_at), school)
        elif case.closed_at is not None and outcome == "referred_cme":
            request.update(referred_cme_on=local_day(case.closed_at))
            status = "referred_cme"
        elif case.closed_at is not None and outcome == "withdrawn":
            status = "withdrawn"
        self.offer(application, child, school, case.id, status, request)
        if case.closed_at is not None and outcome == "referred_cme":
            self.cme(child, case.closed_at, "admissions: place not taken up")

    def fair_access(self, child: int, opened_at: dt.datetime) -> None:
        """A Fair Access referral and its case: allocated, admitted, or not accepted."""
        from rollcall.rules.admissions import fair_access_placement_due

        cal, rng = self.calendar, self.rng
        case = self.new_case("fair_access", child, opened_at, "Fair Access referral")
        taken = case.opened_on
        due = fair_access_placement_due(cal, taken, self.admission_timescales)
        allocated = admitted = decided = None
        decision = ""
        r = rng.random()
        if r < 0.85:
            allocated = cal.add_school_days(
                taken, min(60, max(2, round(rng.lognormvariate(math.log(14), 0.5))))
            )
            if rng.random() < 0.9:
                admitted = cal.add_school_days(allocated, rng.randint(1, 10))
                self.close(case, cal.add_school_days(admitted, rng.randint(5, 15)), "placed_attending")
            else:
                self.close(case, cal.add_school_days(allocated, rng.randint(20, 40)), "other")
            finish: dt.date | None = allocated
        elif r < 0.92:
            decided = cal.add_school_days(taken, rng.randint(5, 15))
            self.close(case, decided, "other")
            finish = decided
        else:
            self.close(case, cal.add_school_days(taken, rng.randint(30, 60)), "other")
            finish = NEVER
        # What has not happened by TODAY is not recorded yet.
        allocated = allocated if allocated is not None and allocated < TODAY else None
        admitted = admitted if admitted is not None and admitted < TODAY else None
        if allocated is not None:
            decision = "allocated"
        elif decided is not None and decided < TODAY:
            decision = "not_accepted"
        if case.closed_at is None:
            case.status = "admitted" if admitted else "allocated" if allocated else "referred"
        self.work(case, [("fair_access_place", "Allocate a school place (Fair Access)", due, finish)])
        school = rng.randrange(1, self.n_schools + 1) if allocated else None
        self.referrals.append(
            (
                len(self.referrals) + 1,
                child,
                case.id,
                self.pick([(c, 1.0) for c in FAIR_ACCESS_CATEGORIES]),
                "Referred by the Access to Education team",
                allocated,
                decision,
                school,
                taken,
                due,
                allocated,
                allocated + dt.timedelta(days=7) if allocated else None,
                admitted,
                self.managers[1],
                opened_at,
            )
        )
        if admitted is not None:
            self.join_roll(child, admitted, school)

    # -- rolls: each child's usual school from reception, and the changes the stories make

    def end_roll(
        self, child: int, day: dt.date, ground: str = "", school: int | None = None, details: str = ""
    ) -> None:
        """The child's usual roll entry ends on ``day`` (the day they are off it), as a deletion
        return or a move ends it."""
        if child not in self.roll_end or day < self.roll_end[child][0]:
            self.roll_end[child] = (day, ground, school, details)

    def join_roll(self, child: int, day: dt.date, school: int | None = None) -> None:
        """The child is on a (new) school's roll from ``day``; a usual entry still running ends."""
        self.end_roll(child, day)
        self.roll_joins.append((child, school or self.rng.randrange(1, self.n_schools + 1), day))

    def rolls(self) -> Iterator[tuple[Any, ...]]:
        pk = 0
        for child in range(1, self.n_children + 1):
            start = self.reception_start(child)
            if start >= TODAY or child in self.no_roll:
                continue
            ended = self.roll_end.get(child)
            end: dt.date | None
            if ended is not None:
                end, ground, destination, details = ended
            else:
                natural = self.leaving_day(child)
                end, ground, destination, details = (natural if natural < TODAY else None), "", None, ""
            if end is not None and end <= start:
                continue
            pk += 1
            yield (pk, child, self.child_school[child - 1], start, end, ground, destination, details or "")
        for child, school, day in self.roll_joins:
            pk += 1
            yield (pk, child, school, day, None, "", None, "")

    # -- deletion returns

    def notice(
        self,
        child: int,
        school: int,
        received_at: dt.datetime,
        removal_date: dt.date,
        ground: str,
        *,
        destination: int | None = None,
        details: str = "",
        joint_enquiries: bool = False,
        absence_days: int | None = None,
    ) -> tuple[int, bool, bool]:
        """A deletion return with what the removal rule made of it; (id, opens CME, possibly unlawful)."""
        from rollcall.rules.removal import RemovalFacts, assess_removal

        facts = RemovalFacts(
            ground=ground or None,
            removal_date=removal_date,
            notified_on=local_day(received_at),
            destination_school_urn=str(100000 + destination) if destination else None,
            destination_start_date=removal_date if destination else None,
            destination_unknown=destination is None and not details,
            joint_enquiries_made=joint_enquiries,
            continuous_absence_school_days=absence_days,
            absence_all_g_n_o=True if absence_days else None,
        )
        assessment = assess_removal(
            facts, min_continuous_absence_days=self.settings.continuous_absence_for_ground_i
        )
        pk = len(self.notices) + 1
        self.notices.append(
            (
                pk,
                school,
                child,
                self.school_users[school % len(self.school_users)],
                received_at,
                removal_date,
                ground,
                destination,
                removal_date if destination else None,
                details,
                joint_enquiries,
                absence_days,
                assessment.opens_cme_case,
                assessment.possibly_unlawful,
                list(assessment.concerns),
            )
        )
        self.end_roll(child, removal_date, ground, destination, details)
        return pk, assessment.opens_cme_case, assessment.possibly_unlawful

    # -- applications

    def application(
        self, child: int, received_on: dt.date, *, vulnerable: bool, case: int | None, status: str
    ) -> int:
        from rollcall.rules.vulnerability import CHARACTERISTICS, SERIOUS, assess

        rng = self.rng
        codes = [c.code for c in CHARACTERISTICS]
        answers = dict.fromkeys(codes, "no")
        if vulnerable:
            r = rng.random()
            if r < 0.45:
                answers[rng.choice(sorted(SERIOUS))] = "yes"
            elif r < 0.7:
                for code in rng.sample([c for c in codes if c not in SERIOUS], 2):
                    answers[code] = "yes"
            elif r < 0.9:
                answers[rng.choice([c for c in codes if c not in SERIOUS])] = "yes"
            else:
                for code in rng.sample(codes, 3):
                    answers[code] = "not_known"
            if rng.random() < 0.3:
                answers[rng.choice(codes)] = "yes"
        else:
            for code in rng.sample(codes, rng.randint(0, 2)):
                answers[code] = "not_known"
        result = assess(answers)
        assert result.vulnerable == vulnerable, (answers, result)
        pk = len(self.applications) + 1
        created_at = max(at(received_on, 12), at(START - dt.timedelta(days=400), 12))
        self.applications.append(
            [
                pk,
                child,
                received_on,
                rng.randrange(1, self.n_schools + 1),
                "Moved into the area",
                status,
                result.vulnerable,
                result.rating.value,
                list(result.reasons),
                created_at,
                case,
                rng.choice(self.officers[1]),
                created_at,
            ]
        )
        for code in codes:
            evidence = "Seen in the family's letter" if answers[code] == "yes" else ""
            self.answers.append((len(self.answers) + 1, pk, code, answers[code], evidence))
        return pk

    def offer(
        self,
        application: int,
        child: int,
        school: int,
        case: int | None,
        status: str,
        request: dict[str, Any],
    ) -> None:
        pk = len(self.offers) + 1
        sent_on: dt.date = request["sent_on"]
        created_by = self.rng.choice(self.officers[1])
        self.offers.append(
            (
                pk,
                application,
                school,
                sent_on - dt.timedelta(days=self.rng.randrange(4)),
                sent_on,
                created_by,
                request["sent_at"],
            )
        )
        self.requests.append(
            (
                pk,
                pk,
                application,
                child,
                school,
                case,
                sent_on,
                request["sent_at"],
                request["answer_due"],
                request["second_window_ends"],
                request.get("answer", ""),
                request.get("on_roll_from"),
                request.get("attended_from"),
                request.get("answered_at"),
                request.get("answered_by"),
                request.get("referred_cme_on"),
                request.get("checked_off_at"),
            )
        )
        self.applications[application - 1][5] = status

    def ordinary_applications(self, count: int) -> None:
        """In-year applications that are not vulnerable (no tracking case): most are offered a
        place and the school confirms the child on roll."""
        from rollcall.rules import admissions as rules

        cal, rng = self.calendar, self.rng
        for _ in range(count):
            received = self.working_day_between(START, TODAY - dt.timedelta(days=1))
            child = self.take_child(received)
            if rng.random() < 0.5:
                self.end_roll(child, received - dt.timedelta(days=rng.randrange(30)))
            else:
                self.no_roll.add(child)
            application = self.application(child, received, vulnerable=False, case=None, status="received")
            sent_on = received + dt.timedelta(days=rng.randint(5, 20))
            if rng.random() > 0.85 or sent_on >= TODAY:
                continue
            school = rng.randrange(1, self.n_schools + 1)
            request: dict[str, Any] = {
                "sent_on": sent_on,
                "sent_at": at(sent_on, 11),
                "answer_due": rules.answer_due(cal, sent_on, self.admission_timescales),
                "second_window_ends": rules.second_window_ends(cal, sent_on, self.admission_timescales),
            }
            status = "offered"
            answered = cal.add_school_days(sent_on, rng.randint(2, 12))
            if rng.random() < 0.9 and answered < TODAY:
                instant = at(answered, 14)
                request.update(
                    answer="on_roll",
                    on_roll_from=answered,
                    attended_from=answered,
                    answered_at=instant,
                    answered_by=self.school_user,
                    checked_off_at=instant,
                )
                status = "checked_off"
                self.join_roll(child, answered, school)
            self.offer(application, child, school, None, status, request)

    # -- the whole council

    def plan(self) -> dict[str, int]:
        rng = self.rng
        self.people()
        counts = {kind: round(self.n_cases * share) for kind, share in KIND_SHARES}
        # Some CME cases follow an admission referral or a removal case: fewer start on their own.
        counts["cme"] -= round(0.15 * 0.9 * (counts["admission"] + counts["removal"]))
        jobs = [(self.opened_instant(), kind) for kind, n in counts.items() for _ in range(n)]
        jobs.sort()
        for opened_at, kind in jobs:
            opened_on = local_day(opened_at)
            if kind == "health":
                self.health(self.take_child(opened_on, health=True), opened_at)
                continue
            child = self.take_child(opened_on)
            school = self.child_school[child - 1]
            before = opened_on - dt.timedelta(days=rng.randint(10, 120))
            if kind == "cme" and rng.random() < 0.4:
                removal_date = opened_on - dt.timedelta(days=rng.randrange(8))
                ground, extra = self.pick(CME_GROUNDS)
                notice, opens_cme, _unlawful = self.notice(
                    child, school, opened_at, removal_date, ground, **extra
                )
                if not opens_cme:
                    raise AssertionError(f"ground {ground!r} with no destination should open a CME case")
                self.cme(child, opened_at, f"removal notice from Northmoor School {school}", notice)
            elif kind == "cme":
                if rng.random() < 0.3:
                    self.no_roll.add(child)
                else:
                    self.end_roll(child, before)
                self.cme(child, opened_at, "referral")
            elif kind == "removal":
                removal_date = opened_on - dt.timedelta(days=rng.randrange(8))
                details = rng.choice(("Family says they are moving to Spain", "Moving to a school in Wales"))
                notice, opens_cme, unlawful = self.notice(
                    child, school, opened_at, removal_date, rng.choice("acdef"), details=details
                )
                assert unlawful
                assert not opens_cme
                self.removal_case(child, opened_at, notice, school)
            elif kind == "waiting":
                if rng.random() < 0.6:
                    self.no_roll.add(child)
                else:
                    self.end_roll(child, before)
                self.waiting(child, opened_at)
            elif kind == "fair_access":
                self.end_roll(child, before)
                self.fair_access(child, opened_at)
            elif kind == "admission":
                if rng.random() < 0.6:
                    self.no_roll.add(child)
                else:
                    self.end_roll(child, opened_on - dt.timedelta(days=rng.randrange(30)))
                self.admission(child, opened_at)
        # Deletion returns that open no case: lawful moves to a named school, and a few children
        # removed with no known destination whom nobody took on (breaches of the invariant).
        for _ in range(round(self.n_cases * 0.25)):
            day = self.working_day_between(START, TODAY - dt.timedelta(days=1))
            child = self.take_child(day)
            school = self.child_school[child - 1]
            destination = rng.randrange(1, self.n_schools + 1)
            received = self.instant(day + dt.timedelta(days=rng.randrange(4)))
            self.notice(child, school, received, day, "a", destination=destination)
            self.join_roll(child, day, destination)
        for _ in range(max(3, self.n_cases // 2000)):
            day = self.working_day_between(START, TODAY - dt.timedelta(days=1))
            child = self.take_child(day)
            _pk, opens_cme, _u = self.notice(child, self.child_school[child - 1], self.instant(day), day, "g")
            self.lost.append((self.notices[-1][0], local_day(self.notices[-1][4])))
        self.ordinary_applications(2 * counts["admission"])
        self.deferred_places(max(20, self.n_cases // 15))
        self.sweep_runs()
        return {
            "children": self.n_children,
            "schools": self.n_schools,
            "cases": len(self.cases),
            "open_cases": sum(1 for c in self.cases if c.closed_at is None),
            "tasks": len(self.tasks),
            "escalations": len(self.escalations),
            "removal_notices": len(self.notices),
            "applications": len(self.applications),
            "put_on_roll_requests": len(self.requests),
            "fair_access_referrals": len(self.referrals),
            "deferred_places": len(self.deferred),
            "sweep_runs": len(self.runs),
        }

    def deferred_places(self, count: int) -> None:
        rng = self.rng
        starts = [
            d
            for year in range(2022, 2028)
            for d in (dt.date(year, 9, 4), dt.date(year, 1, 6), dt.date(year, 4, 20))
            if START - dt.timedelta(days=300) <= d <= TODAY + dt.timedelta(days=250)
        ]
        while len(self.deferred) < count:
            due = rng.choice(starts)
            recorded = due - dt.timedelta(days=rng.randint(30, 200))
            if recorded >= TODAY:
                continue
            checked_on = started = None
            if due < TODAY:
                r = rng.random()
                if r < 0.85:
                    checked_on = due + dt.timedelta(days=rng.randrange(11))
                elif r < 0.9:
                    checked_on = due + dt.timedelta(days=rng.randint(30, 120))
                if checked_on is not None and checked_on >= TODAY:
                    checked_on = None
                if checked_on is not None:
                    started = rng.random() < 0.8
            self.deferred.append(
                (
                    len(self.deferred) + 1,
                    rng.randrange(1, self.n_children + 1),
                    rng.randrange(1, self.n_schools + 1),
                    due,
                    checked_on,
                    started,
                    rng.choice(self.officers[1]),
                    at(recorded, 11),
                )
            )

    def sweep_runs(self) -> None:
        """One run a day as of each day before TODAY, recording the invariant's breaches: the lost
        children, and now and then a case left without an owner for a day. The run on 30 November
        2024 never finished (the month's figure is the 29th's)."""
        rng = self.rng
        day = START
        while day < TODAY:
            breaches = [
                f"Child {pk}: removed with no known destination and has no open case"
                for pk, on in self.lost
                if on <= day
            ]
            if rng.random() < 0.1:
                breaches += [
                    f"CME-{rng.randrange(1, 99999):06d}: open case with no active owner"
                ] * rng.randint(1, 2)
            finished = None if day == dt.date(2024, 11, 30) else at(day, 5, 2)
            self.runs.append((len(self.runs) + 1, day, at(day, 5), finished, {"reminders": 0}, breaches))
            day += dt.timedelta(days=1)

    def addresses(self) -> Iterator[tuple[Any, ...]]:
        """A current address for nearly every child (postcodes in invented districts), an earlier
        one for some; a few with no postcode or no address at all ("Not known")."""
        rng = self.rng
        names = [d for d, _w in DISTRICTS]
        weights = [w for _d, w in DISTRICTS]
        districts = rng.choices(names, weights=weights, k=self.n_children)
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        pk = 0
        floor = dt.date(2010, 1, 1)
        for child in range(1, self.n_children + 1):
            r = rng.random()
            if r < 0.005:
                continue
            dob = self.dob[child - 1]
            postcode = (
                ""
                if r < 0.015
                else f"{districts[child - 1]} {rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"
            )
            moved_in = None if rng.random() < 0.12 else self.day_between(max(dob, floor), TODAY)
            if moved_in is not None and rng.random() < 0.15:
                earlier = None if rng.random() < 0.5 else self.day_between(min(dob, moved_in), moved_in)
                pk += 1
                old = (
                    f"{rng.choice(names[:12])} {rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"
                )
                yield (pk, child, f"{rng.randrange(1, 200)} Mill Lane", "Northmoor", old, earlier, moved_in)
            pk += 1
            yield (pk, child, f"{rng.randrange(1, 200)} High Street", "Northmoor", postcode, moved_in, None)


NEVER = dt.date(2100, 1, 1)
# Grounds of the deletion returns behind CME cases (destination unknown), with the facts given.
CME_GROUNDS: tuple[tuple[tuple[str, dict[str, Any]], float], ...] = (
    (("g", {}), 0.45),
    (("i", {"joint_enquiries": True, "absence_days": 25}), 0.15),
    (("o", {}), 0.10),
    (("a", {}), 0.10),
    (("h", {}), 0.10),
    (("", {}), 0.04),
    (("j", {}), 0.03),
    (("m", {}), 0.03),
)
FAIR_ACCESS_CATEGORIES = (
    "cin_cp",
    "refuge",
    "ap",
    "sen",
    "young_carer",
    "homeless",
    "out_4_weeks",
    "behaviour",
)

TEAMS = (
    ("admissions", "Admissions"),
    ("inclusion", "Inclusion (children missing education)"),
    ("access", "Access to Education"),
    ("sen", "SEN"),
    ("heads", "Heads of Service"),
)
OFFICERS_PER_TEAM = {1: 8, 2: 12, 3: 6, 4: 3}


def _calendar_rows() -> None:
    """The demo's term dates (rollcall.rules.calendar.default_terms) for 2022/23 to 2027/28, with
    INSET days on the first day of the autumn and spring terms, as rollcall.demo.council lays them out."""
    from rollcall.rules.calendar import default_terms
    from rollcall.schools.models import ClosureDay, TermDate

    names = ("Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2")
    terms, closures = [], []
    for year in range(2022, 2028):
        halves = default_terms(year)
        terms += [
            TermDate(academic_year=year, name=name, start=t.start, end=t.end)
            for name, t in zip(names, halves, strict=True)
        ]
        closures += [
            ClosureDay(date=halves[0].start, reason="INSET day"),
            ClosureDay(date=halves[2].start, reason="INSET day"),
        ]
    TermDate.objects.bulk_create(terms)
    ClosureDay.objects.bulk_create(closures)


def _schools(n_schools: int) -> None:
    from rollcall.schools.models import School

    Rows(School, ("id", "urn", "la_code", "establishment_number", "name", "status_name", "phase")).write(
        (
            i,
            str(100000 + i),
            "990",
            f"{2000 + i % 8000:04d}",
            f"Northmoor School {i}",
            "Open",
            "Secondary" if i % 4 == 0 else "Primary",
        )
        for i in range(1, n_schools + 1)
    )


def _staff(n_schools: int) -> dict[str, Any]:
    """The teams and the people in them (usernames as in the demo, so the action plans find their
    responsible officers), one user per school, and an officer who has left but still owns cases."""
    from rollcall.accounts.models import Membership, Team, User
    from rollcall.rules.workflow import Role

    for pk, (kind, name) in enumerate(TEAMS, start=1):
        Team.objects.create(pk=pk, kind=kind, name=name, email=f"{kind}@northmoor.example")

    def person(
        username: str, role: Role, *, team: int | None = None, school: int | None = None, active: bool = True
    ) -> int:
        user = User.objects.create(
            username=username,
            email=f"{username}@northmoor.example",
            first_name=username.split(".")[0].title(),
            last_name=username.split(".")[-1].title(),
            is_active=active,
        )
        Membership.objects.create(user=user, team_id=team, school_id=school, role=role.value)
        return user.pk

    officers = {
        team: [person(f"{TEAMS[team - 1][0]}.officer{i}", Role.OFFICER, team=team) for i in range(1, n + 1)]
        for team, n in OFFICERS_PER_TEAM.items()
    }
    managers = {
        team: person(f"{TEAMS[team - 1][0]}.manager", Role.MANAGER, team=team) for team in OFFICERS_PER_TEAM
    }
    managers[5] = person(HEAD_OF_SERVICE, Role.HEAD_OF_SERVICE, team=5)
    leaver = person("inclusion.leaver", Role.OFFICER, team=2, active=False)
    school_users = [
        person(f"school{i}.user", Role.SCHOOL, school=i) for i in range(1, min(n_schools, 20) + 1)
    ]
    return {
        "officers": officers,
        "managers": managers,
        "leaver": leaver,
        "school_users": school_users,
        "schools": n_schools,
    }


def phase_build(n_children: int, n_cases: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    from rollcall.accounts.models import Team
    from rollcall.admissions.models import (
        Application,
        DeferredPlace,
        FairAccessReferral,
        Offer,
        PutOnRollRequest,
        VulnerabilityAnswer,
    )
    from rollcall.casework.models import Case, Escalation, SweepRun, Task
    from rollcall.health.models import HealthReport
    from rollcall.people.models import Address, Child
    from rollcall.rules.upn import make_upn
    from rollcall.schools.models import RemovalNotice, RollEntry, School

    started = time.perf_counter()
    steps: dict[str, float] = {}

    def step(name: str, since: float) -> float:
        now = time.perf_counter()
        steps[name] = round(now - since, 1)
        print(f"  {name}: {now - since:.1f} s", file=sys.stderr, flush=True)
        return now

    call_command("migrate", verbosity=0)
    mark = step("migrate", started)
    n_schools = max(40, n_children // 1000)
    with frozen(TODAY):
        _calendar_rows()
        _schools(n_schools)
        staff = _staff(n_schools)
        council = Council(n_children, n_cases, staff)
        counts = council.plan()
        # The officer who left still owns a few open Inclusion cases: breaches the sweep names.
        leavers = [c for c in council.cases if c.closed_at is None and c.team == 2][
            :: max(1, n_cases // 100)
        ][:5]
        for case in leavers:
            case.owner = staff["leaver"]
        mark = step("plan", mark)
        created = at(START - dt.timedelta(days=400), 9)
        Rows(
            Child,
            (
                "id",
                "legal_forename",
                "legal_surname",
                "date_of_birth",
                "gender",
                "upn",
                "created_at",
                "updated_at",
            ),
        ).write(
            (
                i + 1,
                FORENAMES[i * 7 % len(FORENAMES)],
                SURNAMES[i * 13 % len(SURNAMES)],
                council.dob[i],
                "FMXU"[i % 4],
                make_upn("990", f"{2000 + i // 100_000:04d}", 10 + (i // 1000) % 100, i % 1000),
                created,
                created,
            )
            for i in range(n_children)
        )
        mark = step("children", mark)
        Rows(Address, ("id", "child_id", "line_1", "town", "postcode", "moved_in", "moved_out")).write(
            council.addresses()
        )
        mark = step("addresses", mark)
        Rows(
            RollEntry,
            (
                "id",
                "child_id",
                "school_id",
                "on_roll_from",
                "on_roll_to",
                "leaving_ground",
                "destination_school_id",
                "destination_details",
            ),
        ).write(council.rolls())
        mark = step("rolls", mark)
        Rows(
            RemovalNotice,
            (
                "id",
                "school_id",
                "child_id",
                "submitted_by_id",
                "received_at",
                "removal_date",
                "ground",
                "destination_school_id",
                "destination_start_date",
                "destination_details",
                "joint_enquiries_made",
                "continuous_absence_school_days",
                "opens_cme_case",
                "possibly_unlawful",
                "concerns",
            ),
        ).write(council.notices)
        Rows(Case, CASE_COLUMNS).write(c.row() for c in council.cases)
        Rows(Task, TASK_COLUMNS).write(council.tasks)
        Rows(Escalation, ("id", "case_id", "level", "reached_on", "overdue_since", "created_at")).write(
            council.escalations
        )
        mark = step("cases", mark)
        Rows(
            Application,
            (
                "id",
                "child_id",
                "received_on",
                "preferred_school_1_id",
                "reason_for_move",
                "status",
                "vulnerable",
                "rating",
                "reasons",
                "assessed_at",
                "case_id",
                "created_by_id",
                "created_at",
            ),
        ).write(council.applications)
        Rows(VulnerabilityAnswer, ("id", "application_id", "characteristic", "answer", "evidence")).write(
            council.answers
        )
        Rows(
            Offer,
            (
                "id",
                "application_id",
                "school_id",
                "decision_date",
                "offered_on",
                "created_by_id",
                "created_at",
            ),
        ).write(council.offers)
        Rows(
            PutOnRollRequest,
            (
                "id",
                "offer_id",
                "application_id",
                "child_id",
                "school_id",
                "case_id",
                "sent_on",
                "sent_at",
                "answer_due",
                "second_window_ends",
                "answer",
                "on_roll_from",
                "attended_from",
                "answered_at",
                "answered_by_id",
                "referred_cme_on",
                "checked_off_at",
            ),
        ).write(council.requests)
        Rows(
            FairAccessReferral,
            (
                "id",
                "child_id",
                "case_id",
                "category",
                "reason",
                "panel_date",
                "decision",
                "school_allocated_id",
                "taken_into_protocol_on",
                "placement_due",
                "allocated_on",
                "school_response_due",
                "admitted_on",
                "created_by_id",
                "created_at",
            ),
        ).write(council.referrals)
        Rows(
            DeferredPlace,
            (
                "id",
                "child_id",
                "school_id",
                "due_to_start",
                "checked_on",
                "started",
                "created_by_id",
                "created_at",
            ),
        ).write(council.deferred)
        Rows(
            HealthReport,
            (
                "id",
                "child_id",
                "school_id",
                "case_id",
                "reported_by_id",
                "reported_at",
                "first_day_absent",
                "days_so_far",
                "pattern",
                "medical_evidence",
            ),
        ).write(council.health_reports)
        Rows(SweepRun, ("id", "as_of", "started_at", "finished_at", "counts", "breaches")).write(council.runs)
        mark = step("admissions, deferred places, sweep runs", mark)
        if connection.vendor == "postgresql":
            models = [
                Team, School, Child, Address, RollEntry, RemovalNotice, Case, Task, Escalation, Application,
                VulnerabilityAnswer, Offer, PutOnRollRequest, FairAccessReferral, DeferredPlace, HealthReport, SweepRun,
            ]  # fmt: skip
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
    actionplans = _action_plans()
    mark = step("action plans", mark)
    _tidy()
    step("analyze", mark)
    return {
        "seconds": time.perf_counter() - started,
        "steps": steps,
        "counts": counts,
        "action_plans": actionplans,
        "maxrss_mb": maxrss_mb(),
    }


def _action_plans() -> str:
    """The action plans demo, recorded on the first day of the three years (so every period the
    reports look at has them), through the action plans' own services."""
    try:
        from rollcall.actionplans.demo import actionplans_demo
    except ImportError:
        return "not installed"
    with frozen(START):
        return actionplans_demo(today=START)


# ---- time: figures, pages and downloads ---------------------------------------------------


def figures_for(slug: str, key: str | None) -> Any:
    """The report's figures function, called as its page calls it (every team, as at TODAY)."""
    from rollcall.reports import figures
    from rollcall.rules.reporting import parse_period

    if slug == "dashboard":
        return figures.dashboard_figures(today=TODAY)
    assert key is not None
    period = parse_period(key)
    if slug == "monthly":
        return figures.monthly_figures(period, today=TODAY)
    if slug == "quarterly":
        return figures.quarterly_figures(period, today=TODAY)
    if slug == "exceptions":
        return figures.exceptions_figures(period.as_at(TODAY), today=TODAY)
    if slug == "unknown-destinations":
        return figures.unknown_destinations_figures(period, today=TODAY)
    if slug == "waiting":
        return figures.waiting_figures(period, today=TODAY)
    if slug == "deferred-places":
        return figures.deferred_places_figures(period, today=TODAY)
    if slug == "hub-profile":
        return figures.hub_profile_figures(period, today=TODAY)
    raise ValueError(slug)


def phase_time(workdir: Path) -> dict[str, Any]:
    from django.test import Client

    from rollcall.accounts.models import User
    from rollcall.reports.definitions import REPORTS
    from rollcall.rules.reporting import parse_period

    rows: list[dict[str, Any]] = []
    app: dict[str, Any] = {}
    load_before = os.getloadavg()[0]
    cpu_before = time.process_time()
    phase_started = time.perf_counter()
    with frozen(TODAY):
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username=HEAD_OF_SERVICE))

        def get(url: str) -> tuple[float, float, int, int]:
            with counting() as queries:
                cpu = time.process_time()
                started = time.perf_counter()
                response = client.get(url)
                content = response.content
                seconds = time.perf_counter() - started
                cpu = time.process_time() - cpu
            if response.status_code != 200:
                raise SystemExit(f"GET {url}: {response.status_code}\n{content[:2000]!r}")
            return seconds, cpu, queries.count, len(content)

        def twice(url: str) -> dict[str, Any]:
            """Each step is timed twice: the first is what a manager opening it waits; the second
            shows how much of that was noise or a cold cache. ``cpu`` is this process's CPU time
            in the first (not the database server's): far below ``seconds`` on SQLite means the
            cores were busy with something else."""
            seconds, cpu, queries, size = get(url)
            again, _c, _q, _s = get(url)
            return {"seconds": seconds, "again": again, "cpu": cpu, "queries": queries, "bytes": size}

        # Warm up once (imports of WeasyPrint, matplotlib and XlsxWriter, template loading, the
        # bank holidays package), so the first report timed does not carry the process's start-up.
        for url in (
            "/reports/",
            "/reports/deferred-places/?period=AY2023-24",
            "/reports/deferred-places/report.pdf?period=AY2023-24",
            "/reports/deferred-places/report.xlsx?period=AY2023-24",
        ):
            get(url)
        figures_for("monthly", "2023-12")

        for slug, keys in REPORT_PERIODS.items():
            for key in keys:
                label = key or "today"
                print(f"  {slug} {label}", file=sys.stderr, flush=True)
                timings, cpus = [], []
                for _run in range(2):
                    with counting() as queries:
                        cpu = time.process_time()
                        started = time.perf_counter()
                        found = figures_for(slug, key)
                        timings.append(time.perf_counter() - started)
                        cpus.append(time.process_time() - cpu)
                app[f"{slug} {label}"] = plain(found)
                base = {"report": slug, "period": label}
                rows.append(
                    {
                        **base,
                        "step": "figures",
                        "seconds": timings[0],
                        "again": timings[1],
                        "cpu": cpus[0],
                        "queries": queries.count,
                        "target": None,
                    }
                )
                period = parse_period(key) if key else None
                tables = [t.slug for t in REPORTS[slug].build(period, TODAY, None).tables]
                query = f"?period={key}" if key else ""
                page = "/reports/dashboard/" if slug == "dashboard" else f"/reports/{slug}/"
                for step, url, target in (
                    ("page", page + query, PAGE_TARGET),
                    ("XLSX", f"/reports/{slug}/report.xlsx{query}", EXPORT_TARGET),
                    ("PDF", f"/reports/{slug}/report.pdf{query}", EXPORT_TARGET),
                ):
                    rows.append({**base, "step": step, **twice(url), "target": target})
                csvs = {table: twice(f"/reports/{slug}/{table}.csv{query}") for table in tables}
                slowest = max(csvs, key=lambda table: csvs[table]["seconds"])
                rows.append(
                    {
                        **base,
                        "step": f"CSV (slowest of {len(csvs)}: {slowest})",
                        **csvs[slowest],
                        "target": EXPORT_TARGET,
                        "each": {table: round(t["seconds"], 3) for table, t in csvs.items()},
                    }
                )
        # An officer's monthly report counts their own team's cases only (compared, not timed).
        from rollcall.accounts.models import Team
        from rollcall.reports import figures

        inclusion = Team.objects.get(kind=TEAM_SCOPED).pk
        for key in REPORT_PERIODS["monthly"]:
            assert key is not None
            scoped = figures.monthly_figures(parse_period(key), today=TODAY, teams=[inclusion])
            app[f"monthly {key} {TEAM_SCOPED} team only"] = plain(scoped)
    (workdir / "app_figures.json").write_text(json.dumps(app, indent=1, sort_keys=True))
    return {
        "rows": rows,
        "maxrss_mb": maxrss_mb(),
        # The machine's load (1-minute average) before and after, and this process's CPU time
        # against the wall clock: other work on the same cores shows up here.
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cpu_seconds": time.process_time() - cpu_before,
        "wall_seconds_inside": time.perf_counter() - phase_started,
    }


# ---- reference: export, DuckDB, comparison --------------------------------------------------


def export_tables(folder: Path) -> int:
    """Write each table the reports read (bench/reports_reference.py ``TABLES``) to Parquet, read
    through the ORM so the values are exactly what the app reads, on either database."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from django.apps import apps
    from django.db import models

    from bench.reports_reference import TABLES

    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, (label, columns) in TABLES.items():
        model = apps.get_model(label)
        types = []
        for column in columns:
            field = model._meta.get_field(column)
            if isinstance(field, models.BooleanField):
                types.append(pa.bool_())
            elif isinstance(field, models.DateTimeField):
                types.append(pa.timestamp("us", tz="UTC"))
            elif isinstance(field, models.DateField):
                types.append(pa.date32())
            elif isinstance(field, models.JSONField):
                types.append(pa.list_(pa.string()))
            elif isinstance(field, models.CharField | models.TextField):
                types.append(pa.string())
            else:
                types.append(pa.int64())
        values: list[list[Any]] = [[] for _ in columns]
        for row in model._default_manager.order_by().values_list(*columns).iterator(chunk_size=50_000):
            for i, value in enumerate(row):
                values[i].append(value)
        table = pa.table(
            [pa.array(v, type=t) for v, t in zip(values, types, strict=True)], names=list(columns)
        )
        pq.write_table(table, folder / f"{name}.parquet")
        total += table.num_rows
    return total


def _bank_holidays() -> list[dt.date]:
    """The bank holidays the council's calendar knows: the years its term dates touch, one
    either side (rollcall.rules.calendar.calendar_for)."""
    from django.db.models import Max, Min

    from rollcall.rules.calendar import england_bank_holidays
    from rollcall.schools.models import TermDate

    span = TermDate.objects.aggregate(first=Min("start"), last=Max("end"))
    return sorted(england_bank_holidays(range(span["first"].year - 1, span["last"].year + 2)))


def phase_reference(workdir: Path) -> dict[str, Any]:
    import duckdb

    from bench import reports_reference as reference

    folder = workdir / "export"
    started = time.perf_counter()
    exported = export_tables(folder)
    export_seconds = time.perf_counter() - started
    holidays = _bank_holidays()
    con = duckdb.connect()
    con.execute("SET threads = 2")
    started = time.perf_counter()
    reference.load(con, folder, holidays)
    load_seconds = time.perf_counter() - started
    app = json.loads((workdir / "app_figures.json").read_text())
    rows, mismatches, found_all = [], [], {}
    for slug, keys in REPORT_PERIODS.items():
        for key in keys:
            name = f"{slug} {key or 'today'}"
            started = time.perf_counter()
            found = json.loads(json.dumps(reference.figures(con, slug, key, TODAY), default=str))
            seconds = time.perf_counter() - started
            found_all[name] = found
            differences = list(differ(app[name], found, name))
            mismatches += differences
            rows.append(
                {"report": slug, "period": key or "today", "seconds": seconds, "mismatches": len(differences)}
            )
    from rollcall.rules.reporting import parse_period

    for key in REPORT_PERIODS["monthly"]:
        assert key is not None
        name = f"monthly {key} {TEAM_SCOPED} team only"
        started = time.perf_counter()
        found = json.loads(
            json.dumps(reference.monthly(con, parse_period(key), TODAY, team_kind=TEAM_SCOPED), default=str)
        )
        seconds = time.perf_counter() - started
        found_all[name] = found
        differences = list(differ(app[name], found, name))
        mismatches += differences
        rows.append(
            {
                "report": f"monthly ({TEAM_SCOPED} team only)",
                "period": key,
                "seconds": seconds,
                "mismatches": len(differences),
            }
        )
    (workdir / "reference_figures.json").write_text(json.dumps(found_all, indent=1, sort_keys=True))
    return {
        "rows": rows,
        "exported_rows": exported,
        "export_seconds": export_seconds,
        "load_seconds": load_seconds,
        "duckdb_seconds": sum(r["seconds"] for r in rows),
        "mismatch_count": len(mismatches),
        "first_mismatches": mismatches[:12],
        "maxrss_mb": maxrss_mb(),
    }


# ---- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"Keep the work folder (SQLite file, exports, figures) and the PostgreSQL database {PG_BENCH_DB}.",
    )
    parser.add_argument("--workdir", help="Work in this folder (default: a new temporary folder).")
    parser.add_argument(
        "--skip-build",
        action="store_true",
        help="Reuse the council built by an earlier --keep run in --workdir (same --children/--cases).",
    )
    parser.add_argument("--phase", choices=["build", "time", "reference"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cases * 5 > args.children:
        # Each case, deletion return and application needs a child of school age of its own.
        parser.error("give at least 5 children per case (--children 20000 --cases 2000, say)")
    if args.skip_build and not args.workdir:
        parser.error("--skip-build needs the --workdir of a --keep run")
    if args.phase is None:
        orchestrate(args)
        return
    setup_django()
    workdir = Path(args.workdir)
    if args.phase == "build":
        result = phase_build(args.children, args.cases)
    elif args.phase == "time":
        result = phase_time(workdir)
    else:
        result = phase_reference(workdir)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
