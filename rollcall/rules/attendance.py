"""Attendance: the national codes, the compact marks string, and the rules Roll Call derives.

Sources:

- The School Attendance (Pupil Registration) (England) Regulations 2024 (SI 2024/208), reg. 10
  and its Tables 1 to 3: the national attendance and absence codes, in force from 19 August 2024.
  Meanings and categories follow DOMAIN.md, "Attendance codes (national set, 2024)", and
  DOMAIN-SOURCES.md §2.5. *(To confirm against the current DfE table: whether ``D`` (dual
  registered, at the other school) is still a 2024 code; the statistical category of ``Q`` and
  ``Y1`` to ``Y7`` (here "not counted": not possible sessions) and of ``X`` (here "not required").)*
  The set is data (:data:`CODES`), so a correction is one line.
- DfE, *Working together to improve school attendance* (statutory from 19 August 2024): persistent
  absence is missing 10% or more of possible sessions, severe absence 50% or more.
- Pupil Registration Regulations 2024, the attendance return: pupils absent for 10 continuous
  school days with unauthorised codes (G, N, O, U). Reg. 9(1)(i): ground (i) for deletion needs
  20 continuous school days on which every session is coded G, N or O.
- DfE, *Arranging education for children who cannot attend school because of health needs*
  (December 2023): illness on 15 or more school days, consecutive or cumulative.

The marks string (the storage format shared with the importers and the benchmark): one ``str`` per pupil, school
and academic year. The session on ``day`` is at ``2 * (day - 1 September).days`` (morning) and
the next position (afternoon); the string always holds every calendar day of the year, so it is
730 or 732 characters long, and days without a session hold the blank ``"."``. Every code is
stored as one character (:attr:`AttendanceCode.mark`): single-character codes are themselves,
two-character codes get a stand-in (``C1`` → ``F``, ``C2`` → ``H``, ``J1`` → ``J``,
``Y1``..``Y7`` → ``1``..``7``).

The evaluation runs for every pupil of a council (100,000 or more) on each import and sweep, so
:class:`Evaluator` does all its per-pupil work in C: it picks the school-day sessions out of the
string with a precomputed ``operator.itemgetter``, turns marks into digits with ``str.translate``,
combines the morning and afternoon of each day with integer ``&`` and ``|``, counts with
``str.count`` and ``int.bit_count`` and finds runs with ``str.rstrip`` and ``str.split``. No
per-day Python loop.

Pure Python: no Django import.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from operator import itemgetter
from typing import Final

__all__ = [
    "BLANK",
    "CODES",
    "CODE_BY_CODE",
    "CODE_BY_MARK",
    "GROUND_I_CODES",
    "ILLNESS_CODES",
    "UNEXPLAINED_CODES",
    "AttendanceCode",
    "Category",
    "Evaluator",
    "PupilFacts",
    "Thresholds",
    "Trigger",
    "blank_marks",
    "marks_length",
    "merge_marks",
    "offset_day",
    "school_day_offsets",
    "session_day",
    "session_index",
]

BLANK: Final = "."
"""The stored character for "no mark recorded" (and for days without a session)."""


class Category(enum.StrEnum):
    """What a code means for the statistics (DOMAIN.md, "Attendance codes")."""

    PRESENT = enum.auto()
    APPROVED = enum.auto()  # attending approved educational activity away from the school
    AUTHORISED = enum.auto()
    UNAUTHORISED = enum.auto()
    NOT_COUNTED = enum.auto()  # not a possible session
    NOT_REQUIRED = enum.auto()  # not required to attend: not a possible session either


@dataclass(frozen=True)
class AttendanceCode:
    """One national attendance code: as written (``code``), as stored (``mark``), its meaning."""

    code: str
    mark: str
    meaning: str
    category: Category


_P, _A, _AU, _UN, _NC, _NR = (
    Category.PRESENT,
    Category.APPROVED,
    Category.AUTHORISED,
    Category.UNAUTHORISED,
    Category.NOT_COUNTED,
    Category.NOT_REQUIRED,
)

CODES: Final[tuple[AttendanceCode, ...]] = (
    # Reg. 10, Table 1: present.
    AttendanceCode("/", "/", "Present (morning)", _P),
    AttendanceCode("\\", "\\", "Present (afternoon)", _P),
    AttendanceCode("L", "L", "Late, arrived before the register closed", _P),
    # Reg. 10, Table 2: attending a place other than the school (counts as attendance).
    AttendanceCode("K", "K", "Attending education provision arranged by the council", _A),
    AttendanceCode("V", "V", "Educational visit or trip", _A),
    AttendanceCode("P", "P", "Approved sporting activity", _A),
    AttendanceCode("W", "W", "Work experience", _A),
    AttendanceCode("B", "B", "Other approved off-site educational activity", _A),
    # Authorised absence.
    AttendanceCode("C1", "F", "Leave for a regulated performance or regulated employment abroad", _AU),
    AttendanceCode("M", "M", "Medical or dental appointment", _AU),
    AttendanceCode("J1", "J", "Interview", _AU),
    AttendanceCode("S", "S", "Study leave", _AU),
    AttendanceCode("C2", "H", "Part-time timetable agreed", _AU),
    AttendanceCode("C", "C", "Leave for other exceptional circumstances", _AU),
    AttendanceCode("E", "E", "Suspended or permanently excluded, no alternative provision made", _AU),
    AttendanceCode("I", "I", "Illness (not medical or dental appointments)", _AU),
    AttendanceCode("R", "R", "Religious observance", _AU),
    AttendanceCode("T", "T", "Parent travelling for occupational purposes", _AU),
    # Unauthorised absence (the set {G, N, O, U} is confirmed; DOMAIN-SOURCES.md §2.5).
    AttendanceCode("G", "G", "Holiday not agreed by the school", _UN),
    AttendanceCode("N", "N", "Reason not yet provided (to be replaced within 5 school days)", _UN),
    AttendanceCode("O", "O", "Absent in other or unknown circumstances", _UN),
    AttendanceCode("U", "U", "Arrived after the register closed", _UN),
    # Not counted: not possible sessions. (To confirm: D still a 2024 code; Q and Y1-Y7 category.)
    AttendanceCode("D", "D", "Dual registered, attending the other school", _NC),
    AttendanceCode("Q", "Q", "Unable to attend: lack of access arrangements", _NC),
    AttendanceCode("Y1", "1", "Unable to attend: transport normally provided not available", _NC),
    AttendanceCode("Y2", "2", "Unable to attend: widespread travel disruption", _NC),
    AttendanceCode("Y3", "3", "Unable to attend: part of the school premises unexpectedly closed", _NC),
    AttendanceCode("Y4", "4", "Unable to attend: whole school unexpectedly closed", _NC),
    AttendanceCode("Y5", "5", "Unable to attend: criminal justice detention", _NC),
    AttendanceCode("Y6", "6", "Unable to attend: public health guidance or law", _NC),
    AttendanceCode("Y7", "7", "Unable to attend: any other unavoidable cause", _NC),
    AttendanceCode("Z", "Z", "Prospective pupil not yet on roll", _NC),
    AttendanceCode("#", "#", "Planned whole-school closure", _NC),
    # Not required to attend. (To confirm: the statistical category of X.)
    AttendanceCode("X", "X", "Not required to attend (non-compulsory school age)", _NR),
)

CODE_BY_CODE: Final[dict[str, AttendanceCode]] = {c.code: c for c in CODES}
CODE_BY_MARK: Final[dict[str, AttendanceCode]] = {c.mark: c for c in CODES}

ILLNESS_CODES: Final = frozenset({"I"})
"""Codes of an illness day (any session of the day)."""
UNEXPLAINED_CODES: Final = frozenset({"G", "N", "O", "U"})
"""Codes of an unexplained day (both sessions): the attendance return's unauthorised set."""
GROUND_I_CODES: Final = frozenset({"G", "N", "O"})
"""Codes of a ground (i) day (both sessions): reg. 9(1)(i) does not accept U."""

