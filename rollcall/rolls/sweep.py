"""The rolls step of the daily sweep, and the "nobody lost between rolls" part of the invariant.

- A deletion return the roll showed missing is answered once the school's removal notice for that
  spell arrives (through the removal-notice flow and its lawful-ground checks).
- One still open after its due date: the school and the Inclusion team are reminded, once per
  request and due date, and (the destination still unknown) a CME case opens at once, once per
  request, unless the child already has one.
- **Nobody lost between rolls** (rules/rolls.py, ``lost_reason``): every child who has been on a
  roll in the area, is of compulsory school age, and is on no roll now has a known destination
  (a destination school or details on a spell, or a case closed with an outcome since; a child
  with a deletion return is already the sweep's own check) or an open case with an owner and a date. Each breach is named in the sweep's
  breaches (settings.SWEEP_INVARIANTS) and counted by this step.

Set-based: a fixed number of queries whatever the number of children. Idempotent: updates are
conditional and every message carries a key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.urls import reverse

from rollcall.accounts.models import Membership, Team
from rollcall.casework.models import Case
from rollcall.casework.services import BulkCaseItem, cases_open_bulk
from rollcall.casework.sweep import sweep_instant
from rollcall.notify.services import messages_send_bulk
from rollcall.people.models import Child
from rollcall.rolls.models import DeletionReturnMissing
from rollcall.rolls.selectors import new_pupil_returns_missing
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.rolls import RollStanding, lost_reason
from rollcall.schools.models import RemovalNotice, RollEntry


def rolls_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    """Run the rolls step as of ``today``; the counts go in the sweep run's record."""
    at = sweep_instant(today)
    with transaction.atomic():
        answered = returns_answered()
        overdue = returns_overdue_remind(today=today, at=at)
        opened = returns_overdue_open_cases(today=today, at=at)
    return {
        "roll_returns_answered": answered,
        "roll_returns_overdue": overdue,
        "roll_returns_cme_opened": opened,
        "lost_between_rolls": len(lost_between_rolls(today=today)),
        "new_pupil_returns_missing": len(new_pupil_returns_missing(today=today)),
    }


def returns_answered() -> int:
    """Mark answered each request whose deletion return the school has since sent."""
    notice = RemovalNotice.objects.filter(
        school=OuterRef("school"),
        child=OuterRef("child"),
        removal_date__gte=OuterRef("roll_entry__on_roll_from"),
    )
    ids = list(
        DeletionReturnMissing.objects.filter(status=DeletionReturnMissing.Status.OPEN)
        .filter(Exists(notice))
        .values_list("pk", flat=True)
    )
    return DeletionReturnMissing.objects.filter(pk__in=ids).update(
        status=DeletionReturnMissing.Status.ANSWERED
    )


