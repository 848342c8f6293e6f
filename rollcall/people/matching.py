"""Matching what arrives (a removal notice, an application, a referral) to a child we know.

DESIGN.md, "How work flows", step 2: UPN first, then name, date of birth and address. Likely
duplicates are shown to an officer as :class:`~rollcall.people.models.PossibleDuplicate` rows and
never merged silently: a wrong automatic match would put one child's case on another child's
record, which is worse than a second record an officer can merge.

The rules, in order:

1. **UPN.** A known UPN (compared without spaces, in upper case) is that child.
2. **Name, date of birth and postcode.** Exactly one child with the same forename and surname
   (ignoring case and surrounding spaces) and the same date of birth, and, when a postcode is
   given, whose current address has that postcode (ignoring spaces and case), is that child.
3. **Candidates, never matches.** Everyone else who shares the surname and date of birth: a
   name-and-birthday twin whose postcode differs or is not known, one with another forename,
   several equally good matches, or one holding a different UPN from the one given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from django.db.models import OuterRef, Q, Subquery

from rollcall.people.models import Address, Child, PossibleDuplicate
from rollcall.rules.upn import normalise_upn

__all__ = ["MatchResult", "child_match", "duplicate_reason", "duplicates_record", "normalise_postcode"]

How = Literal["upn", "name_dob_postcode", "none"]


@dataclass
class MatchResult:
    """The child the details belong to (or None), how it was found, and possible duplicates."""

    child: Child | None
    how: How
    candidates: list[Child] = field(default_factory=list)


def normalise_postcode(postcode: str | None) -> str:
    """Return a postcode in upper case without spaces, for comparing ("ab1 2cd" == "AB12CD")."""
    return "".join((postcode or "").split()).upper()


def clean_name(name: str) -> str:
    return " ".join(name.split())


def child_match(
    *,
    upn: str | None,
    forename: str,
    surname: str,
    date_of_birth: date,
    postcode: str | None = None,
) -> MatchResult:
    """Find the child these details belong to: at most two queries, whatever the data size.

    Returns the matched child with ``how`` set to "upn" or "name_dob_postcode", or no child
    (``how`` "none") with ``candidates``: children who may be the same one and need an officer to
    decide. A matched child has no candidates.
    """
    wanted_upn = normalise_upn(upn) if upn else ""
    if wanted_upn:
        by_upn = Child.objects.select_related("merged_into").filter(upn=wanted_upn).first()
        if by_upn is not None:
            # A record merged into another kept its own UPN when the survivor had one: the
            # survivor is the child (merges repoint earlier merges, so one step is enough).
            return MatchResult(child=by_upn.merged_into or by_upn, how="upn")

    forename, surname = clean_name(forename), clean_name(surname)
    wanted_postcode = normalise_postcode(postcode)
    current_postcode = Address.objects.filter(child=OuterRef("pk"), moved_out__isnull=True).values(
        "postcode"
    )[:1]
    # Case-insensitive on every database: PostgreSQL compares UPPER(legal_surname), which the
    # expression index child_surname_dob (Upper(legal_surname), date_of_birth) serves.
    same_surname_and_dob = list(
        # A merged record is only a redirect now: never a match nor a candidate again.
        Child.objects.filter(
            legal_surname__iexact=surname, date_of_birth=date_of_birth, merged_into__isnull=True
        )
        .annotate(current_postcode=Subquery(current_postcode))
        .order_by("pk")
    )
    matches: list[Child] = []
    candidates: list[Child] = []
    for child in same_surname_and_dob:
        same_name = child.legal_forename.strip().casefold() == forename.casefold()
        child_postcode = normalise_postcode(getattr(child, "current_postcode", None))
        postcode_fits = not wanted_postcode or child_postcode == wanted_postcode
        # A different UPN on record means a different child (or a UPN an officer must look at).
        upn_conflict = bool(wanted_upn and child.upn and child.upn != wanted_upn)
        if same_name and postcode_fits and not upn_conflict:
            matches.append(child)
        else:
            candidates.append(child)
    if len(matches) == 1:
        return MatchResult(child=matches[0], how="name_dob_postcode")
    # Two or more equally good matches are already duplicates of each other: let an officer choose.
    return MatchResult(child=None, how="none", candidates=sorted(matches + candidates, key=lambda c: c.pk))


def duplicate_reason(child: Child, forename: str, postcode: str | None) -> str:
    """Why ``child`` may be the same as the new record, in words an officer reads."""
    child_postcode = getattr(child, "current_postcode", None)
    if child.legal_forename.strip().casefold() != clean_name(forename).casefold():
        reason = f"Same surname and date of birth; first name {child.legal_forename!r} differs"
    elif not postcode:
        reason = "Same name and date of birth"
    elif not child_postcode:
        reason = "Same name and date of birth; no current address on record"
    elif normalise_postcode(child_postcode) != normalise_postcode(postcode):
        reason = f"Same name and date of birth; postcode {child_postcode} differs"
    else:
        reason = "Same name, date of birth and postcode"
    if child.upn:
        reason += f"; UPN on record {child.upn}"
    return reason[:200]


def duplicates_record(child: Child, candidates: list[tuple[Child, str]]) -> list[PossibleDuplicate]:
    """Record ``child`` as a possible duplicate of each candidate (with the reason), once per pair.

    A pair already recorded either way round is skipped whatever its status, so two records an
    officer called "not the same child" are never offered again (and an open pair is not doubled).
    """
    others = [other for other, _reason in candidates if other.pk != child.pk]
    if not others:
        return []
    known = {
        a if b == child.pk else b
        for a, b in PossibleDuplicate.objects.filter(
            Q(child=child, other__in=others) | Q(other=child, child__in=others)
        ).values_list("child_id", "other_id")
    }
    return PossibleDuplicate.objects.bulk_create(
        PossibleDuplicate(child=child, other=other, reason=reason)
        for other, reason in candidates
        if other.pk != child.pk and other.pk not in known
    )
