"""Every change moves between councils make goes through one of these functions (docs/transfers.md).

Sending side: :func:`transfer_send` records the move (the case waits in "Moved to another
council, waiting for it to confirm"), then delivers the signed message to a partner running Roll
Call, or records the letter and the lost-pupil CTF for a council that does not;
:func:`acknowledgement_receive` closes the case when the new council confirms.

Receiving side: :func:`message_receive` believes a message only when its signature, sender,
recipient, time and message id pass (rollcall/rules/transfers.py), and files a transfer as an
:class:`IncomingTransfer`; :func:`incoming_accept` opens this council's own case with the open work
moved, due dates kept, and acknowledges.

Casework's tables are written only through casework's services.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.casework import events as case_events
from rollcall.casework.calendar import council_calendar
from rollcall.casework.identity import child_match_or_create
from rollcall.casework.models import Case, Flag, RuleSettings, Task
from rollcall.casework.services import (
    BulkFlag,
    BulkTask,
    CaseworkError,
    case_open,
    case_refresh,
    case_transition,
    flags_raise_bulk,
    task_create,
    tasks_create_bulk,
)
from rollcall.formats import long_date
from rollcall.notify.services import message_send, team_members
from rollcall.people.models import Child
from rollcall.rules.transfers import (
    LOST_PUPILS_DESTINATION,
    MovingTask,
    acknowledgement_due,
    message_problem,
    tasks_that_move,
)
from rollcall.rules.workflow import Role
from rollcall.schools.models import RollEntry
from rollcall.transfers import events, signing, wire
from rollcall.transfers.access import OWNING_TEAM, can_receive_transfers, can_send_transfer
from rollcall.transfers.councils import council_name, english_councils
from rollcall.transfers.models import (
    IncomingTransfer,
    PartnerCouncil,
    ReceivedMessage,
    Transfer,
    TransferRuleSettings,
)

LIVE = [Transfer.Status.NOT_DELIVERED, Transfer.Status.DELIVERED, Transfer.Status.LETTER_SENT]


@dataclass(frozen=True)
class NewAddress:
    line_1: str
    town: str
    postcode: str
    line_2: str = ""

    def __post_init__(self) -> None:
        # Postcodes as Royal Mail writes them, whoever typed them: "le15 6aa" is "LE15 6AA".
        object.__setattr__(self, "postcode", " ".join(self.postcode.upper().split()))
        for name in ("line_1", "line_2", "town"):
            object.__setattr__(self, name, getattr(self, name).strip())

    def as_dict(self) -> dict[str, str]:
        return {"line_1": self.line_1, "line_2": self.line_2, "town": self.town, "postcode": self.postcode}

    def text(self) -> str:
        return ", ".join(part for part in (self.line_1, self.line_2, self.town, self.postcode) if part)


# ---- sending -------------------------------------------------------------------------------------


def _payload(case: Case, transfer_id: uuid.UUID, new_address: NewAddress, actor: User) -> dict[str, Any]:
    """What the new council needs (issue 17): the child, the last school, the enquiries made, the
    open tasks with their dates, the flags, and the case's history."""
    child = case.child
    last = (
        RollEntry.objects.filter(child=child)
        .select_related("school")
        .order_by(F("on_roll_to").desc(nulls_first=True), "-on_roll_from")
        .first()
    )
    tasks = tasks_that_move(
        MovingTask(code=t.code, title=t.title, due=t.due) for t in case.tasks.filter(status=Task.Status.OPEN)
    )
    history = [
        {"at": e.at.isoformat(), "text": case_events.event_text(e)} for e in case.events.order_by("at", "pk")
    ]
    return {
        "transfer_id": str(transfer_id),
        "case_reference": case.reference,
        "sending_council": council_name(_our_code()),
        "sending_officer": str(actor),
        "child": {
            "legal_forename": child.legal_forename,
            "legal_surname": child.legal_surname,
            "preferred_name": child.preferred_name,
            "date_of_birth": child.date_of_birth.isoformat(),
            "gender": child.gender,
            "upn": child.upn or "",
        },
        "new_address": new_address.as_dict(),
        "last_school": (
            {
                "name": last.school.name,
                "urn": last.school.urn,
                "la_code": last.school.la_code,
                "establishment_number": last.school.establishment_number,
                "on_roll_from": last.on_roll_from.isoformat(),
                "on_roll_to": last.on_roll_to.isoformat() if last.on_roll_to else None,
            }
            if last is not None
            else None
        ),
        "enquiries": [
            {
                "party": e.party,
                "party_label": e.get_party_display(),
                "made_on": e.made_on.isoformat(),
                "result": e.result,
                "result_label": e.get_result_display(),
                "details": e.details,
            }
            for e in case.enquiries.all()
        ],
        "tasks": [{"code": t.code, "title": t.title, "due": t.due.isoformat()} for t in tasks],
        "flags": [
            {"code": f.code, "label": f.get_code_display(), "details": f.details}
            for f in case.flags.filter(cleared_at__isnull=True)
        ],
        "history": history,
    }


