"""Claims to confirm: a return about a child we hold changes nothing until the details agree.

Every return a school sends goes through :func:`claim_receive` first. It matches the pupil to a
child (``rollcall.people.matching``), and the identity rule (``rollcall.rules.identity``) decides:

- a pupil the council does not know yet: the record is created and the return goes ahead (nothing
  held about anybody is changed or shown);
- a child we hold, details agreeing and the school linked to the child: the return goes ahead;
- anything else: nothing about the child changes. The return waits as a claim for the owning team,
  due in two school days, with a task on the child's open case if there is one; the school is told
  only "received; the council will check the details".

An officer then confirms the claim (the return is applied to the child, by the function its kind
registered with :func:`claim_kind_register`) or refuses it (nothing changes; the refusal is listed
for administrators). Areas above casework register their own kinds, so this module imports none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.urls import reverse

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.casework import events
from rollcall.casework.calendar import council_calendar
from rollcall.casework.identity import child_match_or_create
from rollcall.casework.models import Case, RuleSettings
from rollcall.casework.services import CaseworkError, case_refresh, task_complete_by_key, task_create
from rollcall.notify.services import message_send, team_members
from rollcall.people.matching import child_match
from rollcall.people.models import Child
from rollcall.returns.access import OWNING_TEAM, can_decide_claim
from rollcall.returns.events import RETURN_CONFIRMED, RETURN_HELD, RETURN_REFUSED
from rollcall.returns.models import ReturnBurst, SchoolReturn
from rollcall.rules.identity import ClaimKind, Decision, Details, Link, claim_decision
from rollcall.rules.upn import normalise_upn
from rollcall.schools.models import RemovalNotice, RollEntry, School

# An officer looks at a claim within this many school days (the sweep lists those overdue).
CONFIRM_WITHIN_SCHOOL_DAYS = 2
RECEIVED_MESSAGE = "Received. The council will check the details and contact you if it needs more."

Apply = Callable[[SchoolReturn, Child, User, dt.datetime], None]
_APPLY: dict[str, Apply] = {}
# Who else may expect a pupil at a school (an admission's put-on-roll request, …): registered by
# the areas that know, each a query of the children expected at a school.
_EXPECTATIONS: list[Callable[[School], Any]] = []


def claim_kind_register(kind: str, apply: Apply) -> None:
    """Say how a confirmed claim of ``kind`` is applied to the child (each area, once, at start-up)."""
    _APPLY[kind] = apply


def expectation_register(children_expected_at: Callable[[School], Any]) -> None:
    """Add a source of "the council expects this pupil at this school" (a queryset of child ids)."""
    _EXPECTATIONS.append(children_expected_at)


@dataclass(frozen=True)
class Pupil:
    """The pupil as the sender describes them."""

    forename: str
    surname: str
    date_of_birth: dt.date
    upn: str | None = None
    gender: str = "U"
    address_line_1: str = ""
    town: str = ""
    postcode: str = ""

    def as_sent(self) -> dict[str, Any]:
        """The details as JSON, exactly as sent (what the school is shown back)."""
        return {
            "forename": self.forename,
            "surname": self.surname,
            "date_of_birth": self.date_of_birth.isoformat(),
            "upn": self.upn or "",
            "address_line_1": self.address_line_1,
            "town": self.town,
            "postcode": self.postcode,
        }

    @classmethod
    def from_sent(cls, sent: dict[str, Any]) -> Pupil:
        return cls(
            forename=sent["forename"],
            surname=sent["surname"],
            date_of_birth=dt.date.fromisoformat(sent["date_of_birth"]),
            upn=sent.get("upn") or None,
            address_line_1=sent.get("address_line_1", ""),
            town=sent.get("town", ""),
            postcode=sent.get("postcode", ""),
        )


@dataclass(frozen=True)
class Received:
    """What became of a return: ``child`` is set only when the return may go ahead now."""

    school_return: SchoolReturn
    child: Child | None
    created: bool

    @property
    def held(self) -> bool:
        return self.school_return.status == SchoolReturn.Status.TO_CONFIRM


def school_link(child: Child, school: School) -> Link:
    """What ties ``school`` to ``child``: its roll, its own earlier notices, and whether the council
    expects the pupil there."""
    rolls = RollEntry.objects.filter(child=child, school=school).aggregate(
        open=Max("pk", filter=Q(on_roll_to__isnull=True)), until=Max("on_roll_to")
    )
    # A pupil the school itself told us had left stays its pupil for a while (a correction, a resend).
    notified = RemovalNotice.objects.filter(child=child, school=school).aggregate(until=Max("removal_date"))
    until = max((d for d in (rolls["until"], notified["until"]) if d is not None), default=None)
    named = RemovalNotice.objects.filter(child=child, destination_school=school)
    expected = named.exists() or any(
        Child.objects.filter(pk=child.pk, pk__in=source(school)).exists() for source in _EXPECTATIONS
    )
    return Link(on_roll_now=rolls["open"] is not None, on_roll_until=until, expected=expected)


def _address(pupil: Pupil) -> dict[str, str] | None:
    if pupil.address_line_1 and pupil.postcode:
        return {"line_1": pupil.address_line_1, "town": pupil.town, "postcode": pupil.postcode}
    return None


def claim_receive(
    *,
    kind: str,
    school: School,
    actor: User,
    pupil: Pupil,
    on: dt.date,
    sent: dict[str, Any],
    idempotency_key: str = "",
    at: dt.datetime | None = None,
) -> Received:
    """Record a return and decide whether it may change the child's record now (call inside a transaction).

    ``sent`` is the rest of the return as sent (JSON-ready); ``on`` is the day it is about. The
    same ``idempotency_key`` from the same school returns the first return and records nothing.
    A return that takes the school past ``settings.RETURNS_BURST_PER_DAY`` that day records the
    busy day (:class:`ReturnBurst`) for the administrators and the audit trail.
    """
    received = _receive(
        kind=kind,
        school=school,
        actor=actor,
        pupil=pupil,
        on=on,
        sent=sent,
        idempotency_key=idempotency_key,
        instant=at or clock.now(),
    )
    if received.created:
        burst_notice(received.school_return, actor=actor)
    return received


def burst_notice(school_return: SchoolReturn, *, actor: User) -> ReturnBurst | None:
    """Record the day once when the school's returns that day pass the limit (idempotent)."""
    day = clock.local_date(school_return.received_at)
    count = SchoolReturn.objects.filter(school_id=school_return.school_id, received_at__date=day).count()
    if count <= settings.RETURNS_BURST_PER_DAY:
        return None
    earlier = ReturnBurst.objects.filter(school_id=school_return.school_id, day=day).first()
    if earlier is not None:
        return earlier
    burst = ReturnBurst(
        school_id=school_return.school_id, day=day, noticed_at=school_return.received_at, returns_then=count
    )
    burst._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
    try:
        with transaction.atomic():
            burst.save()
    except IntegrityError:  # another return that day noticed it at the same moment
        return ReturnBurst.objects.get(school_id=school_return.school_id, day=day)
    return burst


