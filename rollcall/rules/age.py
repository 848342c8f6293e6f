"""Compulsory school age.

Source: Education Act 1996 s.8; the Education (Start of Compulsory School Age) Order 1998
(SI 1998/1607); the Education (School Leaving Date) Order 1997 (SI 1997/1970). See DOMAIN.md
("compulsory school age") and DOMAIN-SOURCES.md §1.5.

- Start (s.8(2)): a child begins to be of compulsory school age on the prescribed day on or after
  their fifth birthday. The prescribed days (1998 Order) are 31 December, 31 March and 31 August,
  so a child born in January-March starts on 31 March, April-August on 31 August and
  September-December on 31 December (each counted from the fifth birthday). DOMAIN.md's gloss,
  "from the 1 January, 1 April or 31 August after the child turns 5", is a day later for two of the
  three; this module follows the Order's prescribed days (DOMAIN-SOURCES.md §1.5).
- End (s.8(3)-(4)): a child stops being of compulsory school age at the end of the school leaving
  date, the last Friday in June, of the school year (1 September-31 August) in which they turn 16.
"""

from __future__ import annotations

from datetime import date, timedelta

__all__ = [
    "birthday",
    "compulsory_school_age_end",
    "compulsory_school_age_start",
    "is_compulsory_school_age",
]

_FRIDAY = 4


def birthday(dob: date, age: int) -> date:
    """Return the day a person born on ``dob`` attains ``age`` years.

    Someone born on 29 February attains an age in a non-leap year on 1 March: the common legal
    convention in England (Family Law Reform Act 1969 s.9 fixes the time of attaining an age, not
    this case; to confirm). For compulsory school age the choice never matters: 28 February and
    1 March fall before the same prescribed day (31 March) and in the same school year.
    """
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:
        # 29 February in a year that is not a leap year.
        return date(dob.year + age, 3, 1)


def compulsory_school_age_start(dob: date) -> date:
    """Return the first day of compulsory school age for a child born on ``dob``.

    The first prescribed day (31 December, 31 March or 31 August) on or after the fifth birthday
    (Education Act 1996 s.8(2); Education (Start of Compulsory School Age) Order 1998). A child
    whose fifth birthday is a prescribed day starts that day.
    """
    fifth = birthday(dob, 5)
    for prescribed in (date(fifth.year, 3, 31), date(fifth.year, 8, 31), date(fifth.year, 12, 31)):
        if fifth <= prescribed:
            return prescribed
    raise AssertionError("unreachable: 31 December is the last day of the year")  # pragma: no cover


def _last_friday_in_june(year: int) -> date:
    last = date(year, 6, 30)
    return last - timedelta(days=(last.weekday() - _FRIDAY) % 7)


def compulsory_school_age_end(dob: date) -> date:
    """Return the last day of compulsory school age for a child born on ``dob``.

    The last Friday in June of the school year (1 September-31 August) in which the child turns 16
    (Education Act 1996 s.8(3)-(4); Education (School Leaving Date) Order 1997). A child who turns
    16 in July or August is still of compulsory school age only up to that June's last Friday.
    """
    sixteenth = birthday(dob, 16)
    leaving_year = sixteenth.year + 1 if sixteenth.month >= 9 else sixteenth.year
    return _last_friday_in_june(leaving_year)


def is_compulsory_school_age(dob: date, on: date) -> bool:
    """Say whether a child born on ``dob`` is of compulsory school age on the day ``on``.

    Both the first day (:func:`compulsory_school_age_start`) and the last day
    (:func:`compulsory_school_age_end`) are included.
    """
    return compulsory_school_age_start(dob) <= on <= compulsory_school_age_end(dob)