_POSSIBLE = frozenset({Category.PRESENT, Category.APPROVED, Category.AUTHORISED, Category.UNAUTHORISED})


# --- the marks string -------------------------------------------------------------------------


def _first_day(academic_year: int) -> date:
    return date(academic_year, 9, 1)


def marks_length(academic_year: int) -> int:
    """The length of a marks string for ``academic_year``: two sessions per calendar day (730 or 732)."""
    return 2 * (_first_day(academic_year + 1) - _first_day(academic_year)).days


def session_index(academic_year: int, day: date, pm: bool) -> int:
    """The position of the morning (``pm=False``) or afternoon session on ``day`` in the string.

    Raises ValueError when ``day`` is not in the academic year (1 September to 31 August).
    """
    index = 2 * (day - _first_day(academic_year)).days + (1 if pm else 0)
    if not 0 <= index < marks_length(academic_year):
        msg = f"{day.isoformat()} is not in the academic year {academic_year}/{(academic_year + 1) % 100:02d}"
        raise ValueError(msg)
    return index


def session_day(academic_year: int, index: int) -> tuple[date, bool]:
    """The inverse of :func:`session_index`: the day of position ``index`` and whether it is PM."""
    if not 0 <= index < marks_length(academic_year):
        msg = f"Session {index} is not in the academic year {academic_year}/{(academic_year + 1) % 100:02d}"
        raise ValueError(msg)
    offset, pm = divmod(index, 2)
    return _first_day(academic_year) + timedelta(days=offset), bool(pm)


