"""Attendance legal intervention: the penalty-notice threshold, notice amounts and payment periods.

Sources (DOMAIN.md, "Attendance legal intervention"; DOMAIN-SOURCES.md §2.6):

- DfE, *Working together to improve school attendance* (statutory from 19 August 2024) and the
  national penalty notice framework: a penalty notice (or other action) is **considered** at
  **10 unauthorised sessions (G, N, O, U) in a rolling 10 school weeks**. The sessions need not be
  consecutive and may mix codes; the window may span terms and school years. Roll Call counts per
  child across registrations (the marks of every school merged, see
  :func:`rollcall.rules.attendance.merge_marks`). *Whether the window spans two schools is to
  confirm.*
- A school week is a calendar week (Monday to Sunday) with at least one school day; the window on
  day D is the school days, up to D, of the 10 most recent school weeks, D's own week counting as
  the first when it has a school day on or before D. Half-term and holiday weeks are skipped, so a
  window across a half-term reaches back one week further.
- Notice to improve: an improvement period of **3 to 6 weeks** (*to confirm*).
- Education (Penalty Notices) (England) Regulations 2007 as amended by SI 2024/210 (from 19 August
  2024): a first notice is **£80 if paid within 21 days** of receipt, **£160 within 28 days**; a
  second to the same parent for the same child within **3 years** of the first is **£160**, paid
  within 28 days, with no reduction. At most **2 in 3 years**: a third goes to other action
  (usually prosecution). Unpaid: the council prosecutes under s.444 or withdraws (reg. 9).

The threshold runs for every pupil of a council on each sweep, so :class:`RollingCounter` does its
per-pupil work in C as :class:`rollcall.rules.attendance.Evaluator` does: one precomputed
``itemgetter`` picks the school-day sessions out of the marks, ``str.translate`` and ``str.count``
count them, and a pupil with fewer unauthorised sessions in the whole span than the threshold
(almost every pupil) is answered without looking at a single day.

Pure Python: no Django import.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from itertools import accumulate
from operator import itemgetter
from typing import Final

from rollcall.rules.attendance import BLANK, CODE_BY_CODE, marks_length
from rollcall.rules.calendar import SchoolCalendar, academic_year_of

__all__ = [
    "DEFAULT_PENALTY_SETTINGS",
    "MAX_FINE",
    "PENALTY_CODES",
    "Crossing",
    "Decision",
    "NoticeLimitReached",
    "NoticeTerms",
    "PaymentState",
    "PenaltySettings",
    "ProsecutionStep",
    "ProsecutionStepRefused",
    "RollingCounter",
    "improvement_period_end",
    "notice_terms",
    "notices_in_lookback",
    "payment_state",
    "prosecution_next",
    "prosecution_step_check",
    "span_marks",
    "window_days",
]

PENALTY_CODES: Final = frozenset({"G", "N", "O", "U"})
"""The unauthorised codes the threshold counts."""


@dataclass(frozen=True)
class PenaltySettings:
    """A council's penalty-notice settings; the defaults are the national framework's.

    Amounts are whole pounds; periods are calendar days unless the name says weeks or years.
    """

    threshold_sessions: int = 10
    window_weeks: int = 10
    reduced_amount: int = 80
    full_amount: int = 160
    reduced_days: int = 21
    full_days: int = 28
    repeat_amount: int = 160
    lookback_years: int = 3
    max_notices: int = 2
    improvement_min_weeks: int = 3
    improvement_max_weeks: int = 6

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                msg = f"PenaltySettings.{f.name} must be a whole number, at least 1 (got {value!r})"
                raise ValueError(msg)
        if self.reduced_days > self.full_days:
            msg = "The reduced-amount period cannot be longer than the full payment period"
            raise ValueError(msg)
        if self.improvement_min_weeks > self.improvement_max_weeks:
            msg = "The shortest improvement period cannot be longer than the longest"
            raise ValueError(msg)


DEFAULT_PENALTY_SETTINGS: Final = PenaltySettings()


class Decision(enum.StrEnum):
    """What the officer decided on a penalty-notice consideration."""

    NOTICE_TO_IMPROVE = "notice_to_improve"
    PENALTY_NOTICE = "penalty_notice"
    OTHER_SUPPORT = "other_support"
    NO_ACTION = "no_action"

    @property
    def label(self) -> str:
        return _DECISION_LABELS[self]


_DECISION_LABELS: Final = {
    Decision.NOTICE_TO_IMPROVE: "Notice to improve",
    Decision.PENALTY_NOTICE: "Penalty notice",
    Decision.OTHER_SUPPORT: "Other support",
    Decision.NO_ACTION: "No action",
}


# --- the rolling window -----------------------------------------------------------------------


def window_days(
    calendar: SchoolCalendar, as_of: date, weeks: int = DEFAULT_PENALTY_SETTINGS.window_weeks
) -> list[date]:
    """The school days of the rolling window ending on ``as_of`` (module docstring), in order."""
    if weeks < 1:
        msg = f"A window of {weeks} school weeks is not a window"
        raise ValueError(msg)
    monday = as_of - timedelta(days=as_of.weekday())
    this_week = calendar.school_days_in(monday, as_of)
    found: list[list[date]] = [this_week] if this_week else []
    # Outside the term dates every weekday that is not a bank holiday is a school day, so a
    # school week is never more than a few weeks back: the loop always ends.
    while len(found) < weeks:
        monday -= timedelta(days=7)
        days = calendar.school_days_in(monday, monday + timedelta(days=6))
        if days:
            found.append(days)
    return [day for week in reversed(found) for day in week]


def span_marks(marks_by_year: Mapping[int, str], first_year: int, last_year: int) -> str:
    """One pupil's marks from 1 September of ``first_year`` to 31 August after ``last_year``.

    Each academic year's string is padded with blanks to its full length (a missing year is all
    blank), so the session of day D sits at ``2 * (D - 1 September first_year).days``.
    """
    return "".join(
        marks_by_year.get(year, "").ljust(marks_length(year), BLANK)[: marks_length(year)]
        for year in range(first_year, last_year + 1)
    )


_UNAUTHORISED: Final = {ord(ch): "0" for ch in map(chr, range(128))} | {
    ord(CODE_BY_CODE[code].mark): "1" for code in PENALTY_CODES
}


@dataclass(frozen=True, slots=True)
class Crossing:
    """The first day a pupil reached the threshold, and the window of that day."""

    day: date
    sessions: int
    window_start: date


class RollingCounter:
    """Counts unauthorised sessions in the rolling window for many pupils over a span of days.

    Built once for the days ``first`` to ``last`` (the days a crossing is looked for, typically
    the current term up to today). The marks each pupil passes are :func:`span_marks` from
    1 September of :attr:`first_year` (the academic year of the earliest window's first day) to
    the academic year of ``last``.
    """

    __slots__ = ("_days", "_ends", "_evaluated", "_getter", "_starts", "first_year", "last_year", "settings")

    def __init__(
        self,
        calendar: SchoolCalendar,
        first: date,
        last: date,
        settings: PenaltySettings = DEFAULT_PENALTY_SETTINGS,
    ) -> None:
        if last < first:
            msg = f"The span ends ({last}) before it starts ({first})"
            raise ValueError(msg)
        self.settings = settings
        evaluated = calendar.school_days_in(first, last)
        if not evaluated:
            evaluated = [last]
        earliest = window_days(calendar, evaluated[0], settings.window_weeks)
        days = calendar.school_days_in(earliest[0], evaluated[-1])
        self.first_year = academic_year_of(days[0])
        self.last_year = academic_year_of(last)
        base = date(self.first_year, 9, 1)
        self._days = days
        self._evaluated = evaluated
        index = {day: i for i, day in enumerate(days)}
        # For each evaluated day (a school day, or ``last`` when the span has none): the index
        # after its last window day and the index of its first, into the prefix sums.
        self._ends: list[int] = []
        self._starts: list[int] = []
        for day in evaluated:
            window = window_days(calendar, day, settings.window_weeks)
            self._starts.append(index[window[0]])
            self._ends.append(index[window[-1]] + 1)
        runs: list[list[int]] = []
        for offset in ((day - base).days for day in days):
            if runs and runs[-1][1] == offset - 1:
                runs[-1][1] = offset
            else:
                runs.append([offset, offset])
        self._getter = itemgetter(*[slice(2 * a, 2 * b + 2) for a, b in runs])

    @property
    def evaluated_days(self) -> Sequence[date]:
        """The days a crossing is looked for."""
        return self._evaluated

    def _sessions(self, marks: str) -> str:
        if not marks.isascii():
            marks = marks.encode("ascii", "replace").decode("ascii")
        return "".join(self._getter(marks)).translate(_UNAUTHORISED)

    def count_at_end(self, marks: str) -> int:
        """Unauthorised sessions in the window of the last evaluated day."""
        sessions = self._sessions(marks)
        return sessions.count("1", 2 * self._starts[-1], 2 * self._ends[-1])

    def first_crossing(self, marks: str) -> Crossing | None:
        """The first evaluated day whose window holds the threshold or more, or None."""
        sessions = self._sessions(marks)
        threshold = self.settings.threshold_sessions
        if sessions.count("1") < threshold:
            return None
        per_day = map(int.__add__, map(int, sessions[::2]), map(int, sessions[1::2]))
        prefix = list(accumulate(per_day, initial=0))
        for k, (start, end) in enumerate(zip(self._starts, self._ends, strict=True)):
            count = prefix[end] - prefix[start]
            if count >= threshold:
                return Crossing(self._evaluated[k], count, self._days[start])
        return None


# --- notices ----------------------------------------------------------------------------------


class NoticeLimitReached(Exception):
    """A third penalty notice within the look-back period: other action is needed instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def notices_in_lookback(
    previous: Iterable[date], issued_on: date, settings: PenaltySettings = DEFAULT_PENALTY_SETTINGS
) -> int:
    """How many of the ``previous`` notices (to this parent for this child) fall within the
    look-back period before ``issued_on``: after the day ``lookback_years`` earlier, not after it."""
    since = _years_before(issued_on, settings.lookback_years)
    return sum(1 for day in previous if since < day <= issued_on)


@dataclass(frozen=True)
class NoticeTerms:
    """What a penalty notice asks for: ``number`` (1 or 2 within the look-back period), the
    reduced amount and its last day (None for a repeat notice), the full amount and its last day."""

    number: int
    reduced_amount: int | None
    reduced_by: date | None
    amount: int
    pay_by: date


def notice_terms(
    previous: Iterable[date],
    issued_on: date,
    received_on: date,
    settings: PenaltySettings = DEFAULT_PENALTY_SETTINGS,
) -> NoticeTerms:
    """The amounts and payment days of a notice issued on ``issued_on`` and received on ``received_on``.

    Raises :class:`NoticeLimitReached` when ``max_notices`` were already issued within the
    look-back period, and ValueError when it is received before it was issued.
    """
    if received_on < issued_on:
        msg = "A penalty notice cannot be received before it was issued"
        raise ValueError(msg)
    earlier = notices_in_lookback(previous, issued_on, settings)
    if earlier >= settings.max_notices:
        msg = (
            f"{earlier} penalty notices were already issued to this parent for this child within "
            f"{settings.lookback_years} years: consider other action, such as prosecution, instead"
        )
        raise NoticeLimitReached(msg)
    pay_by = received_on + timedelta(days=settings.full_days)
    if earlier == 0:
        return NoticeTerms(
            1,
            settings.reduced_amount,
            received_on + timedelta(days=settings.reduced_days),
            settings.full_amount,
            pay_by,
        )
    return NoticeTerms(earlier + 1, None, None, settings.repeat_amount, pay_by)


class PaymentState(enum.StrEnum):
    """Where a notice's payment stands."""

    PAID_REDUCED = "paid_reduced"
    PAID = "paid"
    UNDERPAID = "underpaid"
    AWAITING = "awaiting"
    UNPAID = "unpaid"  # the period is over: prosecute or withdraw


def payment_state(
    terms: NoticeTerms, today: date, paid_on: date | None = None, paid: int = 0
) -> PaymentState:
    """Where payment of a notice on ``terms`` stands on ``today``.

    A payment counts only if made by the last day of its period: the reduced amount by
    ``reduced_by``, the full amount by ``pay_by``. A late or short payment is underpaid.
    """
    if paid_on is not None and paid_on <= terms.pay_by:
        by, reduced = terms.reduced_by, terms.reduced_amount
        if by is not None and reduced is not None and paid_on <= by and paid >= reduced:
            return PaymentState.PAID_REDUCED
        if paid >= terms.amount:
            return PaymentState.PAID
        return PaymentState.UNDERPAID
    if paid_on is not None:
        return PaymentState.UNDERPAID
    return PaymentState.AWAITING if today <= terms.pay_by else PaymentState.UNPAID


def improvement_period_end(
    start: date, weeks: int, settings: PenaltySettings = DEFAULT_PENALTY_SETTINGS
) -> date:
    """The last day of a notice to improve's improvement period of ``weeks`` weeks from ``start``.

    Raises ValueError when ``weeks`` is outside the council's range (3 to 6 by default).
    """
    if not settings.improvement_min_weeks <= weeks <= settings.improvement_max_weeks:
        msg = (
            f"An improvement period is {settings.improvement_min_weeks} to "
            f"{settings.improvement_max_weeks} weeks (got {weeks})"
        )
        raise ValueError(msg)
    return start + timedelta(weeks=weeks) - timedelta(days=1)


# --- the prosecution route, as recorded steps --------------------------------------------------


class ProsecutionStep(enum.StrEnum):
    """A step of the route to court under s.444 (DOMAIN.md, "Prosecution"), in the usual order.

    ``ESO_CONSIDERED``: an education supervision order must be considered before a prosecution
    (Education Act 1996 s.447), so it comes between the referral and the laying of the case.
    ``HEARING``: a court date (repeatable: an adjournment is a further date). ``CONVICTED`` records
    the fine; ``PARENTING_ORDER`` may follow a conviction (Crime and Disorder Act 1998 s.8).
    ``ACQUITTED`` and ``WITHDRAWN`` end the route.
    """

    REFERRED = "referred"
    ESO_CONSIDERED = "eso_considered"
    CASE_PREPARED = "case_prepared"
    HEARING = "hearing"
    CONVICTED = "convicted"
    ACQUITTED = "acquitted"
    PARENTING_ORDER = "parenting_order"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _PROSECUTION_LABELS[self]


_PROSECUTION_LABELS: Final = {
    ProsecutionStep.REFERRED: "Referred for prosecution",
    ProsecutionStep.ESO_CONSIDERED: "Education supervision order considered",
    ProsecutionStep.CASE_PREPARED: "Case prepared",
    ProsecutionStep.HEARING: "Court date",
    ProsecutionStep.CONVICTED: "Convicted",
    ProsecutionStep.ACQUITTED: "Acquitted",
    ProsecutionStep.PARENTING_ORDER: "Parenting order made",
    ProsecutionStep.WITHDRAWN: "Withdrawn",
}

_FOLLOWS: Final[dict[ProsecutionStep | None, frozenset[ProsecutionStep]]] = {
    None: frozenset({ProsecutionStep.REFERRED}),
    ProsecutionStep.REFERRED: frozenset({ProsecutionStep.ESO_CONSIDERED, ProsecutionStep.WITHDRAWN}),
    ProsecutionStep.ESO_CONSIDERED: frozenset({ProsecutionStep.CASE_PREPARED, ProsecutionStep.WITHDRAWN}),
    ProsecutionStep.CASE_PREPARED: frozenset({ProsecutionStep.HEARING, ProsecutionStep.WITHDRAWN}),
    ProsecutionStep.HEARING: frozenset(
        {
            ProsecutionStep.HEARING,
            ProsecutionStep.CONVICTED,
            ProsecutionStep.ACQUITTED,
            ProsecutionStep.WITHDRAWN,
        }
    ),
    ProsecutionStep.CONVICTED: frozenset({ProsecutionStep.PARENTING_ORDER}),
    ProsecutionStep.ACQUITTED: frozenset(),
    ProsecutionStep.PARENTING_ORDER: frozenset(),
    ProsecutionStep.WITHDRAWN: frozenset(),
}

MAX_FINE: Final = 2500
"""The largest fine a conviction records: level 4 (s.444(1A)); s.444(1) is level 3, £1,000."""


def prosecution_next(done: Sequence[ProsecutionStep]) -> frozenset[ProsecutionStep]:
    """The steps that may follow ``done`` (recorded in order); empty once the route has ended."""
    return _FOLLOWS[done[-1] if done else None]


class ProsecutionStepRefused(ValueError):
    """A step that cannot follow those recorded; the message is a sentence for the user."""


def prosecution_step_check(
    done: Sequence[tuple[ProsecutionStep, date]],
    step: ProsecutionStep,
    on: date,
    today: date,
    fine: int | None = None,
) -> None:
    """Raise :class:`ProsecutionStepRefused` unless ``step`` on ``on`` may follow ``done``.

    The order is :data:`_FOLLOWS`; a step is not dated before the previous one, and only a court
    date may be in the future. A conviction records a fine of 0 to £2,500 (0: a discharge); no
    other step has one.
    """
    allowed = prosecution_next([s for s, _ in done])
    if step not in allowed:
        if not allowed:
            raise ProsecutionStepRefused("The prosecution route has ended: no further step can be recorded")
        names = ", ".join(s.label.lower() for s in ProsecutionStep if s in allowed)
        raise ProsecutionStepRefused(f"{step.label} cannot come next. The next step can be: {names}")
    if done and on < done[-1][1]:
        raise ProsecutionStepRefused(
            f"{step.label} cannot be dated before the previous step ({done[-1][1]:%d/%m/%Y})"
        )
    if on > today and step is not ProsecutionStep.HEARING:
        raise ProsecutionStepRefused(f"{step.label} cannot be dated in the future")
    if step is ProsecutionStep.CONVICTED:
        if fine is None or not 0 <= fine <= MAX_FINE:
            raise ProsecutionStepRefused(f"Enter the fine, from £0 to £{MAX_FINE:,}")
    elif fine is not None:
        raise ProsecutionStepRefused("Only a conviction records a fine")