def _our_code() -> str:
    from django.conf import settings

    return str(settings.COUNCIL_LA_CODE)


def transfer_send(
    *, case: Case, actor: User, to_la_code: str, new_address: NewAddress, at: dt.datetime | None = None
) -> Transfer:
    """Record that the child has moved to the council ``to_la_code`` and tell that council.

    A partner running Roll Call gets the signed transfer message (delivered after the record is
    committed; a failed delivery is retried by the sweep). Any other council gets a letter and the
    child goes to the Lost Pupils Database in a CTF (destination ``XXX``/``XXXX``), recorded as
    sent, with a follow-up task. Either way the case waits, open, for the council to confirm, with
    a task due on the day the confirmation is due.
    """
    if not can_send_transfer(actor, case):
        raise CaseworkError("You cannot send a transfer for this case.")
    if to_la_code == _our_code():
        raise CaseworkError(
            "The child is still in this council's area: choose the council the child moved to."
        )
    if to_la_code not in english_councils():
        raise CaseworkError("Choose an English council from the list.")
    instant = at or clock.now()
    today = clock.local_date(instant)
    rules = TransferRuleSettings.current().rules
    calendar = council_calendar()
    partner = PartnerCouncil.objects.filter(la_code=to_la_code).first()
    name = partner.name if partner else council_name(to_la_code)
    transfer_id = uuid.uuid4()
    due = acknowledgement_due(calendar, today, rules)
    with transaction.atomic():
        payload = _payload(case, transfer_id, new_address, actor)
        case = case_transition(case=case, target="transfer_pending", actor=None, at=instant)
        try:
            with transaction.atomic():
                transfer = Transfer.objects.create(
                    case=case,
                    child_id=case.child_id,
                    to_la_code=to_la_code,
                    to_name=name,
                    partner=partner,
                    method=Transfer.Method.MESSAGE if partner else Transfer.Method.LETTER,
                    status=Transfer.Status.NOT_DELIVERED if partner else Transfer.Status.LETTER_SENT,
                    new_address=new_address.as_dict(),
                    transfer_id=transfer_id,
                    payload=payload,
                    sent_by=actor,
                    sent_at=instant,
                    sent_on=today,
                    acknowledge_by=due,
                )
        except IntegrityError:
            raise CaseworkError("This case already has a transfer waiting for an answer.") from None
        if case.owner is None:
            raise CaseworkError(f"{case.reference} has no owner. Ask a manager to assign it.")
        task_create(
            case=case,
            code="transfer_acknowledgement",
            title=f"Get {name}'s confirmation that the child is known to it",
            due=due,
            assignee=case.owner,
            key=f"transfer-acknowledgement:{transfer.pk}",
            at=instant,
        )
        if partner is None:
            task_create(
                case=case,
                code="transfer_letter_follow_up",
                title=f"Follow up the transfer letter to {name}",
                due=calendar.add_school_days(today, rules.letter_follow_up_school_days),
                assignee=case.owner,
                key=f"transfer-letter:{transfer.pk}",
                at=instant,
            )
        case_refresh(case, calendar=calendar, settings=RuleSettings.current(), today=today, at=instant)
        if partner is not None:
            case_events.event_record(
                verb=events.TRANSFER_SENT,
                child=case.child_id,
                case=case,
                actor=actor,
                at=instant,
                council=name,
                due=long_date(due),
            )
        else:
            case_events.event_record(
                verb=events.TRANSFER_LETTER,
                child=case.child_id,
                case=case,
                actor=actor,
                at=instant,
                council=name,
                destination="/".join(LOST_PUPILS_DESTINATION),
                due=long_date(due),
            )
    if partner is not None:
        transfer_deliver(transfer)
    return transfer


