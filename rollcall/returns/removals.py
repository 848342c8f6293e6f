"""A school tells the council a pupil has left its roll (the deletion return, reg. 13(4)-(6)).

The removal rule (rollcall/rules/removal.py) decides what follows: a CME case when the
destination is unknown or the ground needs the council; a challenge when the removal looks
unlawful (seed 002: "clearer process ... to challenge school to put back on roll").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.casework import events
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case, Flag, RuleSettings, Task
from rollcall.casework.services import CaseworkError, case_open, case_refresh, flag_raise, task_create
from rollcall.people.models import Child
from rollcall.returns.claims import Pupil, Received, claim_kind_register, claim_receive
from rollcall.returns.models import SchoolReturn
from rollcall.rules.removal import RemovalFacts, assess_removal
from rollcall.schools.models import RemovalNotice, RollEntry, School


@dataclass(frozen=True)
class Removal:
    """What the school says about the removal."""

    removal_date: dt.date
    ground: str = ""
    destination_school: School | None = None
    destination_start_date: dt.date | None = None
    destination_details: str = ""
    parent_written_notice_date: dt.date | None = None
    joint_enquiries_made: bool = False
    continuous_absence_school_days: int | None = None
    reason_details: str = ""

    def as_sent(self) -> dict[str, Any]:
        """The removal as JSON, exactly as sent (the destination school by its URN)."""
        return {
            "removal_date": self.removal_date.isoformat(),
            "ground": self.ground,
            "destination_school_urn": self.destination_school.urn if self.destination_school else "",
            "destination_start_date": _iso(self.destination_start_date),
            "destination_details": self.destination_details,
            "parent_written_notice_date": _iso(self.parent_written_notice_date),
            "joint_enquiries_made": self.joint_enquiries_made,
            "continuous_absence_school_days": self.continuous_absence_school_days,
            "reason_details": self.reason_details,
        }

    @classmethod
    def from_sent(cls, sent: dict[str, Any]) -> Removal:
        urn = sent.get("destination_school_urn") or ""
        return cls(
            removal_date=dt.date.fromisoformat(sent["removal_date"]),
            ground=sent.get("ground", ""),
            destination_school=School.objects.filter(urn=urn).first() if urn else None,
            destination_start_date=_date(sent.get("destination_start_date")),
            destination_details=sent.get("destination_details", ""),
            parent_written_notice_date=_date(sent.get("parent_written_notice_date")),
            joint_enquiries_made=bool(sent.get("joint_enquiries_made")),
            continuous_absence_school_days=sent.get("continuous_absence_school_days"),
            reason_details=sent.get("reason_details", ""),
        )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def removal_notify(
    *,
    school: School,
    actor: User,
    pupil: Pupil,
    removal: Removal,
    idempotency_key: str = "",
    at: dt.datetime | None = None,
) -> Received:
    """Receive a school's removal notice; record it and open what the rules require when it may go ahead.

    A notice about a child we hold goes ahead only when the details agree and the pupil is (or was
    until recently) on the school's roll; otherwise it waits as a claim to confirm and changes
    nothing (rollcall/returns/claims.py). The same ``idempotency_key`` from the same school returns
    the first return and records nothing new, so a school system may safely retry.
    """
    instant = at or clock.now()
    try:
        with transaction.atomic():
            received = claim_receive(
                kind=SchoolReturn.Kind.REMOVAL,
                school=school,
                actor=actor,
                pupil=pupil,
                on=removal.removal_date,
                sent={"removal": removal.as_sent()},
                idempotency_key=idempotency_key,
                at=instant,
            )
            if received.created and received.child is not None:
                _apply(received.school_return, received.child, actor, instant)
            return received
    except IntegrityError:
        # A retry raced the first submission past the check: the first one stands.
        earlier = SchoolReturn.objects.filter(school=school, idempotency_key=idempotency_key).first()
        if earlier is None or not idempotency_key:
            raise
        accepted = earlier.status in {SchoolReturn.Status.ACCEPTED, SchoolReturn.Status.CONFIRMED}
        return Received(earlier, earlier.child if accepted else None, created=False)


def _apply(school_return: SchoolReturn, child: Child, actor: User, instant: dt.datetime) -> None:
    """Record the notice for ``child`` (now, or when an officer confirms the claim)."""
    removal = Removal.from_sent(school_return.sent["removal"])
    notice = _record(
        school_return.school,
        actor,
        child,
        removal,
        school_return.idempotency_key,
        instant,
        RuleSettings.current(),
    )
    school_return.removal_notice = notice
    school_return.save(update_fields=["removal_notice"])


claim_kind_register(SchoolReturn.Kind.REMOVAL, _apply)


def _record(
    school: School,
    actor: User,
    child: Child,
    removal: Removal,
    idempotency_key: str,
    instant: dt.datetime,
    settings: RuleSettings,
) -> RemovalNotice:
    notified_on = clock.local_date(instant)
    destination = removal.destination_school
    facts = RemovalFacts(
        ground=removal.ground or None,
        removal_date=removal.removal_date,
        notified_on=notified_on,
        destination_school_urn=destination.urn if destination else None,
        destination_start_date=removal.destination_start_date,
        destination_unknown=destination is None and not removal.destination_details.strip(),
        parent_written_notice_date=removal.parent_written_notice_date,
        joint_enquiries_made=removal.joint_enquiries_made,
        continuous_absence_school_days=removal.continuous_absence_school_days,
    )
    assessment = assess_removal(facts, min_continuous_absence_days=settings.continuous_absence_for_ground_i)
    notice = RemovalNotice.objects.create(
        school=school,
        child=child,
        submitted_by=actor,
        received_at=instant,
        removal_date=removal.removal_date,
        ground=removal.ground,
        destination_school=destination,
        destination_start_date=removal.destination_start_date,
        destination_details=removal.destination_details.strip(),
        parent_written_notice_date=removal.parent_written_notice_date,
        joint_enquiries_made=removal.joint_enquiries_made,
        continuous_absence_school_days=removal.continuous_absence_school_days,
        reason_details=removal.reason_details.strip(),
        opens_cme_case=assessment.opens_cme_case,
        possibly_unlawful=assessment.possibly_unlawful,
        concerns=list(assessment.concerns),
        idempotency_key=idempotency_key,
    )
    RollEntry.objects.filter(child=child, school=school, on_roll_to__isnull=True).update(
        on_roll_to=removal.removal_date,
        leaving_ground=removal.ground,
        destination_school=destination,
        destination_details=removal.destination_details.strip(),
    )
    inclusion = Team.objects.get(kind=Team.Kind.INCLUSION)
    events.event_record(
        at=instant,
        verb=events.REMOVAL_NOTIFIED,
        child=child,
        actor=actor,
        team=inclusion,
        school=school.name,
        removal_date=removal.removal_date.isoformat(),
        ground=removal.ground,
        destination=destination.name if destination else removal.destination_details.strip(),
        concerns=list(assessment.concerns),
    )
    case: Case | None = None
    if assessment.opens_cme_case:
        case = case_open(
            child=child,
            kind="cme",
            team=inclusion,
            actor=actor,
            removal_notice=notice,
            at=instant,
            source=f"removal notice from {school.name}",
            summary=_summary(school, removal, assessment.concerns),
        )
    if assessment.possibly_unlawful:
        if case is None:
            case = case_open(
                child=child,
                kind="removal",
                team=inclusion,
                actor=actor,
                removal_notice=notice,
                at=instant,
                source=f"possibly unlawful removal by {school.name}",
                summary=_summary(school, removal, assessment.concerns),
            )
        _challenge(case, notice, settings, instant)
    return notice


def _challenge(case: Case, notice: RemovalNotice, settings: RuleSettings, instant: dt.datetime) -> None:
    """Flag the removal and give the owner a dated task to challenge the school."""
    flag_raise(
        case=case, code=Flag.Code.POSSIBLY_UNLAWFUL_REMOVAL, details=" ".join(notice.concerns), at=instant
    )
    key = f"challenge:{notice.pk}"
    if case.kind == "cme" and not Task.objects.filter(key=key).exists():
        calendar = council_calendar()
        today = clock.local_date(instant)
        if case.owner is None:
            raise CaseworkError(f"{case.reference} has no owner. Ask a manager to assign it.")
        task_create(
            case=case,
            code="challenge_removal",
            title="Challenge the school about the removal",
            due=calendar.add_school_days(today, settings.challenge_removal_school_days),
            assignee=case.owner,
            key=key,
        )
        case_refresh(case, calendar=calendar, settings=settings, today=today)


def _summary(school: School, removal: Removal, concerns: tuple[str, ...] | list[str]) -> str:
    lines = [f"{school.name} removed the pupil from its roll on {removal.removal_date:%d/%m/%Y}."]
    lines += list(concerns)
    if removal.reason_details.strip():
        lines.append(f"The school says: {removal.reason_details.strip()}")
    return "\n".join(lines)
