"""Import establishments from the public schools register (Get Information About Schools CSV).

The file is the GIAS "all establishment data" extract, or any CSV with the same column names
(DOMAIN.md, "Identifiers and formats"). Only the columns in :data:`COLUMNS` are read; the many
other GIAS columns are ignored.

The import is all or nothing: every row is checked first, and if any row is wrong nothing is
written and the report lists every problem with its line number, so a council can fix the file
and try again. Re-importing a newer extract updates schools by URN and never duplicates them.

The work is set-based: one lookup of the existing schools by URN, then ``bulk_create`` and
``bulk_update`` in batches, with simple-history's bulk helpers so the audit trail records the
import (who, when, and "schools register import" as the reason).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.schools.models import School

__all__ = ["COLUMNS", "ImportReport", "RowError", "schools_import"]

# GIAS column name -> School field. The header names are exactly as GIAS publishes them.
COLUMNS: Mapping[str, str] = {
    "URN": "urn",
    "LA (code)": "la_code",
    "EstablishmentNumber": "establishment_number",
    "EstablishmentName": "name",
    "TypeOfEstablishment (name)": "type_name",
    "EstablishmentStatus (name)": "status_name",
    "PhaseOfEducation (name)": "phase",
    "StatutoryLowAge": "statutory_low_age",
    "StatutoryHighAge": "statutory_high_age",
    "OpenDate": "open_date",
    "CloseDate": "close_date",
    "Street": "street",
    "Town": "town",
    "Postcode": "postcode",
}
# The School fields an import writes; anything else (e.g. the school's e-mail) is the council's.
IMPORTED_FIELDS: tuple[str, ...] = tuple(COLUMNS.values())

BATCH_SIZE = 1000
CHANGE_REASON = "Schools register import"
_MAX_SMALL_INT = 32767  # PositiveSmallIntegerField's ceiling on every database Django supports
_URN_MAX = 10  # School.urn's max_length

_DIGITS = re.compile(r"[0-9]+")
# GIAS publishes DD-MM-YYYY; spreadsheets re-save as DD/MM/YYYY; ISO YYYY-MM-DD is accepted too.
_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")

# Lengths of the free-text School fields, so a too-long value is a row error, not a crash.
_TEXT_LIMITS: Mapping[str, int] = {
    "name": 200,
    "type_name": 100,
    "status_name": 60,
    "phase": 60,
    "street": 200,
    "town": 100,
    "postcode": 10,
}


@dataclass(frozen=True)
class RowError:
    """One problem in the file: the line it is on (the header is line 1), the column, and why."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}, {self.field}: {self.message}"


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do), and every problem it found."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when the file had no errors (and so, unless a dry run, was imported)."""
        return not self.errors

    @property
    def written(self) -> bool:
        """True when the import changed the database."""
        return self.ok and not self.dry_run

    def summary(self) -> str:
        """One sentence for a person: the counts, or why nothing was imported."""
        counts = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.errors:
            n = len(self.errors)
            return f"Nothing was imported: {n} error{'s' if n != 1 else ''} in the file."
        if self.dry_run:
            return f"Dry run, nothing written: {counts}."
        return f"Imported: {counts}."


