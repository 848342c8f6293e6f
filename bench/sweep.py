"""Benchmark the daily sweep against a naive per-case loop, on SQLite and PostgreSQL.

    .venv/bin/python bench/sweep.py [--children 100000] [--cases 5000] [--database sqlite|postgres|both]

Not a test: it builds a synthetic council (fixed seed, invented names), then times
``rollcall.casework.sweep.sweep`` and a naive reference implementation on the same data, and
prints a table (see bench/README.md for the measured results and how to read them).

Each database gets four fresh processes, so one phase's memory never shows in another's numbers:

1. ``build``: migrate, then bulk-insert children, rolls, term dates, the Inclusion team, open CME
   cases with their tasks, and removal notices.
2. ``naive``: the reference implementation, inside a transaction that is rolled back.
3. ``trace``: the real sweep under ``tracemalloc`` (for its peak Python allocation), rolled back.
4. ``run``: the real sweep, timed without tracing, then run again on the same day (the idempotent
   rerun must do nothing) and once more on the next school day (an ordinary day's work).

How the cases are built. Cases and tasks are bulk-created directly, for speed, rather than through
``case_open`` (which would take minutes at 50,000 cases). Their dates come from the same pure rules
the services use, so each row is what ``case_open``/``case_refresh`` would have stored:

- each case's earliest open task falls due on one of the last 40 school days (uniformly; today
  included), counted with ``SchoolCalendar.add_school_days`` over the demo term dates;
- half the cases are "new": opened one school day before that date, so ``first_enquiry_due``
  gives it; the rest are "enquiries under way": the first enquiry is done and ``enquiries_due``
  (20 school days after opening) gives it;
- ``next_action_due`` is the earliest open task's due date, ``escalation_level`` is 0 and
  ``next_escalation_on`` is ``next_escalation_date(calendar, ladder, due, Level.OFFICER)``, exactly
  as ``case_refresh`` sets them when a case opens.

No sweep has run on them yet, so the first run is the worst case (catching up with every
escalation due across 40 school days at once); the "next day" run is the ordinary daily load.
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
import tracemalloc
from collections import defaultdict
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

TODAY = dt.date(2026, 11, 16)  # a Monday in term: the sweep runs "as of" this day
SEED = 2026
PG_BENCH_DB = "rollcall_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"


# ---- the orchestrator -----------------------------------------------------------------------


def _run_phase(phase: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    return run_phase(__file__, phase, env, ["--children", str(args.children), "--cases", str(args.cases)])


@contextmanager
def _database(kind: str) -> Iterator[tuple[str, str]]:
    """A fresh, empty database of ``kind``: yields (DATABASE_URL, a scratch folder); removed after."""
    scratch = tempfile.mkdtemp(prefix="rollcall-bench-")
    try:
        if kind == "sqlite":
            yield f"sqlite:///{scratch}/bench.sqlite3", scratch
            return
        pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)", f"CREATE DATABASE {PG_BENCH_DB}")
        try:
            yield PG_URL, scratch
        finally:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def orchestrate(args: argparse.Namespace) -> None:
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    rows = []
    for kind in kinds:
        with _database(kind) as (url, scratch):
            env = phase_env(url, scratch)
            print(f"[{kind}] building {args.children:,} children and {args.cases:,} open cases…", flush=True)
            build = _run_phase("build", env, args)
            print(f"[{kind}] built in {build['seconds']:.1f} s", flush=True)
            naive: dict[str, Any] | None = None
            if not args.skip_naive:
                print(f"[{kind}] timing the naive loop…", flush=True)
                naive = _run_phase("naive", env, args)
                print(f"[{kind}] naive {naive['seconds']:.2f} s", flush=True)
            print(f"[{kind}] tracing the sweep's memory…", flush=True)
            trace = _run_phase("trace", env, args)
            print(f"[{kind}] timing the sweep…", flush=True)
            run = _run_phase("run", env, args)
        # The reference must reach the same answer, or the comparison means nothing.
        if naive is not None and (naive["escalations"], naive["breaches"]) != (
            run["escalations"],
            run["breaches"],
        ):
            raise SystemExit(f"The naive loop and the sweep disagree: {naive} vs {run}")
        rows.append({"database": kind, "build": build, "naive": naive, "trace": trace, "run": run})
        print(json.dumps(rows[-1], default=str), flush=True)
    _print_table(rows, args)


def _print_table(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    uname = os.uname()
    print()
    print(
        f"Sweep as of {TODAY:%A %d %B %Y}; {os.cpu_count()} cores, {uname.sysname} {uname.release}; "
        f"Python {sys.version.split()[0]}"
    )
    head = (
        "| database | children | open cases | escalations made | sweep 1st run (s) | sweep 2nd run (s) "
        "| next school day (s) | naive per-case (s) | sweep vs naive | peak MB (tracemalloc) | max RSS MB |"
    )
    print(head)
    print("|" + "|".join([" --- "] * (head.count("|") - 1)) + "|")
    for row in rows:
        run, naive, trace = row["run"], row["naive"], row["trace"]
        versus = (
            f"{naive['seconds']:.2f} | {naive['seconds'] / run['first_seconds']:.1f}x faster"
            if naive is not None
            else "not run | -"
        )
        print(
            f"| {row['database']} | {args.children:,} | {row['build']['open_cases']:,} | {run['escalations']:,} "
            f"| {run['first_seconds']:.2f} | {run['second_seconds']:.2f} | {run['next_day_seconds']:.2f} "
            f"| {versus} "
            f"| {trace['peak_mb']:.1f} | {run['maxrss_mb']:.0f} |"
        )
    print()
    for row in rows:
        run = row["run"]
        print(
            f"{row['database']}: first run counts {run['counts']}; second run counts {run['second_counts']}; "
            f"next school day counts {run['next_day_counts']}; {run['breaches']} breaches; "
            f"queries (first run) {run['queries']}; "
            f"naive queries {row['naive']['queries'] if row['naive'] else 'not run'}; "
            f"build {row['build']['seconds']:.0f} s; RSS before the sweep {run['rss_before_mb']:.0f} MB"
        )


# ---- the phases (each in its own process) -----------------------------------------------------


def phase_build(children: int, cases: int) -> dict[str, Any]:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with frozen(TODAY):
        counts = _build(children, cases)
    _tidy()
    return {"seconds": time.perf_counter() - started, **counts}


def _tidy() -> None:
    """Refresh the planner's statistics; on PostgreSQL also clear the dead rows a rolled-back
    phase left in the tables and indexes, so each timed phase starts from the same state."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _build(n_children: int, n_cases: int) -> dict[str, Any]:
    from django.db import transaction

    from rollcall import clock
    from rollcall.accounts.models import Membership, Team, User
    from rollcall.casework.calendar import council_calendar
    from rollcall.casework.models import Case, RuleSettings, Task
    from rollcall.people.models import Child
    from rollcall.rules.calendar import default_terms
    from rollcall.rules.deadlines import CMETimescales, enquiries_due, first_enquiry_due
    from rollcall.rules.escalation import Level, next_escalation_date
    from rollcall.rules.upn import make_upn
    from rollcall.rules.workflow import Role
    from rollcall.schools.models import RemovalNotice, RollEntry, School, TermDate

    rng = random.Random(SEED)
    now = clock.now()
    batch = 5000

    TermDate.objects.bulk_create(
        TermDate(academic_year=year, name=f"Term {i + 1}", start=term.start, end=term.end)
        for year in range(2024, 2028)
        for i, term in enumerate(default_terms(year))
    )
    calendar = council_calendar()
    settings = RuleSettings.current()
    timescales = CMETimescales(
        first_enquiry_school_days=settings.first_enquiry_school_days,
        enquiries_complete_school_days=settings.enquiries_complete_school_days,
    )

    n_schools = max(50, n_children // 1000)
    School.objects.bulk_create(
        School(
            urn=str(100000 + i),
            la_code="940",
            establishment_number=f"{2000 + i % 8000:04d}",
            name=f"Northmoor School {i}",
            status_name="Open",
            phase="Primary" if i % 4 else "Secondary",
        )
        for i in range(n_schools)
    )
    school_ids = list(School.objects.order_by("pk").values_list("pk", flat=True))

    inclusion = Team.objects.create(
        name="Inclusion", kind=Team.Kind.INCLUSION, email="inclusion@northmoor.example"
    )
    heads = Team.objects.create(name="Heads of Service", kind=Team.Kind.HEADS)

    def person(username: str, role: Role, team: Team | None = None, school: int | None = None) -> User:
        user = User.objects.create(
            username=username,
            email=f"{username}@northmoor.example",
            first_name=username.split(".")[0].title(),
            last_name="Bench",
        )
        Membership.objects.create(user=user, team=team, school_id=school, role=role.value)
        return user

    officers = [person(f"officer.{i}", Role.OFFICER, inclusion) for i in range(10)]
    person("manager.one", Role.MANAGER, inclusion)
    person("head.one", Role.HEAD_OF_SERVICE, heads)
    school_user = person("school.user", Role.SCHOOL, school=school_ids[0])

    # Children, in batches; the UPN serial carries the index so every UPN is unique and valid.
    for start in range(0, n_children, batch):
        with transaction.atomic():
            Child.objects.bulk_create(
                [
                    Child(
                        legal_forename=rng.choice(FORENAMES),
                        legal_surname=rng.choice(SURNAMES),
                        date_of_birth=dt.date(2011, 9, 1) + dt.timedelta(days=rng.randrange(9 * 365)),
                        upn=make_upn("940", f"{2000 + i // 100_000:04d}", 10 + (i // 1000) % 100, i % 1000),
                    )
                    for i in range(start, min(start + batch, n_children))
                ]
            )
    child_ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))

    # Who is out of school: the children with open cases, plus a few "lost" ones (removed with no
    # destination and never given a case, which the invariant check must name).
    picked = rng.sample(range(n_children), n_cases + max(5, n_cases // 1000))
    case_children = [child_ids[i] for i in picked[:n_cases]]
    lost_children = [child_ids[i] for i in picked[n_cases:]]
    off_roll = set(case_children) | set(lost_children)
    # A few children with cases have since joined a roll: the sweep closes their cases.
    back_on_roll = case_children[: max(1, n_cases // 200)]

    def roll_rows() -> Iterator[RollEntry]:
        for child_id in child_ids:
            if child_id not in off_roll:
                yield RollEntry(
                    child_id=child_id, school_id=rng.choice(school_ids), on_roll_from=dt.date(2024, 9, 4)
                )
        for child_id in back_on_roll:
            yield RollEntry(
                child_id=child_id, school_id=rng.choice(school_ids), on_roll_from=TODAY - dt.timedelta(days=3)
            )

    pending: list[RollEntry] = []
    for entry in roll_rows():
        pending.append(entry)
        if len(pending) == batch:
            with transaction.atomic():
                RollEntry.objects.bulk_create(pending)
            pending = []
    RollEntry.objects.bulk_create(pending)

    # Open CME cases and their tasks, dated by the same pure rules the services use.
    def at_ten(day: dt.date) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)

    plans = []
    for j, child_id in enumerate(case_children):
        due_target = calendar.add_school_days(TODAY, -rng.randrange(40))
        owner = officers[rng.randrange(len(officers))]
        if j % 2 == 0:
            status = "new"
            opened_on = calendar.add_school_days(due_target, -timescales.first_enquiry_school_days)
        else:
            status = "enquiries"
            opened_on = calendar.add_school_days(due_target, -timescales.enquiries_complete_school_days)
        first_due = first_enquiry_due(calendar, opened_on, timescales)
        complete_due = enquiries_due(calendar, opened_on, timescales)
        tasks = [
            ("first_enquiry", "Make the first enquiry", first_due, status == "new"),
            ("enquiries_complete", "Complete reasonable enquiries", complete_due, True),
        ]
        open_tasks = sorted((due, title) for _code, title, due, is_open in tasks if is_open)
        next_due, next_title = open_tasks[0]
        plans.append((child_id, owner, status, opened_on, tasks, next_due, next_title))

    # A removal notice with no destination lies behind a fifth of the cases and every lost child;
    # lawful removals to a known school are a tenth as many again.
    notices = [
        RemovalNotice(
            school_id=rng.choice(school_ids),
            child_id=child_id,
            submitted_by=school_user,
            received_at=at_ten(plan[3]),
            removal_date=plan[3],
            ground="g",
            opens_cme_case=True,
        )
        for plan in plans[::5]
        for child_id in [plan[0]]
    ]
    notices += [
        RemovalNotice(
            school_id=rng.choice(school_ids),
            child_id=child_id,
            submitted_by=school_user,
            received_at=at_ten(TODAY - dt.timedelta(days=10)),
            removal_date=TODAY - dt.timedelta(days=10),
            ground="g",
            opens_cme_case=True,
        )
        for child_id in lost_children
    ]
    on_roll_sample = rng.sample([c for c in child_ids[: n_cases * 3] if c not in off_roll], n_cases // 10)
    notices += [
        RemovalNotice(
            school_id=rng.choice(school_ids),
            child_id=child_id,
            submitted_by=school_user,
            received_at=at_ten(TODAY - dt.timedelta(days=30)),
            removal_date=TODAY - dt.timedelta(days=30),
            ground="a",
            destination_school_id=rng.choice(school_ids),
            destination_start_date=TODAY - dt.timedelta(days=30),
        )
        for child_id in on_roll_sample
    ]
    with transaction.atomic():
        RemovalNotice.objects.bulk_create(notices, batch_size=1000)
    notice_by_child = {n.child_id: n.pk for n in notices if n.ground == "g"}

    ladder = settings.ladder
    for start in range(0, len(plans), batch):
        chunk = plans[start : start + batch]
        with transaction.atomic():
            case_rows = Case.objects.bulk_create(
                [
                    Case(
                        kind="cme",
                        child_id=child_id,
                        team=inclusion,
                        owner=owner,
                        status=status,
                        source="removal notice" if child_id in notice_by_child else "referral",
                        opened_at=at_ten(opened_on),
                        opened_on=opened_on,
                        removal_notice_id=notice_by_child.get(child_id),
                        next_action=next_title,
                        next_action_due=next_due,
                        escalation_level=Level.OFFICER,
                        next_escalation_on=next_escalation_date(calendar, ladder, next_due, Level.OFFICER),
                    )
                    for child_id, owner, status, opened_on, _tasks, next_due, next_title in chunk
                ]
            )
            Task.objects.bulk_create(
                [
                    Task(
                        case=case,
                        code=code,
                        title=title,
                        due=due,
                        assignee=plan[1],
                        status=Task.Status.OPEN if is_open else Task.Status.DONE,
                        created_at=at_ten(plan[3]),
                        completed_at=None if is_open else at_ten(due),
                        completed_by=None if is_open else plan[1],
                        key=f"{code}:{case.pk}",
                    )
                    for case, plan in zip(case_rows, chunk, strict=True)
                    for code, title, due, is_open in plan[4]
                ]
            )
    return {
        "children": n_children,
        "open_cases": len(plans),
        "lost": len(lost_children),
        "back_on_roll": len(back_on_roll),
        "notices": len(notices),
        "now": now.isoformat(),
    }


class _Rollback(Exception):
    """Raised to undo a measured run, so the next phase sees the same data."""


def _escalations_in(counts: dict[str, int]) -> int:
    return counts["manager"] + counts["head_of_service"] + counts["exceptions"]


def phase_naive() -> dict[str, Any]:
    from django.db import transaction

    result: dict[str, Any] = {}
    with frozen(TODAY), counting() as queries:
        try:
            with transaction.atomic():
                started = time.perf_counter()
                counts, breaches = naive_sweep(TODAY)
                result["seconds"] = time.perf_counter() - started
                raise _Rollback
        except _Rollback:
            pass
        result["queries"] = queries.count
    return {**result, "counts": counts, "escalations": _escalations_in(counts), "breaches": len(breaches)}


def naive_sweep(today: dt.date) -> tuple[dict[str, int], list[str]]:
    """The reference: the same rules as the sweep, written as a loop over every open case.

    For each open case: one query for its open tasks, a reminder per task due, the escalation rows,
    events, messages and review task created one by one, and one UPDATE of the case. Then the
    invariant, one pair of queries per removal notice. It closes cases back on roll with the same
    service the sweep uses, so both do the same work.
    """
    from django.urls import reverse

    from rollcall import clock
    from rollcall.accounts.models import Membership
    from rollcall.casework.calendar import council_calendar
    from rollcall.casework.models import Case, Escalation, Event, Flag, RuleSettings, Task
    from rollcall.casework.services import cases_close_for_children_on_roll
    from rollcall.notify.models import Message
    from rollcall.rules.escalation import Level, level_for, next_escalation_date, overdue_school_days
    from rollcall.rules.workflow import Role
    from rollcall.schools.models import RemovalNotice, RollEntry

    calendar, settings, now = council_calendar(), RuleSettings.current(), clock.now()
    counts = {
        "closed_on_roll": cases_close_for_children_on_roll(),
        "reminders": 0,
        "manager": 0,
        "head_of_service": 0,
        "exceptions": 0,
    }
    managers: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in Membership.objects.filter(role=Role.MANAGER.value).values_list(
        "team_id", "user_id"
    ):
        managers[team_id].append(user_id)
    heads = list(Membership.objects.filter(role=Role.HEAD_OF_SERVICE.value).values_list("user_id", flat=True))
    horizon = calendar.next_school_day(today)
    next_day = horizon

    def tell(user_id: int, subject: str, body: str, url: str, key: str) -> None:
        Message.objects.get_or_create(
            key=key,
            defaults={
                "recipient_id": user_id,
                "subject": subject,
                "body": body,
                "url": url,
                "created_at": now,
            },
        )

    for case in Case.objects.open().select_related("child").order_by("pk"):
        tasks = list(Task.objects.filter(case_id=case.pk, status=Task.Status.OPEN).order_by("due", "pk"))
        url = reverse("casework:case", args=[case.pk])
        for task in tasks:
            if today <= task.due <= horizon and task.reminded_on is None:
                tell(
                    task.assignee_id, f"Due: {task.title}", task.title, url, f"reminder:{task.pk}:{task.due}"
                )
                Task.objects.filter(pk=task.pk).update(reminded_on=today)
                counts["reminders"] += 1
        if not tasks:
            continue
        due = tasks[0].due
        days = overdue_school_days(calendar, due, today)
        new = max(Level(case.escalation_level), level_for(settings.ladder, days))
        for lvl in (Level(v) for v in range(case.escalation_level + 1, new + 1)):
            _, created = Escalation.objects.get_or_create(
                case=case, level=lvl, overdue_since=due, defaults={"reached_on": today, "created_at": now}
            )
            if not created:
                continue
            Event.objects.create(
                child_id=case.child_id,
                case=case,
                team_id=case.team_id,
                verb="case.escalated",
                at=now,
                payload={"reference": case.reference, "level": lvl.value},
            )
            subject = f"{case.reference} escalated to {lvl.label.lower()}: {days} school days overdue"
            body = f"Work on {case.reference} ({case.child}) was due on {due:%d/%m/%Y}."
            recipients = (managers.get(case.team_id) or heads) if lvl is Level.MANAGER else heads
            for user_id in [*recipients, case.owner_id or 0]:
                assert user_id is not None
                tell(user_id, subject, body, url, f"escalation:{case.pk}:{lvl.value}:{due}:{user_id}")
            if lvl is Level.MANAGER:
                counts["manager"] += 1
                if recipients:
                    Task.objects.get_or_create(
                        key=f"escalation-review:{case.pk}:{due}",
                        defaults={
                            "case": case,
                            "code": "escalation_review",
                            "title": "Review overdue case",
                            "due": next_day,
                            "assignee_id": recipients[0],
                            "created_at": now,
                        },
                    )
            elif lvl is Level.HEAD_OF_SERVICE:
                counts["head_of_service"] += 1
            else:
                counts["exceptions"] += 1
                Flag.objects.get_or_create(
                    case=case,
                    code=Flag.Code.EXCEPTION,
                    cleared_at=None,
                    defaults={"child_id": case.child_id, "raised_at": now},
                )
        Case.objects.filter(pk=case.pk).update(
            escalation_level=new, next_escalation_on=next_escalation_date(calendar, settings.ladder, due, new)
        )

    breaches = []
    for notice in RemovalNotice.objects.filter(
        destination_school__isnull=True, destination_details=""
    ).select_related("child"):
        if RollEntry.objects.filter(child_id=notice.child_id, on_roll_to__isnull=True).exists():
            continue
        if (
            Case.objects.filter(child_id=notice.child_id).filter(closed_at__isnull=True).exists()
            or Case.objects.filter(child_id=notice.child_id, closed_at__gte=notice.received_at).exists()
        ):
            continue
        breaches.append(f"{notice.child}: removed with no known destination and has no open case")
    return counts, breaches


def phase_trace() -> dict[str, Any]:
    from django.db import transaction

    from rollcall.casework.sweep import sweep

    _tidy()
    with frozen(TODAY):
        tracemalloc.start()
        try:
            with transaction.atomic():
                sweep(today=TODAY)
                raise _Rollback
        except _Rollback:
            pass
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {"peak_mb": peak / 2**20}


def phase_run() -> dict[str, Any]:
    from rollcall.casework.calendar import council_calendar
    from rollcall.casework.sweep import sweep

    _tidy()
    with frozen(TODAY):
        next_day = council_calendar().next_school_day(TODAY)
        rss_before = maxrss_mb()
        with counting() as queries:
            started = time.perf_counter()
            first = sweep(today=TODAY)
            first_seconds = time.perf_counter() - started
        rss_after = maxrss_mb()
        started = time.perf_counter()
        second = sweep(today=TODAY)
        second_seconds = time.perf_counter() - started
    with frozen(next_day):
        started = time.perf_counter()
        following = sweep(today=next_day)
        next_day_seconds = time.perf_counter() - started
    return {
        "first_seconds": first_seconds,
        "second_seconds": second_seconds,
        "next_day_seconds": next_day_seconds,
        "counts": first.counts,
        "escalations": _escalations_in(first.counts),
        "breaches": len(first.breaches),
        "second_counts": second.counts,
        "next_day_counts": following.counts,
        "queries": queries.count,
        "rss_before_mb": rss_before,
        "maxrss_mb": rss_after,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--skip-naive",
        action="store_true",
        help="Do not time the naive reference (it is slow at 50,000 cases).",
    )
    parser.add_argument("--phase", choices=["build", "naive", "trace", "run"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cases >= args.children:
        parser.error("--cases must be fewer than --children")
    if args.phase is None:
        orchestrate(args)
        return
    setup_django()
    if args.phase == "build":
        result = phase_build(args.children, args.cases)
    elif args.phase == "naive":
        result = phase_naive()
    elif args.phase == "trace":
        result = phase_trace()
    else:
        result = phase_run()
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
