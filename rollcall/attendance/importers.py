"""Reading attendance files into marks per pupil, school and academic year, with a report of what is wrong.

Two formats (docs/attendance.md):

- **CSV**, one row per pupil per school per session: ``upn,school,date,session,code``. Read with
  pyarrow's streaming CSV reader in blocks of about 16 MB; every column is dictionary-encoded by
  the reader, so each check runs once per *distinct* value in a block (a few hundred dates,
  schools and codes, a few thousand UPNs) and numpy gathers the answers for the rows. There is no
  Python loop over rows: a council's year (38 million rows) is read in seconds.
- **Common Transfer File** (CTF) XML: each pupil's marks for a year as one string of stored
  characters from a start date. Parsed only through defusedxml's expat reader with document type
  definitions, entity declarations and external references all forbidden (no "billion laughs",
  no XXE: nothing outside the file is ever read), a size limit, a nesting limit and a limit on the
  length of any text Roll Call keeps.

Both readers put the marks into one ``uint8`` array (a row per pupil, school and year; a column per
session; 0 where the file has no mark), which is how duplicated and conflicting rows are found:
a session already set by an earlier row is a duplicate (the same code) or a conflict (another).

Nothing here touches the database: :class:`Reference` carries what the file is checked against
(loaded by ``services.reference_load``), and the result is a :class:`MarksRead` for
``services.import_run`` to merge and store, or its errors to report. Line numbers are exact: in a
CSV the header is line 1 and the first row line 2; in a CTF the line of the element at fault.
Only on the error path is extra work done to name lines (a second read of the file to find the
earlier line of a duplicate, a scan for lines with the wrong number of fields).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl, Locator

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.expatreader import DefusedExpatParser

from rollcall.formats import long_date
from rollcall.rules.attendance import BLANK, CODE_BY_CODE, CODE_BY_MARK
from rollcall.rules.calendar import SchoolCalendar, academic_year_of
from rollcall.rules.upn import upn_errors

__all__ = [
    "CSV_HEADER",
    "CTF_MAX_BYTES",
    "WIDTH",
    "FileError",
    "MarksRead",
    "Progress",
    "Reference",
    "estimate_rows",
    "read_csv",
    "read_ctf",
    "roll_key",
]

Int64s = npt.NDArray[np.int64]
Bytes = npt.NDArray[np.uint8]
Bools = npt.NDArray[np.bool_]
Progress = Callable[[int, int], None]
"""Called as ``progress(rows_read, rows_total)`` while a file is read (rows_total may be an estimate)."""

CSV_COLUMNS = ("upn", "school", "date", "session", "code")
CSV_HEADER = ",".join(CSV_COLUMNS)
WIDTH = 732
"""Columns of the marks array: the longest marks string (an academic year with 29 February)."""
FIRST_YEAR = 2000
YEARS = 128
"""Academic years a file may hold: 2000/01 to 2127/28. Keys pack the year into 7 bits."""
_POSITION_BITS = 10  # 2**10 > WIDTH: a session's position inside a key
SCHOOL_KEY_SPACE = 1 << 24  # school ids below 16 million (roll keys)
CSV_BLOCK_BYTES = 8 << 20  # 8 MB blocks: as fast as larger ones, and the reader reads ahead less
CTF_MAX_BYTES = 2 << 30
"""The largest CTF read (2 GB: a million pupils' marks); larger files are refused before parsing."""
CTF_MAX_DEPTH = 32
CTF_MAX_TEXT = 20_000
"""The longest text kept from one element (a marks string of a year is 732 characters)."""
CTF_PROGRESS_EVERY = 2_000  # pupils
_BYTES_PER_CSV_ROW = 37  # "H801200001001,900001,2026-09-01,AM,/\n"
_BYTES_PER_CTF_PUPIL = 1_100

_ORDER = {"file": 0, "header": 1, "line": 2, "encoding": 3, "upn": 4, "school": 5, "date": 6}
_ORDER |= {"session": 7, "code": 8}
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
_HASH = ord("#")
_Z = ord("Z")  # a prospective pupil not yet on roll
_COVER_BLOCK = 20_000  # slots whose roll coverage is built at once (about 30 MB)
_BLANK = ord(BLANK)

# Stored character (byte) of each national code as written in a CSV, and of each character a CTF
# may hold. 0 means "not a code".
_MARK_OF_CODE: dict[str, int] = {code: ord(c.mark) for code, c in CODE_BY_CODE.items()}
_CTF_MARK = np.zeros(256, dtype=np.uint8)
for _mark in CODE_BY_MARK:
    _CTF_MARK[ord(_mark)] = ord(_mark)


def roll_key(child_id: Int64s, school_id: Int64s, year: Int64s) -> Int64s:
    """One int64 per (child, school, academic year), to compare slots with roll entries."""
    return (child_id * SCHOOL_KEY_SPACE + school_id) * YEARS + (year - FIRST_YEAR)


@dataclass(frozen=True)
class FileError:
    """One thing wrong with a file: where (``line``; None for the whole file), which field, and why."""

    line: int | None
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}

    def sort_key(self) -> tuple[int, int]:
        return (self.line or 0, _ORDER.get(self.field, 9))


