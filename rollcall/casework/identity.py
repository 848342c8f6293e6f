"""Recording what arrives about a child: match it to a child we know, or create the record.

The matching itself is people's (``rollcall.people.matching``: UPN first, then name, date of
birth and postcode; candidates are never merged silently). Creating a child also writes the "record
created" event on the child's timeline, which is casework's, so the function that does both lives
here, on the floor above people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from rollcall.accounts.models import User
from rollcall.casework import events
from rollcall.people.matching import (
    MatchResult,
    child_match,
    clean_name,
    duplicate_reason,
    duplicates_record,
)
from rollcall.people.models import Address, Child, validate_upn
from rollcall.rules.upn import normalise_upn
from rollcall.schools.models import School

_ADDRESS_FIELDS = frozenset({"line_1", "line_2", "town", "postcode", "moved_in"})


def child_match_or_create(
    *,
    upn: str | None,
    forename: str,
    surname: str,
    date_of_birth: date,
    gender: str = Child.Gender.NOT_KNOWN,
    postcode: str | None = None,
    address: dict[str, Any] | None = None,
    actor: User | None = None,
    source: str = "new details received",
    supplied_by_school: School | None = None,
) -> tuple[Child, MatchResult, bool]:
    """Return the matching child, or create one (with a current address) when none matches.

    A new child is recorded with a :class:`PossibleDuplicate` against each candidate, for an
    officer to review, and a "record created" event on the timeline. ``address`` holds Address
    fields (``line_1``, ``line_2``, ``town``, ``postcode``, ``moved_in``); its postcode defaults to
    ``postcode``. ``supplied_by_school``: the school that sent the details, recorded on the address
    (a school is shown only what it supplied itself). Returns ``(child, match, created)``.

    Raises ``django.core.exceptions.ValidationError`` for a UPN whose shape or check letter is
    wrong, rather than store it; ``ValueError`` for unknown address fields.
    """
    if address is not None and not set(address) <= _ADDRESS_FIELDS:
        unknown = ", ".join(sorted(set(address) - _ADDRESS_FIELDS))
        raise ValueError(f"Unknown address fields: {unknown}")
    wanted_upn = normalise_upn(upn) if upn else ""
    if wanted_upn:
        validate_upn(wanted_upn)
    with transaction.atomic():
        match = child_match(
            upn=wanted_upn or None,
            forename=forename,
            surname=surname,
            date_of_birth=date_of_birth,
            postcode=postcode,
        )
        if match.child is not None:
            return match.child, match, False

        child = Child(
            legal_forename=clean_name(forename),
            legal_surname=clean_name(surname),
            date_of_birth=date_of_birth,
            gender=gender,
            upn=wanted_upn or None,
        )
        if actor is not None:
            child._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
        try:
            with transaction.atomic():
                child.save()
        except IntegrityError:
            # Another request recorded this UPN between our match and our insert (two schools
            # notifying the same pupil at once): that child is the match.
            winner = Child.objects.filter(upn=wanted_upn).first() if wanted_upn else None
            if winner is None:
                raise
            return winner, MatchResult(child=winner, how="upn"), False
        if address is not None:
            fields = {"postcode": postcode or "", **address}
            fields["postcode"] = " ".join(str(fields["postcode"]).upper().split())
            Address.objects.create(child=child, supplied_by_school=supplied_by_school, **fields)
        duplicates_record(
            child, [(other, duplicate_reason(other, forename, postcode)) for other in match.candidates]
        )
        events.event_record(
            verb=events.CHILD_CREATED,
            child=child,
            actor=actor,
            source=source,
            possible_duplicates=[other.pk for other in match.candidates],
        )
    return child, match, True


@dataclass(frozen=True)
class ChildDetails:
    """A child as a form describes them, for a service to match or record in its own transaction."""

    forename: str
    surname: str
    date_of_birth: date
    upn: str | None = None
    postcode: str | None = None


def child_for(child: Child | None, details: ChildDetails | None, *, actor: User | None, source: str) -> Child:
    """The child a service acts on: ``child`` itself, or the record ``details`` match or create.

    Call it inside the service's ``transaction.atomic`` (issue 11, finding 5): a submission that
    is then refused or fails takes the record it created with it, so no orphan child is left.
    """
    if child is not None:
        return child
    if details is None:
        raise ValueError("Give the child or the child's details")
    found, _match, _created = child_match_or_create(
        upn=details.upn or None,
        forename=details.forename,
        surname=details.surname,
        date_of_birth=details.date_of_birth,
        postcode=details.postcode or None,
        actor=actor,
        source=source,
    )
    return found
