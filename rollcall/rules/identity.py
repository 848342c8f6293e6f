"""When a claim about a child may change the child's record (STYLE.md rule 14, DESIGN.md step 2).

Anything that arrives from outside about a child we already hold (a removal notice, a new pupil
return, an illness report) changes the record only when

1. **the details agree**: the same UPN (when both sides have one) and the same date of birth, and
   a name that matches allowing for the way names are mistyped (case, accents, spaces and hyphens,
   one slipped letter, forename and surname swapped, a second forename missing); and
2. **the sender has a reason to know the child**: for a removal, an illness report or an
   attendance return, the pupil
   is (or was until recently) on the sending school's roll; for a new pupil return, the council
   expected the pupil there (an admission, a put-on-roll request, a destination an officer or the
   previous school named) or the pupil is already on that roll.

Otherwise nothing about the child changes: the return waits as a claim for an officer to confirm.
UPNs are guessable (a check letter over a local authority number, a school number, a year and a
serial), so a UPN alone is never proof that the sender knows the child.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "RECENT_LEAVER_DAYS",
    "ClaimKind",
    "Decision",
    "Details",
    "Link",
    "LookupEnds",
    "Verdict",
    "claim_decision",
    "could_be_the_pupil",
    "details_disagreements",
    "lookup_ends",
    "name_ends",
    "names_agree",
    "normalise_name",
]

# A removal notice or illness report may come a little after the pupil left the roll the council
# holds (a roll feed can be a day ahead of the school's own return): a roll that ended within
# this many calendar days still gives the school a reason to know the pupil.
RECENT_LEAVER_DAYS = 60


class ClaimKind(StrEnum):
    REMOVAL = "removal"
    NEW_PUPIL = "new_pupil"
    ILLNESS_REPORT = "illness_report"
    EXCLUSION = "exclusion"
    ATTENDANCE = "attendance"


class Decision(StrEnum):
    """What happens to a claim: it changes the record now, or waits for an officer."""

    ACCEPT = "accept"
    HOLD = "hold"


@dataclass(frozen=True)
class Details:
    """A child's identifying details: as the sender gave them, or as the council holds them."""

    forename: str
    surname: str
    date_of_birth: dt.date
    upn: str | None = None


@dataclass(frozen=True)
class Link:
    """What ties the sending school to the child (computed from the records, one query each)."""

    on_roll_until: dt.date | None = None  # the end of the school's latest roll entry for the child
    on_roll_now: bool = False  # an open roll entry at the school
    expected: bool = False  # an admission, put-on-roll request or named destination at the school


@functools.lru_cache(maxsize=65536)  # a roll of a county compares the same names many times
def normalise_name(name: str) -> str:
    """A name reduced for comparing: no accents, case, punctuation or spacing differences."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in letters.casefold() if ch.isalnum())


def _one_edit_apart(a: str, b: str) -> bool:
    """Equal, or one letter inserted, deleted, changed, or two neighbours swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _name_agrees(sent: str, held: str) -> bool:
    """One name part: the same once normalised, or one slip apart in a name of five letters or more.

    A short name ("Amy", "Ava") one letter away is another name, not a typing slip. A first word
    matching is enough for a forename ("Mary" for "Mary Jane"), never for a surname.
    """
    a, b = normalise_name(sent), normalise_name(held)
    if not a or not b:
        return False
    if a == b:
        return True
    return min(len(a), len(b)) >= 5 and _one_edit_apart(a, b)


def _first_word(name: str) -> str:
    words = name.replace("-", " ").split()
    return words[0] if words else ""


def names_agree(sent_forename: str, sent_surname: str, held_forename: str, held_surname: str) -> bool:
    """Whether the name sent is the name held, allowing for how names are mistyped."""
    forenames = _name_agrees(sent_forename, held_forename) or _name_agrees(
        _first_word(sent_forename), _first_word(held_forename)
    )
    if forenames and _name_agrees(sent_surname, held_surname):
        return True
    # Forename and surname swapped (a common slip on forms that ask "last name" first).
    return _name_agrees(sent_forename, held_surname) and _name_agrees(sent_surname, held_forename)


