"""The moves-between-councils step of the daily sweep (settings.SWEEP_STEPS).

- A transfer the new council has not confirmed by its day (``acknowledge_within_school_days``
  school days after it was sent, a council setting) is escalated once on the sending side: the
  team's managers get a task to chase that council (key ``transfer-chase:<transfer>``) and a
  message, and the timeline says so. Claimed with a conditional update on ``escalated_on``, so a
  second run, or two at once, escalate it once.
- Messages a partner's Roll Call did not take (a transfer not delivered, an acknowledgement not
  delivered) are sent again.

Dated from the sweep's ``today`` and stamped with its instant, never the wall clock.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from rollcall.casework.events import BulkEvent, events_record_bulk
from rollcall.casework.services import BulkTask, cases_next_action_bulk, tasks_create_bulk
from rollcall.casework.sweep import sweep_instant
from rollcall.formats import long_date
from rollcall.notify.services import message_send, team_members
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.transfers import escalation_due
from rollcall.rules.workflow import Role
from rollcall.transfers import events, services
from rollcall.transfers.models import IncomingTransfer, Transfer, TransferRuleSettings

# Each run retries at most this many deliveries, so a partner that is down cannot hold the sweep.
RETRY_LIMIT = 50


def transfers_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    at = sweep_instant(today)
    rules = TransferRuleSettings.current().rules
    escalated = 0
    waiting = list(
        Transfer.objects.filter(
            status__in=services.LIVE, escalated_on__isnull=True, acknowledge_by__lt=today
        ).select_related("case", "case__team", "case__owner")
    )
    due = [t for t in waiting if escalation_due(calendar, t.sent_on, today, rules) and t.case.is_open]
    for transfer in due:
        with transaction.atomic():
            if not Transfer.objects.filter(pk=transfer.pk, escalated_on__isnull=True).update(
                escalated_on=today
            ):
                continue
            case = transfer.case
            managers = team_members(case.team, roles=[Role.MANAGER]) or ([case.owner] if case.owner else [])
            added = tasks_create_bulk(
                tasks=[
                    BulkTask(
                        case_id=case.pk,
                        code="transfer_chase",
                        title=f"Chase {transfer.to_name}: no confirmation of the transfer",
                        due=today,
                        assignee_id=managers[0].pk,
                        key=f"transfer-chase:{transfer.pk}",
                    )
                ]
                if managers
                else [],
                at=at,
            )
            cases_next_action_bulk(tasks=added, cases={case.pk: case}, calendar=calendar, today=today, at=at)
            events_record_bulk(
                records=[
                    BulkEvent(
                        child_id=case.child_id,
                        case_id=case.pk,
                        verb=events.TRANSFER_ESCALATED,
                        payload={"council": transfer.to_name, "sent_on": long_date(transfer.sent_on)},
                    )
                ],
                at=at,
            )
            message_send(
                recipients=managers,
                subject=f"Transfer on {case.reference} not confirmed",
                body=f"{transfer.to_name} has not confirmed the transfer sent on {long_date(transfer.sent_on)}. "
                "Chase it, or withdraw the transfer and carry on the enquiries.",
                url=reverse("casework:case", args=[case.pk]),
                key=f"transfer-chase:{transfer.pk}",
                at=at,
            )
            escalated += 1
    resent = 0
    for transfer in Transfer.objects.filter(status=Transfer.Status.NOT_DELIVERED).select_related(
        "partner", "case"
    )[:RETRY_LIMIT]:
        resent += services.transfer_deliver(transfer)
    acknowledged = 0
    for incoming in IncomingTransfer.objects.filter(
        status=IncomingTransfer.Status.ACCEPTED, acknowledgement_delivered_at__isnull=True
    ).select_related("partner", "case", "accepted_by")[:RETRY_LIMIT]:
        acknowledged += services.acknowledgement_deliver(incoming)
    return {
        "transfers_escalated": escalated,
        "transfers_redelivered": resent,
        "acknowledgements_redelivered": acknowledged,
    }
