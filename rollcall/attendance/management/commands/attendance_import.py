"""manage.py attendance_import FILE [--format csv|ctf] [--school URN]: import a file of marks now.

Runs in this process (not the task worker), with a progress bar on stderr: rows (or pupils) read,
the share of the file, the rate and the time left. Prints what the import changed, or its error
report as ``line: field: reason`` lines, and exits with status 1 when the file was not imported.
The file is stored under MEDIA_ROOT like an upload, so the import page shows it too.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from rollcall.attendance.models import AttendanceImport
from rollcall.attendance.services import format_for, import_create, import_run
from rollcall.schools.models import School

BAR_WIDTH = 30


class ProgressBar:
    """A one-line progress bar, redrawn in place at most ten times a second."""

    def __init__(self, stream: OutputWrapper, unit: str) -> None:
        self.stream = stream
        self.unit = unit
        self.started = time.monotonic()
        self.drawn = 0.0
        self.shown = False

    def __call__(self, rows_read: int, rows_total: int) -> None:
        now = time.monotonic()
        if now - self.drawn < 0.1 and rows_read < rows_total:
            return
        self.drawn = now
        total = max(rows_total, rows_read, 1)
        share = rows_read / total
        elapsed = max(now - self.started, 1e-6)
        rate = rows_read / elapsed
        left = (total - rows_read) / rate if rate else 0.0
        filled = int(BAR_WIDTH * share)
        minutes, seconds = divmod(int(left + 0.5), 60)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%}  "
            f"{rows_read:,} of about {total:,} {self.unit}  {rate:,.0f} {self.unit}/s  ETA {minutes}:{seconds:02d} ",
            ending="",
        )
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("")
            self.stream.flush()


class Command(BaseCommand):
    help = "Import a CSV or Common Transfer File of attendance marks now, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV or Common Transfer File (XML).")
        parser.add_argument(
            "--format",
            choices=[choice.value for choice in AttendanceImport.Format],
            help="csv or ctf (default: from the file's name; .xml is a CTF).",
        )
        parser.add_argument("--school", help="The URN of the one school the file may hold marks for.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file {path}")
        school = None
        if options["school"]:
            school = School.objects.filter(urn=options["school"]).first()
            if school is None:
                raise CommandError(f"No school has the URN {options['school']}")
        file_format = format_for(path.name, options["format"])
        with path.open("rb") as content:
            imp = import_create(
                content=content,
                original_name=path.name,
                file_format=file_format,
                uploaded_by=None,
                school=school,
                enqueue=False,
            )
        bar = ProgressBar(self.stderr, "pupils" if file_format == AttendanceImport.Format.CTF else "rows")
        try:
            imp = import_run(imp, progress=bar)
        finally:
            bar.close()
        self._report(imp)

    def _report(self, imp: AttendanceImport) -> None:
        summary = imp.summary
        if imp.status == AttendanceImport.Status.UNCHANGED:
            same = summary.get("same_as") or {}
            self.stdout.write(
                f"Already imported as import {same.get('id')} ({same.get('name')}, {same.get('created_at')}): "
                "nothing changed."
            )
            return
        if imp.status == AttendanceImport.Status.IMPORTED:
            self.stdout.write(f"Imported {imp.original_name} (import {imp.pk}): {imp.rows_read:,} rows read.")
            self.stdout.write(f"Pupils: {summary.get('pupils', 0):,}")
            self.stdout.write(
                f"Marks added: {summary.get('marks_added', 0):,}; replaced: {summary.get('marks_replaced', 0):,}; "
                f"unchanged: {summary.get('marks_unchanged', 0):,}"
            )
            for earlier in summary.get("replaced_imports", []):
                self.stdout.write(
                    f"  {earlier['marks']:,} replaced marks came from import {earlier.get('id')} ({earlier.get('name')})"
                )
            prompts = (summary.get("evaluation") or {}).get("prompts") or {}
            found = {trigger: counts.get("found", 0) for trigger, counts in prompts.items()}
            if any(found.values()):
                self.stdout.write(
                    "Prompts: " + ", ".join(f"{trigger} {n:,}" for trigger, n in found.items() if n)
                )
            return
        for error in imp.errors:
            line = error["line"] if error["line"] is not None else "file"
            self.stderr.write(f"{line}: {error['field']}: {error['message']}")
        shown = len(imp.errors)
        more = f" (the first {shown} shown)" if imp.error_count > shown else ""
        raise CommandError(
            f"{imp.original_name} was not imported: {imp.error_count:,} error{'s' if imp.error_count != 1 else ''}"
            f"{more}. Nothing was stored."
        )
