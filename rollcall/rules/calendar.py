"""The school-day calendar: term dates, INSET and closure days, and bank holidays.

Deadlines "in school days" count school days only, and the day of the trigger is day 0
(DOMAIN.md, "school day"). A school day is a day on which the school meets: a weekday, inside the
council's term dates, not an INSET or closure day and not a bank holiday in England.

Councils load their own term dates. Where they have not (before the first term or after the last
term the calendar knows), the calendar falls back to "a weekday that is not a bank holiday or a
known closure". A deadline must never be infinitely far away, or silently never arrive, just
because next year's term dates have not been typed in yet; the fallback slightly under-counts
holidays, which errs on the side of chasing a case early rather than late.

The calendar is built once per council and then asked thousands of questions by the sweep, so
every question is answered by arithmetic and binary search over values precomputed when the
calendar is built: no question walks the calendar day by day.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays

__all__ = [
    "SchoolCalendar",
    "Term",
    "academic_year_of",
    "calendar_for",
    "default_terms",
    "easter_sunday",
    "england_bank_holidays",
]

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


@dataclass(frozen=True, order=True)
class Term:
    """A term (or half-term) during which the school meets, from ``start`` to ``end`` inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            msg = f"A term cannot end ({self.end}) before it starts ({self.start})"
            raise ValueError(msg)


def _weekdays_up_to(ordinal: int) -> int:
    """Count the weekdays among the proleptic ordinals 1..``ordinal``.

    Ordinal 1 (1 January of year 1) is a Monday, so every block of 7 ordinals starting at 1 holds
    five weekdays followed by a weekend.
    """
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _nth_weekday(n: int) -> int:
    """Return the ordinal of the ``n``-th weekday (``n`` >= 1) counting from ordinal 1."""
    weeks, rest = divmod(n - 1, 5)
    return 7 * weeks + rest + 1


