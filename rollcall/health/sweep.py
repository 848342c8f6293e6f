"""The health-needs step of the daily sweep (settings.SWEEP_STEPS).

- A check-in due within the reminder window (a setting, default 5 days): the named contact is
  reminded once (message key ``checkin-reminder:<checkin>``).
- A check-in missed (due before today and not done): the Access to Education manager is told
  once, and gets a task to follow it up (task key ``checkin-missed:<checkin>``).
- Provision not in place by its deadline needs nothing here: the "Arrange provision" task is
  overdue and the generic ladder escalates it.

Set-based: a few queries however many cases; idempotent by keys. Dated from the sweep's
``today`` and stamped with its instant (``sweep_instant``), never the wall clock.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.db import transaction
from django.urls import reverse

from rollcall.accounts.models import Membership, Team
from rollcall.casework.services import BulkTask, tasks_create_bulk
from rollcall.casework.sweep import sweep_instant
from rollcall.health.models import CheckIn, HealthSettings, NamedContact
from rollcall.notify.services import messages_send_bulk
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.workflow import Role


def health_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    settings = HealthSettings.current()
    horizon = today + timedelta(days=settings.checkin_reminder_days)
    open_checkins = CheckIn.objects.filter(done_on__isnull=True, case__closed_at__isnull=True)
    contacts = dict(NamedContact.objects.filter(until__isnull=True).values_list("case_id", "officer_id"))

    upcoming = list(
        open_checkins.filter(due_on__gte=today, due_on__lte=horizon).values_list(
            "pk",
            "case_id",
            "due_on",
            "case__owner_id",
            "case__child__legal_forename",
            "case__child__legal_surname",
        )
    )
    reminders = [
        (
            contacts.get(case_id) or owner_id,
            f"Check-in due {due:%d/%m/%Y}: {forename} {surname}",
            f"Your monthly check-in with the family of {forename} {surname} is due on {due:%d/%m/%Y}.",
            reverse("casework:case", args=[case_id]),
            f"checkin-reminder:{pk}",
        )
        for pk, case_id, due, owner_id, forename, surname in upcoming
    ]

    missed = list(
        open_checkins.filter(due_on__lt=today).values_list(
            "pk",
            "case_id",
            "due_on",
            "case__owner_id",
            "case__child__legal_forename",
            "case__child__legal_surname",
        )
    )
    managers = list(
        Membership.objects.filter(team__kind=Team.Kind.ACCESS, role=Role.MANAGER.value, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    escalations = []
    new_tasks = []
    now = sweep_instant(today)
    for pk, case_id, due, owner_id, forename, surname in missed:
        contact = contacts.get(case_id) or owner_id
        for manager in managers:
            escalations.append(
                (
                    manager,
                    f"Check-in missed: {forename} {surname}",
                    f"The monthly check-in with the family of {forename} {surname}, due {due:%d/%m/%Y}, "
                    "has not been recorded.",
                    reverse("casework:case", args=[case_id]),
                    f"checkin-missed:{pk}:{manager}",
                )
            )
        new_tasks.append(
            BulkTask(
                case_id=case_id,
                code="checkin_missed",
                title="Follow up a missed check-in",
                due=calendar.next_school_day(today),
                assignee_id=managers[0] if managers else contact,
                key=f"checkin-missed:{pk}",
            )
        )
    with transaction.atomic():
        reminded = messages_send_bulk(reminders, at=now)
        escalated = messages_send_bulk(escalations, at=now)
        added = tasks_create_bulk(tasks=new_tasks, at=now)
    return {
        "checkin_reminders": reminded,
        "checkins_missed": escalated,
        "checkin_missed_tasks": len(added),
    }
