"""Reaching a child's parents and carers through GOV.UK Notify, from a case.

- :func:`carer_contact_update` records a carer's contact details and how they want to be
  contacted (and the language they asked for, noted for the officer).
- :func:`carer_contact_request` asks a carer, by e-mail or text message, to contact the team. The
  message carries only the team's name and the case reference: never the child's name or why.
- :func:`carer_letter_send` posts a letter made from one of the existing letter templates as a
  precompiled PDF (the address is printed in the letter itself).

Each message sent goes on the child's timeline. Notify sits below casework, so casework hears of a
message that failed for good (a returned letter, a number or address not in use, a refusal)
through :func:`rollcall.notify.dispatch.on_delivery_failure`: the hook below records it on the
timeline and gives the case's owner a task to find another way to reach the family.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.casework.access import can_edit_case
from rollcall.casework.calendar import council_calendar
from rollcall.casework.events import CARER_MESSAGE_FAILED, CARER_MESSAGED, event_record
from rollcall.casework.models import Case, RuleSettings
from rollcall.casework.services import CaseworkError, case_refresh, task_create
from rollcall.notify.dispatch import DispatchError, dispatch_queue, on_delivery_failure
from rollcall.notify.models import Dispatch
from rollcall.people.models import Carer

#: The task an owner is given when a message fails for good, by channel.
FAILURE_TASKS = {
    Dispatch.Channel.LETTER: "Letter returned: check the address and find another way to reach the family",
    Dispatch.Channel.SMS: "Number not in use: check the phone number and find another way to reach the family",
    Dispatch.Channel.EMAIL: "E-mail address not in use: check it and find another way to reach the family",
}
FAILURE_TASK_CODE = "carer_contact_failed"
FAILURE_TASK_DAYS = 5


def _editable(case: Case, actor: User) -> None:
    if not can_edit_case(actor, case):
        raise CaseworkError("You cannot change this case: it belongs to another team.")
    if not case.is_open:
        raise CaseworkError("This case is closed. Reopen it first.")


def _carer_of(case: Case, carer: Carer) -> None:
    if carer.child_id != case.child_id:
        raise CaseworkError("That parent or carer is not recorded for this child.")


@transaction.atomic
def carer_contact_update(
    *, case: Case, carer: Carer, actor: User, email: str, phone: str, contact_by: str, language: str
) -> Carer:
    """Record a carer's contact details and preferences (one transaction, with its history row)."""
    _editable(case, actor)
    _carer_of(case, carer)
    if contact_by == Carer.ContactBy.EMAIL and not email.strip():
        raise CaseworkError("Enter an e-mail address to contact them by e-mail.")
    if contact_by == Carer.ContactBy.SMS and not phone.strip():
        raise CaseworkError("Enter a mobile number to contact them by text message.")
    carer.email = email.strip()
    carer.phone = phone.strip()
    carer.contact_by = contact_by
    carer.language = language.strip()
    carer.save(update_fields=["email", "phone", "contact_by", "language"])
    return carer


@transaction.atomic
def carer_contact_request(*, case: Case, carer: Carer, channel: str, actor: User) -> Dispatch:
    """Ask a carer by e-mail or text message to contact the team, quoting the case reference."""
    _editable(case, actor)
    _carer_of(case, carer)
    if channel == Dispatch.Channel.EMAIL:
        to, kind = carer.email, "carer_contact_email"
    elif channel == Dispatch.Channel.SMS:
        to, kind = carer.phone, "carer_contact_sms"
    else:
        raise CaseworkError("Choose e-mail or text message.")
    if not to.strip():
        raise CaseworkError(
            f"There is no {'e-mail address' if channel == 'email' else 'phone number'} for them."
        )
    now = clock.now()
    try:
        dispatch = dispatch_queue(
            kind=kind,
            key=f"carer-contact:{case.pk}:{carer.pk}:{channel}:{now.isoformat()}",
            to=to,
            personalisation={"reference": case.reference, "team": case.team.name},
            child=case.child,
            carer=carer,
            actor=actor,
        )
    except DispatchError as exc:
        raise CaseworkError(str(exc)) from exc
    _record_sent(case, carer, dispatch, "asked them to contact the team", actor, now)
    return dispatch


@transaction.atomic
def carer_letter_send(
    *, case: Case, pdf: bytes, what: str, key: str, actor: User, carer: Carer | None = None
) -> Dispatch:
    """Post a letter (a PDF made from an existing letter template) through Notify, once per key."""
    _editable(case, actor)
    if carer is not None:
        _carer_of(case, carer)
    now = clock.now()
    fresh = not Dispatch.objects.filter(key=key).exists()
    try:
        dispatch = dispatch_queue(
            kind="carer_letter", key=key, letter_pdf=pdf, child=case.child, carer=carer, actor=actor
        )
    except DispatchError as exc:
        raise CaseworkError(str(exc)) from exc
    if fresh:  # not one sent before under this key
        _record_sent(case, carer, dispatch, what, actor, now)
    return dispatch


def _record_sent(
    case: Case, carer: Carer | None, dispatch: Dispatch, what: str, actor: User, at: dt.datetime
) -> None:
    event_record(
        verb=CARER_MESSAGED,
        child=case.child_id,
        case=case,
        actor=actor,
        at=at,
        channel=dispatch.get_channel_display(),
        carer=carer.name if carer is not None else "the parents",
        what=what,
        dispatch=dispatch.pk,
    )


@on_delivery_failure
def carer_message_failed(dispatch: Dispatch) -> None:
    """A message to a carer failed for good: on the timeline, and a task for each open case's owner."""
    if dispatch.child_id is None:
        return
    now = clock.now()
    cases = list(
        Case.objects.filter(
            child_id=dispatch.child_id, closed_at__isnull=True, owner__isnull=False
        ).select_related("owner")
    )
    carer = dispatch.carer.name if dispatch.carer is not None else "the parents"
    reason = dispatch.get_status_display()
    if not cases:
        event_record(
            verb=CARER_MESSAGE_FAILED,
            child=dispatch.child_id,
            at=now,
            channel=dispatch.get_channel_display(),
            carer=carer,
            reason=reason,
            dispatch=dispatch.pk,
        )
        return
    owners = {case.pk: case.owner for case in cases if case.owner is not None}
    calendar, rules, today = council_calendar(), RuleSettings.current(), clock.local_date(now)
    for case in cases:
        event_record(
            verb=CARER_MESSAGE_FAILED,
            child=dispatch.child_id,
            case=case,
            at=now,
            channel=dispatch.get_channel_display(),
            carer=carer,
            reason=reason,
            dispatch=dispatch.pk,
        )
        task_create(
            case=case,
            code=FAILURE_TASK_CODE,
            title=FAILURE_TASKS[Dispatch.Channel(dispatch.channel)],
            due=today + dt.timedelta(days=FAILURE_TASK_DAYS),
            assignee=owners[case.pk],
            key=f"carer-contact-failed:{dispatch.pk}:{case.pk}",
            at=now,
        )
        case_refresh(case, calendar=calendar, settings=rules, today=today, at=now)
