"""manage.py import_schools FILE [--dry-run]: load a schools-register (GIAS) CSV.

All or nothing: if any row is wrong, nothing is imported, every problem is listed with its line
number, and the command exits with a non-zero status.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.schools.importers import schools_import


class Command(BaseCommand):
    help = "Import establishments from a Get Information About Schools CSV, updating existing ones by URN."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8 or Windows-1252).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and count, but write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        report = schools_import(path, dry_run=options["dry_run"])
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