def name_ends(name: str) -> tuple[str, str]:
    """The first two and the last two letters of a name once normalised: what a search can narrow by.

    Two names that agree (:func:`names_agree` on either part, or the same normalised surname)
    always share their first two or their last two letters: an equal name shares both, and one
    slip in a name of five letters or more leaves either the two letters before it or the two
    after it as they were. So a matcher may leave out a held child whose surname shares neither
    end with the surname or the forename sent, and find the same children (tests/rules prove it).
    """
    normal = normalise_name(name)
    return normal[:2], normal[-2:]


class LookupEnds(NamedTuple):
    """A pupil's name as a search narrows by it (:func:`name_ends` of each part)."""

    surname_first: str
    surname_last: str
    forename_first: str
    forename_last: str
    first_word_first: str  # the forename's first word ("Mary" of "Mary-Jane")
    first_word_last: str


def lookup_ends(forename: str, surname: str) -> LookupEnds:
    return LookupEnds(*name_ends(surname), *name_ends(forename), *name_ends(_first_word(forename)))


def could_be_the_pupil(pupil: LookupEnds, held_forename: str, held_surname: str) -> bool:
    """Whether a child born on the pupil's birthday could be the pupil: the narrowing a lookup does
    in SQL (people.birthday_lookup), written here so tests can prove it safe.

    It keeps every child whose names agree with the pupil's (:func:`names_agree`) or whose
    normalised surname is the pupil's, since those always share ends (:func:`name_ends`):

    - names as given: the surnames share an end, and so do the forenames or their first words;
    - forename and surname swapped: the held surname shares an end with the pupil's forename, and
      the held forename with the pupil's surname;
    - the same surname: both of its ends are the pupil's.
    """
    surname = name_ends(held_surname)
    forename = name_ends(held_forename)
    word = name_ends(_first_word(held_forename))
    surnames_share = surname[0] == pupil.surname_first or surname[1] == pupil.surname_last
    same_surname_ends = surname == (pupil.surname_first, pupil.surname_last)
    forenames_share = (
        forename[0] == pupil.forename_first
        or forename[1] == pupil.forename_last
        or word[0] == pupil.first_word_first
        or word[1] == pupil.first_word_last
    )
    swapped = (surname[0] == pupil.forename_first or surname[1] == pupil.forename_last) and (
        forename[0] == pupil.surname_first or forename[1] == pupil.surname_last
    )
    return (surnames_share and (same_surname_ends or forenames_share)) or swapped


def details_disagreements(sent: Details, held: Details) -> tuple[str, ...]:
    """What differs between the details sent and those held, in words for the officer (empty: agree)."""
    found: list[str] = []
    if sent.upn and held.upn and sent.upn != held.upn:
        found.append("The UPN differs from the one on record")
    if sent.date_of_birth != held.date_of_birth:
        found.append("The date of birth differs from the one on record")
    if not names_agree(sent.forename, sent.surname, held.forename, held.surname):
        found.append("The name differs from the one on record")
    return tuple(found)


def _linked(kind: ClaimKind, link: Link, on: dt.date) -> bool:
    if kind is ClaimKind.NEW_PUPIL:
        return link.expected or link.on_roll_now
    if link.on_roll_now:
        return True
    return link.on_roll_until is not None and (on - link.on_roll_until).days <= RECENT_LEAVER_DAYS


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    reasons: tuple[str, ...]


def claim_decision(*, kind: ClaimKind, sent: Details, held: Details, link: Link, on: dt.date) -> Verdict:
    """Accept a claim about a child we hold only when the details agree and the sender is linked.

    ``on`` is the day the claim is about (the removal date, the day the pupil joined, the day of
    the report). The reasons say, for the officer, why a claim waits; the sender is never told them.
    """
    reasons = list(details_disagreements(sent, held))
    if not _linked(kind, link, on):
        if kind is ClaimKind.NEW_PUPIL:
            reasons.append("The council did not expect the pupil at this school")
        else:
            reasons.append("The pupil is not on this school's roll")
    return Verdict(Decision.HOLD if reasons else Decision.ACCEPT, tuple(reasons))
