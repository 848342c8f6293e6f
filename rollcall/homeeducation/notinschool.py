"""Services for the children-not-in-school register's own records (docs/home-education.md):
part-time arrangements (s.436B(b)) and requests for the register information to parents (s.436D)
and education providers (s.436E). One transaction per action; dates from
``rollcall.rules.not_in_school`` with the council's settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.casework import events
from rollcall.casework.services import CaseworkError
from rollcall.homeeducation.access import (
    can_answer_request,
    can_ask_about_arrangement,
    can_edit_record,
    can_enter_arrangement,
    is_ehe_staff,
)
from rollcall.homeeducation.events import (
    EHE_ARRANGEMENT,
    EHE_ARRANGEMENT_ENDED,
    EHE_REQUEST_ANSWERED,
    EHE_REQUEST_SENT,
)
from rollcall.homeeducation.models import EHERecord, EHESettings, InformationRequest, PartTimeArrangement
from rollcall.people.models import Child
from rollcall.rules.not_in_school import (
    InformationTimescales,
    arrangement_problems,
    next_provider_request_allowed,
    request_due,
)
from rollcall.schools.models import RollEntry, School


def information_timescales(settings: EHESettings | None = None) -> InformationTimescales:
    s = settings or EHESettings.current()
    return InformationTimescales(
        parent_days=s.parent_information_days,
        provider_days=s.provider_information_days,
        reminder_days=s.information_reminder_days,
        provider_interval_months=s.provider_request_interval_months,
    )


def pupil_on_roll(
    school: School, *, upn: str = "", forename: str = "", surname: str = "", date_of_birth: dt.date | None
) -> Child | None:
    """The pupil on ``school``'s roll today with this UPN, or else this name and date of birth."""
    on_roll = RollEntry.objects.filter(school=school, on_roll_to__isnull=True)
    if upn:
        entry = on_roll.filter(child__upn=upn).select_related("child").first()
        return entry.child if entry is not None else None
    if not (forename and surname and date_of_birth):
        return None
    matches = list(
        on_roll.filter(
            child__legal_forename__iexact=forename.strip(),
            child__legal_surname__iexact=surname.strip(),
            child__date_of_birth=date_of_birth,
        ).select_related("child")[:2]
    )
    return matches[0].child if len(matches) == 1 else None


@dataclass(frozen=True)
class ArrangementFacts:
    kind: str
    sessions_elsewhere: int
    provider: str
    provider_type: str
    starts_on: dt.date
    provider_address: str = ""
    parents: str = ""
    ends_on: dt.date | None = None


def arrangement_record(
    *, actor: User, school: School, child: Child, facts: ArrangementFacts, at: dt.datetime | None = None
) -> PartTimeArrangement:
    """Record that a pupil on ``school``'s roll is educated elsewhere part of the week."""
    if not can_enter_arrangement(actor, school):
        raise CaseworkError("You can record part-time arrangements only for your own school.")
    problems = arrangement_problems(facts.starts_on, facts.ends_on, facts.sessions_elsewhere)
    if problems:
        raise CaseworkError(next(iter(problems.values())))
    if not RollEntry.objects.filter(school=school, child=child, on_roll_to__isnull=True).exists():
        raise CaseworkError("The pupil is not on the school's roll")
    instant = at or clock.now()
    with transaction.atomic():
        arrangement = PartTimeArrangement.objects.create(
            child=child,
            school=school,
            kind=facts.kind,
            sessions_elsewhere=facts.sessions_elsewhere,
            provider=facts.provider.strip(),
            provider_type=facts.provider_type,
            provider_address=facts.provider_address.strip(),
            parents=facts.parents.strip(),
            starts_on=facts.starts_on,
            ends_on=facts.ends_on,
            entered_by_kind=(
                PartTimeArrangement.EnteredBy.OFFICER
                if is_ehe_staff(actor)
                else PartTimeArrangement.EnteredBy.SCHOOL
            ),
            entered_by=actor,
            entered_at=instant,
        )
        events.event_record(
            verb=EHE_ARRANGEMENT,
            child=child,
            actor=actor,
            at=instant,
            kind=PartTimeArrangement.Kind(facts.kind).label,
            school=school.name,
            sessions=facts.sessions_elsewhere,
        )
    return arrangement