@dataclass(frozen=True)
class SchoolCalendar:
    """The school days of one council (or one school), answering questions in school days.

    ``terms`` are the council's term dates (any order; overlapping terms are merged), ``closures``
    are INSET and other whole-school closure days, and ``bank_holidays`` are England's bank
    holidays (see :func:`england_bank_holidays`; :func:`calendar_for` fills them in).

    Internally every date has a *rank*: the number of school days from the start of the calendar
    era up to and including it. Counting school days is a subtraction of ranks, and adding school
    days is finding the date of a rank, both by binary search.
    """

    terms: tuple[Term, ...]
    closures: frozenset[date] = frozenset()
    bank_holidays: frozenset[date] = frozenset()

    # Precomputed in __post_init__; not part of the calendar's identity.
    _school_days: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _school_day_set: frozenset[date] = field(init=False, repr=False, compare=False)
    _span: tuple[date, date] | None = field(init=False, repr=False, compare=False)
    _off_ordinals: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _rank_before_span: int = field(init=False, repr=False, compare=False)
    _fallback_at_span_end: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        terms = tuple(sorted(self.terms))
        closures = frozenset(self.closures)
        bank_holidays = frozenset(self.bank_holidays)
        off_days = closures | bank_holidays
        object.__setattr__(self, "terms", terms)
        object.__setattr__(self, "closures", closures)
        object.__setattr__(self, "bank_holidays", bank_holidays)

        school_days: set[date] = set()
        for term in terms:
            day = term.start
            while day <= term.end:
                if day.weekday() < _SATURDAY and day not in off_days:
                    school_days.add(day)
                day += _ONE_DAY
        ordered = tuple(sorted(school_days))
        object.__setattr__(self, "_school_days", ordered)
        object.__setattr__(self, "_school_day_set", frozenset(ordered))
        span = (terms[0].start, max(term.end for term in terms)) if terms else None
        object.__setattr__(self, "_span", span)
        # Only weekday non-school days matter to the fallback count; weekends are already excluded.
        object.__setattr__(
            self,
            "_off_ordinals",
            tuple(sorted(d.toordinal() for d in off_days if d.weekday() < _SATURDAY)),
        )
        if span is not None:
            object.__setattr__(self, "_rank_before_span", self._fallback_rank(span[0] - _ONE_DAY))
            object.__setattr__(self, "_fallback_at_span_end", self._fallback_rank(span[1]))
        else:
            object.__setattr__(self, "_rank_before_span", 0)
            object.__setattr__(self, "_fallback_at_span_end", 0)

    # ----------------------------------------------------------------------------------------
    # Ranks: the machinery behind every public question.

    def _fallback_rank(self, day: date) -> int:
        """Count fallback school days (weekdays that are not bank holidays or closures) up to day."""
        ordinal = day.toordinal()
        return _weekdays_up_to(ordinal) - bisect.bisect_right(self._off_ordinals, ordinal)

    def _fallback_unrank(self, k: int) -> date:
        """Return the earliest date whose fallback rank is ``k`` (``k`` >= 1).

        The answer x is a weekday with weekdays(x) = k + offdays(x), so it is the
        (k + offdays(x))-th weekday. Starting from offdays = 0, each guess is at or before x and
        the guesses only move forward, so the loop stops at x after at most one pass per non-school
        weekday in between.
        """
        off = 0
        while True:
            ordinal = _nth_weekday(k + off)
            off_now = bisect.bisect_right(self._off_ordinals, ordinal)
            if off_now == off:
                return date.fromordinal(ordinal)
            off = off_now

    def _rank(self, day: date) -> int:
        """Count the school days from the start of the era up to and including ``day``."""
        span = self._span
        if span is None or day < span[0]:
            return self._fallback_rank(day)
        if day <= span[1]:
            return self._rank_before_span + bisect.bisect_right(self._school_days, day)
        return (
            self._rank_before_span
            + len(self._school_days)
            + self._fallback_rank(day)
            - self._fallback_at_span_end
        )

    def _unrank(self, k: int) -> date:
        """Return the school day whose rank is ``k``: the earliest date with rank ``k``."""
        if self._span is None or k <= self._rank_before_span:
            return self._fallback_unrank(k)
        index = k - self._rank_before_span - 1
        if index < len(self._school_days):
            return self._school_days[index]
        return self._fallback_unrank(index - len(self._school_days) + 1 + self._fallback_at_span_end)

    # ----------------------------------------------------------------------------------------
    # Public questions.

    def covers(self, day: date) -> bool:
        """Say whether the council's term dates cover ``day``.

        Outside the covered span the calendar falls back to weekdays that are not bank holidays;
        a screen can use this to warn that next year's term dates are missing.
        """
        return self._span is not None and self._span[0] <= day <= self._span[1]

    def is_school_day(self, day: date) -> bool:
        """Say whether ``day`` is a school day.

        Inside the term dates: a weekday in a term, not a closure day and not a bank holiday (the
        gaps between terms are holidays). Outside them: a weekday that is not a bank holiday or a
        known closure day (see the module docstring for why).
        """
        if self.covers(day):
            return day in self._school_day_set
        return day.weekday() < _SATURDAY and day not in self.bank_holidays and day not in self.closures

    def add_school_days(self, start: date, n: int) -> date:
        """Return the date ``n`` school days after ``start``; the trigger day is day 0.

        ``n == 0`` returns ``start`` unchanged, even if it is not a school day. ``n == 1`` is the
        first school day strictly after ``start``. A negative ``n`` counts backwards: ``-1`` is the
        last school day strictly before ``start``.
        """
        if n == 0:
            return start
        rank = self._rank(start)
        if n > 0:
            return self._unrank(rank + n)
        # The rank of a non-school day equals the rank of the school day before it, so that day is
        # already "one back".
        return self._unrank(rank + n + (0 if self.is_school_day(start) else 1))

    def school_days_between(self, start: date, end: date) -> int:
        """Count the school days d with ``start < d <= end``; negative when ``end < start``.

        So ``school_days_between(d, add_school_days(d, n)) == n`` for every ``n >= 0``.
        """
        return self._rank(end) - self._rank(start)

    def next_school_day(self, day: date) -> date:
        """Return the first school day strictly after ``day``."""
        return self._unrank(self._rank(day) + 1)

    def previous_school_day(self, day: date) -> date:
        """Return the last school day strictly before ``day``."""
        return self.add_school_days(day, -1)

    def school_days_in(self, start: date, end: date) -> list[date]:
        """List the school days from ``start`` to ``end``, both inclusive, in order."""
        if end < start:
            return []
        first = self._rank(start - _ONE_DAY) + 1
        last = self._rank(end)
        return [self._unrank(k) for k in range(first, last + 1)]


