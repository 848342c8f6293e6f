"""manage.py retention_report [--date YYYY-MM-DD]: the dry run of the retention step. Lists, by
record type and count, what the daily sweep would erase or anonymise as of the date; changes
nothing (docs/retention.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall import clock
from rollcall.dataprotection.retention import retention_report
from rollcall.formats import long_date


class Command(BaseCommand):
    help = "List what the retention schedule would erase or anonymise, by type and count. Erases nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="As of this date (YYYY-MM-DD); default today in England.")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = clock.today()
        if options["date"]:
            try:
                as_of = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from None
        lines = retention_report(as_of)
        self.stdout.write(f"Retention report as of {long_date(as_of)} (a dry run: nothing is erased)")
        for line in lines:
            held = f"; {line.held} held because another record still needs them" if line.held else ""
            self.stdout.write(
                f"  {line.label}: {line.count} ({line.action.value}; kept {line.period}, "
                f"dated before {long_date(line.keep_from)}){held}"
            )
        self.stdout.write(f"Total: {sum(line.count for line in lines)}")
