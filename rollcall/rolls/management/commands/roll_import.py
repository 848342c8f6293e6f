"""manage.py roll_import FILE [FILE ...] --as-of YYYY-MM-DD [--school URN]: load school rolls now.

Each file is one school's whole roll as of the date (docs/rolls.md), a CSV or (named ``.xml``) a
Common Transfer File, loaded all or nothing. The
school is ``--school`` (one file), or the URN the file's name starts with ("100001.csv",
"100001_roll.csv"). A progress bar on stderr counts the pupils; each file's result is printed,
or its errors as ``file: line N: field: reason`` lines; the exit status is 1 when any file was
not loaded. The next file is read while this one loads (``rollcall.read_ahead``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.attendance.management.commands.attendance_import import ProgressBar
from rollcall.read_ahead import read_ahead
from rollcall.rolls.ctf import PupilDetails, rows_from_ctf
from rollcall.rolls.imports import ctf_school_check
from rollcall.rolls.models import RollSnapshot
from rollcall.rolls.pupils import PupilRow, RollFileError, rows_from_csv
from rollcall.rolls.services import roll_load
from rollcall.rules.rolls import RollRefused
from rollcall.schools.models import School


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-of {value!r} is not a date in the form YYYY-MM-DD") from error


def _read(path: Path, school: School) -> tuple[list[PupilRow], dict[int, PupilDetails], str]:
    with path.open("rb") as content:
        if path.suffix.lower() != ".xml":
            return rows_from_csv(content), {}, RollSnapshot.Source.CSV
        roll = rows_from_ctf(content)
    ctf_school_check(roll, school)
    return roll.rows, roll.details, RollSnapshot.Source.CTF


class Command(BaseCommand):
    help = "Load school rolls (one CSV file per school) as of a date, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files",
            nargs="+",
            help="CSV files or Common Transfer Files (.xml), one per school (see docs/rolls.md).",
        )
        parser.add_argument("--as-of", required=True, help="The date the rolls are as of (YYYY-MM-DD).")
        parser.add_argument("--school", help="The URN of the school (only with one file).")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _date(options["as_of"])
        paths = [Path(name) for name in options["files"]]
        if options["school"] and len(paths) > 1:
            raise CommandError("--school names the school of one file; name the files by URN instead")
        for path in paths:
            if not path.is_file():
                raise CommandError(f"There is no file {path}")
        urns = [options["school"] or path.stem.split("_")[0] for path in paths]
        schools = {school.urn: school for school in School.objects.filter(urn__in=urns)}
        unknown = [
            f"{path.name} ({urn})" for path, urn in zip(paths, urns, strict=True) if urn not in schools
        ]
        if unknown:
            raise CommandError(f"No school has the URN of: {', '.join(unknown)}")
        bar = ProgressBar(self.stderr, "files")
        failed = 0
        lines: list[str] = []
        files = read_ahead(zip(paths, urns, strict=True), lambda file: _read(file[0], schools[file[1]]))
        try:
            for done, ((path, urn), read) in enumerate(files):
                bar(done, len(paths))
                try:
                    rows, details, source = read.result()
                    loaded = roll_load(
                        school=schools[urn],
                        as_of=as_of,
                        rows=rows,
                        source=source,
                        original_name=path.name,
                        details=details,
                    )
                except RollFileError as error:
                    failed += 1
                    lines += [f"{path.name}: {e}" for e in error.errors]
                    continue
                except RollRefused as error:
                    failed += 1
                    lines.append(f"{path.name}: {error}")
                    continue
                snap = loaded.snapshot
                if loaded.unchanged:
                    lines.append(f"{path.name}: {snap.school.name}: unchanged (already loaded).")
                else:
                    lines.append(
                        f"{path.name}: {snap.school.name}: {snap.pupils:,} pupils; {snap.joiners:,} joined, "
                        f"{snap.leavers:,} left ({snap.left_without_notice:,} without a deletion return), "
                        f"{snap.held:,} to check."
                    )
            bar(len(paths), len(paths))
        finally:
            bar.close()
        for line in lines:
            self.stdout.write(line)
        if failed:
            raise CommandError(f"{failed} of {len(paths)} files were not loaded: nothing from them changed")
