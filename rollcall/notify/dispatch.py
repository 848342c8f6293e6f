"""Messages to carers and schools through GOV.UK Notify: queue, send, and hear back.

- :func:`dispatch_queue` records one message (idempotent by ``key``) and sends it after commit.
- :func:`dispatch_send` (run by the ``send_dispatch`` task) hands it to :mod:`rollcall.notify.gov`.
- :func:`delivery_receipt` and :func:`letter_returned` take Notify's callbacks.

Each kind of message names the only personalisation fields it may carry (``MESSAGE_KINDS``), so a
message never holds more personal detail than its purpose needs: a caller passing anything else
is refused before anything is stored.

Notify sits below casework, so it cannot make a task for a case's owner itself. An app above
registers a hook with :func:`on_delivery_failure`; every permanent failure (an address or number
not in use, a returned letter, a message Notify refused) is passed to the hooks once, in the same
transaction as the status change.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.notify import gov
from rollcall.notify.models import FAILED_STATUSES, Dispatch
from rollcall.people.models import Carer, Child
from rollcall.schools.models import School

#: kind -> (channel, Notify template setting name or "" for a precompiled letter, allowed fields)
MESSAGE_KINDS: dict[str, tuple[str, str, frozenset[str]]] = {
    "carer_contact_email": ("email", "carer_contact_email", frozenset({"reference", "team"})),
    "carer_contact_sms": ("sms", "carer_contact_sms", frozenset({"reference", "team"})),
    "carer_letter": ("letter", "", frozenset()),
}

#: Notify's delivery statuses (e-mail, text message, letter) and what Roll Call records for each.
NOTIFY_STATUSES: dict[str, str] = {
    "created": Dispatch.Status.SENDING,
    "sending": Dispatch.Status.SENDING,
    "pending": Dispatch.Status.SENDING,
    "sent": Dispatch.Status.SENDING,
    "accepted": Dispatch.Status.SENDING,
    "pending-virus-check": Dispatch.Status.SENDING,
    "delivered": Dispatch.Status.DELIVERED,
    "received": Dispatch.Status.DELIVERED,
    "temporary-failure": Dispatch.Status.TEMPORARY_FAILURE,
    "technical-failure": Dispatch.Status.TECHNICAL_FAILURE,
    "permanent-failure": Dispatch.Status.PERMANENT_FAILURE,
    "validation-failed": Dispatch.Status.PERMANENT_FAILURE,
    "virus-scan-failed": Dispatch.Status.PERMANENT_FAILURE,
    "cancelled": Dispatch.Status.PERMANENT_FAILURE,
}

FailureHook = Callable[[Dispatch], None]
_failure_hooks: list[FailureHook] = []


class DispatchError(ValueError):
    """A message that cannot be queued as asked (unknown kind, a field it may not carry)."""


def on_delivery_failure(hook: FailureHook) -> FailureHook:
    """Register ``hook(dispatch)``, called once when a message fails for good. Usable as a decorator."""
    if hook not in _failure_hooks:
        _failure_hooks.append(hook)
    return hook


def dispatch_queue(
    *,
    kind: str,
    key: str,
    to: str = "",
    personalisation: Mapping[str, str] | None = None,
    letter_pdf: bytes | None = None,
    child: Child | None = None,
    carer: Carer | None = None,
    school: School | None = None,
    actor: User | None = None,
) -> Dispatch:
    """Record one message and send it once the caller's transaction commits (idempotent by key)."""
    if kind not in MESSAGE_KINDS:
        raise DispatchError(f"There is no message kind {kind!r}.")
    channel, _template, allowed = MESSAGE_KINDS[kind]
    fields = dict(personalisation or {})
    extra = sorted(set(fields) - allowed)
    if extra:
        raise DispatchError(f"A {kind} message may not carry {', '.join(extra)}.")
    if channel == Dispatch.Channel.LETTER:
        if not letter_pdf or not letter_pdf.startswith(b"%PDF"):
            raise DispatchError("A letter needs its PDF.")
    elif not to.strip():
        raise DispatchError(f"A {kind} message needs an address or number to send to.")
    existing = Dispatch.objects.filter(key=key).first()
    if existing is not None:
        return existing
    dispatch = Dispatch.objects.create(
        channel=channel,
        kind=kind,
        key=key,
        to=to.strip(),
        personalisation=fields,
        letter_pdf=letter_pdf,
        child=child,
        carer=carer,
        school=school,
        created_by=actor,
        reference=str(uuid.uuid4()),
        created_at=clock.now(),
    )
    transaction.on_commit(lambda: _enqueue(dispatch.pk))
    return dispatch


def _enqueue(dispatch_id: int) -> None:
    from rollcall.notify.tasks import send_dispatch

    send_dispatch.enqueue(dispatch_id)