def transfer_deliver(transfer: Transfer, *, at: dt.datetime | None = None) -> bool:
    """Send the transfer's message to the partner (outside any transaction); True when it took it.

    The message carries the transfer id recorded when it was sent: a second delivery of the same
    transfer is recognised by the partner and changes nothing there.
    """
    partner = transfer.partner
    if partner is None or transfer.status != Transfer.Status.NOT_DELIVERED:
        return False
    Transfer.objects.filter(pk=transfer.pk).update(delivery_attempts=F("delivery_attempts") + 1)
    try:
        body = wire.message_build(kind="transfer", recipient=partner.la_code, data=transfer.payload, at=at)
        wire.message_post(partner, body)
    except (wire.DeliveryFailed, signing.KeyMissing) as failed:
        error = str(failed)[:300]
        with transaction.atomic():
            first = (
                Transfer.objects.filter(pk=transfer.pk)
                .exclude(delivery_error=error)
                .update(delivery_error=error)
            )
            if first:
                case_events.event_record(
                    verb=events.TRANSFER_NOT_DELIVERED,
                    child=transfer.child_id,
                    case=transfer.case,
                    at=at,
                    council=transfer.to_name,
                    error=error,
                )
        transfer.delivery_error = error
        return False
    Transfer.objects.filter(pk=transfer.pk, status=Transfer.Status.NOT_DELIVERED).update(
        status=Transfer.Status.DELIVERED, delivery_error=""
    )
    transfer.status, transfer.delivery_error = Transfer.Status.DELIVERED, ""
    return True


def transfer_withdraw(
    *, transfer: Transfer, actor: User, reason: str, at: dt.datetime | None = None
) -> Transfer:
    """Take a transfer back (sent to the wrong council, the child came back): the case returns to
    enquiries with the reason, and a later acknowledgement of it changes nothing."""
    if not reason.strip():
        raise CaseworkError("Give a reason for withdrawing the transfer.")
    case = transfer.case
    with transaction.atomic():
        if not Transfer.objects.filter(pk=transfer.pk, status__in=LIVE).update(
            status=Transfer.Status.WITHDRAWN
        ):
            raise CaseworkError("This transfer is no longer waiting for an answer.")
        case_transition(case=case, target="enquiries", actor=actor, reason=reason, at=at)
        Task.objects.filter(
            key__in=[f"transfer-acknowledgement:{transfer.pk}", f"transfer-letter:{transfer.pk}"],
            status=Task.Status.OPEN,
        ).update(status=Task.Status.CANCELLED, completed_at=at or clock.now(), version=F("version") + 1)
        case_refresh(
            case,
            calendar=council_calendar(),
            settings=RuleSettings.current(),
            today=clock.local_date(at or clock.now()),
            at=at,
        )
        case_events.event_record(
            verb=events.TRANSFER_WITHDRAWN,
            child=case.child_id,
            case=case,
            actor=actor,
            at=at,
            council=transfer.to_name,
            reason=reason.strip(),
        )
    transfer.status = Transfer.Status.WITHDRAWN
    return transfer


