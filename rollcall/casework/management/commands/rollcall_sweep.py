"""manage.py rollcall_sweep [--date YYYY-MM-DD]: run the daily sweep now (for cron or by hand)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.casework.sweep import sweep


class Command(BaseCommand):
    help = "Remind, escalate overdue cases, and report every breach of the one invariant by name."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as of this date (YYYY-MM-DD); default today in England.")
        parser.add_argument(
            "--fail-on-breach", action="store_true", help="Exit with status 2 when the invariant is breached."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options["date"]:
            try:
                as_of = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from None
        run = sweep(today=as_of, say=self.stdout.write)
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