def dispatch_send(dispatch_id: int) -> Dispatch | None:
    """Send one queued message. Claimed with a conditional update first, so two workers never
    send it twice. A refusal is a permanent failure (the hooks hear of it); Notify being busy or
    down puts it back in the queue for the next attempt."""
    claimed = Dispatch.objects.filter(pk=dispatch_id, status=Dispatch.Status.QUEUED).update(
        status=Dispatch.Status.SENDING, status_at=clock.now()
    )
    if not claimed:
        return None
    dispatch = Dispatch.objects.get(pk=dispatch_id)
    _channel, template, _allowed = MESSAGE_KINDS[dispatch.kind]
    try:
        if dispatch.channel == Dispatch.Channel.EMAIL:
            sent = gov.send_email(
                to=dispatch.to,
                template=template,
                personalisation=dispatch.personalisation,
                reference=dispatch.reference,
            )
        elif dispatch.channel == Dispatch.Channel.SMS:
            sent = gov.send_sms(
                to=dispatch.to,
                template=template,
                personalisation=dispatch.personalisation,
                reference=dispatch.reference,
            )
        else:
            sent = gov.send_letter(pdf=bytes(dispatch.letter_pdf or b""), reference=dispatch.reference)
    except gov.NotifyRefused as exc:
        _status_change(dispatch, Dispatch.Status.REFUSED, exc.summary)
        return dispatch
    except gov.NotifyUnavailable as exc:
        Dispatch.objects.filter(pk=dispatch.pk).update(
            status=Dispatch.Status.QUEUED, status_detail=exc.summary, status_at=clock.now()
        )
        raise
    status = Dispatch.Status.WRITTEN if sent.written_to is not None else Dispatch.Status.SENDING
    now = clock.now()
    Dispatch.objects.filter(pk=dispatch.pk).update(
        notify_id=sent.notify_id, status=status, sent_at=now, status_at=now, status_detail=""
    )
    dispatch.refresh_from_db()
    return dispatch


def dispatches_resend_queued() -> int:
    """Send again every message left queued (Notify was busy or down): for the daily sweep."""
    sent = 0
    for pk in Dispatch.objects.filter(status=Dispatch.Status.QUEUED).values_list("pk", flat=True):
        try:
            if dispatch_send(pk) is not None:
                sent += 1
        except gov.NotifyUnavailable:
            break  # still busy: the rest wait for the next run
    return sent


@transaction.atomic
def _status_change(dispatch: Dispatch, status: str, detail: str) -> bool:
    """Move one message to ``status``; a first move into a failed status calls the hooks."""
    now = clock.now()
    rows = Dispatch.objects.filter(pk=dispatch.pk)
    if status in FAILED_STATUSES:
        rows = rows.exclude(status__in=FAILED_STATUSES)
    elif dispatch.status in FAILED_STATUSES:
        return False  # a late "sending" never undoes a failure
    changed = rows.update(status=status, status_detail=detail[:300], status_at=now) == 1
    dispatch.refresh_from_db()
    if changed and status in FAILED_STATUSES:
        for hook in list(_failure_hooks):
            hook(dispatch)
    return changed


class CallbackError(ValueError):
    """A callback whose body is not what Notify sends."""


def _text(payload: Mapping[str, Any], name: str, *, required: bool = True) -> str:
    value = payload.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value:
        raise CallbackError(f"{name} must be a non-empty string.")
    return value


def _find(notify_id: str, reference: str) -> Dispatch | None:
    dispatch = Dispatch.objects.filter(notify_id=notify_id).first()
    if dispatch is None and reference:
        dispatch = Dispatch.objects.filter(reference=reference).first()
    return dispatch


def delivery_receipt(payload: Mapping[str, Any]) -> Dispatch | None:
    """Notify's delivery receipt: ``id``, ``reference``, ``status``, ``notification_type`` and times.

    Returns the message it was about, or None for a message Roll Call does not know (answered
    with success all the same, so Notify does not retry it for ever).
    """
    notify_id = _text(payload, "id")
    reference = _text(payload, "reference", required=False)
    raw = _text(payload, "status")
    kind = _text(payload, "notification_type")
    if kind not in Dispatch.Channel.values:
        raise CallbackError(f"notification_type {kind!r} is not email, sms or letter.")
    if raw not in NOTIFY_STATUSES:
        raise CallbackError(f"status {raw!r} is not one of Notify's.")
    dispatch = _find(notify_id, reference)
    if dispatch is None:
        return None
    _status_change(dispatch, NOTIFY_STATUSES[raw], f"GOV.UK Notify: {raw}")
    return dispatch


def letter_returned(payload: Mapping[str, Any]) -> Dispatch | None:
    """Notify's returned-letter callback: ``notification_id``, ``reference``, ``date_sent``."""
    notify_id = _text(payload, "notification_id")
    reference = _text(payload, "reference", required=False)
    dispatch = _find(notify_id, reference)
    if dispatch is None:
        return None
    if dispatch.channel != Dispatch.Channel.LETTER:
        raise CallbackError("That notification is not a letter.")
    _status_change(dispatch, Dispatch.Status.RETURNED, "Returned to GOV.UK Notify by Royal Mail")
    return dispatch


def notify_sweep(*, today: dt.date, calendar: object) -> dict[str, int]:
    """The daily sweep's step (settings.SWEEP_STEPS): send again what Notify could not take."""
    return {"notify_resent": dispatches_resend_queued()}