# ---- receiving -----------------------------------------------------------------------------------


class MessageRefused(Exception):
    """A message not believed; ``status`` is the HTTP status and ``str()`` the reason given back."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Received:
    kind: str
    answer: dict[str, Any]


def message_receive(*, body: bytes, council: str, signature: str, at: dt.datetime | None = None) -> Received:
    """Check a message from another council and act on it, or raise MessageRefused.

    Believed only when the sender is a partner the administrator added, the signature over the
    exact body is that partner's, it is addressed to this council, its time is within the window,
    and its message id is new (each id is kept, so a replay is refused even after a restart).
    """
    now = at or clock.now()
    partner = PartnerCouncil.objects.filter(la_code=council).first()
    if partner is None:
        raise MessageRefused("This council does not know the sending council: no partner has that LA code")
    if not signing.signature_valid(body=body, signature=signature, public_key=partner.public_key):
        raise MessageRefused("The signature does not match the message and the sending council's key")
    try:
        envelope = wire.envelope_parse(body)
    except ValueError as bad:
        raise MessageRefused(str(bad), status=400) from None
    if envelope.sender != partner.la_code:
        raise MessageRefused("The message names a different sending council from its header")
    window = TransferRuleSettings.current().message_window_seconds
    seen = ReceivedMessage.objects.filter(partner=partner, message_id=envelope.message_id).exists()
    problem = message_problem(
        sent_at=envelope.sent_at,
        now=now,
        window_seconds=window,
        recipient=envelope.recipient,
        our_code=_our_code(),
        seen_before=seen,
    )
    if problem is not None:
        raise MessageRefused(problem, status=409 if seen else 403)
    # The message id is spent once the message is believed, in its own transaction, whatever its
    # contents then do: a sender builds a new message (new id, new time) for every attempt.
    try:
        with transaction.atomic():
            ReceivedMessage.objects.create(
                partner=partner, message_id=envelope.message_id, kind=envelope.kind, received_at=now
            )
    except IntegrityError:
        # The same message arriving twice at once: the unique constraint lets one through.
        raise MessageRefused("This message has been received before: a replay is refused", 409) from None
    with transaction.atomic():
        if envelope.kind == "transfer":
            return Received("transfer", _transfer_file(partner, envelope.data, now))
        return Received("acknowledgement", _acknowledgement_apply(partner, envelope.data, now))


def _transfer_file(partner: PartnerCouncil, data: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    try:
        transfer_id = uuid.UUID(str(data["transfer_id"]))
        child = data["child"]
        child_name = f"{child['legal_forename']} {child['legal_surname']}"[:200]
        dt.date.fromisoformat(child["date_of_birth"])
        for task in data.get("tasks", []):
            dt.date.fromisoformat(task["due"])
    except (KeyError, TypeError, ValueError):
        raise MessageRefused(
            "The transfer lacks the child's details or has a malformed task date", 400
        ) from None
    incoming, created = IncomingTransfer.objects.get_or_create(
        partner=partner,
        transfer_id=transfer_id,
        defaults={"payload": data, "child_name": child_name, "received_at": now},
    )
    if created:
        team = Team.objects.filter(kind=OWNING_TEAM).first()
        if team is not None:
            message_send(
                recipients=team_members(team, roles=[Role.OFFICER, Role.MANAGER]),
                subject=f"A transfer from {partner.name} to accept",
                body=f"{partner.name} has sent a child missing education case to this council. "
                "Open Roll Call to read it and accept it.",
                url=reverse("transfers:incoming", args=[incoming.pk]),
                key=f"transfer-received:{incoming.pk}",
                at=now,
            )
    return {"received": True, "already_received": not created}


def _acknowledgement_apply(partner: PartnerCouncil, data: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    try:
        transfer_id = uuid.UUID(str(data["transfer_id"]))
    except (KeyError, ValueError):
        raise MessageRefused("The acknowledgement does not name a transfer", 400) from None
    # Only the council the transfer went to can acknowledge it.
    transfer = (
        Transfer.objects.select_related("case", "case__child")
        .filter(transfer_id=transfer_id, to_la_code=partner.la_code)
        .first()
    )
    if transfer is None:
        raise MessageRefused("No transfer with that id was sent to your council", 404)
    if transfer.status == Transfer.Status.ACKNOWLEDGED:
        return {"acknowledged": True, "already_acknowledged": True}
    if transfer.status == Transfer.Status.WITHDRAWN:
        return {"acknowledged": False, "withdrawn": True}
    details = {
        "case_reference": str(data.get("case_reference", ""))[:40],
        "accepted_by": str(data.get("accepted_by", ""))[:200],
        "accepted_on": str(data.get("accepted_on", ""))[:10],
    }
    Transfer.objects.filter(pk=transfer.pk, status__in=LIVE).update(
        status=Transfer.Status.ACKNOWLEDGED, acknowledged_at=now, acknowledgement=details
    )
    case = transfer.case
    if case.is_open and case.status == "transfer_pending":
        case_transition(
            case=case,
            target="closed",
            actor=None,
            outcome="transferred",
            outcome_details={
                "council": f"{transfer.to_name} (case {details['case_reference']})",
                "council_told_on": transfer.sent_on.isoformat(),
            },
            at=now,
        )
    case_events.event_record(
        verb=events.TRANSFER_ACKNOWLEDGED,
        child=case.child_id,
        case=case,
        at=now,
        council=transfer.to_name,
        reference=details["case_reference"],
        officer=details["accepted_by"],
    )
    return {"acknowledged": True, "already_acknowledged": False}


def incoming_accept(*, incoming: IncomingTransfer, actor: User, at: dt.datetime | None = None) -> Case:
    """Take the child on: this council's own CME case, with the open work moved (due dates kept),
    the flags raised again and the sending council's history on the timeline; then acknowledge.

    The acknowledgement is delivered after the case is committed; if it fails, the sweep sends it
    again (the sending council's case stays open until it arrives).
    """
    if not can_receive_transfers(actor):
        raise CaseworkError("Only the Inclusion team can accept a transfer from another council.")
    instant = at or clock.now()
    today = clock.local_date(instant)
    data = incoming.payload
    child_data = data["child"]
    team = Team.objects.filter(kind=OWNING_TEAM).first()
    if team is None:
        raise CaseworkError("This council has no Inclusion team to own the case. Ask an administrator.")
    partner = incoming.partner
    source = f"Transfer from {partner.name} (its case {data.get('case_reference', '')})"
    moved = [
        (t["code"][:40], t["title"][:200], dt.date.fromisoformat(t["due"])) for t in data.get("tasks", [])
    ]
    with transaction.atomic():
        if not IncomingTransfer.objects.filter(pk=incoming.pk, status=IncomingTransfer.Status.WAITING).update(
            status=IncomingTransfer.Status.ACCEPTED, accepted_by=actor, accepted_at=instant
        ):
            raise CaseworkError("Someone has already accepted this transfer.")
        address = data.get("new_address") or {}
        child, _match, _created = child_match_or_create(
            upn=child_data.get("upn") or None,
            forename=child_data["legal_forename"],
            surname=child_data["legal_surname"],
            date_of_birth=dt.date.fromisoformat(child_data["date_of_birth"]),
            gender=child_data.get("gender") or Child.Gender.NOT_KNOWN,
            postcode=address.get("postcode") or None,
            address={k: address[k] for k in ("line_1", "line_2", "town", "postcode") if address.get(k)}
            if address.get("line_1") and address.get("town")
            else None,
            actor=actor,
            source=source,
        )
        owner = actor if team.pk in actor.team_ids else None
        existing = Case.objects.open().filter(child=child, kind="cme").exists()
        calendar = council_calendar()
        first = moved[:1] if moved and not existing else None
        if not moved and not existing:
            first = [("review", "Review the transferred case", calendar.add_school_days(today, 1))]
        case = case_open(
            child=child,
            kind="cme",
            team=team,
            source=source,
            summary=f"Moved from {partner.name}'s area; its open work moved with the child.",
            owner=owner,
            actor=actor,
            first_tasks=first,
            at=instant,
        )
        rest = moved[1:] if first and moved else moved
        if case.owner is None:
            raise CaseworkError(f"{case.reference} has no owner. Ask a manager to assign it.")
        tasks_create_bulk(
            tasks=[
                BulkTask(
                    case_id=case.pk,
                    code=code,
                    title=title,
                    due=due,
                    assignee_id=case.owner.pk,
                    key=f"transfer-in:{incoming.pk}:{n}",
                )
                for n, (code, title, due) in enumerate(rest)
            ],
            at=instant,
        )
        known = set(Flag.Code.values)
        flags_raise_bulk(
            flags=[
                BulkFlag(
                    child_id=child.pk,
                    case_id=case.pk,
                    code=f["code"],
                    details=str(f.get("details", ""))[:500],
                )
                for f in data.get("flags", [])
                if f.get("code") in known
            ],
            at=instant,
        )
        case_refresh(case, calendar=calendar, settings=RuleSettings.current(), today=today, at=instant)
        case_events.event_record(
            verb=events.TRANSFER_RECEIVED,
            child=child,
            case=case,
            actor=actor,
            at=instant,
            council=partner.name,
            reference=str(data.get("case_reference", "")),
            tasks=len(moved),
            incoming=incoming.pk,
        )
        IncomingTransfer.objects.filter(pk=incoming.pk).update(case=case, acknowledgement_id=uuid.uuid4())
    incoming.refresh_from_db()
    acknowledgement_deliver(incoming)
    return case


def acknowledgement_deliver(incoming: IncomingTransfer, *, at: dt.datetime | None = None) -> bool:
    """Send (or send again) the acknowledgement of an accepted transfer; True when it arrived."""
    if incoming.case is None or incoming.acknowledgement_delivered_at is not None:
        return False
    data = {
        "transfer_id": str(incoming.transfer_id),
        "case_reference": incoming.case.reference,
        "accepted_by": str(incoming.accepted_by or ""),
        "accepted_on": clock.local_date(incoming.accepted_at or clock.now()).isoformat(),
    }
    try:
        body = wire.message_build(
            kind="acknowledgement", recipient=incoming.partner.la_code, data=data, at=at
        )
        wire.message_post(incoming.partner, body)
    except (wire.DeliveryFailed, signing.KeyMissing) as failed:
        IncomingTransfer.objects.filter(pk=incoming.pk).update(acknowledgement_error=str(failed)[:300])
        incoming.acknowledgement_error = str(failed)[:300]
        return False
    delivered = at or clock.now()
    IncomingTransfer.objects.filter(pk=incoming.pk).update(
        acknowledgement_delivered_at=delivered, acknowledgement_error=""
    )
    incoming.acknowledgement_delivered_at, incoming.acknowledgement_error = delivered, ""
    return True


# ---- partners ------------------------------------------------------------------------------------


def partner_save(
    *, actor: User, la_code: str, api_url: str, public_key: str, at: dt.datetime | None = None
) -> PartnerCouncil:
    """Add another council running Roll Call, or change its address or key (administrators)."""
    if not actor.is_administrator:
        raise CaseworkError("Only an administrator can exchange keys with another council.")
    if la_code not in english_councils():
        raise CaseworkError("Choose an English council from the list.")
    if la_code == _our_code():
        raise CaseworkError("That is this council's own code.")
    signing.public_key_parse(public_key)  # ValueError with a sentence when it is not a key
    partner, _created = PartnerCouncil.objects.update_or_create(
        la_code=la_code,
        defaults={
            "name": council_name(la_code),
            "api_url": api_url.strip(),
            "public_key": public_key.strip(),
            "added_by": actor,
            "added_at": at or clock.now(),
        },
    )
    return partner