@dataclass
class Reference:
    """What a file is checked against: the council's pupils, schools, rolls and school days.

    ``upns``/``child_ids`` are parallel (every child with a UPN). ``school_ids``, ``school_urns``,
    ``school_laestabs`` and ``school_names`` are parallel (every school; a LA establishment number
    may be empty). ``only_school_id`` limits the file to one school (a school user's upload).
    ``roll_child_ids``, ``roll_school_ids``, ``roll_from``, ``roll_to`` are the roll entries (dates
    as ``datetime64[D]``; an open entry ends at ``9999-12-31``).
    """

    upns: Sequence[str]
    child_ids: Int64s
    school_ids: Int64s
    school_urns: Sequence[str]
    school_laestabs: Sequence[str]
    school_names: Sequence[str]
    calendar: SchoolCalendar
    roll_child_ids: Int64s
    roll_school_ids: Int64s
    roll_from: npt.NDArray[np.datetime64]
    roll_to: npt.NDArray[np.datetime64]
    only_school_id: int | None = None
    _upn_index: dict[str, int] = field(init=False, repr=False)
    _school_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Built once per file: a block's few thousand distinct UPNs are looked up here, so the
        # cost of a block does not grow with the number of children in the council.
        self._upn_index = {upn: i for i, upn in enumerate(self.upns)}
        index: dict[str, int] = {}
        # URNs first, so a number that is somebody's URN is never read as another's LAESTAB.
        for i, laestab in enumerate(self.school_laestabs):
            if laestab:
                index.setdefault(laestab, i)
        for i, urn in enumerate(self.school_urns):
            index[urn] = i
        self._school_index = index

    @property
    def school_count(self) -> int:
        return len(self.school_urns)

    def pupil_indexes(self, upns: pa.Array) -> Int64s:
        """The index of each UPN among the known ones; -1 for an unknown (or missing) UPN."""
        encoded = pc.dictionary_encode(upns)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        lookup = self._upn_index
        distinct = encoded.dictionary.to_pylist()
        known = np.fromiter((lookup.get(u, -1) for u in distinct), dtype=np.int64, count=len(distinct))
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        return np.where(codes >= 0, known[np.maximum(codes, 0)] if known.size else -1, -1)

    def school_index(self, number: str) -> int:
        """The index of the school with this URN or LA establishment number; -1 if none."""
        return self._school_index.get(number.strip(), -1)

    def only_school_index(self) -> int | None:
        if self.only_school_id is None:
            return None
        matches = np.flatnonzero(self.school_ids == self.only_school_id)
        return int(matches[0]) if matches.size else -1

    def school_label(self, index: int) -> str:
        return f"{self.school_names[index]} (URN {self.school_urns[index]})"

    def sessions_off_roll(
        self, child_ids: Int64s, school_ids: Int64s, years: Int64s, marks: Bytes
    ) -> tuple[Int64s, Int64s]:
        """Per slot (a child at a school in a year, with its marks), the sessions marked on a day no
        roll spell of that child at that school covers: (how many, the position of the first; -1
        when none).

        A spell covers its first day to its last day on roll, both included (a pupil is registered
        on the day they leave). Code Z (a prospective pupil not yet on roll) and # (the whole school
        closed) are not marks of a pupil on roll and may fall outside a spell. Done in blocks of
        slots with numpy: a coverage row per slot built from the spells' start and end positions.
        """
        count = np.zeros(child_ids.size, dtype=np.int64)
        first = np.full(child_ids.size, -1, dtype=np.int64)
        if not child_ids.size:
            return count, first
        marked = (marks != 0) & (marks != _Z) & (marks != _HASH)
        slot_keys = roll_key(child_ids, school_ids, years)
        order = np.argsort(slot_keys, kind="stable")
        sorted_keys = slot_keys[order]
        low, high = int(years.min()), int(years.max())
        spell_years = _academic_years(self.roll_from)
        first_year = np.maximum(spell_years, low)
        last_year = np.minimum(_academic_years(self.roll_to), high)
        spans = np.maximum(last_year - first_year + 1, 0)
        entry = np.repeat(np.arange(spans.size), spans)
        starts = np.repeat(np.cumsum(spans) - spans, spans)
        entry_years = first_year[entry] + (np.arange(entry.size) - starts)
        keys = roll_key(self.roll_child_ids[entry], self.roll_school_ids[entry], entry_years)
        at = np.clip(np.searchsorted(sorted_keys, keys), 0, max(sorted_keys.size - 1, 0))
        hit = sorted_keys[at] == keys if sorted_keys.size else np.zeros(keys.size, dtype=np.bool_)
        slot_of = order[at[hit]]
        entry, entry_years = entry[hit], entry_years[hit]
        september = _first_days(entry_years).astype("datetime64[D]")
        begin = np.clip(2 * (self.roll_from[entry] - september).astype(np.int64), 0, WIDTH)
        end = np.clip(2 * (self.roll_to[entry] - september).astype(np.int64) + 2, 0, WIDTH)
        for block in range(0, child_ids.size, _COVER_BLOCK):
            stop = min(block + _COVER_BLOCK, child_ids.size)
            inside = (slot_of >= block) & (slot_of < stop)
            edges = np.zeros((stop - block, WIDTH + 1), dtype=np.int16)
            np.add.at(edges, (slot_of[inside] - block, begin[inside]), 1)
            np.add.at(edges, (slot_of[inside] - block, end[inside]), -1)
            covered = np.cumsum(edges, axis=1, dtype=np.int16)[:, :WIDTH] > 0
            off = marked[block:stop] & ~covered
            count[block:stop] = off.sum(axis=1)
            first[block:stop] = np.where(count[block:stop] > 0, off.argmax(axis=1), -1)
        return count, first


def _academic_years(days: npt.NDArray[np.datetime64]) -> Int64s:
    months = days.astype("datetime64[M]").astype(np.int64)
    year, month = months // 12 + 1970, months % 12 + 1
    return np.asarray(year - (month < 9), dtype=np.int64)


@dataclass
class MarksRead:
    """What one file holds: marks per (child, school, academic year), or what is wrong with it.

    ``marks[i]`` is the stored character (as a byte) of each session of slot ``i`` (a pupil at a
    school in a year), 0 where the file has no mark. ``rows`` is the CSV rows or CTF pupils read.
    ``errors`` are the first ``max_errors`` in line order; ``error_count`` is the true total.
    """

    child_ids: Int64s
    school_ids: Int64s
    years: Int64s
    marks: Bytes
    rows: int
    errors: list[FileError]
    error_count: int

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @classmethod
    def failed(cls, errors: list[FileError], rows: int = 0) -> MarksRead:
        empty = np.zeros(0, dtype=np.int64)
        return cls(empty, empty, empty, np.zeros((0, WIDTH), np.uint8), rows, errors, len(errors))