def blank_marks(academic_year: int) -> str:
    """A marks string for ``academic_year`` with no marks recorded."""
    return BLANK * marks_length(academic_year)


_MARKED_RUN = re.compile(f"[^{re.escape(BLANK)}]+")


def merge_marks(strings: Sequence[str]) -> str:
    """Overlay several marks strings of one pupil into one: at each position the first non-blank.

    ``strings`` come most recent roll first, so where two schools both recorded a session the
    current school's mark wins. Used for a pupil who changed school mid-year: illness days and
    streaks then count across the change. A shorter string is blank beyond its end; the result is
    as long as the longest. No strings give ``""``.
    """
    if len(strings) == 1:
        return strings[0]
    if not strings:
        return ""
    width = max(map(len, strings))
    merged = list(BLANK * width)
    # Lay the strings down last to first, so the earlier (more recent) ones end up on top. Only
    # runs of marks are copied: a school week is one run, so this is a few dozen slice copies.
    for marks in reversed(strings):
        for run in _MARKED_RUN.finditer(marks):
            merged[run.start() : run.end()] = run.group()
    return "".join(merged)


def offset_day(academic_year: int, offset: int) -> date:
    """The day ``offset`` days after 1 September of ``academic_year`` (the inverse of the offsets
    :func:`school_day_offsets` gives and :class:`PupilFacts` reports)."""
    return _first_day(academic_year) + timedelta(days=offset)


def school_day_offsets(calendar_days: Iterable[date], academic_year: int) -> list[int]:
    """The offsets from 1 September of the school days in ``calendar_days`` within ``academic_year``.

    Typically ``school_day_offsets(calendar.school_days_in(date(Y, 9, 1), as_of), Y)``: the window
    an :class:`Evaluator` works over. Days outside the academic year are left out; the result is
    ascending without repeats.
    """
    first = _first_day(academic_year)
    days = marks_length(academic_year) // 2
    return sorted({o for o in ((d - first).days for d in calendar_days) if 0 <= o < days})


