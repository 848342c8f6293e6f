"""Background work for casework: the daily sweep, run by the task worker."""

from __future__ import annotations

from django_tasks import task

from rollcall.casework.sweep_alerts import sweep_watched


@task()
def sweep_task(as_of: str | None = None) -> dict[str, object]:
    """Run the sweep in the worker; returns its counts and how many breaches for the task result.

    Only the number of breaches: a task result is kept in the database and shown in the admin,
    and each breach names a child."""
    import datetime as dt

    run = sweep_watched(today=dt.date.fromisoformat(as_of) if as_of else None)
    return {"as_of": run.as_of.isoformat(), "counts": run.counts, "breaches": len(run.breaches)}