def _receive(
    *,
    kind: str,
    school: School,
    actor: User,
    pupil: Pupil,
    on: dt.date,
    sent: dict[str, Any],
    idempotency_key: str,
    instant: dt.datetime,
) -> Received:
    if idempotency_key:
        earlier = SchoolReturn.objects.filter(school=school, idempotency_key=idempotency_key).first()
        if earlier is not None:
            accepted = earlier.status in {SchoolReturn.Status.ACCEPTED, SchoolReturn.Status.CONFIRMED}
            return Received(earlier, earlier.child if accepted else None, created=False)
    record = {"pupil": pupil.as_sent(), **sent}
    wanted_upn = normalise_upn(pupil.upn) if pupil.upn else None
    match = child_match(
        upn=wanted_upn,
        forename=pupil.forename,
        surname=pupil.surname,
        date_of_birth=pupil.date_of_birth,
        postcode=pupil.postcode or None,
    )
    if match.child is None:
        # Nobody we hold: a new record changes and shows nothing about anyone else.
        child, _match, _created = child_match_or_create(
            upn=wanted_upn,
            forename=pupil.forename,
            surname=pupil.surname,
            date_of_birth=pupil.date_of_birth,
            gender=pupil.gender,
            postcode=pupil.postcode or None,
            address=_address(pupil),
            actor=actor,
            source=f"{SchoolReturn.Kind(kind).label.lower()} return from {school.name}",
            supplied_by_school=school,
        )
        new_return = SchoolReturn.objects.create(
            kind=kind,
            school=school,
            sent_by=actor,
            received_at=instant,
            sent=record,
            child=child,
            status=SchoolReturn.Status.ACCEPTED,
            idempotency_key=idempotency_key,
        )
        return Received(new_return, child, created=True)

    held_child = match.child
    verdict = claim_decision(
        kind=ClaimKind(kind),
        sent=Details(pupil.forename, pupil.surname, pupil.date_of_birth, wanted_upn),
        held=Details(
            held_child.legal_forename, held_child.legal_surname, held_child.date_of_birth, held_child.upn
        ),
        link=school_link(held_child, school),
        on=on,
    )
    if verdict.decision is Decision.ACCEPT:
        new_return = SchoolReturn.objects.create(
            kind=kind,
            school=school,
            sent_by=actor,
            received_at=instant,
            sent=record,
            child=held_child,
            status=SchoolReturn.Status.ACCEPTED,
            idempotency_key=idempotency_key,
        )
        return Received(new_return, held_child, created=True)
    return Received(
        _hold(kind, school, actor, held_child, record, verdict.reasons, idempotency_key, instant), None, True
    )


