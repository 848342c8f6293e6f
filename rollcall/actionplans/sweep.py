"""The action-plan step of the daily sweep (settings.SWEEP_STEPS).

- An action past its due date and not complete: the Roll Call user responsible for it is reminded
  once for that due date (or, if nobody is named, the managers of its team).
- Still not complete ``escalate_after_school_days`` school days after its due date (a setting,
  default 10): every head of service is told once for that due date.

Idempotent twice over: each message has a key (``actionplan-overdue:<action>:<due date>``,
``actionplan-escalated:<action>:<due date>``) and the action records which due date it was
reminded of and escalated for, so a second run, or a run after a crash, sends nothing new. A
moved due date (``services.action_change``) clears both, so a new deadline is followed up afresh.
Set-based: a handful of queries whatever the number of actions. Messages are stamped with the
sweep's instant (``sweep_instant``), never the wall clock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import F
from django.urls import reverse

from rollcall.accounts.models import Membership
from rollcall.actionplans.models import Action, ActionPlanSettings, Status
from rollcall.casework.sweep import sweep_instant
from rollcall.formats import long_date
from rollcall.notify.services import heads_of_service, messages_send_bulk
from rollcall.rules import actionplans as rules
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.workflow import Role


def actionplans_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    """Remind owners of overdue actions and escalate the long-overdue ones, as of ``today``."""
    after = ActionPlanSettings.current().escalate_after_school_days
    overdue = list(
        Action.objects.filter(due_on__lt=today)
        .exclude(status=Status.COMPLETE)
        .values_list(
            "pk",
            "number",
            "description",
            "owner_title",
            "due_on",
            "responsible_id",
            "team_id",
            "reminded_for",
            "escalated_for",
            "complaint__reference",
            "complaint__title",
        )
        .order_by("due_on", "pk")
    )
    team_ids = {row[6] for row in overdue if row[6] is not None}
    managers: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in Membership.objects.filter(
        team_id__in=team_ids, role=Role.MANAGER.value, user__is_active=True
    ).values_list("team_id", "user_id"):
        managers[team_id].append(user_id)
    heads = [u.pk for u in heads_of_service()]

    reminders, escalations = [], []
    reminded, escalated = [], []
    for (
        pk,
        number,
        description,
        owner,
        due,
        responsible,
        team,
        reminded_for,
        escalated_for,
        ref,
        title,
    ) in overdue:
        if due is None:  # excluded by the query; this tells the type checker
            continue
        url = reverse("actionplans:action", args=[pk])
        what = f"Action {number} of {ref} ({title})"
        if reminded_for != due:
            # Nobody named in Roll Call: the managers of the action's team (if it has one).
            recipients = [responsible] if responsible else managers.get(team or 0, [])
            for user_id in recipients:
                reminders.append(
                    (
                        user_id,
                        f"Overdue: action {number} of {ref}",
                        f"{what} was due on {long_date(due)} and is not complete: {description} "
                        "Please add an update with its status and what has happened.",
                        url,
                        f"actionplan-overdue:{pk}:{due.isoformat()}:{user_id}",
                    )
                )
            reminded.append(pk)
        if (
            escalated_for != due
            and rules.escalation_day(due_on=due, after_school_days=after, calendar=calendar) <= today
        ):
            for user_id in heads:
                escalations.append(
                    (
                        user_id,
                        f"Escalated: action {number} of {ref} is {after} school days overdue",
                        f"{what} was due on {long_date(due)} and is still not complete after {after} school "
                        f"days. Owner: {owner}. {description}",
                        url,
                        f"actionplan-escalated:{pk}:{due.isoformat()}:{user_id}",
                    )
                )
            escalated.append(pk)
    with transaction.atomic():
        now = sweep_instant(today)
        sent_reminders = messages_send_bulk(reminders, at=now)
        sent_escalations = messages_send_bulk(escalations, at=now)
        # Claim: record which due date was followed up (a due date moved meanwhile is left alone).
        Action.objects.filter(pk__in=reminded, due_on__lt=today).update(reminded_for=F("due_on"))
        Action.objects.filter(pk__in=escalated, due_on__lt=today).update(escalated_for=F("due_on"))
    return {
        "actionplan_overdue": len(overdue),
        "actionplan_reminders": sent_reminders,
        "actionplan_escalations": sent_escalations,
    }
