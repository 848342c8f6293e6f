"""manage.py rollcall_sweep [--date YYYY-MM-DD] [--enqueue [--wait SECONDS]]: run the daily sweep now
(for cron or by hand), or hand it to the task workers."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.casework.sweep_alerts import sweep_watched
from rollcall.casework.tasks import sweep_task


class Command(BaseCommand):
    help = "Remind, escalate overdue cases, and report every breach of the one invariant by name."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as of this date (YYYY-MM-DD); default today in England.")
        parser.add_argument(
            "--fail-on-breach", action="store_true", help="Exit with status 2 when the invariant is breached."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Give the sweep to the task workers instead of running it here.",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=0,
            help="With --enqueue: wait up to this many seconds for a worker to finish it (exit 1 if not).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options["date"]:
            try:
                as_of = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from None
        if options["enqueue"]:
            self._enqueue(as_of, options["wait"])
            return
        run = sweep_watched(today=as_of, say=self.stdout.write)
        if run.breaches:
            self.stdout.write(self.style.ERROR(f"{len(run.breaches)} children breach the invariant:"))
            for breach in run.breaches:
                self.stdout.write(f"  - {breach}")
            if options["fail_on_breach"]:
                raise SystemExit(2)
        else:
            self.stdout.write(
                self.style.SUCCESS("Invariant holds: every child out of school has an owner and a date.")
            )

    def _enqueue(self, as_of: dt.date | None, wait: float) -> None:
        result = sweep_task.enqueue(as_of.isoformat() if as_of else None)
        self.stdout.write(f"Enqueued the sweep (task {result.id}).")
        deadline = time.monotonic() + wait
        while wait and not result.is_finished:
            if time.monotonic() > deadline:
                raise CommandError(f"No worker finished the sweep within {wait:g} seconds ({result.status}).")
            time.sleep(0.5)
            result.refresh()
        if wait:
            if result.status != "SUCCESSFUL":
                raise CommandError(f"The sweep task ended {result.status}; the worker's log says why.")
            value = result.return_value
            self.stdout.write(self.style.SUCCESS(f"A worker ran the sweep: {value}"))