def england_bank_holidays(years: Iterable[int]) -> frozenset[date]:
    """Return England's bank holidays in ``years``, including one-off days and substitute days.

    Source: the ``holidays`` package (GB, subdivision ENG), which includes the one-off days such as
    the Platinum Jubilee (3 June 2022), the Queen's state funeral (19 September 2022) and the
    Coronation (8 May 2023). It also lists the nominal date of a holiday that falls at a weekend
    beside its weekday substitute; that is harmless, as weekends are never school days.
    """
    return _bank_holidays(tuple(sorted(set(years))))


@functools.cache
def _bank_holidays(years: tuple[int, ...]) -> frozenset[date]:
    """Fixed for given years, and built for each calendar (each request, each school's roll): kept."""
    if not years:
        return frozenset()
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=list(years)).keys())


def calendar_for(
    terms: Iterable[Term],
    closures: Iterable[date] = (),
    extra_years: Iterable[int] = (),
) -> SchoolCalendar:
    """Build a calendar from term dates and closure days, filling in England's bank holidays.

    Bank holidays are loaded for every year the terms touch, one year either side (for the
    fallback just outside the term dates), and ``extra_years``. With no terms and no extra years
    there are no bank holidays at all, so pass ``extra_years`` when building a term-less calendar.
    """
    term_tuple = tuple(terms)
    years = set(extra_years)
    if term_tuple:
        first = min(term.start.year for term in term_tuple)
        last = max(term.end.year for term in term_tuple)
        years.update(range(first - 1, last + 2))
    return SchoolCalendar(
        terms=term_tuple,
        closures=frozenset(closures),
        bank_holidays=england_bank_holidays(years),
    )


def academic_year_of(day: date) -> int:
    """Return the year in which the academic year containing ``day`` began (on 1 September).

    2026-11-23 is in academic year 2026 (2026/27); 2027-03-01 is also in 2026.
    """
    return day.year if day.month >= 9 else day.year - 1


def easter_sunday(year: int) -> date:
    """Return Easter Sunday in ``year`` (Gregorian calendar).

    The anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _last_monday_of(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - _ONE_DAY
    return last - timedelta(days=last.weekday())


def _last_weekday_on_or_before(day: date) -> date:
    while day.weekday() >= _SATURDAY:
        day -= _ONE_DAY
    return day


def _first_weekday_on_or_after_any(day: date) -> date:
    while day.weekday() >= _SATURDAY:
        day += _ONE_DAY
    return day


def default_terms(academic_year: int) -> tuple[Term, ...]:
    """Return plausible English term dates for ``academic_year``, as six half-terms.

    These are DEMO DEFAULTS for seed data and tests, not any real council's dates; a council loads
    its own. The pattern:

    - autumn: the first Wednesday of September to the last weekday on or before 20 December,
      with a half-term week beginning the last Monday of October;
    - spring: the first weekday on or after 4 January to the Friday before Holy Week, with a
      half-term week beginning the third Monday of February;
    - summer: the Monday after Easter Monday to the last weekday on or before 21 July, with a
      half-term week beginning the late-May bank holiday (the last Monday of May).

    Easter comes from :func:`easter_sunday`. Bank holidays inside a term (the early-May bank
    holiday, a New Year substitute day) stay inside it; the calendar skips them.
    """
    year = academic_year
    monday, wednesday = 0, 2
    three_days = timedelta(days=3)
    one_week = timedelta(days=7)

    autumn_start = _first_weekday_on_or_after(date(year, 9, 1), wednesday)
    october_half_term = _last_monday_of(year, 10)
    autumn_end = _last_weekday_on_or_before(date(year, 12, 20))

    spring_start = _first_weekday_on_or_after_any(date(year + 1, 1, 4))
    february_half_term = _first_weekday_on_or_after(date(year + 1, 2, 1), monday) + 2 * one_week
    easter = easter_sunday(year + 1)
    spring_end = easter - timedelta(days=9)  # the Friday before Palm Sunday

    summer_start = easter + timedelta(days=8)  # the Monday after Easter Monday
    may_half_term = _last_monday_of(year + 1, 5)
    summer_end = _last_weekday_on_or_before(date(year + 1, 7, 21))

    return (
        Term(autumn_start, october_half_term - three_days),
        Term(october_half_term + one_week, autumn_end),
        Term(spring_start, february_half_term - three_days),
        Term(february_half_term + one_week, spring_end),
        Term(summer_start, may_half_term - three_days),
        Term(may_half_term + one_week, summer_end),
    )