def schools_import(
    file: IO[bytes] | str | os.PathLike[str],
    *,
    dry_run: bool = False,
    actor: User | None = None,
) -> ImportReport:
    """Import a schools-register CSV: create new schools and update existing ones by URN.

    ``file`` is a binary file object or a path. It is decoded as UTF-8 (with or without a byte
    order mark), falling back to Windows-1252, the encoding GIAS extracts often use.

    All or nothing: if any row has an error, nothing is written and ``errors`` lists them all.
    With ``dry_run`` the file is checked and the counts worked out, but nothing is written.
    ``actor`` is recorded as the user on the history rows.
    """
    report = ImportReport(dry_run=dry_run)
    raw = _read_bytes(file)
    text = _decode(raw, report)
    if text is None:
        return report
    rows = _parse(text, report)
    if report.errors:
        return report

    with transaction.atomic():
        existing = School.objects.in_bulk([r["urn"] for r in rows], field_name="urn")
        to_create: list[School] = []
        to_update: list[School] = []
        for values in rows:
            school = existing.get(values["urn"])
            if school is None:
                to_create.append(School(**values))
            elif any(getattr(school, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(school, name, value)
                to_update.append(school)
            else:
                report.unchanged += 1
        report.created = len(to_create)
        report.updated = len(to_update)
        if dry_run:
            return report
        now = clock.now()
        if to_create:
            bulk_create_with_history(
                to_create,
                School,
                batch_size=BATCH_SIZE,
                default_user=actor,
                default_change_reason=CHANGE_REASON,
                default_date=now,
            )
        if to_update:
            bulk_update_with_history(
                to_update,
                School,
                fields=list(IMPORTED_FIELDS),
                batch_size=BATCH_SIZE,
                default_user=actor,
                default_change_reason=CHANGE_REASON,
                default_date=now,
            )
    return report


def _read_bytes(file: IO[bytes] | str | os.PathLike[str]) -> bytes:
    if isinstance(file, str | os.PathLike):
        return Path(file).read_bytes()
    data: Any = file.read()
    if isinstance(data, str):  # a text-mode file handed in by mistake: nothing to decode
        return data.encode("utf-8")
    return bytes(data)


def _decode(raw: bytes, report: ImportReport) -> str | None:
    """Decode as UTF-8 (dropping a byte order mark), else Windows-1252; report if neither fits."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        report.errors.append(
            RowError(
                line=line,
                field="file",
                message=(
                    "The file is neither UTF-8 nor Windows-1252 text "
                    f"(byte 0x{raw[error.start]:02X} cannot be read); save it as CSV UTF-8 and try again"
                ),
            )
        )
        return None


def _records(reader: Any, report: ImportReport) -> Iterator[tuple[int, list[str]]]:
    """Yield each record with the line it starts on (a quoted value may span several lines).

    A line the csv module cannot read (a stray NUL byte, an unclosed quote) becomes an error on
    that line and ends the reading: what follows it cannot be trusted.
    """
    next_line = reader.line_num + 1
    try:
        for record in reader:
            yield next_line, record
            next_line = reader.line_num + 1
    except csv.Error as problem:
        report.errors.append(
            RowError(line=next_line, field="file", message=f"Not readable as CSV: {problem}")
        )


def _parse(text: str, report: ImportReport) -> list[dict[str, Any]]:
    """Check every row and return the School field values of each, or add errors to ``report``."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        report.errors.append(RowError(line=1, field="header", message="The file is empty"))
        return []
    names = [cell.strip() for cell in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        report.errors.append(
            RowError(
                line=1,
                field="header",
                message=f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
            )
        )
        return []
    index = {column: names.index(column) for column in COLUMNS}

    rows: list[dict[str, Any]] = []
    first_line_of_urn: dict[str, int] = {}
    for line, record in _records(reader, report):
        if not any(cell.strip() for cell in record):
            continue  # a blank line, e.g. at the end of a hand-edited file
        cells = {column: (record[i].strip() if i < len(record) else "") for column, i in index.items()}
        values, errors = _row(line, cells)
        report.errors.extend(errors)
        urn = cells["URN"]
        if urn and not any(e.field == "URN" for e in errors):
            if urn in first_line_of_urn:
                report.errors.append(
                    RowError(
                        line=line,
                        field="URN",
                        message=f"URN {urn} is already on line {first_line_of_urn[urn]}",
                    )
                )
            else:
                first_line_of_urn[urn] = line
        if not errors:
            rows.append(values)
    return rows


def _row(line: int, cells: Mapping[str, str]) -> tuple[dict[str, Any], list[RowError]]:
    """Turn one row's cells into School field values, with an error for each bad cell."""
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(line=line, field=column, message=message))

    def digits(column: str, length: int | None, what: str) -> str:
        value = cells[column]
        if not value:
            error(column, f"Enter the {what}")
        elif not _DIGITS.fullmatch(value) or (length is not None and len(value) != length):
            shape = f"{length} digits" if length is not None else "digits only"
            error(column, f"The {what} must be {shape}; got {value!r}")
        return value

    def age(column: str) -> int | None:
        value = cells[column]
        if not value:
            return None
        if not _DIGITS.fullmatch(value) or int(value) > _MAX_SMALL_INT:
            error(column, f"The age must be a whole number of years; got {value!r}")
            return None
        return int(value)

    def day(column: str) -> date | None:
        value = cells[column]
        if not value:
            return None
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a date, no time zone
            except ValueError:
                continue
        error(column, f"Enter a real date as DD-MM-YYYY (or YYYY-MM-DD); got {value!r}")
        return None

    urn = digits("URN", None, "URN")
    if _DIGITS.fullmatch(urn) and len(urn) > _URN_MAX:
        error("URN", f"A URN has at most {_URN_MAX} digits; got {urn!r}")
    values: dict[str, Any] = {
        "urn": urn,
        "la_code": digits("LA (code)", 3, "LA code"),
        "establishment_number": digits("EstablishmentNumber", 4, "establishment number"),
        "statutory_low_age": age("StatutoryLowAge"),
        "statutory_high_age": age("StatutoryHighAge"),
        "open_date": day("OpenDate"),
        "close_date": day("CloseDate"),
    }
    for column, name in COLUMNS.items():
        if name in _TEXT_LIMITS:
            value = cells[column]
            if len(value) > _TEXT_LIMITS[name]:
                error(column, f"Too long: at most {_TEXT_LIMITS[name]} characters, this has {len(value)}")
            values[name] = value
    values["postcode"] = " ".join(values["postcode"].upper().split())
    if not values["name"]:
        error("EstablishmentName", "Enter the establishment name")

    low, high = values["statutory_low_age"], values["statutory_high_age"]
    if low is not None and high is not None and low > high:
        error("StatutoryHighAge", f"The high age ({high}) is below the low age ({low})")
    opened, closed = values["open_date"], values["close_date"]
    if opened is not None and closed is not None and closed < opened:
        error("CloseDate", f"The close date ({closed:%d-%m-%Y}) is before the open date ({opened:%d-%m-%Y})")
    return values, errors