def estimate_rows(size: int, file_format: str) -> int:
    """A first guess at the rows (CSV) or pupils (CTF) in a file of ``size`` bytes."""
    per = _BYTES_PER_CSV_ROW if file_format == "csv" else _BYTES_PER_CTF_PUPIL
    return max(1, size // per)


# ---- marks in memory ------------------------------------------------------------------------------


class _Slots:
    """The marks array and its slots: one row per (pupil, school, year), in order of discovery.

    A slot's key packs (pupil index, school index, year); a session's *cell key* adds its position,
    so sorting cell keys groups a block's rows by slot and finds repeated sessions in one sort.
    """

    def __init__(self, schools: int, pupils: int) -> None:
        self.schools = max(schools, 1)
        # Cell keys are int64: (pupil, school, year, position) must fit in 63 bits. A million
        # children and 50,000 schools (every school England ever had) is 6.6e18, under 9.2e18.
        if max(pupils, 1) * self.schools * YEARS << _POSITION_BITS >= 1 << 63:
            msg = f"{pupils:,} pupils and {schools:,} schools are too many for one key space"
            raise ValueError(msg)
        self.sorted_keys: Int64s = np.zeros(0, dtype=np.int64)
        self.sorted_ids: Int64s = np.zeros(0, dtype=np.int64)
        self.keys: Int64s = np.zeros(1024, dtype=np.int64)
        self.first_source: Int64s = np.zeros(1024, dtype=np.int64)
        self.marks: Bytes = np.zeros((1024, WIDTH), dtype=np.uint8)
        self.count = 0

    def cell_keys(self, pupil: Int64s, school: Int64s, year: Int64s, position: Int64s) -> Int64s:
        slot = (pupil * self.schools + school) * YEARS + (year - FIRST_YEAR)
        return (slot << _POSITION_BITS) + position

    def _grow(self, needed: int) -> None:
        capacity = self.keys.size
        if needed <= capacity:
            return
        while capacity < needed:
            capacity *= 2
        self.keys = np.resize(self.keys, capacity)
        self.first_source = np.resize(self.first_source, capacity)
        marks = np.zeros((capacity, WIDTH), dtype=np.uint8)
        marks[: self.count] = self.marks[: self.count]
        self.marks = marks

    def ids_for(self, keys: Int64s, first_sources: Int64s) -> Int64s:
        """Slot ids for sorted unique slot ``keys``, adding the new ones."""
        at = np.searchsorted(self.sorted_keys, keys)
        found = np.zeros(keys.size, dtype=np.bool_)
        inside = at < self.sorted_keys.size
        found[inside] = self.sorted_keys[at[inside]] == keys[inside]
        ids = np.empty(keys.size, dtype=np.int64)
        ids[found] = self.sorted_ids[at[found]]
        new = ~found
        fresh = int(new.sum())
        if fresh:
            new_ids = np.arange(self.count, self.count + fresh, dtype=np.int64)
            ids[new] = new_ids
            self._grow(self.count + fresh)
            self.keys[self.count : self.count + fresh] = keys[new]
            self.first_source[self.count : self.count + fresh] = first_sources[new]
            self.count += fresh
            self.sorted_keys = np.insert(self.sorted_keys, at[new], keys[new])
            self.sorted_ids = np.insert(self.sorted_ids, at[new], new_ids)
        return ids

    def place(self, cells: Int64s, marks: Bytes, sources: Int64s) -> _Repeats:
        """Put marks into their cells; return the rows that repeat a session already given.

        ``sources`` (CSV row numbers or CTF line numbers) rise through the file, so the first
        row of a session is the one kept and every later one is a duplicate or a conflict.
        """
        order = np.argsort(cells, kind="stable")
        cells_s, marks_s, sources_s = cells[order], marks[order], sources[order]
        n = cells_s.size
        new_cell = np.ones(n, dtype=np.bool_)
        new_cell[1:] = cells_s[1:] != cells_s[:-1]
        slot_keys = cells_s >> _POSITION_BITS
        new_slot = np.ones(n, dtype=np.bool_)
        new_slot[1:] = slot_keys[1:] != slot_keys[:-1]
        starts = np.flatnonzero(new_slot)
        first_sources = np.minimum.reduceat(sources_s, starts) if n else sources_s
        ids = self.ids_for(slot_keys[starts], first_sources)
        counts = np.diff(np.append(starts, n))
        flat = np.repeat(ids, counts) * WIDTH + (cells_s & ((1 << _POSITION_BITS) - 1))
        marks_flat = self.marks.reshape(-1)
        prior = marks_flat[flat]
        leader = np.maximum.accumulate(np.where(new_cell, np.arange(n), 0))
        earlier = np.where(prior != 0, prior, marks_s[leader])
        repeated = ~new_cell | (prior != 0)
        keep = new_cell & (prior == 0)
        marks_flat[flat[keep]] = marks_s[keep]
        # The earlier row, where it is in this block (otherwise found later, on the error path).
        earlier_source = np.where(prior != 0, -1, sources_s[leader])
        return _Repeats(
            sources=sources_s[repeated],
            cells=cells_s[repeated],
            marks=marks_s[repeated],
            earlier_marks=earlier[repeated],
            earlier_sources=earlier_source[repeated],
        )

    def slot_parts(self) -> tuple[Int64s, Int64s, Int64s]:
        """(pupil index, school index, year) of every slot, in slot id order."""
        keys = self.keys[: self.count]
        year = keys % YEARS + FIRST_YEAR
        pair = keys // YEARS
        return pair // self.schools, pair % self.schools, year


@dataclass
class _Repeats:
    """Rows that give a session already given earlier in the file (duplicates and conflicts)."""

    sources: Int64s
    cells: Int64s
    marks: Bytes
    earlier_marks: Bytes
    earlier_sources: Int64s

    def first(self, n: int) -> _Repeats:
        """The ``n`` earliest in the file (the rest are only counted)."""
        order = np.argsort(self.sources, kind="stable")[:n]
        return _Repeats(
            self.sources[order],
            self.cells[order],
            self.marks[order],
            self.earlier_marks[order],
            self.earlier_sources[order],
        )


class _Errors:
    """The first ``limit`` errors by line, and the true total.

    Errors arrive in groups whose lines rise through the file (each CSV block, each CTF pupil), so
    once ``limit`` are kept a later group only adds to the count; a group reported out of order
    (the per-slot "not on the roll" check at the end) is merged and cut back to ``limit``.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: list[FileError] = []
        self.count = 0

    @property
    def wanted(self) -> int:
        return max(self.limit - len(self.kept), 0)

    def group(self, found: list[FileError], total: int) -> None:
        """Add the errors of the next stretch of the file (later lines than any kept so far)."""
        self.count += total
        room = self.wanted
        if room and found:
            self.kept.extend(sorted(found, key=FileError.sort_key)[:room])

    def merge(self, errors: list[FileError], total: int) -> None:
        self.count += total
        self.kept = sorted([*self.kept, *errors], key=FileError.sort_key)[: self.limit]

    def final(self) -> list[FileError]:
        return sorted(self.kept, key=FileError.sort_key)[: self.limit]


def _mark_text(byte: int) -> str:
    """A stored character as the code people write (``F`` → ``C1``)."""
    return CODE_BY_MARK[chr(byte)].code if chr(byte) in CODE_BY_MARK else chr(byte)


def _not_a_school_day(calendar: SchoolCalendar, day: dt.date) -> str:
    """Why ``day`` is not a school day, for an error message."""
    if day.weekday() >= 5:
        reason = "a weekend"
    elif day in calendar.bank_holidays:
        reason = "a bank holiday"
    elif day in calendar.closures:
        reason = "a closure (INSET) day"
    else:
        reason = "in the school holidays"
    return f"{day:%A} {long_date(day)} is not a school day: it is {reason}. Only # may be recorded on it"


def _slot_errors(
    slots: _Slots,
    reference: Reference,
    read_line: Callable[[Int64s], Int64s],
    limit: int,
) -> tuple[list[FileError], int]:
    """Slots with marks on days their pupil was not on that school's roll (by the roll spells'
    dates): one error each, at the slot's first line, naming the first such day."""
    pupil, school, year = slots.slot_parts()
    child_ids = reference.child_ids[pupil]
    school_ids = reference.school_ids[school]
    off, first_position = reference.sessions_off_roll(child_ids, school_ids, year, slots.marks[: slots.count])
    bad = np.flatnonzero(off > 0)
    if not bad.size:
        return [], 0
    lines = read_line(slots.first_source[: slots.count][bad])
    first = bad[np.argsort(lines, kind="stable")[:limit]]
    first_lines = read_line(slots.first_source[first])
    errors = []
    for slot, line in zip(first.tolist(), first_lines.tolist(), strict=True):
        sessions = int(off[slot])
        y = int(year[slot])
        day = dt.date(y, 9, 1) + dt.timedelta(days=int(first_position[slot]) // 2)
        errors.append(
            FileError(
                int(line),
                "upn",
                f"The pupil with UPN {reference.upns[int(pupil[slot])]} is not on the roll of "
                f"{reference.school_label(int(school[slot]))} on {day:%A} {long_date(day)} "
                f"({sessions} session{'s' if sessions != 1 else ''} for them in this file on days "
                "off the roll; use code Z for a pupil not yet on roll)",
            )
        )
    return errors, int(bad.size)


def _finish(slots: _Slots, reference: Reference, rows: int, errors: _Errors) -> MarksRead:
    if errors.count:
        read = MarksRead.failed(errors.final(), rows)
        read.error_count = errors.count
        return read
    pupil, school, year = slots.slot_parts()
    return MarksRead(
        child_ids=reference.child_ids[pupil],
        school_ids=reference.school_ids[school],
        years=year,
        marks=slots.marks[: slots.count],
        rows=rows,
        errors=[],
        error_count=0,
    )


# ---- CSV ------------------------------------------------------------------------------------------


@dataclass
class _DateInfo:
    year: int  # academic year; 0 when the text is not a usable date
    offset: int
    school_day: bool
    problem: str  # why the text is not a usable date


@dataclass
class _Block:
    """One block of CSV rows, checked: what each column of each row means, and which rows are good."""

    rows: int
    pupil: Int64s  # -1 unknown or invalid UPN
    school: Int64s  # -1 unknown school, -2 another school than the one allowed
    year: Int64s  # 0 not a usable date
    offset: Int64s
    school_day: Bools
    session: Int64s  # 0 AM, 1 PM, -1 neither
    mark: Bytes  # 0 not a code
    not_utf8: Bools
    empty: Bools  # an empty line
    columns: list[pa.DictionaryArray]
    failures: dict[str, Bools] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unusable = self.not_utf8 | self.empty
        usable = ~unusable
        date = self.year > 0
        code = self.mark > 0
        off_day = date & code & ~self.school_day & (self.mark != _HASH)
        self.failures = {
            "unusable": unusable,
            "upn": usable & (self.pupil < 0),
            "school": usable & (self.school < 0),
            "date": usable & (~date | off_day),
            "session": usable & (self.session < 0),
            "code": usable & ~code,
        }

    def valid(self) -> Bools:
        bad = np.zeros(self.rows, dtype=np.bool_)
        for failed in self.failures.values():
            bad |= failed
        return ~bad

    def error_total(self) -> int:
        return sum(int(failed.sum()) for failed in self.failures.values())

    def text(self, column: int, row: int) -> str:
        array = self.columns[column]
        value = array.dictionary[array.indices[row].as_py()]
        return bytes(value.as_buffer() or b"").decode("utf-8", errors="replace").strip()

    def cells(self, slots: _Slots, rows: Int64s) -> Int64s:
        return slots.cell_keys(
            self.pupil[rows], self.school[rows], self.year[rows], 2 * self.offset[rows] + self.session[rows]
        )


class _CsvChecker:
    """Turns CSV blocks into answers per row, caching what it learns about each distinct value."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.only_school = reference.only_school_index()
        self.dates: dict[str, _DateInfo] = {}
        self.schools: dict[str, int] = {}

    def _date(self, text: str) -> _DateInfo:
        info = self.dates.get(text)
        if info is None:
            info = self._parse_date(text)
            self.dates[text] = info
        return info

    def _parse_date(self, text: str) -> _DateInfo:
        if not _DATE_PATTERN.fullmatch(text):
            return _DateInfo(0, 0, False, f'"{text}" is not a date written as YYYY-MM-DD')
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return _DateInfo(0, 0, False, f'"{text}" is not a real date')
        year = academic_year_of(day)
        if not FIRST_YEAR <= year < FIRST_YEAR + YEARS:
            return _DateInfo(0, 0, False, f"{long_date(day)} is outside the years Roll Call keeps marks for")
        offset = (day - dt.date(year, 9, 1)).days
        return _DateInfo(year, offset, self.reference.calendar.is_school_day(day), "")

    def _school(self, text: str) -> int:
        index = self.schools.get(text)
        if index is None:
            index = self.reference.school_index(text)
            if index >= 0 and self.only_school is not None and index != self.only_school:
                index = -2
            self.schools[text] = index
        return index

    def check(self, batch: pa.RecordBatch) -> _Block:
        """Check one block: each distinct value once (Python or pyarrow), then numpy gathers per row."""
        n = batch.num_rows
        columns: list[pa.DictionaryArray] = [batch.column(i) for i in range(len(CSV_COLUMNS))]
        indices: list[npt.NDArray[np.int32]] = []
        values: list[pa.StringArray] = []
        not_utf8 = np.zeros(n, dtype=np.bool_)
        blanks: list[Bools] = []
        for array in columns:
            index = np.asarray(array.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
            indices.append(index)
            dictionary = array.dictionary
            try:
                dictionary.validate(full=True)
            except pa.ArrowInvalid:  # not UTF-8: name the rows, and read the value as empty
                raw = dictionary.cast(pa.binary()).to_pylist()
                bad = np.zeros(len(raw), dtype=np.bool_)
                texts = []
                for k, value in enumerate(raw):
                    try:
                        texts.append(bytes(value or b"").decode("utf-8"))
                    except UnicodeDecodeError:
                        texts.append("")
                        bad[k] = True
                not_utf8 |= bad[index]
                dictionary = pa.array(texts, type=pa.string())
            trimmed = pc.utf8_trim_whitespace(dictionary)
            values.append(trimmed)
            blanks.append(np.asarray(pc.equal(pc.utf8_length(trimmed), 0).to_numpy(zero_copy_only=False)))
        empty = np.zeros(n, dtype=np.bool_)
        if all(blank.any() for blank in blanks):
            empty = np.ones(n, dtype=np.bool_)
            for blank, index in zip(blanks, indices, strict=True):
                empty &= blank[index]
        upn_values, school_values, date_values, session_values, code_values = values
        # UPNs: normalised and looked up once per distinct value, in C.
        upns = pc.utf8_upper(pc.replace_substring(upn_values, " ", ""))
        pupil = self.reference.pupil_indexes(upns)[indices[0]]
        school = np.array([self._school(v) for v in school_values.to_pylist()], dtype=np.int64)[indices[1]]
        dates = [self._date(v) for v in date_values.to_pylist()]
        year = np.array([d.year for d in dates], dtype=np.int64)[indices[2]]
        offset = np.array([d.offset for d in dates], dtype=np.int64)[indices[2]]
        school_day = np.array([d.school_day for d in dates], dtype=np.bool_)[indices[2]]
        sessions = [{"AM": 0, "PM": 1}.get(v.upper(), -1) for v in session_values.to_pylist()]
        session = np.array(sessions, dtype=np.int64)[indices[3]]
        codes = [_MARK_OF_CODE.get(v.upper(), 0) for v in code_values.to_pylist()]
        mark = np.array(codes, dtype=np.uint8)[indices[4]]
        return _Block(
            rows=n,
            pupil=pupil,
            school=school,
            year=year,
            offset=offset,
            school_day=school_day,
            session=session,
            mark=mark,
            not_utf8=not_utf8,
            empty=empty & ~not_utf8,
            columns=columns,
        )

    def row_errors(self, block: _Block, row: int, number: int) -> list[FileError]:
        """Every error of one row, at ``number`` (the row's number; made a line later).

        Only called for the first few hundred bad rows of a file.
        """
        reference = self.reference
        if block.not_utf8[row]:
            return [
                FileError(
                    number,
                    "encoding",
                    "This line is not UTF-8 text. Save the file as UTF-8 (in Excel: CSV UTF-8) "
                    "and send it again",
                )
            ]
        if block.empty[row]:
            return [FileError(number, "line", "This line is empty")]
        errors = []
        if block.failures["upn"][row]:
            upn = block.text(0, row)
            problems = upn_errors(upn) if upn else ["It is empty"]
            if problems:
                message = f'"{upn}" is not a valid UPN: {problems[0][0].lower()}{problems[0][1:]}'
            else:
                message = f"No child with UPN {upn.replace(' ', '').upper()} is known to Roll Call"
            errors.append(FileError(number, "upn", message))
        if block.school[row] == -1:
            errors.append(
                FileError(
                    number,
                    "school",
                    f'No school has the URN or LA establishment number "{block.text(1, row)}"',
                )
            )
        elif block.school[row] == -2:
            own = self.only_school
            mine = reference.school_label(own) if own is not None and own >= 0 else "your own school"
            theirs = reference.school_label(reference.school_index(block.text(1, row)))
            errors.append(
                FileError(number, "school", f"This line is for {theirs}; you can only send marks for {mine}")
            )
        if block.failures["date"][row]:
            info = self._date(block.text(2, row))
            if not info.year:
                errors.append(FileError(number, "date", info.problem))
            else:
                day = dt.date(info.year, 9, 1) + dt.timedelta(days=info.offset)
                errors.append(FileError(number, "date", _not_a_school_day(reference.calendar, day)))
        if block.failures["session"][row]:
            errors.append(FileError(number, "session", f'"{block.text(3, row)}" is not AM or PM'))
        if block.failures["code"][row]:
            errors.append(
                FileError(number, "code", f'"{block.text(4, row)}" is not a national attendance code')
            )
        return errors


def _csv_reader(path: Path, on_invalid: Callable[[Any], str]) -> pcsv.CSVStreamingReader:
    column_type = pa.dictionary(pa.int32(), pa.string())
    return pcsv.open_csv(
        path,
        read_options=pcsv.ReadOptions(
            use_threads=True, block_size=CSV_BLOCK_BYTES, skip_rows=1, column_names=list(CSV_COLUMNS)
        ),
        # No quoting: no valid value holds a comma or a quote, so every physical line is one row
        # and a row's line number is arithmetic. Empty lines stay rows (and are reported as empty).
        parse_options=pcsv.ParseOptions(
            quote_char=False, ignore_empty_lines=False, invalid_row_handler=on_invalid
        ),
        # UTF-8 is checked per distinct value (so the bad line can be named), not by the reader.
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(CSV_COLUMNS, column_type),
            check_utf8=False,
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _check_header(path: Path) -> tuple[FileError | None, bytes]:
    with path.open("rb") as stream:
        head = stream.read(1 << 16)
    if not head:
        return FileError(1, "header", "The file is empty"), head
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = "The file is UTF-16 text. Save it as UTF-8 (in Excel: CSV UTF-8) and send it again"
        return FileError(1, "encoding", message), head
    first = head.split(b"\n", 1)[0].rstrip(b"\r").removeprefix(b"\xef\xbb\xbf")
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        message = "The first line is not UTF-8 text. Save the file as UTF-8 and send it again"
        return FileError(1, "encoding", message), head
    names = [name.strip().lower() for name in text.split(",")]
    if names == list(CSV_COLUMNS):
        return None, head
    if len(names) == len(CSV_COLUMNS) and not upn_errors(names[0]):
        message = f"The first line must be the header {CSV_HEADER}; this file starts with a row of marks"
        return FileError(1, "header", message), head
    return FileError(1, "header", f'The first line must be exactly {CSV_HEADER}, not "{text[:200]}"'), head


def _bad_lines(path: Path) -> tuple[list[int], list[int]]:
    """Line numbers (and field counts) of the lines without five fields (error path only)."""
    lines, fields = [], []
    with path.open("rb") as stream:
        stream.readline()  # the header
        for number, line in enumerate(stream, start=2):
            commas = line.count(b",")
            if commas != len(CSV_COLUMNS) - 1 and line.strip(b"\r\n"):
                lines.append(number)
                fields.append(commas + 1)
    return lines, fields


def read_csv(
    path: Path, reference: Reference, *, progress: Progress | None = None, max_errors: int = 500
) -> MarksRead:
    """Read and check a CSV of session marks (see the module docstring); nothing is stored here."""
    size = path.stat().st_size
    header_error, head = _check_header(path)
    if header_error:
        return MarksRead.failed([header_error])
    # The first block says how long a line is; the estimate is replaced by the count at the end.
    lines_in_head = head.count(b"\n")
    per_row = len(head) / lines_in_head if lines_in_head > 1 else _BYTES_PER_CSV_ROW
    rows_total = max(1, int(size / per_row))
    invalid = [0]

    def on_invalid(_row: Any) -> str:
        invalid[0] += 1
        return "skip"

    checker = _CsvChecker(reference)
    slots = _Slots(reference.school_count, len(reference.upns))
    errors = _Errors(max_errors)  # lines are row numbers until the end of the read
    repeats: list[_Repeats] = []
    repeats_kept = 0
    rows = 0
    try:
        for batch in _csv_reader(path, on_invalid):
            block = checker.check(batch)
            valid = block.valid()
            total = block.error_total()
            if total:
                found: list[FileError] = []
                if errors.wanted:
                    for row in np.flatnonzero(~valid)[: errors.wanted].tolist():
                        found += checker.row_errors(block, row, rows + row)
                errors.group(found, total)
            keep = np.flatnonzero(valid)
            if keep.size:
                repeat = slots.place(block.cells(slots, keep), block.mark[keep], keep.astype(np.int64) + rows)
                if repeat.sources.size:
                    errors.count += int(repeat.sources.size)
                    if repeats_kept < max_errors:
                        repeats.append(repeat.first(max_errors - repeats_kept))
                        repeats_kept += repeats[-1].sources.size
            rows += block.rows
            rows_total = max(rows_total, rows)
            if progress:
                progress(rows, rows_total)
    except (pa.ArrowInvalid, OSError) as failure:
        message = f"The file could not be read as CSV: {failure}"
        return MarksRead.failed([FileError(None, "file", message)], rows)
    if progress:
        progress(rows, rows)

    # Lines: the header is line 1; a skipped line (wrong number of fields) moves the rows after it down.
    bad_lines, bad_fields = _bad_lines(path) if invalid[0] else ([], [])
    bad = np.array(bad_lines, dtype=np.int64)
    shifts = bad - 2 - np.arange(bad.size)

    def line_of(row_numbers: Int64s) -> Int64s:
        return np.asarray(
            row_numbers + 2 + np.searchsorted(shifts, row_numbers, side="right"), dtype=np.int64
        )

    last_line = rows + invalid[0] + 1
    cut = not _ends_with_newline(path, size)

    def at(error: FileError, line: int) -> FileError:
        if cut and line == last_line:
            message = f"{error.message}. The file ends part-way through this line: it may have been cut off"
            return FileError(line, error.field, message)
        return FileError(line, error.field, error.message)

    if errors.kept:
        numbers = line_of(np.array([e.line or 0 for e in errors.kept], dtype=np.int64)).tolist()
        errors.kept = [at(e, line) for e, line in zip(errors.kept, numbers, strict=True)]
    shape = [
        at(
            FileError(
                line,
                "line",
                f"This line has {count} field{'s' if count != 1 else ''}; every line needs {len(CSV_COLUMNS)} ({CSV_HEADER})",
            ),
            line,
        )
        for line, count in list(zip(bad_lines, bad_fields, strict=True))[:max_errors]
    ]
    errors.merge(shape, invalid[0])
    first_rows = functools.partial(_csv_first_rows, path, checker, slots)
    errors.merge(_repeat_errors(repeats, max_errors, first_rows, line_of), 0)
    if rows == 0 and not errors.count:
        return MarksRead.failed([FileError(2, "file", "The file has a header but no rows of marks")])
    slot_errors, slot_count = _slot_errors(slots, reference, line_of, max_errors)
    errors.merge([at(e, e.line or 0) for e in slot_errors], slot_count)
    return _finish(slots, reference, rows, errors)


def _ends_with_newline(path: Path, size: int) -> bool:
    if not size:
        return True
    with path.open("rb") as stream:
        stream.seek(size - 1)
        return stream.read(1) == b"\n"


def _csv_first_rows(path: Path, checker: _CsvChecker, slots: _Slots, cells: Int64s) -> dict[int, int]:
    """The first row giving each of ``cells`` (a second read, on the error path only)."""
    first: dict[int, int] = {}
    rows = 0
    for batch in _csv_reader(path, lambda _row: "skip"):
        block = checker.check(batch)
        keep = np.flatnonzero(block.valid())
        if keep.size:
            found = block.cells(slots, keep)
            hit = np.flatnonzero(np.isin(found, cells))
            for cell, row in zip(found[hit].tolist(), (keep[hit] + rows).tolist(), strict=True):
                first.setdefault(cell, row)
        rows += block.rows
    return first


def _repeat_errors(
    repeats: list[_Repeats],
    limit: int,
    first_sources: Callable[[Int64s], dict[int, int]],
    line_of: Callable[[Int64s], Int64s],
) -> list[FileError]:
    """Messages for the first ``limit`` duplicated or conflicting rows, naming both lines."""
    if not repeats:
        return []
    sources = np.concatenate([r.sources for r in repeats])
    order = np.argsort(sources, kind="stable")[:limit]
    cells = np.concatenate([r.cells for r in repeats])[order]
    marks = np.concatenate([r.marks for r in repeats])[order]
    earlier_marks = np.concatenate([r.earlier_marks for r in repeats])[order]
    earlier = np.concatenate([r.earlier_sources for r in repeats])[order]
    unknown = earlier < 0
    if unknown.any():
        found = first_sources(np.unique(cells[unknown]))
        earlier[unknown] = [found.get(int(c), -1) for c in cells[unknown].tolist()]
    lines = line_of(sources[order])
    earlier_lines = line_of(earlier)
    errors = []
    for line, earlier_line, mark, earlier_mark in zip(
        lines.tolist(), earlier_lines.tolist(), marks.tolist(), earlier_marks.tolist(), strict=True
    ):
        if mark == earlier_mark:
            message = (
                f"This line repeats line {earlier_line}: the same pupil, school, date and session, "
                f"with the same code ({_mark_text(mark)})"
            )
            errors.append(FileError(line, "line", message))
        else:
            message = (
                f"This line gives {_mark_text(mark)} for the session line {earlier_line} gives "
                f"{_mark_text(earlier_mark)}: the same pupil, school, date and session with a different code"
            )
            errors.append(FileError(line, "code", message))
    return errors


# ---- Common Transfer File (XML) ---------------------------------------------------------------------


@dataclass
class _Attendance:
    """One SessionAttendance element of a pupil, as read (checked afterwards, in bulk)."""

    pupil: int  # the Pupil element's number in the file
    upn: str
    upn_line: int
    start: str
    start_line: int
    marks: str
    marks_line: int


class _TooBig(Exception):
    pass


class _CtfHandler(ContentHandler):
    """Collects the few things Roll Call reads from a CTF, with the line each came from."""

    _KEEP = frozenset(
        {"LEA", "Estab", "UPN", "AttendanceStartDate", "AttendanceMarks", "SchoolName", "DocumentName"}
    )

    def __init__(self, on_pupil: Callable[[int], None]) -> None:
        super().__init__()
        self.locator: Locator | None = None
        self.path: list[str] = []
        self.text: list[str] = []
        self.text_length = 0
        self.keeping = False
        self.lea = self.estab = ""
        self.source_line = 0
        self.pupils = 0
        self.pupil_line = 0
        self.upn = ""
        self.upn_line = 0
        self.start = ""
        self.start_line = 0
        self.marks = ""
        self.marks_line = 0
        self.root = ""
        self.attendance: list[_Attendance] = []
        self.missing_upn: list[int] = []  # lines of Pupil elements with marks but no UPN
        self.pending: list[_Attendance] = []
        self.on_pupil = on_pupil

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def line(self) -> int:
        return (self.locator.getLineNumber() or 0) if self.locator else 0

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        if not self.path:
            self.root = name
        self.path.append(name)
        if len(self.path) > CTF_MAX_DEPTH:
            raise _TooBig(f"Elements are nested more than {CTF_MAX_DEPTH} deep")
        self.keeping = name in self._KEEP
        self.text = []
        self.text_length = 0
        if name == "Pupil":
            self.pupil_line = self.line()
            self.upn, self.upn_line = "", 0
            self.pending = []
        elif name == "SessionAttendance":
            self.start = self.marks = ""
            self.start_line = self.marks_line = self.line()
        elif name == "SourceSchool":
            self.source_line = self.line()
        elif name == "UPN":
            self.upn_line = self.line()
        elif name == "AttendanceStartDate":
            self.start_line = self.line()
        elif name == "AttendanceMarks":
            self.marks_line = self.line()

    def characters(self, content: str) -> None:
        if self.keeping:
            self.text_length += len(content)
            if self.text_length > CTF_MAX_TEXT:
                raise _TooBig(f"The text of <{self.path[-1]}> is longer than {CTF_MAX_TEXT:,} characters")
            self.text.append(content)

    def endElement(self, name: str) -> None:
        text = "".join(self.text).strip() if self.keeping else ""
        self.keeping = False
        self.text = []
        parent = self.path[-2] if len(self.path) > 1 else ""
        self.path.pop()
        if parent == "SourceSchool" and name == "LEA":
            self.lea = text
        elif parent == "SourceSchool" and name == "Estab":
            self.estab = text
        elif name == "UPN" and parent == "Pupil":
            self.upn = text
        elif name == "AttendanceStartDate":
            self.start = text
        elif name == "AttendanceMarks":
            self.marks = text
        elif name == "SessionAttendance" and "Pupil" in self.path:
            self.pending.append(
                _Attendance(self.pupils, "", 0, self.start, self.start_line, self.marks, self.marks_line)
            )
        elif name == "Pupil":
            self.pupils += 1
            if self.pending and not self.upn:
                self.missing_upn.append(self.pupil_line)
            for item in self.pending:
                item.upn, item.upn_line = self.upn, self.upn_line
                self.attendance.append(item)
            self.pending = []
            if self.pupils % CTF_PROGRESS_EVERY == 0:
                self.on_pupil(self.pupils)


def _xml_problem(failure: BaseException, line: int) -> FileError:
    """An error for a CTF that cannot be read at all: unsafe, not well-formed or too big."""
    if isinstance(failure, DTDForbidden | EntitiesForbidden | ExternalReferenceForbidden):
        return FileError(
            line,
            "file",
            "The file declares a document type (DTD) or entities. Roll Call refuses these for safety "
            "(they can expand without limit or read other files), so nothing in this file was read. "
            "A Common Transfer File never needs one",
        )
    if isinstance(failure, DefusedXmlException):
        return FileError(
            line, "file", f"The file uses an XML feature Roll Call refuses for safety: {failure}"
        )
    if isinstance(failure, _TooBig):
        return FileError(line, "file", f"{failure}; the file cannot be a Common Transfer File")
    if isinstance(failure, SAXParseException):
        reason = failure.getMessage()
        line = failure.getLineNumber() or line
        hint = (
            " The file may have been cut off before the end."
            if "no element found" in reason or "unclosed token" in reason
            else ""
        )
        if "invalid token" in reason or "encoding" in reason:
            hint = " Check the file is saved as UTF-8 (or declares its encoding) and is not damaged."
        return FileError(line, "file", f"The file is not well-formed XML: {reason}.{hint}")
    return FileError(line, "file", f"The file could not be read: {failure}")


def read_ctf(
    path: Path,
    reference: Reference | Callable[[Sequence[str]], Reference],
    *,
    progress: Progress | None = None,
    max_errors: int = 500,
    max_bytes: int | None = None,
) -> MarksRead:
    """Read and check a Common Transfer File's attendance (see the module docstring).

    ``reference`` may be a function of the file's UPNs (as written, without spaces, upper case)
    returning the reference: called once the file is parsed, so a school's file of a few hundred
    pupils need not load every child of the council.
    """
    size = path.stat().st_size
    max_bytes = max_bytes or CTF_MAX_BYTES
    if size > max_bytes:
        return MarksRead.failed(
            [
                FileError(
                    None,
                    "file",
                    f"The file is {size / 1e6:,.0f} MB; Roll Call reads Common Transfer Files of up "
                    f"to {max_bytes / 1e6:,.0f} MB",
                )
            ]
        )
    rows_total = estimate_rows(size, "ctf")

    def on_pupil(pupils: int) -> None:
        nonlocal rows_total
        rows_total = max(rows_total, pupils)
        if progress:
            progress(pupils, rows_total)

    handler = _CtfHandler(on_pupil)
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(handler)
    handler.setDocumentLocator(parser)  # feed() never calls it; the reader is its own locator
    # External general and parameter entities are never fetched (also forbidden above).
    parser.setFeature("http://xml.org/sax/features/external-general-entities", False)
    parser.setFeature("http://xml.org/sax/features/external-parameter-entities", False)
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                parser.feed(chunk)
            parser.close()
    except (SAXParseException, DefusedXmlException, _TooBig, ValueError) as failure:
        return MarksRead.failed([_xml_problem(failure, handler.line())], handler.pupils)
    if progress:
        progress(handler.pupils, handler.pupils)
    if handler.root != "CTfile":
        return MarksRead.failed(
            [
                FileError(
                    1,
                    "file",
                    f"This is not a Common Transfer File: its root element is <{handler.root}>, not <CTfile>",
                )
            ]
        )
    if not isinstance(reference, Reference):
        reference = reference(sorted({_ctf_upn(item) for item in handler.attendance}))
    return _check_ctf(handler, reference, max_errors)


def _ctf_upn(item: _Attendance) -> str:
    return item.upn.replace(" ", "").upper()


def _check_ctf(handler: _CtfHandler, reference: Reference, max_errors: int) -> MarksRead:
    """Check what a CTF held, all pupils at once: UPNs and dates per element, marks per character."""
    errors = _Errors(max_errors)
    early: list[FileError] = []  # the header and pupils without a UPN: merged in line order below
    school = reference.school_index(f"{handler.lea}{handler.estab}") if handler.lea and handler.estab else -1
    only = reference.only_school_index()
    if school < 0:
        early.append(
            FileError(
                handler.source_line or 1,
                "SourceSchool",
                f'No school has the LA establishment number "{handler.lea}{handler.estab}" '
                "(LEA and Estab in the header's SourceSchool)",
            )
        )
    elif only is not None and school != only:
        mine = reference.school_label(only) if only >= 0 else "your own school"
        early.append(
            FileError(
                handler.source_line,
                "SourceSchool",
                f"This file is from {reference.school_label(school)}; you can only send marks for {mine}",
            )
        )
    early += [
        FileError(line, "UPN", "This pupil has attendance marks but no UPN") for line in handler.missing_upn
    ]

    items = handler.attendance
    upns = pa.array([_ctf_upn(item) for item in items], type=pa.string())
    pupil = reference.pupil_indexes(upns) if items else np.zeros(0, dtype=np.int64)
    starts = np.zeros(len(items), dtype=np.int64)  # days since 1970-01-01; -1 not a date
    per_item: list[list[FileError]] = [[] for _ in items]
    reported: set[int] = set()
    for k, item in enumerate(items):
        if pupil[k] < 0 and item.upn and item.pupil not in reported:
            reported.add(item.pupil)
            problems = upn_errors(item.upn)
            message = (
                f'"{item.upn}" is not a valid UPN: {problems[0][0].lower()}{problems[0][1:]}'
                if problems
                else f"No child with UPN {item.upn} is known to Roll Call"
            )
            per_item[k].append(FileError(item.upn_line, "UPN", message))
        day = _iso_date(item.start)
        if day is None:
            starts[k] = -1
            message = f'"{item.start}" is not a date written as YYYY-MM-DD'
            per_item[k].append(FileError(item.start_line, "AttendanceStartDate", message))
        else:
            starts[k] = (day - _EPOCH).days

    slots = _Slots(reference.school_count, len(reference.upns))
    school_days = _SchoolDays(reference.calendar)
    check = functools.partial(_ctf_chunk, items, pupil=pupil, starts=starts, school=school, slots=slots)
    check_marks = functools.partial(check, school_days=school_days, calendar=reference.calendar)
    repeats: list[_Repeats] = []
    repeats_kept = 0
    for first in range(0, len(items), _CTF_CHUNK):
        part = range(first, min(first + _CTF_CHUNK, len(items)))
        chunk = check_marks(part, wanted=errors.wanted)
        found = [error for k in part for error in per_item[k]]
        errors.group(found + chunk.errors, len(found) + chunk.error_count)
        if chunk.cells.size:
            repeat = slots.place(chunk.cells, chunk.marks, chunk.lines)
            if repeat.sources.size:
                errors.count += int(repeat.sources.size)
                if repeats_kept < max_errors:
                    repeats.append(repeat.first(max_errors - repeats_kept))
                    repeats_kept += repeats[-1].sources.size
    errors.merge(early, len(early))

    def first_lines(cells: Int64s) -> dict[int, int]:
        found: dict[int, int] = {}
        for begin in range(0, len(items), _CTF_CHUNK):
            chunk = check_marks(range(begin, min(begin + _CTF_CHUNK, len(items))), wanted=0)
            hit = np.flatnonzero(np.isin(chunk.cells, cells))
            for cell, line in zip(chunk.cells[hit].tolist(), chunk.lines[hit].tolist(), strict=True):
                found.setdefault(cell, line)
        return found

    errors.merge(_repeat_errors(repeats, max_errors, first_lines, _same), 0)
    if not items and not errors.count:
        return MarksRead.failed(
            [FileError(1, "file", "The file has no pupils with attendance marks")], handler.pupils
        )
    # A slot's first source is the line of its AttendanceMarks; the error names the UPN's line.
    upn_line_of = {item.marks_line: item.upn_line for item in items}

    def upn_lines(lines: Int64s) -> Int64s:
        return np.array([upn_line_of.get(line, line) for line in lines.tolist()], dtype=np.int64)

    slot_errors, slot_count = _slot_errors(slots, reference, upn_lines, max_errors)
    errors.merge([FileError(e.line, "UPN", e.message) for e in slot_errors], slot_count)
    return _finish(slots, reference, handler.pupils, errors)


_EPOCH = dt.date(1970, 1, 1)
_CTF_CHUNK = 4_000  # SessionAttendance elements checked at once (about 3 million characters)


def _same(lines: Int64s) -> Int64s:
    return lines


def _iso_date(text: str) -> dt.date | None:
    if not _DATE_PATTERN.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class _SchoolDays:
    """Whether each day (as days since 1970) is a school day, by array lookup over a cached span."""

    def __init__(self, calendar: SchoolCalendar) -> None:
        self.calendar = calendar
        self.low = 0
        self.flags: Bools = np.zeros(0, dtype=np.bool_)

    def lookup(self, days: Int64s) -> Bools:
        if not days.size:
            return np.zeros(0, dtype=np.bool_)
        low, high = int(days.min()), int(days.max())
        if low < self.low or high >= self.low + self.flags.size:
            low, high = (
                min(low, self.low) if self.flags.size else low,
                max(high, self.low + self.flags.size - 1),
            )
            epoch = dt.date(1970, 1, 1)
            self.flags = np.array(
                [self.calendar.is_school_day(epoch + dt.timedelta(days=d)) for d in range(low, high + 1)],
                dtype=np.bool_,
            )
            self.low = low
        return np.asarray(self.flags[days - self.low], dtype=np.bool_)


@dataclass
class _Chunk:
    """The good marks of some SessionAttendance elements, and what was wrong with the others."""

    cells: Int64s
    marks: Bytes
    lines: Int64s
    errors: list[FileError]
    error_count: int


def _ctf_chunk(
    items: list[_Attendance],
    part: range,
    *,
    pupil: Int64s,
    starts: Int64s,
    school: int,
    slots: _Slots,
    school_days: _SchoolDays,
    calendar: SchoolCalendar,
    wanted: int,
) -> _Chunk:
    """Check the marks strings of some SessionAttendance elements at once: numpy over characters.

    Character ``i`` of a string is the morning (even ``i``) or afternoon of day ``start + i // 2``.
    Blanks are "no mark"; any other character must be a stored mark, on a school day (or ``#``).
    """
    usable = [k for k in part if starts[k] >= 0 and items[k].marks]
    texts = []
    for k in usable:
        text = items[k].marks
        texts.append(text if text.isascii() else text.encode("ascii", "replace").decode("ascii"))
    none = np.zeros(0, dtype=np.int64)
    if not texts:
        return _Chunk(none, np.zeros(0, dtype=np.uint8), none, [], 0)
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    all_chars = np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8)
    # From here on only the characters that are not blank: half a year's string is weekends
    # and holidays.
    at = np.flatnonzero(all_chars != _BLANK)
    chars = all_chars[at]
    item_of = np.repeat(np.arange(len(usable)), lengths)[at]
    index = at - np.repeat(np.cumsum(lengths) - lengths, lengths)[at]
    usable_items = np.array(usable, dtype=np.int64)
    # Each string starts in a known academic year; a character's day is an offset from that
    # year's 1 September, carried into the next year where the string runs past 31 August.
    start_days = starts[usable_items]
    start_years = np.array(
        [academic_year_of(_EPOCH + dt.timedelta(days=int(d))) for d in start_days], dtype=np.int64
    )
    first_of_year = _first_days(start_years)
    years = start_years[item_of]
    offsets = (start_days - first_of_year)[item_of] + index // 2
    while True:
        length = _first_days(years + 1) - _first_days(years)
        beyond = offsets >= length
        if not beyond.any():
            break
        offsets = np.where(beyond, offsets - length, offsets)
        years = np.where(beyond, years + 1, years)
    days = _first_days(years) + offsets
    marks = _CTF_MARK[chars]
    unknown = marks == 0
    in_range = (years >= FIRST_YEAR) & (years < FIRST_YEAR + YEARS)
    out_of_range = ~unknown & ~in_range
    checkable = ~unknown & in_range
    school_day = np.zeros(chars.size, dtype=np.bool_)
    school_day[checkable] = school_days.lookup(days[checkable])
    off_day = checkable & ~school_day & (marks != _HASH)
    bad = unknown | off_day | out_of_range
    count = int(bad.sum())
    errors: list[FileError] = []
    for position in np.flatnonzero(bad)[:wanted].tolist():
        item = items[usable[int(item_of[position])]]
        char = int(index[position])
        day = _EPOCH + dt.timedelta(days=int(days[position]))
        where = f"character {char + 1} (the {'afternoon' if char % 2 else 'morning'} of {long_date(day)})"
        if unknown[position]:
            message = f'"{chr(int(chars[position]))}" at {where} is not an attendance mark'
        elif out_of_range[position]:
            message = f"The mark at {where} is outside the years Roll Call keeps marks for"
        else:
            mark = _mark_text(int(marks[position]))
            message = f"The mark {mark} at {where}: {_not_a_school_day(calendar, day)}"
        errors.append(FileError(item.marks_line, "AttendanceMarks", message))
    pupils = pupil[usable_items][item_of]
    good = checkable & ~off_day & (pupils >= 0)
    if school < 0 or not good.any():
        return _Chunk(none, np.zeros(0, dtype=np.uint8), none, errors, count)
    positions = 2 * offsets[good] + index[good] % 2
    cells = slots.cell_keys(
        pupils[good], np.full(int(good.sum()), school, dtype=np.int64), years[good], positions
    )
    lines = np.array([items[k].marks_line for k in usable], dtype=np.int64)[item_of[good]]
    return _Chunk(cells, marks[good], lines, errors, count)


_TABLE_FIRST_YEAR, _TABLE_YEARS = 1800, 600
_FIRST_DAY_OF_YEAR: Int64s = (
    ((np.arange(_TABLE_YEARS, dtype=np.int64) + _TABLE_FIRST_YEAR - 1970) * 12 + 8)
    .astype("datetime64[M]")
    .astype("datetime64[D]")
    .astype(np.int64)
)


def _first_days(years: Int64s) -> Int64s:
    """1 September of each academic year, as days since 1970-01-01 (by table; years outside
    1800-2399 are clipped, and are refused as out of range anyway)."""
    return _FIRST_DAY_OF_YEAR[np.clip(years - _TABLE_FIRST_YEAR, 0, _TABLE_YEARS - 1)]
