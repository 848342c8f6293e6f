"""Breaking the glass: a council officer outside a child's teams opens the child's record for a
limited time after writing why (docs/adr/0008-break-the-glass.md).

The access is recorded (:class:`BreakGlass`), the managers of the teams that own the child's cases
are told through rollcall.notify (no personal facts: only that there is an access to review, and
a link), and each view under it is logged with the reason (audit.RecordView, "break-glass").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from rollcall import clock
from rollcall.accounts.models import Membership, User
from rollcall.casework.models import BreakGlass, Case
from rollcall.notify.services import messages_send_bulk
from rollcall.people.models import Child
from rollcall.rules.workflow import Role

SUBJECT = "A break-the-glass access to review"
BODY = (
    "Someone outside your team opened the record of a child your team has a case about, after "
    "giving a reason. Please review the access and its reason."
)


def managers_to_tell(child: Child | int) -> list[int]:
    """The active managers of the teams that own the child's open cases (or any of the child's
    cases if none is open): the ids of the people to tell. One query."""
    child_id = child if isinstance(child, int) else child.pk
    cases = Case.objects.filter(child_id=child_id)
    owning = cases.filter(closed_at__isnull=True) if cases.filter(closed_at__isnull=True).exists() else cases
    team_case = owning.filter(team_id=OuterRef("team_id"))
    return sorted(
        set(
            Membership.objects.filter(role=Role.MANAGER.value, user__is_active=True)
            .filter(Exists(team_case))
            .values_list("user_id", flat=True)
        )
    )


@transaction.atomic
def break_glass_open(*, user: User, child: Child, reason: str) -> BreakGlass:
    """Give ``user`` access to ``child``'s record for BREAK_GLASS_MINUTES, and tell the managers.

    The caller has checked :func:`rollcall.casework.access.break_glass_child`.
    """
    now = clock.now()
    access = BreakGlass.objects.create(
        user=user,
        child=child,
        reason=reason.strip(),
        granted_at=now,
        expires_at=now + dt.timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    url = reverse("children:break-glass-report") + f"#access-{access.pk}"
    messages_send_bulk(
        (manager, SUBJECT, BODY, url, f"break-glass:{access.pk}:{manager}")
        for manager in managers_to_tell(child)
        if manager != user.pk
    )
    return access
