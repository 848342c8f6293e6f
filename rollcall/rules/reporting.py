"""Reporting periods, percentiles, age bands, postcode districts and small-number suppression.

Plain values only, no database: the reports app (rollcall/reports) asks these questions; the
definitions are written out for people in docs/reports.md.

Periods
    A report covers one :class:`Period`, from ``start`` to ``end`` inclusive (dates in England):

    - a calendar **month** ("2026-03");
    - a **quarter of the financial year**, because councils report to committees on the financial
      year (1 April to 31 March): Q1 is April-June, Q2 July-September, Q3 October-December and Q4
      January-March of the following calendar year ("2025-26-Q4" is January-March 2026);
    - a **financial year** ("FY2025-26": 1 April 2025 to 31 March 2026);
    - an **academic (school) year**, 1 September to 31 August ("AY2025-26"), as deferred places are
      counted (rollcall/rules/admissions.py ``academic_year_span``).

    Figures are "as at" the end of the period, or today for the period still running
    (:meth:`Period.as_at`), so a report run today for last March shows last March's figures.

Percentiles
    :func:`percentile` uses the **nearest-rank** method: the p-th percentile of N values is the
    value at rank ceil(p x N / 100) in ascending order (1-based). The median is the 50th
    percentile, so for an even count it is the lower of the two middle values, always a number of
    school days some case actually took. This is PostgreSQL's ``percentile_disc``; in DuckDB it is
    ``list_sort(list(x))[ceil(p * count(*) / 100)]``.

Suppression
    :func:`suppress` hides small numbers in aggregate tables shared with partners (DOMAIN.md, "Data
    protection": aggregate exports suppress counts under 5). See its docstring.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rollcall.rules.age import birthday

__all__ = [
    "AGE_BANDS",
    "NOT_KNOWN_AREA",
    "SECONDARY",
    "SMALL",
    "SUPPRESSION_THRESHOLD",
    "AgeBand",
    "Period",
    "PeriodKind",
    "Published",
    "SuppressedTable",
    "academic_year",
    "age_band",
    "age_on",
    "financial_year",
    "financial_year_of",
    "last_complete",
    "median",
    "month",
    "parse_period",
    "percentile",
    "period_containing",
    "postcode_district",
    "quarter",
    "recent",
    "suppress",
    "trailing",
]

_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    FINANCIAL_YEAR = "financial_year"
    ACADEMIC_YEAR = "academic_year"

    @property
    def label(self) -> str:
        return {
            PeriodKind.MONTH: "Month",
            PeriodKind.QUARTER: "Quarter (financial year)",
            PeriodKind.FINANCIAL_YEAR: "Financial year",
            PeriodKind.ACADEMIC_YEAR: "School year",
        }[self]


def _month_name(day: date) -> str:
    return f"{_MONTH_NAMES[day.month - 1]} {day.year}"


def _short_years(start_year: int) -> str:
    """2025 -> "2025/26"."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def _month_end(year: int, month_number: int) -> date:
    return date(year + month_number // 12, month_number % 12 + 1, 1) - timedelta(days=1)


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period from ``start`` to ``end``, both inclusive. Build one with
    :func:`month`, :func:`quarter`, :func:`financial_year`, :func:`academic_year` or
    :func:`parse_period`, never directly."""

    start: date
    end: date
    kind: PeriodKind

    def __post_init__(self) -> None:
        if self.end < self.start:
            msg = f"A period cannot end ({self.end}) before it starts ({self.start})"
            raise ValueError(msg)

    @property
    def key(self) -> str:
        """The period's name in an address: "2026-03", "2025-26-Q4", "FY2025-26", "AY2025-26"."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            fy = financial_year_of(self.start)
            return f"{fy:04d}-{(fy + 1) % 100:02d}-Q{self.quarter_number}"
        prefix = "FY" if self.kind is PeriodKind.FINANCIAL_YEAR else "AY"
        return f"{prefix}{self.start.year:04d}-{(self.start.year + 1) % 100:02d}"

    @property
    def quarter_number(self) -> int:
        """1 for April-June ... 4 for January-March (0 for a period that is not a quarter)."""
        if self.kind is not PeriodKind.QUARTER:
            return 0
        return (self.start.month - 4) % 12 // 3 + 1

    @property
    def label(self) -> str:
        """The period as a person reads it: "March 2026", "Q4 2025/26 (January to March 2026)"."""
        if self.kind is PeriodKind.MONTH:
            return _month_name(self.start)
        if self.kind is PeriodKind.QUARTER:
            fy = financial_year_of(self.start)
            first = _MONTH_NAMES[self.start.month - 1]
            return f"Q{self.quarter_number} {_short_years(fy)} ({first} to {_month_name(self.end)})"
        if self.kind is PeriodKind.FINANCIAL_YEAR:
            return f"Financial year {_short_years(self.start.year)} (April {self.start.year} to March {self.end.year})"
        return f"School year {_short_years(self.start.year)} (September {self.start.year} to August {self.end.year})"

    @property
    def short_label(self) -> str:
        """A label for a chart axis: "Mar 2026", "Q4 2025/26", "2025/26"."""
        if self.kind is PeriodKind.MONTH:
            return f"{_MONTH_NAMES[self.start.month - 1][:3]} {self.start.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"Q{self.quarter_number} {_short_years(financial_year_of(self.start))}"
        return _short_years(self.start.year)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def is_complete(self, today: date) -> bool:
        """A period is complete once its last day has passed."""
        return self.end < today

    def as_at(self, today: date) -> date:
        """The day the period's "as at" figures describe: its last day, or today while it runs.

        Raises ValueError for a period that has not started: there are no figures for it yet.
        """
        if self.start > today:
            msg = f"{self.label} has not started yet"
            raise ValueError(msg)
        return min(self.end, today)

    def previous(self) -> Period:
        return period_containing(self.kind, self.start - timedelta(days=1))

    def next(self) -> Period:
        return period_containing(self.kind, self.end + timedelta(days=1))


def month(year: int, month_number: int) -> Period:
    """The calendar month ``month_number`` (1-12) of ``year``."""
    if not 1 <= month_number <= 12:
        msg = f"There is no month {month_number}"
        raise ValueError(msg)
    return Period(date(year, month_number, 1), _month_end(year, month_number), PeriodKind.MONTH)


def financial_year_of(day: date) -> int:
    """The year the financial year containing ``day`` starts in (it starts on 1 April)."""
    return day.year if day.month >= 4 else day.year - 1


def quarter(financial_year_start: int, number: int) -> Period:
    """Quarter ``number`` (1-4) of the financial year starting 1 April ``financial_year_start``.

    Q1 April-June, Q2 July-September, Q3 October-December, Q4 January-March of the next year.
    """
    if not 1 <= number <= 4:
        msg = f"There is no quarter {number}: quarters are numbered 1 to 4"
        raise ValueError(msg)
    first_month = 4 + 3 * (number - 1)
    year = financial_year_start + (first_month - 1) // 12
    first_month = (first_month - 1) % 12 + 1
    return Period(date(year, first_month, 1), _month_end(year, first_month + 2), PeriodKind.QUARTER)


def financial_year(start_year: int) -> Period:
    """1 April ``start_year`` to 31 March of the next year."""
    return Period(date(start_year, 4, 1), date(start_year + 1, 3, 31), PeriodKind.FINANCIAL_YEAR)


def academic_year(start_year: int) -> Period:
    """1 September ``start_year`` to 31 August of the next year."""
    return Period(date(start_year, 9, 1), date(start_year + 1, 8, 31), PeriodKind.ACADEMIC_YEAR)


def period_containing(kind: PeriodKind, day: date) -> Period:
    """The period of ``kind`` that ``day`` falls in."""
    if kind is PeriodKind.MONTH:
        return month(day.year, day.month)
    if kind is PeriodKind.QUARTER:
        return quarter(financial_year_of(day), (day.month - 4) % 12 // 3 + 1)
    if kind is PeriodKind.FINANCIAL_YEAR:
        return financial_year(financial_year_of(day))
    return academic_year(day.year if day.month >= 9 else day.year - 1)


def last_complete(kind: PeriodKind, today: date) -> Period:
    """The latest period of ``kind`` whose last day is before ``today``: a report's default."""
    return period_containing(kind, today).previous()


def recent(kind: PeriodKind, today: date, count: int, *, include_current: bool = True) -> list[Period]:
    """``count`` periods of ``kind``, newest first, ending with the one running today (or, with
    ``include_current=False``, the last complete one)."""
    current = period_containing(kind, today)
    first = current if include_current else current.previous()
    found = [first]
    while len(found) < count:
        found.append(found[-1].previous())
    return found[:count]


def trailing(period: Period, count: int) -> list[Period]:
    """``count`` periods of the same kind ending with ``period``, oldest first (for trends)."""
    found = [period]
    while len(found) < count:
        found.append(found[-1].previous())
    return list(reversed(found[:count]))


_KEY_PATTERNS = (
    (re.compile(r"(\d{4})-(\d{2})"), PeriodKind.MONTH),
    (re.compile(r"(\d{4})-(\d{2})-Q([1-4])"), PeriodKind.QUARTER),
    (re.compile(r"FY(\d{4})-(\d{2})"), PeriodKind.FINANCIAL_YEAR),
    (re.compile(r"AY(\d{4})-(\d{2})"), PeriodKind.ACADEMIC_YEAR),
)


def parse_period(key: str) -> Period:
    """The period named by ``key`` (see :attr:`Period.key`); ValueError for anything else."""
    for pattern, kind in _KEY_PATTERNS:
        found = pattern.fullmatch(key.strip())
        if not found:
            continue
        first, second = int(found.group(1)), int(found.group(2))
        if kind is PeriodKind.MONTH:
            return month(first, second)
        if second != (first + 1) % 100:
            break
        if kind is PeriodKind.QUARTER:
            return quarter(first, int(found.group(3)))
        if kind is PeriodKind.FINANCIAL_YEAR:
            return financial_year(first)
        return academic_year(first)
    msg = f"'{key}' is not a reporting period (e.g. 2026-03, 2025-26-Q4, FY2025-26, AY2025-26)"
    raise ValueError(msg)


# ---- percentiles ---------------------------------------------------------------------------


def percentile(values: Sequence[int], p: int) -> int | None:
    """The ``p``-th percentile (1-100) of ``values`` by the nearest-rank method; None if empty.

    The value at rank ceil(p x N / 100) of the values in ascending order, counted from 1. Integer
    arithmetic throughout, so 90 x 10 / 100 is exactly rank 9.
    """
    if not 1 <= p <= 100:
        msg = f"A percentile is between 1 and 100, not {p}"
        raise ValueError(msg)
    if not values:
        return None
    ordered = sorted(values)
    rank = -(-p * len(ordered) // 100)
    return ordered[rank - 1]


def median(values: Sequence[int]) -> int | None:
    """The nearest-rank median: the lower middle value for an even count; None if empty."""
    return percentile(values, 50)


# ---- ages and areas ------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeBand:
    label: str
    lowest: int
    highest: int | None


# Bands follow the phases of schooling: before compulsory school age, primary, secondary, and
# over compulsory school age. Wide enough that a partner cannot single a child out by age.
AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand("Under 5", 0, 4),
    AgeBand("5 to 10", 5, 10),
    AgeBand("11 to 15", 11, 15),
    AgeBand("16 and over", 16, None),
)


def age_on(dob: date, day: date) -> int:
    """Completed years of age on ``day`` (a 29 February birthday counts from 1 March)."""
    years = day.year - dob.year
    if birthday(dob, years) > day:
        years -= 1
    return max(years, 0)


def age_band(dob: date, day: date) -> str:
    """The label of the age band a child born on ``dob`` is in on ``day``."""
    age = age_on(dob, day)
    for band in AGE_BANDS:
        if age >= band.lowest and (band.highest is None or age <= band.highest):
            return band.label
    raise AssertionError("unreachable: the bands cover every age from 0")  # pragma: no cover


NOT_KNOWN_AREA = "Not known"
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?")


def postcode_district(postcode: str) -> str:
    """The postcode district (the outward code, "NM4" of "NM4 7AB"), or "Not known".

    The district is the area a multi-agency profile counts by: a few thousand households, never a
    street. Spaces and case do not matter; anything that does not look like a UK postcode is not
    known.
    """
    compact = re.sub(r"\s+", "", postcode or "").upper()
    if len(compact) < 5 or len(compact) > 7:
        return NOT_KNOWN_AREA
    outward, inward = compact[:-3], compact[-3:]
    if not _OUTWARD.fullmatch(outward) or not re.fullmatch(r"[0-9][A-Z]{2}", inward):
        return NOT_KNOWN_AREA
    return outward


# ---- small-number suppression ----------------------------------------------------------------

SUPPRESSION_THRESHOLD = 5
SMALL = "<5"
"""Shown for a count from 1 to 4 (primary suppression)."""
SECONDARY = "[c]"
"""Shown for a count withheld so that a small number cannot be worked out from a total."""

Published = int | str


@dataclass(frozen=True)
class SuppressedTable:
    """A table of counts as it may be published: each entry is the count, or SMALL, or SECONDARY.

    ``cells[r][c]``; ``row_totals[r]`` is the sum of row r, ``column_totals[c]`` of column c,
    ``total`` of everything. The real values of withheld entries are not kept.
    """

    cells: tuple[tuple[Published, ...], ...]
    row_totals: tuple[Published, ...]
    column_totals: tuple[Published, ...]
    total: Published

    @property
    def suppressed_count(self) -> int:
        entries = [*(v for row in self.cells for v in row), *self.row_totals, *self.column_totals, self.total]
        return sum(1 for v in entries if isinstance(v, str))


def _possible_values(lo: float, hi: float) -> float:
    """How many integers lie in [lo, hi] (infinity for an unbounded interval)."""
    if hi == math.inf:
        return math.inf
    return max(0, math.floor(hi) - math.ceil(lo) + 1)


def _line_is_safe(
    values: Sequence[int], signs: Sequence[int], marks: Sequence[str | None], threshold: int
) -> bool:
    """Say whether every withheld entry of one line (cells adding up to their total) keeps at
    least two possible values, given the line's published entries and what a reader knows of the
    withheld ones: "<5" is 1 to threshold - 1; "[c]" is at least the threshold (Roll Call never
    withholds a zero, and assuming the reader knows that is the cautious choice).

    The line's constraint is sum(sign x value) = 0 (cells +1, the total -1). The other withheld
    entries' signed sum can take every integer in an interval (a sum of integer intervals), so
    the values an entry can take form an interval too, computed without enumerating.
    """
    bounds = {SMALL: (1.0, float(threshold - 1)), SECONDARY: (float(threshold), math.inf)}
    known = sum(s * v for v, s, m in zip(values, signs, marks, strict=True) if m is None)
    hidden = [i for i, m in enumerate(marks) if m is not None]
    for i in hidden:
        lo_rest = hi_rest = 0.0
        for j in hidden:
            if j != i:
                lo, hi = bounds[marks[j] or SMALL]
                if signs[j] > 0:
                    lo_rest, hi_rest = lo_rest + lo, hi_rest + hi
                else:
                    lo_rest, hi_rest = lo_rest - hi, hi_rest - lo
        # signs[i] * x + rest = -known, with rest in [lo_rest, hi_rest]
        if signs[i] > 0:
            lo_x, hi_x = -known - hi_rest, -known - lo_rest
        else:
            lo_x, hi_x = known + lo_rest, known + hi_rest
        own_lo, own_hi = bounds[marks[i] or SMALL]
        if _possible_values(max(lo_x, own_lo), min(hi_x, own_hi)) < 2:
            return False
    return True


def _lines(rows: int, columns: int) -> Iterator[list[tuple[tuple[int, int], int]]]:
    """Every line of the table with its margins, as ((row, column), sign) entries.

    The table with margins is (rows + 1) x (columns + 1): index ``rows`` is the column-totals
    row and ``columns`` the row-totals column; each row and each column sums to its last entry.
    """
    for r in range(rows + 1):
        yield [((r, c), 1) for c in range(columns)] + [((r, columns), -1)]
    for c in range(columns + 1):
        yield [((r, c), 1) for r in range(rows)] + [((rows, c), -1)]


def suppress(counts: Sequence[Sequence[int]], threshold: int = SUPPRESSION_THRESHOLD) -> SuppressedTable:
    """Suppress small numbers in a table of counts, with its row, column and grand totals.

    1. **Primary**: every count (cell or total) from 1 to ``threshold - 1`` is shown as "<5".
       Zero is shown: it identifies nobody.
    2. **Secondary**: each row and each column, with its total, is a line whose entries add up.
       Wherever a line would let a reader work a "<5" entry out exactly (the standard case: it is
       the only withheld entry of its line, so it is the total minus the rest; or two "<5"
       entries whose sum can only be split one way, such as 2 = 1 + 1), the next smallest
       non-zero entry of that line is withheld too (cells before the line's total), shown as
       "[c]". A "[c]" entry that its line would pin down exactly is protected the same way.
       Lines are checked again until none needs more, so a withholding in a row that exposes a
       column is caught.

    Totals are published exactly unless withheld by these rules (never rounded). Each line is
    checked on its own, the standard method: combinations of several rows and columns solved
    together are not (docs/reports.md says so). Raises ValueError for a negative count or a
    ragged table.
    """
    if threshold < 1:
        msg = "The suppression threshold must be at least 1"
        raise ValueError(msg)
    rows = len(counts)
    columns = len(counts[0]) if rows else 0
    if any(len(row) != columns for row in counts):
        msg = "Every row of the table must have the same number of columns"
        raise ValueError(msg)
    if any(v < 0 for row in counts for v in row):
        msg = "Counts cannot be negative"
        raise ValueError(msg)
    full: dict[tuple[int, int], int] = {}
    for r in range(rows):
        for c in range(columns):
            full[(r, c)] = counts[r][c]
        full[(r, columns)] = sum(counts[r])
    for c in range(columns):
        full[(rows, c)] = sum(counts[r][c] for r in range(rows))
    full[(rows, columns)] = sum(full[(r, columns)] for r in range(rows))
    marks: dict[tuple[int, int], str] = {key: SMALL for key, value in full.items() if 0 < value < threshold}
    changed = True
    while changed:
        changed = False
        for line in _lines(rows, columns):
            while True:
                values = [full[key] for key, _ in line]
                signs = [sign for _, sign in line]
                line_marks = [marks.get(key) for key, _ in line]
                if _line_is_safe(values, signs, line_marks, threshold):
                    break
                # Cells first (the total is the line's last entry), smallest non-zero value.
                candidates = [
                    (position == len(line) - 1, full[key], position)
                    for position, (key, _) in enumerate(line)
                    if key not in marks and full[key] > 0
                ]
                if not candidates:
                    break  # everything that could be withheld already is
                _is_total, _value, position = min(candidates)
                marks[line[position][0]] = SECONDARY
                changed = True

    def shown(key: tuple[int, int]) -> Published:
        return marks.get(key, full[key])

    return SuppressedTable(
        cells=tuple(tuple(shown((r, c)) for c in range(columns)) for r in range(rows)),
        row_totals=tuple(shown((r, columns)) for r in range(rows)),
        column_totals=tuple(shown((rows, c)) for c in range(columns)),
        total=shown((rows, columns)),
    )
