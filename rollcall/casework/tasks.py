"""Background work for casework: the daily sweep, run by the task worker."""

from __future__ import annotations

from django_tasks import task

from rollcall.casework.sweep import sweep


@task()
def sweep_task(as_of: str | None = None) -> dict[str, object]:
    """Run the sweep in the worker; returns its counts and breaches for the task result."""
    import datetime as dt

    run = sweep(today=dt.date.fromisoformat(as_of) if as_of else None)
    return {"as_of": run.as_of.isoformat(), "counts": run.counts, "breaches": run.breaches}
