"""A school tells the council it has a new pupil (the new pupil return, reg. 13(1)-(3)).

The child is matched (never merged silently), put on the school's roll, and any open child
missing education case closes with the outcome "back on roll" (roll_join).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from rollcall.accounts.models import User
from rollcall.casework.identity import child_match_or_create
from rollcall.casework.models import Case
from rollcall.casework.services import roll_join
from rollcall.returns.removals import Pupil
from rollcall.schools.models import RollEntry, School


@dataclass(frozen=True)
class NewPupilResult:
    entry: RollEntry
    child_created: bool
    closed_cases: list[Case] = field(default_factory=list)


def new_pupil_notify(
    *, school: School, actor: User, pupil: Pupil, entered_on: dt.date, at: dt.datetime | None = None
) -> NewPupilResult:
    """Record a pupil on the school's roll from ``entered_on``.

    Idempotent: a second return for a pupil already on this school's roll changes nothing.
    """
    address = (
        {"line_1": pupil.address_line_1, "town": pupil.town, "postcode": pupil.postcode}
        if pupil.address_line_1 and pupil.postcode
        else None
    )
    with transaction.atomic():
        child, _match, created = child_match_or_create(
            upn=pupil.upn or None,
            forename=pupil.forename,
            surname=pupil.surname,
            date_of_birth=pupil.date_of_birth,
            gender=pupil.gender,
            postcode=pupil.postcode or None,
            address=address,
            actor=actor,
            source=f"new pupil return from {school.name}",
        )
        open_before = set(Case.objects.open().filter(child=child).values_list("pk", flat=True))
        entry = roll_join(child=child, school=school, on_roll_from=entered_on, actor=actor, at=at)
        closed = list(Case.objects.filter(pk__in=open_before, closed_at__isnull=False))
    return NewPupilResult(entry=entry, child_created=created, closed_cases=closed)
