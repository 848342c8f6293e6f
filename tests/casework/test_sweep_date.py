"""Issue 14: a sweep's date is its own.

``rollcall_sweep --date D`` runs the sweep "as of" D (an operator re-running a missed day after an
outage does exactly this). Whatever the wall clock W says, it must write exactly the rows a sweep
under a clock frozen on D writes, and a second run for D must change nothing. Checked on the demo
council (every case kind: CME, removal, health, admission tracking, Fair Access, waiting for a
place; policy campaigns; action-plan actions; attendance marks) after gaps of 1, 5, 20 and 40
school days since its last sweep, with D and W drawn by Hypothesis.

"The same rows" is a dump of every table of the project, primary keys included (each run starts
from the same sequences), ignoring only what is real time rather than the sweep's date: the
sweep run's own record (``started_at``/``finished_at``), when a message's e-mail copy went out
(``emailed_at``, the e-mail worker's) and when a history row was written (``history_date``, the
database's audit of the write itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case, SweepRun
from rollcall.casework.services import case_open
from rollcall.casework.sweep import sweep
from rollcall.demo.council import demo_build
from rollcall.people.models import Child

pytestmark = pytest.mark.django_db

# The demo council is built, and swept, on Monday 16 November 2026; nothing runs after that
# until the day under test.
BUILT = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)
GAPS = (1, 5, 20, 40)
KINDS = {"cme", "removal", "health", "admission", "fair_access", "waiting"}

# Real time, not the sweep's date (see the module docstring).
IGNORED_COLUMNS = {"emailed_at", "history_date"}
IGNORED_APPS = {"sessions", "contenttypes", "auth", "admin", "django_tasks_db"}

Dump = dict[str, list[tuple[Any, ...]]]


@pytest.fixture(scope="module")
def demo_council(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo council, built and swept on BUILT inside a transaction rolled back at the end."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(BUILT, tick=False),
        transaction.atomic(),
    ):
        demo_build(children=60, seed=14)
        _add_a_removal_case()
        yield
        transaction.set_rollback(True)


def _add_a_removal_case() -> None:
    """The demo has no open removal case (a possibly unlawful removal being challenged): add one,
    opened as a removal notice would open it, and sweep the day as the demo does."""
    child = Child.objects.exclude(cases__closed_at__isnull=True).order_by("pk").first()
    assert child is not None
    case_open(
        child=child,
        kind="removal",
        team=Team.objects.get(kind=Team.Kind.INCLUSION),
        actor=None,
        source="possibly unlawful removal by a demo school",
    )
    sweep(today=BUILT.date())


def _tables() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model is not SweepRun and model._meta.app_label not in IGNORED_APPS and model._meta.managed
    ]


def _dump() -> Dump:
    """Every row of every table, by primary key, without the real-time columns."""
    dump: Dump = {}
    for model in _tables():
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in IGNORED_COLUMNS]
        rows = model._default_manager.order_by("pk").values_list(*columns)
        dump[model._meta.label] = list(rows)
    return dump


def _differences(expected: Dump, found: Dump) -> str:
    """The first few rows each table has in one dump and not the other, to read in a failure."""
    lines = []
    for label in expected:
        missing = [row for row in expected[label] if row not in found[label]][:3]
        extra = [row for row in found[label] if row not in expected[label]][:3]
        if missing or extra:
            lines.append(f"{label}: expected {missing} found {extra}")
    return "\n".join(lines)


def _restart_sequences() -> None:
    """Start every table's ids where its rows end, so each run makes the same primary keys.

    (SQLite's counters roll back with the transaction; PostgreSQL's sequences do not.)
    """
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), _tables()):
            cursor.execute(sql)


def _swept(day: dt.date, *clocks: dt.datetime) -> list[Dump]:
    """Sweep as of ``day`` once under each wall clock in turn; the dump after each; undo it all."""
    dumps = []
    with transaction.atomic():
        _restart_sequences()
        for wall in clocks:
            with time_machine.travel(wall, tick=False):
                call_command("rollcall_sweep", "--date", day.isoformat(), stdout=_Discard())
            dumps.append(_dump())
        transaction.set_rollback(True)
    return dumps


class _Discard:
    def write(self, _text: str) -> None:
        pass


def test_the_data_set_has_every_kind_of_case_and_every_kind_of_work_the_sweep_does(
    demo_council: None,
) -> None:
    from rollcall.actionplans.models import Action
    from rollcall.attendance.models import PupilMarks
    from rollcall.policies.models import CirculationCampaign

    assert set(Case.objects.open().values_list("kind", flat=True).distinct()) >= KINDS
    assert CirculationCampaign.objects.filter(recurs_every_months__gt=0).exists()
    assert Action.objects.exclude(status="complete").exists()
    assert PupilMarks.objects.exists()
    assert SweepRun.objects.filter(as_of=BUILT.date()).exists()


@pytest.mark.parametrize("gap", GAPS)
@settings(
    max_examples=3,
    deadline=None,
    # No shrinking: each example is three sweeps of a council, and the failing example is printed anyway.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    extra_days=st.integers(min_value=0, max_value=3),
    on_the_day=st.times(),
    wall=st.datetimes(
        min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2029, 12, 31), timezones=st.just(dt.UTC)
    ),
    second_wall=st.datetimes(
        min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2029, 12, 31), timezones=st.just(dt.UTC)
    ),
)
def test_a_sweep_for_a_date_writes_what_a_sweep_on_that_date_writes_whatever_the_wall_clock_and_only_once(
    demo_council: None,
    gap: int,
    extra_days: int,
    on_the_day: dt.time,
    wall: dt.datetime,
    second_wall: dt.datetime,
) -> None:
    # D: ``gap`` school days after the last sweep, sometimes moved on to a weekend or a holiday.
    day = council_calendar().add_school_days(BUILT.date(), gap) + dt.timedelta(days=extra_days)
    before = _dump()

    (on_the_date,) = _swept(day, dt.datetime.combine(day, on_the_day, tzinfo=clock.LONDON))
    by_date, again = _swept(day, wall, second_wall)

    assert by_date == on_the_date, _differences(on_the_date, by_date)
    assert again == by_date, _differences(by_date, again)
    # Not vacuous: the sweep wrote something, and what it stamped is dated D.
    assert on_the_date != before
    stamped = {clock.local_date(at) for (at,) in _new_rows(before, on_the_date, "casework.Event", "at")}
    assert stamped <= {day}


def _new_rows(before: Dump, after: Dump, label: str, column: str) -> list[tuple[Any]]:
    """One column of the rows of a table that are new in ``after`` (by primary key)."""
    model = apps.get_model(label)
    columns = [f.attname for f in model._meta.concrete_fields if f.attname not in IGNORED_COLUMNS]
    index = columns.index(column)
    old = {row[0] for row in before[label]}
    return [(row[index],) for row in after[label] if row[0] not in old]
