"""A school tells the council it has a new pupil (the new pupil return, reg. 13(1)-(3)).

A return about a child we hold goes ahead only when the details agree and the council expected
the pupil at that school (an admission, a put-on-roll request, a named destination) or the pupil
is already on its roll; then the child is put on the roll and any open child missing education
case closes as back on roll. Otherwise the return waits as a claim to confirm
(rollcall/returns/claims.py); once an officer confirms it, the child goes on the roll and the case
moves to "back on roll, to confirm" for its owner to close.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.casework.services import roll_join
from rollcall.people.models import Child
from rollcall.returns.claims import Pupil, Received, claim_kind_register, claim_receive
from rollcall.returns.models import SchoolReturn
from rollcall.schools.models import RollEntry, School


@dataclass(frozen=True)
class NewPupilResult:
    received: Received
    entry: RollEntry | None  # None while the return waits for an officer

    @property
    def held(self) -> bool:
        return self.entry is None


def new_pupil_notify(
    *, school: School, actor: User, pupil: Pupil, entered_on: dt.date, at: dt.datetime | None = None
) -> NewPupilResult:
    """Receive a new pupil return; put the pupil on the school's roll from ``entered_on`` when it may.

    Idempotent: a second return for a pupil already on this school's roll changes nothing.
    """
    instant = at or clock.now()
    with transaction.atomic():
        received = claim_receive(
            kind=SchoolReturn.Kind.NEW_PUPIL,
            school=school,
            actor=actor,
            pupil=pupil,
            on=entered_on,
            sent={"entered_on": entered_on.isoformat()},
            at=instant,
        )
        if received.child is None:
            return NewPupilResult(received=received, entry=None)
        entry = roll_join(
            child=received.child, school=school, on_roll_from=entered_on, actor=actor, at=instant
        )
    return NewPupilResult(received=received, entry=entry)


def _apply(school_return: SchoolReturn, child: Child, actor: User, instant: dt.datetime) -> None:
    """An officer confirmed the pupil is this child: on the roll, and the case's owner checks the rest."""
    entered_on = dt.date.fromisoformat(school_return.sent["entered_on"])
    roll_join(
        child=child,
        school=school_return.school,
        on_roll_from=entered_on,
        actor=actor,
        at=instant,
        expected=False,
    )


claim_kind_register(SchoolReturn.Kind.NEW_PUPIL, _apply)


def new_pupil_returns_from_roll(
    *,
    school: School,
    sender: User,
    joiners: Mapping[int, dt.date],
    roll_as_of: dt.date,
    at: dt.datetime,
) -> int:
    """A school's roll shows new pupils: each is the school's new pupil return, recorded as received
    (accepted: the roll matched the child by the identity rules) unless the school already sent
    one for that child since the day the pupil joined. In a few queries; idempotent (one return per
    child and start date). Returns how many were recorded.
    """
    if not joiners:
        return 0
    earliest = min(joiners.values())
    keys = {
        child_id: f"roll-join:{child_id}:{entered_on.isoformat()}" for child_id, entered_on in joiners.items()
    }
    ids = sorted(joiners)
    already: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        already |= set(
            SchoolReturn.objects.filter(
                school=school,
                kind=SchoolReturn.Kind.NEW_PUPIL,
                child_id__in=chunk,
                received_at__date__gte=earliest,
            ).values_list("child_id", flat=True)
        )
        already |= set(
            SchoolReturn.objects.filter(
                school=school, idempotency_key__in=[keys[c] for c in chunk]
            ).values_list("child_id", flat=True)
        )
    rows = [
        SchoolReturn(
            kind=SchoolReturn.Kind.NEW_PUPIL,
            school=school,
            sent_by=sender,
            received_at=at,
            sent={
                "entered_on": entered_on.isoformat(),
                "roll_as_of": roll_as_of.isoformat(),
                "from_roll": True,
            },
            child_id=child_id,
            status=SchoolReturn.Status.ACCEPTED,
            idempotency_key=keys[child_id],
        )
        for child_id, entered_on in sorted(joiners.items())
        if child_id not in already
    ]
    bulk_create_with_history(rows, SchoolReturn, batch_size=500, default_user=sender, default_date=at)
    return len(rows)
