"""A school tells the council a pupil has been absent 10 continuous school days without a reason
(the attendance return: codes G, N, O or U; DOMAIN.md "Attendance return").

The return goes through the claims rule like every other (rollcall/returns/claims.py): about a
child we hold, it is accepted only when the details agree and the pupil is (or was until
recently) on the school's roll; otherwise it waits for the Inclusion team to check. Either way it
is recorded as received, which is what returns completeness counts (a refused one counts for
nothing). Nothing else about the child changes: the council's own prompt for 10 days' unexplained
absence comes from the attendance marks (rollcall/attendance/evaluation.py), so a confirmed claim
has nothing more to apply.

The sickness return (pupils coded I for 15 school days) is the illness report a school sends
through the health pages (rollcall/health/services.py, ``SchoolReturn.Kind.ILLNESS_REPORT``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.people.models import Child
from rollcall.returns.claims import Pupil, Received, claim_kind_register, claim_receive
from rollcall.returns.models import SchoolReturn
from rollcall.schools.models import School


@dataclass(frozen=True)
class AbsenceFacts:
    """What the school says about the absence."""

    first_day_absent: dt.date  # the first of the continuous school days without a reason
    school_days_absent: int  # continuous school days so far
    details: str = ""

    def as_sent(self) -> dict[str, object]:
        return {
            "first_day_absent": self.first_day_absent.isoformat(),
            "school_days_absent": self.school_days_absent,
            "details": self.details,
        }


def attendance_return_receive(
    *,
    school: School,
    actor: User,
    pupil: Pupil,
    facts: AbsenceFacts,
    idempotency_key: str = "",
    at: dt.datetime | None = None,
) -> Received:
    """Record an attendance return from ``school`` (one transaction). The same ``idempotency_key``
    from the same school returns the first return and records nothing new."""
    with transaction.atomic():
        return claim_receive(
            kind=SchoolReturn.Kind.ATTENDANCE,
            school=school,
            actor=actor,
            pupil=pupil,
            on=facts.first_day_absent,
            sent=facts.as_sent(),
            idempotency_key=idempotency_key,
            at=at or clock.now(),
        )


def _apply(school_return: SchoolReturn, child: Child, actor: User, instant: dt.datetime) -> None:
    """A confirmed attendance return changes nothing more: being confirmed, it counts as received."""


claim_kind_register(SchoolReturn.Kind.ATTENDANCE, _apply)


__all__ = ["AbsenceFacts", "attendance_return_receive"]