# --- the rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """The numbers the triggers use; council settings, with these defaults.

    ``illness_days``: the health-needs guidance's 15 school days. ``unexplained_days``: the
    attendance return's 10 continuous school days. ``ground_i_days``: reg. 9(1)(i)'s 20 school
    days. ``persistent``/``severe``: the shares of possible sessions missed (*Working together to
    improve school attendance*). ``unmarked_days``: Roll Call's "possibly left" prompt.
    """

    illness_days: int = 15
    unexplained_days: int = 10
    ground_i_days: int = 20
    persistent: float = 0.10
    severe: float = 0.50
    unmarked_days: int = 10

    def __post_init__(self) -> None:
        for name in ("illness_days", "unexplained_days", "ground_i_days", "unmarked_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                msg = f"Thresholds.{name} must be a whole number of school days, at least 1 (got {value!r})"
                raise ValueError(msg)
        for name in ("persistent", "severe"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                msg = f"Thresholds.{name} must be a share above 0 and at most 1 (got {value!r})"
                raise ValueError(msg)


class Trigger(enum.StrEnum):
    """What the evaluation of one pupil can prompt."""

    ILLNESS = enum.auto()  # illness on 15+ school days this year: health-needs prompt
    MISSING = enum.auto()  # 10 consecutive unexplained school days: CME prompt
    GROUND_I = enum.auto()  # 20 consecutive school days all G, N or O: the ground (i) question
    POSSIBLY_LEFT = enum.auto()  # no marks for 10 school days while on roll
    PERSISTENT = enum.auto()  # absent from 10% or more of possible sessions
    SEVERE = enum.auto()  # absent from 50% or more of possible sessions


@dataclass(frozen=True, slots=True)
class PupilFacts:
    """What the marks say about one pupil over the window of an :class:`Evaluator`.

    Sessions: ``possible_sessions`` are those marked present, approved, authorised or
    unauthorised; ``absent_sessions`` authorised or unauthorised; ``unauthorised_sessions``
    unauthorised. Days: ``illness_days`` have ``I`` in either session; the streaks are runs of
    consecutive school days ending on the last day of the window (``longest_unexplained_streak``:
    the longest run anywhere in it) on which both sessions are G, N, O or U (unexplained), both
    G, N or O (ground (i)), or both blank (unmarked).

    The days each threshold was first reached, as offsets in days from 1 September (see
    :func:`offset_day`), None when never reached in the window: ``unexplained_reached_offset`` is
    the school day on which a run of unexplained days first reached ``Thresholds.unexplained_days``
    (the 10th day of the first such run: the attendance return's trigger),
    ``illness_reached_offset`` the school day of the ``Thresholds.illness_days``-th illness day
    (the 15th: the sickness return's trigger).
    """

    possible_sessions: int
    absent_sessions: int
    unauthorised_sessions: int
    illness_days: int
    unexplained_streak: int
    longest_unexplained_streak: int
    ground_i_streak: int
    unmarked_days: int
    unexplained_reached_offset: int | None = None
    illness_reached_offset: int | None = None

    @property
    def absence_rate(self) -> float:
        """Absent sessions as a share of possible sessions; 0 when there are no possible sessions."""
        return self.absent_sessions / self.possible_sessions if self.possible_sessions else 0.0


_NO_FACTS: Final = PupilFacts(0, 0, 0, 0, 0, 0, 0, 0)


def _table(digit_of_mark: dict[str, str]) -> dict[int, str]:
    """A ``str.translate`` table from every ASCII character to a digit: ``"0"`` unless listed.

    So a character that is not a national code (the importers reject those) counts as nothing
    and breaks every run, and the translated string is always valid for ``int(..., 16)``. A plain
    dict over all of ASCII keeps ``str.translate`` on its fast path; :meth:`Evaluator.facts`
    replaces anything outside ASCII first.
    """
    table = dict.fromkeys(range(128), "0")
    table.update({ord(mark): digit for mark, digit in digit_of_mark.items()})
    return table


# Session level: one letter per session, counted with str.count.
_KIND: Final = _table(
    {c.mark: {_UN: "u", _AU: "a"}.get(c.category, "p" if c.category in _POSSIBLE else "0") for c in CODES}
)

# Day level: one hex digit per session whose bits are flags; AM & PM per day is a bitwise AND of
# two integers, AM | PM a bitwise OR. Bit 3 (8): illness. Bit 2 (4): G, N, O or U. Bit 1 (2):
# G, N or O. Bit 0 (1): blank.
_ILL, _UNEXPLAINED, _GROUND_I = 3, 2, 1
_FLAGS: Final = _table(
    {
        CODE_BY_CODE[code].mark: format(
            (8 if code in ILLNESS_CODES else 0)
            | (4 if code in UNEXPLAINED_CODES else 0)
            | (2 if code in GROUND_I_CODES else 0),
            "x",
        )
        for code in CODE_BY_CODE
    }
    | {BLANK: "1"}
)


class Evaluator:
    """Works out :class:`PupilFacts` and :class:`Trigger` for many pupils over one window.

    The window is the council's school days from 1 September of academic year Y to ``as_of``
    inclusive, given as offsets in days from 1 September, ascending (see
    :func:`school_day_offsets`); ``as_of`` is the last of them. Build one evaluator per window and
    call :meth:`facts` for each pupil's (merged) marks string.
    """

    __slots__ = ("_days", "_length", "_offsets", "_ones", "_run", "_sessions", "thresholds")

    def __init__(self, school_day_offsets: Sequence[int], thresholds: Thresholds = Thresholds()) -> None:  # noqa: B008
        offsets = list(school_day_offsets)
        if (offsets and offsets[0] < 0) or any(b <= a for a, b in pairwise(offsets)):
            msg = "School day offsets must be ascending, without repeats, from 0 (1 September)"
            raise ValueError(msg)
        self.thresholds = thresholds
        self._days = len(offsets)
        self._offsets = tuple(offsets)
        # A run of unexplained days long enough for the attendance return, as day digits.
        self._run = "1" * thresholds.unexplained_days
        # The window's days come in runs of consecutive days (school weeks). One slice per run
        # picks out its sessions, AM and PM alternating; joined, they are the window's sessions
        # in order, and [::2] / [1::2] split them into mornings and afternoons.
        runs: list[list[int]] = []
        for offset in offsets:
            if runs and runs[-1][1] == offset - 1:
                runs[-1][1] = offset
            else:
                runs.append([offset, offset])
        slices = [slice(2 * first, 2 * last + 2) for first, last in runs]
        self._sessions = itemgetter(*slices) if slices else None
        # A string shorter than this has no marks recorded for its missing days: it is padded
        # with blanks (only such strings pay for it).
        self._length = 2 * offsets[-1] + 2 if offsets else 0
        # Bit 0 of every hex digit, one digit per day: masks one flag out of the day digits.
        self._ones = int("1" * self._days, 16) if offsets else 0

    def facts(self, marks: str) -> PupilFacts:
        """The facts for one pupil's marks string over this evaluator's window."""
        if self._sessions is None:
            return _NO_FACTS
        if len(marks) < self._length:
            marks = marks.ljust(self._length, BLANK)
        if not marks.isascii():  # O(1) in CPython; no national code is outside ASCII
            marks = marks.encode("ascii", "replace").decode("ascii")
        # One slice gives a str rather than a tuple of them; join() takes either.
        sessions = "".join(self._sessions(marks))

        kinds = sessions.translate(_KIND)
        unauthorised = kinds.count("u")
        absent = unauthorised + kinds.count("a")
        possible = absent + kinds.count("p")

        flags = sessions.translate(_FLAGS)
        am = int(flags[::2], 16)
        pm = int(flags[1::2], 16)
        both = am & pm
        ones = self._ones
        # The lowest digit is the last day of the window, so a run ending at as_of is the run of
        # trailing "1"s in the hex form (leading zeros dropped by format() do not matter).
        unexplained = format(both >> _UNEXPLAINED & ones, "x")
        ground_i = format(both >> _GROUND_I & ones, "x")
        unmarked = format(both & ones, "x")
        ill = (am | pm) >> _ILL & ones
        illness_days = ill.bit_count()
        # The runs of "1"s; split() with no separator drops the empty strings split("0") would
        # make between adjacent zeros, and the longest run of one character sorts last.
        longest = len(max(unexplained.replace("0", " ").split(), default=""))

        # The days the thresholds were first reached: only looked for when they were reached at
        # all (a few pupils), each with one str method in C. The hex forms have the window's first
        # day as their highest digit, with the leading zeros dropped: the digit at position i of
        # a form of length n is the window's day (days - n + i).
        days = self._days
        unexplained_reached = illness_reached = None
        needed = self.thresholds.unexplained_days
        if longest >= needed:
            run_start = unexplained.find(self._run)
            unexplained_reached = self._offsets[days - len(unexplained) + run_start + needed - 1]
        needed = self.thresholds.illness_days
        if illness_days >= needed:
            ill_days = format(ill, "x")
            # What follows the needed-th "1": the "1" itself is just before it.
            after = ill_days.split("1", needed)[-1]
            illness_reached = self._offsets[days - len(after) - 1]
        return PupilFacts(
            possible,
            absent,
            unauthorised,
            illness_days,
            len(unexplained) - len(unexplained.rstrip("1")),
            longest,
            len(ground_i) - len(ground_i.rstrip("1")),
            len(unmarked) - len(unmarked.rstrip("1")),
            unexplained_reached,
            illness_reached,
        )

    def triggers(self, facts: PupilFacts) -> frozenset[Trigger]:
        """The triggers ``facts`` reach under this evaluator's thresholds.

        Persistent and severe compare the absence rate (a float division, as the DuckDB reference
        does) with the threshold, so exactly 10% is persistent; no possible sessions, no rate.
        """
        t = self.thresholds
        found: set[Trigger] = set()
        if facts.illness_days >= t.illness_days:
            found.add(Trigger.ILLNESS)
        if facts.unexplained_streak >= t.unexplained_days:
            found.add(Trigger.MISSING)
        if facts.ground_i_streak >= t.ground_i_days:
            found.add(Trigger.GROUND_I)
        if facts.unmarked_days >= t.unmarked_days:
            found.add(Trigger.POSSIBLY_LEFT)
        if facts.possible_sessions:
            rate = facts.absence_rate
            if rate >= t.persistent:
                found.add(Trigger.PERSISTENT)
            if rate >= t.severe:
                found.add(Trigger.SEVERE)
        return frozenset(found)
