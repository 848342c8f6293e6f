"""The readiness checks behind /readyz: each named, each a yes or no with figures, no personal data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from rollcall import clock
from rollcall.casework.models import SweepRun
from rollcall.operations.workers import workers_alive


@dataclass
class Check:
    ok: bool
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **self.details}


_migrations_applied = False  # once true it stays true for the life of the process


def check_database() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any driver error means "not reachable"; never echo its text
        return Check(False, {"error": type(error).__name__})
    return Check(True)


def check_migrations() -> Check:
    global _migrations_applied  # a per-process cache of a fact that, once true, stays true
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        unapplied = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        if unapplied:
            return Check(False, {"unapplied": unapplied})
        _migrations_applied = True
    return Check(True, {"unapplied": 0})


def check_worker() -> Check:
    within = dt.timedelta(seconds=settings.READY_WORKER_SECONDS)
    alive = workers_alive(within=within)
    return Check(alive > 0, {"alive": alive, "within_seconds": settings.READY_WORKER_SECONDS})


def last_finished_sweep() -> SweepRun | None:
    return SweepRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()


def check_sweep(run: SweepRun | None) -> Check:
    limit = dt.timedelta(hours=settings.READY_SWEEP_HOURS)
    if run is None or run.finished_at is None:
        return Check(False, {"finished_at": None, "within_hours": settings.READY_SWEEP_HOURS})
    return Check(
        clock.now() - run.finished_at <= limit,
        {
            "as_of": run.as_of.isoformat(),
            "finished_at": run.finished_at.isoformat(),
            "within_hours": settings.READY_SWEEP_HOURS,
        },
    )


def check_invariant(run: SweepRun | None) -> Check:
    # Only the count: a breach's text names the child.
    breaches = len(run.breaches) if run is not None else 0
    return Check(run is not None and breaches == 0, {"breaches": breaches})


def readiness() -> dict[str, Check]:
    """Every check by name. Without the database the others cannot be asked, and say so."""
    database = check_database()
    if not database.ok:
        unknown = Check(False, {"error": "database unreachable"})
        return {
            "database": database,
            "migrations": unknown,
            "worker": unknown,
            "sweep": unknown,
            "invariant": unknown,
        }
    run = last_finished_sweep()
    return {
        "database": database,
        "migrations": check_migrations(),
        "worker": check_worker(),
        "sweep": check_sweep(run),
        "invariant": check_invariant(run),
    }
