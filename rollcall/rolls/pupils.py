"""The pupil rows of a roll snapshot, read from a CSV file or the API's JSON, checked line by line.

The columns follow the pupil-level items schools already share with DfE (docs/rolls.md). Every
problem is reported as (line, field, reason) and nothing is loaded from a file with any problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from rollcall.rules.upn import normalise_upn, upn_errors

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "LineError",
    "PupilRow",
    "RollFileError",
    "check_rows",
    "row_from_record",
    "rows_from_csv",
    "rows_from_records",
    "snapshot_hash",
]

COLUMNS = (
    "upn",
    "forename",
    "surname",
    "date_of_birth",
    "sex",
    "year_group",
    "admission_date",
    "leaving_date",
    "sen_status",
    "ehcp",
    "fsm",
    "looked_after",
    "cin_cp",
)
REQUIRED = ("forename", "surname", "date_of_birth")
SEXES = {"F": "F", "M": "M", "X": "X", "U": "U", "": "U"}
SEN_STATUSES = {"", "N", "K", "E"}  # none, SEN support, EHC plan (DfE census codes)
YEAR_GROUPS = {"", "N1", "N2", "R", *(str(n) for n in range(1, 15)), "X"}
YES_NO = {"": None, "Y": True, "N": False, "TRUE": True, "FALSE": False, "1": True, "0": False}
MAX_ROWS = 5000  # the largest school in England has about 4,000 pupils


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


class RollFileError(ValueError):
    """A roll that was not loaded, with every problem found."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


@dataclass(frozen=True)
class PupilRow:
    line: int
    upn: str | None
    forename: str
    surname: str
    date_of_birth: dt.date
    sex: str = "U"
    year_group: str = ""
    admission_date: dt.date | None = None
    leaving_date: dt.date | None = None
    sen_status: str = ""
    ehcp: bool | None = None
    fsm: bool | None = None
    looked_after: bool | None = None
    cin_cp: bool | None = None

    def key(self) -> tuple[Any, ...]:
        """The row without its line number: what the hash and the claims' keys are made of."""
        return (
            self.upn or "",
            self.forename,
            self.surname,
            self.date_of_birth.isoformat(),
            self.sex,
            self.year_group,
            self.admission_date.isoformat() if self.admission_date else "",
            self.leaving_date.isoformat() if self.leaving_date else "",
            self.sen_status,
            self.ehcp,
            self.fsm,
            self.looked_after,
            self.cin_cp,
        )


def _date(value: str, field: str, line: int, errors: list[LineError]) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    parts = value.split("/")
    try:
        if len(parts) == 3 and len(parts[2]) == 4:
            return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        pass
    errors.append(LineError(line, field, f"{value!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)"))
    return None


def _flag(value: str, field: str, line: int, errors: list[LineError]) -> bool | None:
    key = value.strip().upper()
    if key not in YES_NO:
        errors.append(LineError(line, field, f"{value!r} is not Y or N"))
        return None
    return YES_NO[key]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value).strip()


def row_from_record(line: int, record: Mapping[str, Any], errors: list[LineError]) -> PupilRow | None:
    found = len(errors)
    text = {name: _text(record.get(name)) for name in COLUMNS}
    for name in REQUIRED:
        if not text[name]:
            errors.append(LineError(line, name, "is required"))
    upn = normalise_upn(text["upn"]) if text["upn"] else None
    if upn:
        errors.extend(LineError(line, "upn", reason) for reason in upn_errors(upn))
    for name in ("forename", "surname"):
        if len(text[name]) > 100:
            errors.append(LineError(line, name, "is longer than 100 characters"))
    dob = _date(text["date_of_birth"], "date_of_birth", line, errors)
    admission = _date(text["admission_date"], "admission_date", line, errors)
    leaving = _date(text["leaving_date"], "leaving_date", line, errors)
    if admission and leaving and leaving < admission:
        errors.append(LineError(line, "leaving_date", "is before the admission date"))
    sex = text["sex"].upper()
    if sex not in SEXES:
        errors.append(LineError(line, "sex", f"{text['sex']!r} is not F, M, X or U"))
    year_group = text["year_group"].upper()
    if year_group not in YEAR_GROUPS:
        errors.append(
            LineError(line, "year_group", f"{text['year_group']!r} is not a year group (N1, N2, R, 1-14, X)")
        )
    sen = text["sen_status"].upper()
    if sen not in SEN_STATUSES:
        errors.append(LineError(line, "sen_status", f"{text['sen_status']!r} is not N, K or E"))
    flags = {
        name: _flag(text[name], name, line, errors) for name in ("ehcp", "fsm", "looked_after", "cin_cp")
    }
    if len(errors) > found or dob is None:
        return None
    return PupilRow(
        line=line,
        upn=upn,
        forename=" ".join(text["forename"].split()),
        surname=" ".join(text["surname"].split()),
        date_of_birth=dob,
        sex=SEXES[sex],
        year_group=year_group,
        admission_date=admission,
        leaving_date=leaving,
        sen_status=sen,
        **flags,
    )


def check_rows(rows: list[PupilRow], errors: list[LineError]) -> list[PupilRow]:
    first_line: dict[str, int] = {}
    for row in rows:
        if row.upn:
            if row.upn in first_line:
                errors.append(LineError(row.line, "upn", f"the same UPN is on line {first_line[row.upn]}"))
            first_line.setdefault(row.upn, row.line)
    if len(rows) > MAX_ROWS:
        errors.append(LineError(rows[MAX_ROWS].line, "", f"a school's roll has at most {MAX_ROWS:,} pupils"))
    if errors:
        raise RollFileError(sorted(errors, key=lambda e: (e.line, e.field)))
    return rows


def rows_from_records(records: Iterable[Mapping[str, Any]], first_line: int = 1) -> list[PupilRow]:
    """Rows from JSON objects (the API: "line" is the pupil's position in the list, from 1)."""
    errors: list[LineError] = []
    rows = []
    for n, record in enumerate(records, start=first_line):
        unknown = sorted(set(record) - set(COLUMNS))
        errors.extend(LineError(n, name, "is not a roll field") for name in unknown)
        row = row_from_record(n, record, errors)
        if row is not None:
            rows.append(row)
    return check_rows(rows, errors)


def rows_from_csv(content: IO[bytes] | bytes) -> list[PupilRow]:
    """Rows from a CSV file (UTF-8, with or without a byte-order mark; header on line 1)."""
    data = content if isinstance(content, bytes) else content.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RollFileError([LineError(1, "", f"the file is not UTF-8 text ({error.reason})")]) from error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        raise RollFileError(
            [LineError(1, name, "column missing") for name in missing]
            + [LineError(1, name, "is not a roll column (see docs/rolls.md)") for name in unknown]
        )
    reader.fieldnames = header
    errors: list[LineError] = []
    rows = []
    for record in reader:
        line = reader.line_num
        if None in record:
            errors.append(LineError(line, "", "more values than columns"))
            continue
        row = row_from_record(line, record, errors)
        if row is not None:
            rows.append(row)
    return check_rows(rows, errors)


def snapshot_hash(as_of: dt.date, rows: Iterable[PupilRow]) -> str:
    """The same date and the same pupils (in any order) give the same hash."""
    digest = hashlib.sha256(as_of.isoformat().encode())
    digest.update("".join(f"{key}\n" for key in sorted(repr(row.key()) for row in rows)).encode())
    return digest.hexdigest()