def arrangement_end(
    *, actor: User, arrangement: PartTimeArrangement, ends_on: dt.date, at: dt.datetime | None = None
) -> PartTimeArrangement:
    """The arrangement ends (the child back full-time, or elsewhere): off the register after ``ends_on``."""
    if not can_enter_arrangement(actor, arrangement.school):
        raise CaseworkError("You can end part-time arrangements only for your own school.")
    problems = arrangement_problems(arrangement.starts_on, ends_on, arrangement.sessions_elsewhere)
    if problems:
        raise CaseworkError(next(iter(problems.values())))
    instant = at or clock.now()
    with transaction.atomic():
        arrangement.ends_on = ends_on
        arrangement.save(update_fields=["ends_on"])
        events.event_record(
            verb=EHE_ARRANGEMENT_ENDED,
            child=arrangement.child_id,
            actor=actor,
            at=instant,
            ends_on=ends_on.isoformat(),
        )
    return arrangement


def information_request(
    *,
    actor: User,
    recipient: str,
    addressed_to: str,
    asked_for: str,
    sent_on: dt.date,
    record: EHERecord | None = None,
    arrangement: PartTimeArrangement | None = None,
    at: dt.datetime | None = None,
) -> InformationRequest:
    """Record a request for the register information, due by the council's period (s.436D/E).

    A provider may be asked about the same child no more often than the council's interval
    (default 3 months)."""
    if (record is None) == (arrangement is None):
        raise CaseworkError("A request is about one home-education record or one part-time arrangement.")
    if record is not None and not can_edit_record(actor, record):
        raise CaseworkError("You cannot change this record: it belongs to another team or is closed.")
    if arrangement is not None and not can_ask_about_arrangement(actor):
        raise CaseworkError("Only the Elective Home Education team asks for the register information.")
    if recipient not in InformationRequest.Recipient.values:
        raise CaseworkError("Choose who the request is to")
    if not addressed_to.strip():
        raise CaseworkError("Enter who the request is to")
    if not asked_for.strip():
        raise CaseworkError("Enter what the council asked for")
    instant = at or clock.now()
    if sent_on > clock.local_date(instant):
        raise CaseworkError("The date of the request must be today or in the past")
    t = information_timescales()
    child_id = record.child_id if record is not None else arrangement.child_id  # type: ignore[union-attr]
    to_provider = recipient == InformationRequest.Recipient.PROVIDER
    with transaction.atomic():
        if to_provider:
            last = (
                InformationRequest.objects.filter(
                    child_id=child_id, recipient=recipient, sent_on__lte=sent_on
                )
                .filter(Q(addressed_to__iexact=addressed_to.strip()))
                .order_by("-sent_on")
                .values_list("sent_on", flat=True)
                .first()
            )
            allowed = next_provider_request_allowed(last, t)
            if allowed is not None and sent_on < allowed:
                raise CaseworkError(
                    f"{addressed_to.strip()} was asked about this child on {last:%d/%m/%Y}: the council "
                    f"may ask again from {allowed:%d/%m/%Y}."
                )
        request = InformationRequest.objects.create(
            child_id=child_id,
            record=record,
            arrangement=arrangement,
            recipient=recipient,
            addressed_to=addressed_to.strip(),
            asked_for=asked_for.strip(),
            sent_on=sent_on,
            due_on=request_due(sent_on, to_provider=to_provider, t=t),
            requested_by=actor,
            requested_at=instant,
        )
        events.event_record(
            verb=EHE_REQUEST_SENT,
            child=child_id,
            case=record.case if record is not None else None,
            actor=actor,
            at=instant,
            recipient=InformationRequest.Recipient(recipient).label,
            due_on=request.due_on.isoformat(),
        )
    return request


def information_answer(
    *,
    actor: User,
    request: InformationRequest,
    answered_on: dt.date,
    answer: str,
    at: dt.datetime | None = None,
) -> InformationRequest:
    """Record the answer to a request (once)."""
    if not can_answer_request(actor, request):
        raise CaseworkError("You cannot record the answer to this request.")
    instant = at or clock.now()
    if request.answered_on is not None:
        raise CaseworkError(f"The answer to {request.reference} is already recorded")
    if answered_on > clock.local_date(instant):
        raise CaseworkError("The date of the answer must be today or in the past")
    if answered_on < request.sent_on:
        raise CaseworkError("The answer cannot come before the request was sent")
    if not answer.strip():
        raise CaseworkError("Enter the answer, or what it said")
    with transaction.atomic():
        request.answered_on = answered_on
        request.answer = answer.strip()
        request.answer_recorded_by = actor
        request.save(update_fields=["answered_on", "answer", "answer_recorded_by"])
        events.event_record(
            verb=EHE_REQUEST_ANSWERED,
            child=request.child_id,
            case=request.record.case if request.record is not None else None,
            actor=actor,
            at=instant,
            answered_on=answered_on.isoformat(),
        )
    return request