def returns_overdue_remind(*, today: dt.date, at: dt.datetime) -> int:
    """Remind the school's users and the Inclusion team of each request past its due date."""
    overdue = list(
        DeletionReturnMissing.objects.filter(
            status=DeletionReturnMissing.Status.OPEN, due__lt=today
        ).values_list("pk", "school_id", "school__name", "school__urn", "due", "left_on")
    )
    if not overdue:
        return 0
    school_users: dict[int, list[int]] = {}
    for school_id, user_id in Membership.objects.filter(
        school_id__in={row[1] for row in overdue}, user__is_active=True
    ).values_list("school_id", "user_id"):
        school_users.setdefault(school_id, []).append(user_id)
    team_users = list(
        Membership.objects.filter(team__kind=Team.Kind.INCLUSION, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    items = []
    for pk, school_id, name, urn, due, left_on in overdue:
        subject = f"Deletion return overdue from {name}"
        body = (
            f"A pupil {name}'s roll showed gone on {left_on:%-d %B %Y} still has no deletion return "
            f"(due {due:%-d %B %Y})."
        )
        url = reverse("rolls:school", args=[urn])
        for user_id in {*school_users.get(school_id, []), *team_users}:
            items.append(
                (user_id, subject, body, url, f"roll-return-overdue:{pk}:{due.isoformat()}:{user_id}")
            )
    messages_send_bulk(items, at=at)
    return len(overdue)


def returns_overdue_open_cases(*, today: dt.date, at: dt.datetime) -> int:
    """A leaver whose deletion return is overdue has a destination nobody knows: a CME case opens
    for the Inclusion team at once (in bulk; once per request). A child who already has an open CME
    case (a school's notice with no destination opened it) is left with it."""
    team = Team.objects.filter(kind=Team.Kind.INCLUSION).first()
    if team is None:
        return 0
    open_cme = Case.objects.filter(child=OuterRef("child"), kind="cme", closed_at__isnull=True)
    rows = list(
        DeletionReturnMissing.objects.filter(
            status=DeletionReturnMissing.Status.OPEN, due__lt=today, case_opened_on__isnull=True
        )
        .exclude(Exists(open_cme))
        .values_list("pk", "child_id", "school__name", "left_on", "due")
    )
    if not rows:
        return 0
    cases_open_bulk(
        kind="cme",
        team=team,
        items=[
            BulkCaseItem(
                child_id=child_id,
                source=f"Left the roll of {school} on {left_on:%-d %B %Y}; no deletion return by {due:%-d %B %Y}",
                summary="The school's roll shows the pupil gone and nobody has said where.",
            )
            for _pk, child_id, school, left_on, due in rows
        ],
        source="school roll",
        at=at,
    )
    DeletionReturnMissing.objects.filter(pk__in=[row[0] for row in rows]).update(case_opened_on=today)
    return len(rows)


@dataclass(frozen=True)
class LostChild:
    """A child lost between rolls (the sweep's breach and the exceptions report's row)."""

    child_id: int
    name: str
    upn: str
    date_of_birth: dt.date
    left_on: dt.date | None
    reason: str

    def __str__(self) -> str:
        since = f" since {self.left_on:%d/%m/%Y}" if self.left_on else ""
        return f"{self.name} (UPN {self.upn or 'none'}): {self.reason.lower()}{since}"


def lost_between_rolls(*, today: dt.date) -> list[str]:
    """Every child lost between rolls on ``today``, by name (for the sweep's breaches)."""
    return [str(lost) for lost in lost_between_rolls_children(today=today)]


def lost_between_rolls_children(*, today: dt.date) -> list[LostChild]:
    """Every child lost between rolls on ``today``, longest lost first (a fixed number of queries)."""
    ever = RollEntry.objects.filter(child=OuterRef("pk"), on_roll_from__lte=today)
    on_roll = RollEntry.objects.filter(child=OuterRef("pk"), on_roll_from__lte=today).filter(
        Q(on_roll_to__isnull=True) | Q(on_roll_to__gt=today)
    )
    named = Q(destination_school__isnull=False) | ~Q(destination_details="")
    entry_destination = RollEntry.objects.filter(child=OuterRef("pk")).filter(named)
    # A child with a deletion return is the sweep's own check (a known destination, or a CME case).
    any_notice = RemovalNotice.objects.filter(child=OuterRef("pk"))
    owned_case = Case.objects.filter(
        child=OuterRef("pk"), closed_at__isnull=True, owner__isnull=False, next_action_due__isnull=False
    )
    left_on = Subquery(
        RollEntry.objects.filter(child=OuterRef("pk"))
        .values("child")
        .annotate(last=Max("on_roll_to"))
        .values("last")[:1]
    )
    closed_since = Case.objects.filter(
        child=OuterRef("pk"), closed_at__isnull=False, closed_at__date__gte=OuterRef("left_on")
    ).exclude(outcome="")
    candidates = (
        Child.objects.filter(Exists(ever), merged_into__isnull=True)
        .exclude(Exists(on_roll))
        .exclude(Exists(owned_case))
        .annotate(left_on=left_on)
        .exclude(Exists(entry_destination))
        .exclude(Exists(any_notice))
        .exclude(Exists(closed_since))
        .order_by(F("left_on").asc(nulls_last=True), "pk")
        .values_list("pk", "legal_forename", "legal_surname", "upn", "date_of_birth", "left_on")
    )
    lost = []
    for pk, forename, surname, upn, dob, left in candidates:
        standing = RollStanding(dob, was_on_roll_in_area=True, on_roll_now=False)
        reason = lost_reason(standing, today)
        if reason is None:
            continue
        lost.append(LostChild(pk, f"{forename} {surname}", upn or "", dob, left, reason))
    return lost


def lost_between_rolls_breaches(*, today: dt.date) -> list[str]:
    """The invariant's part for settings.SWEEP_INVARIANTS."""
    return lost_between_rolls(today=today)
