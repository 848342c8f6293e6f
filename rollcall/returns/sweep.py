"""The returns step of the daily sweep (settings.SWEEP_STEPS): tell a school once when a new pupil,
attendance or sickness return it owes becomes missing (rules/returns_due.py; returns/completeness.py).

A missing deletion return is chased by the rolls step instead (rolls/sweep.py): the leaver's
"deletion return missing" request has its own due date, reminders to the school and the Inclusion
team, and a CME case when it stays unanswered, so this step does not send a second reminder.

Each school's active users get one message per missing return, carrying only a reference and a link
to the school's list of returns owed: no name, no date of birth, no reason. Idempotent: every
message has a key (the return's reference, user), so a second run for the same or a later day
sends nothing new for the same return.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from rollcall.accounts.models import Membership
from rollcall.casework.sweep import sweep_instant
from rollcall.notify.services import messages_send_bulk
from rollcall.returns.completeness import DELETION, owed_returns
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.returns_due import ReturnStanding

LOOK_BACK_DAYS = 366


def returns_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    """Remind each school of every new pupil, attendance and sickness return of the last year
    missing as of ``today``."""
    missing = [
        row
        for row in owed_returns(
            calendar=calendar, start=today - dt.timedelta(days=LOOK_BACK_DAYS), end=today, today=today
        )
        if row.standing is ReturnStanding.MISSING and row.kind != DELETION
    ]
    school_users: dict[int, list[int]] = {}
    for school_id, user_id in Membership.objects.filter(
        school_id__in={row.school_id for row in missing}, user__is_active=True
    ).values_list("school_id", "user_id"):
        school_users.setdefault(school_id, []).append(user_id)
    url = reverse("returns:owed")
    items = []
    for row in missing:
        ref = row.reference
        subject = f"{row.kind_label} {ref} is missing"
        body = (
            f"The council has not received {row.kind_label.lower()} {ref}, now past its due date. "
            "The returns your school owes are listed at the link below."
        )
        for user_id in school_users.get(row.school_id, []):
            items.append((user_id, subject, body, url, f"return-missing:{ref}:{user_id}"))
    sent = messages_send_bulk(items, at=sweep_instant(today))
    return {"returns_missing": len(missing), "returns_missing_reminders": sent}
