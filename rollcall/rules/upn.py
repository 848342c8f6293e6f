"""Unique Pupil Numbers (UPN): format and check letter.

Source: DfE Common Basic Data Set (CBDS), UPN guidance; DOMAIN-SOURCES.md §8.1 and rule 38.

A UPN has 13 characters:

====== ================================================================
1      check letter
2-4    LA code of the allocating local authority (3 digits)
5-8    DfE establishment number of the allocating school (4 digits)
9-10   year of allocation (2 digits)
11-13  serial (3 digits; a temporary UPN ends in a letter instead)
====== ================================================================

Letters are never I, O or S.
"""

from __future__ import annotations

import operator
from collections.abc import Collection

__all__ = [
    "CHECK_LETTERS",
    "is_temporary_upn",
    "is_valid_upn",
    "make_upn",
    "normalise_upn",
    "upn_check_letter",
    "upn_errors",
]

UPN_LENGTH = 13

# CBDS check-letter table: remainder (0-22) -> letter. I, O and S are never used. The same table
# gives the value of a letter in position 13 of a temporary UPN (A=0, B=1, ... Z=22).
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_LETTER_VALUE = {letter: value for value, letter in enumerate(CHECK_LETTERS)}


def normalise_upn(upn: str) -> str:
    """Return ``upn`` without whitespace and in upper case, as it is stored and compared."""
    return "".join(upn.split()).upper()


def upn_check_letter(body: str) -> str:
    """Return the check letter for the 12 characters that follow it (characters 2-13).

    CBDS algorithm: multiply the character in position n by n for n = 2..13 (a letter in position
    13 takes its value from the check-letter table), sum, take the remainder mod 23 and look the
    letter up in the table. Raises ValueError if ``body`` is not 11 digits followed by a digit or
    an allowed letter.
    """
    body = normalise_upn(body)
    if len(body) != UPN_LENGTH - 1:
        msg = f"A UPN body has 12 characters; {body!r} has {len(body)}"
        raise ValueError(msg)
    if not (body[:-1].isascii() and body[:-1].isdigit()):
        msg = f"Characters 2 to 12 of a UPN must be digits; got {body!r}"
        raise ValueError(msg)
    last = body[-1]
    if last.isascii() and last.isdigit():
        last_value = int(last)
    elif last in _LETTER_VALUE:
        last_value = _LETTER_VALUE[last]
    else:
        msg = f"The last character of a UPN must be a digit or a letter other than I, O or S; got {last!r}"
        raise ValueError(msg)
    # Positions 2 to 12 are digits; position 13 is last_value (a roll of a county checks 100,000).
    total = sum(map(operator.mul, range(2, UPN_LENGTH), map(int, body[:-1]))) + UPN_LENGTH * last_value
    return CHECK_LETTERS[total % 23]


def upn_errors(upn: str, known_la_codes: Collection[str] | None = None) -> list[str]:
    """Return the reasons ``upn`` is not a valid UPN, as sentences; an empty list means valid.

    Spaces are ignored and letters may be in either case. When ``known_la_codes`` is given,
    characters 2-4 must be one of them (DOMAIN-SOURCES.md rule 38: "characters 2-4 a known LA
    code"). The check letter is checked only once the rest of the UPN is well formed.
    """
    upn = normalise_upn(upn)
    if len(upn) != UPN_LENGTH:
        return [f"A UPN has 13 characters; this one has {len(upn)}"]
    errors: list[str] = []
    first, middle, last = upn[0], upn[1:12], upn[12]
    if first not in _LETTER_VALUE:
        errors.append("The first character must be a check letter: A to Z, but not I, O or S")
    if not (middle.isascii() and middle.isdigit()):
        errors.append("Characters 2 to 12 must all be digits")
    last_is_digit = last.isascii() and last.isdigit()
    if not last_is_digit and last not in _LETTER_VALUE:
        errors.append(
            "The last character must be a digit, or for a temporary UPN a letter other than I, O or S"
        )
    if known_la_codes is not None and middle[:3] not in known_la_codes:
        errors.append(f"{middle[:3]} (characters 2 to 4) is not a known local authority code")
    if not errors:
        expected = upn_check_letter(upn[1:])
        if first != expected:
            errors.append(f"The check letter is wrong: it should be {expected}, not {first}")
    return errors


def is_valid_upn(upn: str, known_la_codes: Collection[str] | None = None) -> bool:
    """Say whether ``upn`` is a valid UPN (see :func:`upn_errors`)."""
    return not upn_errors(upn, known_la_codes)


def is_temporary_upn(upn: str) -> bool:
    """Say whether ``upn`` is a valid temporary UPN: one whose last character is a letter."""
    upn = normalise_upn(upn)
    return is_valid_upn(upn) and upn[-1].isalpha()


def make_upn(la_code: str, establishment_number: str, year: int, serial: int) -> str:
    """Build a permanent UPN from its parts, adding the check letter.

    ``year`` may be given in full (2026) or as two digits (26); only its last two digits are kept.
    ``serial`` runs from 0 to 999. Raises ValueError for parts that do not fit.
    """
    if not (len(la_code) == 3 and la_code.isascii() and la_code.isdigit()):
        msg = f"An LA code has 3 digits; got {la_code!r}"
        raise ValueError(msg)
    if not (
        len(establishment_number) == 4 and establishment_number.isascii() and establishment_number.isdigit()
    ):
        msg = f"An establishment number has 4 digits; got {establishment_number!r}"
        raise ValueError(msg)
    if year < 0:
        msg = f"The year of allocation cannot be negative; got {year}"
        raise ValueError(msg)
    if not 0 <= serial <= 999:
        msg = f"A UPN serial runs from 0 to 999; got {serial}"
        raise ValueError(msg)
    body = f"{la_code}{establishment_number}{year % 100:02d}{serial:03d}"
    return upn_check_letter(body) + body