def _hold(
    kind: str,
    school: School,
    actor: User,
    child: Child,
    record: dict[str, Any],
    reasons: tuple[str, ...],
    idempotency_key: str,
    instant: dt.datetime,
) -> SchoolReturn:
    calendar = council_calendar()
    today = clock.local_date(instant)
    team = Team.objects.get(kind=OWNING_TEAM[SchoolReturn.Kind(kind)])
    claim = SchoolReturn.objects.create(
        kind=kind,
        school=school,
        sent_by=actor,
        received_at=instant,
        sent=record,
        child=child,
        status=SchoolReturn.Status.TO_CONFIRM,
        reasons=list(reasons),
        team=team,
        confirm_by=calendar.add_school_days(today, CONFIRM_WITHIN_SCHOOL_DAYS),
        idempotency_key=idempotency_key,
    )
    events.event_record(
        at=instant,
        verb=RETURN_HELD,
        child=child,
        team=team,
        school=school.name,
        kind_label=claim.get_kind_display(),
        reference=claim.reference,
    )
    # The child's owner hears of it on the case they already work, if there is one.
    case = Case.objects.open().filter(child=child, owner__isnull=False).order_by("opened_at", "pk").first()
    if case is not None and case.owner is not None:
        task_create(
            case=case,
            code="confirm_claim",
            title=f"Check a {claim.get_kind_display().lower()} return from {school.name} ({claim.reference})",
            due=claim.confirm_by or today,
            assignee=case.owner,
            key=f"claim:{claim.pk}",
            at=instant,
        )
        case_refresh(case, calendar=calendar, settings=RuleSettings.current(), today=today, at=instant)
    message_send(
        recipients=team_members(team),
        subject="A return to check in Roll Call",
        body="A school sent a return whose details the council must check before anything changes.",
        url=reverse("returns:claim", args=[claim.pk]),
        key=f"claim-held:{claim.pk}",
    )
    return claim


def _decide(claim: SchoolReturn, actor: User, note: str) -> None:
    if not can_decide_claim(actor, claim):
        raise CaseworkError(
            "Only the owning team's officers and managers, or a head of service, can decide this"
        )
    if claim.status != SchoolReturn.Status.TO_CONFIRM:
        raise CaseworkError(f"{claim.reference} has already been {claim.get_status_display().lower()}")
    if not note.strip():
        raise CaseworkError("Say how you checked the details")


def _close_task(claim: SchoolReturn, actor: User, instant: dt.datetime) -> None:
    task_complete_by_key(key=f"claim:{claim.pk}", actor=actor, at=instant)


def claim_confirm(
    *, claim: SchoolReturn, actor: User, note: str, at: dt.datetime | None = None
) -> SchoolReturn:
    """An officer has checked the details: the return is applied to the child now."""
    instant = at or clock.now()
    with transaction.atomic():
        claim = SchoolReturn.objects.select_for_update().get(pk=claim.pk)
        _decide(claim, actor, note)
        child = claim.child
        if child is None:  # pragma: no cover - every held claim names the child it points to
            raise CaseworkError(f"{claim.reference} names no child")
        claim.status = SchoolReturn.Status.CONFIRMED
        claim.decided_by, claim.decided_at, claim.decision_note = actor, instant, note.strip()
        claim._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
        claim.save()
        _APPLY[claim.kind](claim, child, actor, instant)
        _close_task(claim, actor, instant)
        events.event_record(
            at=instant,
            verb=RETURN_CONFIRMED,
            child=child,
            actor=actor,
            team=claim.team,
            reference=claim.reference,
        )
    return claim


def claim_refuse(
    *, claim: SchoolReturn, actor: User, note: str, at: dt.datetime | None = None
) -> SchoolReturn:
    """An officer found the details do not belong to this child: nothing changes, and it is listed."""
    instant = at or clock.now()
    with transaction.atomic():
        claim = SchoolReturn.objects.select_for_update().get(pk=claim.pk)
        _decide(claim, actor, note)
        claim.status = SchoolReturn.Status.REFUSED
        claim.decided_by, claim.decided_at, claim.decision_note = actor, instant, note.strip()
        claim._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
        claim.save()
        _close_task(claim, actor, instant)
        if claim.child_id is not None:
            events.event_record(
                at=instant,
                verb=RETURN_REFUSED,
                child=claim.child_id,
                actor=actor,
                team=claim.team,
                reference=claim.reference,
            )
    return claim


def bursts(*, on_or_after: dt.date, more_than: int) -> list[dict[str, Any]]:
    """Schools that sent more than ``more_than`` returns on one day, newest first."""
    rows = (
        SchoolReturn.objects.filter(received_at__date__gte=on_or_after)
        .annotate(day=TruncDate("received_at"))
        .values("school__name", "school__urn", "day")
        .annotate(count=Count("pk"))
        .filter(count__gt=more_than)
        .order_by("-day", "-count", "school__name")
    )
    return list(rows)


__all__ = [
    "RECEIVED_MESSAGE",
    "Pupil",
    "Received",
    "burst_notice",
    "bursts",
    "claim_confirm",
    "claim_kind_register",
    "claim_receive",
    "claim_refuse",
    "expectation_register",
    "school_link",
]
