"""Every change in admissions: one keyword-only service per action, atomic, with an event on the
child's timeline. Views, the API, the sweep and the demo call these; none saves a model itself.

Seed 002: a vulnerable in-year applicant is tracked from the application, through the offer and
the school's confirmation, until on roll and attending; no answer → follow up; not on roll or not
attending after the second window → referral to Inclusion as a child missing education.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.template import Context, Template
from django.urls import reverse

from rollcall import clock
from rollcall.accounts.models import Membership, Team, User
from rollcall.admissions.events import (
    APPLICATION_RECORDED,
    CONTACT_RECORDED,
    DEFERRED_RECORDED,
    FAIR_ACCESS_ADMITTED,
    FAIR_ACCESS_ALLOCATED,
    FAIR_ACCESS_DIRECTION,
    FAIR_ACCESS_REFERRED,
    OFFER_RECORDED,
    REFERRED_CME,
    SCHOOL_ANSWERED,
)
from rollcall.admissions.models import (
    AdmissionSettings,
    Application,
    Contact,
    DeferredPlace,
    FairAccessReferral,
    Offer,
    PutOnRollRequest,
    VulnerabilityAnswer,
)
from rollcall.casework import events
from rollcall.casework.calendar import council_calendar
from rollcall.casework.identity import ChildDetails, child_for
from rollcall.casework.models import Case, Flag
from rollcall.casework.services import (
    BulkTask,
    CaseworkError,
    case_open,
    case_transition,
    flag_raise,
    roll_join,
    tasks_complete,
    tasks_create_bulk,
)
from rollcall.concurrency import version_claim
from rollcall.formats import long_date
from rollcall.notify.services import heads_of_service, message_send, team_members
from rollcall.people.models import Child
from rollcall.rules import admissions as rules
from rollcall.rules.vulnerability import CODES, Answer, assess
from rollcall.rules.workflow import Role
from rollcall.schools.models import School

# What a school or officer sees of a put-on-roll request and an application, for the list of
# changes when a stale answer is refused (no lost updates, issue 11; rollcall/concurrency.py).
REQUEST_LABELS = {
    "answer": "Answer",
    "on_roll_from": "On roll from",
    "attended_from": "First day attended",
    "not_on_roll_reason": "Why not on roll",
    "referred_cme_on": "Referred as a child missing education",
}
APPLICATION_LABELS = {"status": "Status"}


def _application_save(application: Application, fields: list[str]) -> None:
    """Save an application's changed fields with the next version (every write bumps it)."""
    version_claim(application, expected_version=None, labels=APPLICATION_LABELS)
    application.save(update_fields=[*fields, "version"])


def admissions_team() -> Team:
    team = Team.objects.filter(kind=Team.Kind.ADMISSIONS).first()
    if team is None:
        raise CaseworkError("There is no Admissions team. Ask an administrator to set one up.")
    return team


def _owner_for(actor: User | None, team: Team) -> User | None:
    """The officer who recorded it owns the case if they are in the team; otherwise the team picks."""
    if actor is not None and team.pk in actor.team_ids:
        return actor
    return None


def school_users(school: School | int) -> list[User]:
    school_id = school.pk if isinstance(school, School) else school
    return list(
        User.objects.filter(
            memberships__role=Role.SCHOOL.value, memberships__school_id=school_id, is_active=True
        ).distinct()
    )


# ---- applications and the risk assessment ------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    answer: str
    evidence: str = ""


def application_record(
    *,
    actor: User,
    child: Child | None = None,
    child_details: ChildDetails | None = None,
    received_on: dt.date,
    preferred_schools: Sequence[School],
    reason_for_move: str,
    current_school: School | None,
    answers: Mapping[str, AnswerInput],
    at: dt.datetime | None = None,
) -> Application:
    """Record an in-year application with its vulnerability risk assessment.

    Every characteristic needs an answer (a missing one is "not known"); a "yes" needs evidence.
    A vulnerable applicant gets an "admission" tracking case owned by the Admissions team and the
    "Vulnerable applicant" flag, which shows on the child everywhere.
    """
    if not preferred_schools:
        raise CaseworkError("Give at least one preferred school.")
    if len(preferred_schools) > 3:
        raise CaseworkError("Give no more than three preferred schools.")
    for code, given in answers.items():
        if given.answer == Answer.YES and not given.evidence.strip():
            raise CaseworkError(f"Give the evidence for each 'yes' answer ({code.replace('_', ' ')}).")
    result = assess({code: answers[code].answer if code in answers else Answer.NOT_KNOWN for code in CODES})
    instant = at or clock.now()
    schools = [*list(preferred_schools), None, None]
    with transaction.atomic():
        child = child_for(child, child_details, actor=actor, source="in-year application")
        application = Application.objects.create(
            child=child,
            received_on=received_on,
            preferred_school_1=preferred_schools[0],
            preferred_school_2=schools[1],
            preferred_school_3=schools[2],
            reason_for_move=reason_for_move.strip(),
            current_school=current_school,
            vulnerable=result.vulnerable,
            rating=result.rating.value,
            reasons=list(result.reasons),
            assessed_at=instant,
            created_by=actor,
            created_at=instant,
        )
        VulnerabilityAnswer.objects.bulk_create(
            VulnerabilityAnswer(
                application=application,
                characteristic=code,
                answer=answers[code].answer if code in answers else Answer.NOT_KNOWN,
                evidence=answers[code].evidence.strip() if code in answers else "",
            )
            for code in CODES
        )
        events.event_record(
            at=instant,
            verb=APPLICATION_RECORDED,
            child=child,
            actor=actor,
            school=schools[0].name if schools[0] else "",
            rating=result.rating.value,
            reasons=list(result.reasons),
        )
        if result.vulnerable:
            team = admissions_team()
            calendar = council_calendar()
            today = clock.local_date(instant)
            case = case_open(
                child=child,
                kind="admission",
                team=team,
                source="in-year application: vulnerable applicant",
                summary=f"Vulnerable in-year applicant. Risk {result.summary}. Reason for move: {reason_for_move}",
                owner=_owner_for(actor, team),
                actor=actor,
                first_tasks=[
                    (
                        "admission_offer",
                        "Record the offer and ask the school to put the child on roll",
                        calendar.add_school_days(today, 5),
                    )
                ],
                at=instant,
            )
            flag_raise(case=case, code=Flag.Code.VULNERABLE_APPLICANT, details=result.summary, at=instant)
            application.case = case
            _application_save(application, ["case"])
    return application


# ---- the offer and the put-on-roll request ----------------------------------------------------


def _letter_context(request: PutOnRollRequest, settings: AdmissionSettings) -> Context:
    return Context(
        {
            "child": request.child.full_name,
            "date_of_birth": long_date(request.child.date_of_birth),
            "school": request.school.name,
            "offered_on": long_date(request.offer.offered_on),
            "decision_date": long_date(request.offer.decision_date),
            "answer_due": long_date(request.answer_due),
            "answer_window": settings.answer_window_school_days,
        }
    )


def render_school_request(request: PutOnRollRequest, settings: AdmissionSettings | None = None) -> str:
    """The 'please put this child on roll' text, from the council's editable template."""
    settings = settings or AdmissionSettings.current()
    return Template(settings.school_request_template).render(_letter_context(request, settings))


def render_parent_letter(request: PutOnRollRequest, settings: AdmissionSettings | None = None) -> str:
    """The parent or carer's letter, from the council's editable template."""
    settings = settings or AdmissionSettings.current()
    return Template(settings.parent_letter_template).render(_letter_context(request, settings))


def _complete_tasks(case: Case | None, codes: Sequence[str], actor: User | None, at: dt.datetime) -> None:
    if case is not None:
        tasks_complete(case=case, codes=codes, actor=actor, at=at)


def _add_task(case: Case, code: str, title: str, due: dt.date, key: str) -> None:
    if case.owner_id is None:
        return
    tasks_create_bulk(
        tasks=[
            BulkTask(case_id=case.pk, code=code, title=title, due=due, assignee_id=case.owner_id, key=key)
        ],
        at=clock.now(),
    )


def _refresh(case: Case | None) -> None:
    if case is not None and case.is_open:
        from rollcall.casework.models import RuleSettings
        from rollcall.casework.services import case_refresh

        case_refresh(case, calendar=council_calendar(), settings=RuleSettings.current(), today=clock.today())


def _close_waiting(child: Child, school: School, at: dt.datetime) -> None:
    """A child now on a roll is no longer waiting for a place (the only way that case closes)."""
    for case in Case.objects.open().filter(child=child, kind="waiting"):
        case_transition(
            case=case,
            target="closed",
            actor=None,
            outcome="on_roll",
            outcome_details={"school": school.name},
            at=at,
        )


def offer_record(
    *,
    application: Application,
    school: School,
    decision_date: dt.date,
    offered_on: dt.date,
    actor: User,
    at: dt.datetime | None = None,
) -> PutOnRollRequest:
    """Record the offer and send the school the put-on-roll request with its answer date.

    The answer is due ``answer_window_school_days`` school days after the request (seed 002:
    10); the second window runs on from there before a CME referral.
    """
    if application.status not in (Application.Status.RECEIVED, Application.Status.OFFERED):
        raise CaseworkError("This application is no longer waiting for an offer.")
    instant = at or clock.now()
    sent_on = clock.local_date(instant)
    settings = AdmissionSettings.current()
    timescales = settings.timescales()
    calendar = council_calendar()
    with transaction.atomic():
        offer = Offer.objects.create(
            application=application,
            school=school,
            decision_date=decision_date,
            offered_on=offered_on,
            created_by=actor,
            created_at=instant,
        )
        request = PutOnRollRequest.objects.create(
            offer=offer,
            application=application,
            child=application.child,
            school=school,
            case=application.case,
            sent_on=sent_on,
            sent_at=instant,
            answer_due=rules.answer_due(calendar, sent_on, timescales),
            second_window_ends=rules.second_window_ends(calendar, sent_on, timescales),
        )
        application.status = Application.Status.OFFERED
        _application_save(application, ["status"])
        events.event_record(
            at=instant,
            verb=OFFER_RECORDED,
            child=application.child,
            case=application.case,
            actor=actor,
            school=school.name,
            answer_due=request.answer_due.isoformat(),
        )
        case = application.case
        if case is not None:
            _complete_tasks(case, ["admission_offer"], actor, instant)
            _add_task(
                case,
                "admission_answer",
                f"Check {school.name} has confirmed the child is on roll",
                request.answer_due,
                key=f"admission-answer:{request.pk}",
            )
            _refresh(case)
        message_send(
            recipients=school_users(school),
            subject=f"Please put {application.child.full_name} on roll by {long_date(request.answer_due)}",
            body=render_school_request(request, settings),
            url=reverse("admissions:school_request", args=[request.pk]),
            key=f"put-on-roll:{request.pk}",
        )
    return request


# ---- the school's answer ----------------------------------------------------------------------


def request_answer(
    *,
    request: PutOnRollRequest,
    actor: User,
    on_roll: bool,
    on_roll_from: dt.date | None = None,
    attended_from: dt.date | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> PutOnRollRequest:
    """The school confirms 'on roll from DATE' (and, when known, the first day attended), or
    'not on roll, because …'.

    On roll: the roll is recorded, the child is checked off the list, and the tracking case moves
    to "on roll"; once the child has attended it closes as "on roll and attending". Not on roll:
    the officer gets a task to follow up with the family and the school. A school user may answer
    only their own school's requests; admissions officers may record an answer the school gave
    by phone.

    ``expected_version`` is the version of the request the school's form or API client read: if
    the request changed since (another answer, a CME referral), EditConflict is raised and
    nothing changes (no lost updates, issue 11).
    """
    if actor.is_school_user:
        if actor.school != request.school:
            raise CaseworkError("You can answer only your own school's requests.")
    elif not (actor.is_head_of_service or admissions_team().pk in actor.team_ids):
        raise CaseworkError("Only the school or the Admissions team can answer this request.")
    if request.referred_cme_on:
        raise CaseworkError("This child has already been referred to the Inclusion service.")
    instant = at or clock.now()
    case = request.case
    with transaction.atomic():
        version_claim(request, expected_version=expected_version, labels=REQUEST_LABELS)
        if on_roll:
            if on_roll_from is None:
                raise CaseworkError("Give the date the child is on roll from.")
            if attended_from is not None and attended_from < on_roll_from:
                raise CaseworkError("The first day attended cannot be before the date on roll.")
            roll_join(
                child=request.child, school=request.school, on_roll_from=on_roll_from, actor=actor, at=instant
            )
            _close_waiting(request.child, request.school, instant)
            request.answer = PutOnRollRequest.Answer.ON_ROLL
            request.on_roll_from = on_roll_from
            request.attended_from = attended_from or request.attended_from
            request.not_on_roll_reason = ""
            request.checked_off_at = request.checked_off_at or instant
            request.application.status = (
                Application.Status.CHECKED_OFF if request.attended_from else Application.Status.ON_ROLL
            )
        else:
            if not reason.strip():
                raise CaseworkError("Say why the child is not on roll.")
            request.answer = PutOnRollRequest.Answer.NOT_ON_ROLL
            request.not_on_roll_reason = reason.strip()
        request.answered_at = instant
        request.answered_by = actor
        request.save()
        _application_save(request.application, ["status"])
        events.event_record(
            at=instant,
            verb=SCHOOL_ANSWERED,
            child=request.child,
            case=case,
            actor=actor,
            school=request.school.name,
            on_roll=on_roll,
            on_roll_from=on_roll_from.isoformat() if on_roll_from else "",
            attended_from=request.attended_from.isoformat() if request.attended_from else "",
            reason=request.not_on_roll_reason,
        )
        if case is not None and case.is_open:
            _complete_tasks(case, ["admission_answer", "admission_follow_up"], actor, instant)
            # The next task is added before the move, so the case never lacks a next action.
            if on_roll and not request.attended_from:
                _add_task(
                    case,
                    "admission_attending",
                    "Check the child has started attending",
                    request.second_window_ends,
                    key=f"admission-attending:{request.pk}",
                )
            elif not on_roll:
                _add_task(
                    case,
                    "admission_follow_up",
                    "School says not on roll: contact the family and the school",
                    council_calendar().add_school_days(clock.local_date(instant), 1),
                    key=f"admission-not-on-roll:{request.pk}",
                )
            if on_roll and case.status != "on_roll":
                case_transition(case=case, target="on_roll", actor=None, at=instant)
            if on_roll and request.attended_from:
                case_transition(
                    case=case,
                    target="closed",
                    actor=None,
                    outcome="attending",
                    outcome_details={"school": request.school.name},
                    at=instant,
                )
            elif not on_roll and case.status == "awaiting_school":
                case_transition(case=case, target="follow_up", actor=None, at=instant)
            _refresh(case)
            if case.owner is not None:
                message_send(
                    recipients=[case.owner],
                    subject=f"{request.school.name} answered about {request.child.full_name}",
                    body=(
                        f"On roll from {long_date(on_roll_from)}."
                        if on_roll
                        else f"Not on roll: {request.not_on_roll_reason}"
                    ),
                    url=reverse("admissions:application", args=[request.application_id]),
                    key=f"school-answered:{request.pk}:{instant.isoformat()}",
                )
    return request


def contact_record(
    *,
    request: PutOnRollRequest,
    actor: User,
    party: str,
    made_on: dt.date,
    intent: str,
    details: str = "",
    at: dt.datetime | None = None,
) -> Contact:
    """The officer's contact with the family or the school about taking up the place."""
    instant = at or clock.now()
    with transaction.atomic():
        contact = Contact.objects.create(
            request=request,
            party=party,
            made_on=made_on,
            intent=intent,
            details=details.strip(),
            recorded_by=actor,
            recorded_at=instant,
        )
        events.event_record(
            at=instant,
            verb=CONTACT_RECORDED,
            child=request.child,
            case=request.case,
            actor=actor,
            party_label=Contact.Party(party).label,
            intent_label=Contact.Intent(intent).label,
            made_on=made_on.isoformat(),
        )
        if request.case is not None and request.case.is_open:
            _complete_tasks(request.case, ["admission_follow_up"], actor, instant)
            _refresh(request.case)
    return contact


def history_text(request: PutOnRollRequest) -> str:
    """The whole admissions history, carried into the CME case summary."""
    app = request.application
    lines = [
        f"Referred automatically by Admissions: place at {request.school.name} not taken up.",
        f"Application received {long_date(app.received_on)}; reason for move: {app.reason_for_move}.",
        f"Risk assessment: {app.get_rating_display()} ({'; '.join(app.reasons) or 'nothing of concern known'}).",
        f"Offer at {request.school.name} on {long_date(request.offer.offered_on)}; "
        f"school asked to confirm by {long_date(request.answer_due)}.",
    ]
    if request.reminded_on:
        lines.append(f"School reminded on {long_date(request.reminded_on)}.")
    if request.answer == PutOnRollRequest.Answer.ON_ROLL:
        lines.append(f"School said on roll from {long_date(request.on_roll_from)}, no attendance confirmed.")
    elif request.answer == PutOnRollRequest.Answer.NOT_ON_ROLL:
        lines.append(f"School said not on roll: {request.not_on_roll_reason}")
    else:
        lines.append("The school never answered.")
    lines.extend(
        f"Contact with {c.get_party_display().lower()} on {long_date(c.made_on)}: {c.get_intent_display().lower()}."
        + (f" {c.details}" if c.details else "")
        for c in request.contacts.all()
    )
    return "\n".join(lines)


def refer_cme(*, request: PutOnRollRequest, today: dt.date, at: dt.datetime | None = None) -> Case:
    """Refer a child whose place was not taken up to Inclusion as CME, with the whole history.

    Inclusion is told at once (case_open messages the team). The admission case closes with the
    outcome "referred_cme". Idempotent: a request already referred returns the open CME case.
    """
    instant = at or clock.now()
    inclusion = Team.objects.filter(kind=Team.Kind.INCLUSION).first()
    if inclusion is None:
        raise CaseworkError("There is no Inclusion team to refer to.")
    with transaction.atomic():
        cme = case_open(
            child=request.child,
            kind="cme",
            team=inclusion,
            source="admissions: place not taken up",
            summary=history_text(request),
            actor=None,
            at=instant,
        )
        request.referred_cme_on = today
        version_claim(request, expected_version=None, labels=REQUEST_LABELS)
        request.save(update_fields=["referred_cme_on", "version"])
        request.application.status = Application.Status.REFERRED_CME
        _application_save(request.application, ["status"])
        case = request.case
        if case is not None and case.is_open:
            if case.status == "on_roll":
                case_transition(case=case, target="follow_up", actor=None, at=instant)
            case_transition(case=case, target="closed", actor=None, outcome="referred_cme", at=instant)
        events.event_record(
            at=instant,
            verb=REFERRED_CME,
            child=request.child,
            case=case,
            actor=None,
            reference=cme.reference,
            school=request.school.name,
        )
    return cme


# ---- Fair Access ----------------------------------------------------------------------------


def fair_access_refer(
    *,
    actor: User,
    child: Child | None = None,
    child_details: ChildDetails | None = None,
    category: str,
    reason: str,
    schools_considered: Sequence[School],
    taken_into_protocol_on: dt.date,
    panel_date: dt.date | None = None,
    at: dt.datetime | None = None,
) -> FairAccessReferral:
    """Take a child into the Fair Access Protocol: a place is due within 20 school days."""
    if category not in FairAccessReferral.Category.values:
        raise CaseworkError("Choose one of the Code's Fair Access categories.")
    instant = at or clock.now()
    timescales = AdmissionSettings.current().timescales()
    due = rules.fair_access_placement_due(council_calendar(), taken_into_protocol_on, timescales)
    team = admissions_team()
    with transaction.atomic():
        child = child_for(child, child_details, actor=actor, source="Fair Access referral")
        case = case_open(
            child=child,
            kind="fair_access",
            team=team,
            source="Fair Access referral",
            summary=f"{FairAccessReferral.Category(category).label}. {reason}",
            owner=_owner_for(actor, team),
            actor=actor,
            first_tasks=[("fair_access_place", "Allocate a school place (Fair Access)", due)],
            at=instant,
        )
        referral = FairAccessReferral.objects.create(
            child=child,
            case=case,
            category=category,
            reason=reason.strip(),
            panel_date=panel_date,
            taken_into_protocol_on=taken_into_protocol_on,
            placement_due=due,
            created_by=actor,
            created_at=instant,
        )
        referral.schools_considered.set(schools_considered)
        events.event_record(
            at=instant,
            verb=FAIR_ACCESS_REFERRED,
            child=child,
            case=case,
            actor=actor,
            category_label=FairAccessReferral.Category(category).label,
            placement_due=due.isoformat(),
        )
    return referral


def fair_access_allocate(
    *,
    referral: FairAccessReferral,
    actor: User,
    school: School,
    panel_date: dt.date,
    at: dt.datetime | None = None,
) -> FairAccessReferral:
    """Record the panel's decision: the school allocated. The school has 7 days to respond/admit."""
    instant = at or clock.now()
    today = clock.local_date(instant)
    timescales = AdmissionSettings.current().timescales()
    with transaction.atomic():
        referral.decision = FairAccessReferral.Decision.ALLOCATED
        referral.school_allocated = school
        referral.panel_date = panel_date
        referral.allocated_on = today
        referral.school_response_due = rules.school_response_due(today, timescales)
        referral.save()
        case = referral.case
        if case is not None and case.status == "referred":
            case_transition(case=case, target="allocated", actor=actor, at=instant)
        events.event_record(
            at=instant,
            verb=FAIR_ACCESS_ALLOCATED,
            child=referral.child,
            case=case,
            actor=actor,
            school=school.name,
        )
        message_send(
            recipients=school_users(school),
            subject=f"Fair Access: please admit {referral.child.full_name}",
            body=(
                f"The Fair Access panel allocated {referral.child.full_name} a place at {school.name} on "
                f"{long_date(panel_date)}. Please admit the child and tell the Admissions team by "
                f"{long_date(referral.school_response_due)}."
            ),
            key=f"fair-access-allocated:{referral.pk}:{school.pk}",
        )
    return referral


def fair_access_request_direction(
    *, referral: FairAccessReferral, actor: User, at: dt.datetime | None = None
) -> FairAccessReferral:
    """Record that the council directed (or asked the Secretary of State to direct) the school."""
    instant = at or clock.now()
    with transaction.atomic():
        case = referral.case
        if case is not None and case.status == "allocated":
            case_transition(case=case, target="direction", actor=actor, at=instant)
        referral.direction_requested_on = clock.local_date(instant)
        referral.save(update_fields=["direction_requested_on"])
        events.event_record(
            at=instant, verb=FAIR_ACCESS_DIRECTION, child=referral.child, case=case, actor=actor
        )
    return referral


def fair_access_admitted(
    *, referral: FairAccessReferral, actor: User, admitted_on: dt.date, at: dt.datetime | None = None
) -> FairAccessReferral:
    """The allocated school admitted the child: the roll is recorded and the case moves on."""
    if referral.school_allocated is None:
        raise CaseworkError("Record the school allocated first.")
    instant = at or clock.now()
    with transaction.atomic():
        roll_join(
            child=referral.child,
            school=referral.school_allocated,
            on_roll_from=admitted_on,
            actor=actor,
            at=instant,
        )
        _close_waiting(referral.child, referral.school_allocated, instant)
        referral.admitted_on = admitted_on
        referral.save(update_fields=["admitted_on"])
        case = referral.case
        if case is not None and case.status in ("allocated", "direction"):
            case_transition(case=case, target="admitted", actor=actor, at=instant)
        events.event_record(
            at=instant,
            verb=FAIR_ACCESS_ADMITTED,
            child=referral.child,
            case=case,
            actor=actor,
            school=referral.school_allocated.name,
        )
    return referral


# ---- waiting for a place, deferred places ------------------------------------------------------


def waiting_open(*, child: Child, actor: User | None, at: dt.datetime | None = None) -> Case:
    """Open a 'waiting for a place' case for a child of compulsory school age with no place.

    It closes only when the child is on roll (the admissions sweep closes it then)."""
    instant = at or clock.now()
    today = clock.local_date(instant)
    on_roll = child.roll_entries.filter(on_roll_to__isnull=True).exists()
    if not rules.needs_waiting_case(child.date_of_birth, today, on_roll=on_roll):
        raise CaseworkError("Only a child of compulsory school age with no school place waits for a place.")
    team = admissions_team()
    review = rules.waiting_review_due(council_calendar(), today, AdmissionSettings.current().timescales())
    return case_open(
        child=child,
        kind="waiting",
        team=team,
        source="no school place",
        summary="Child of compulsory school age without a school place.",
        owner=_owner_for(actor, team),
        actor=actor,
        first_tasks=[("waiting_review", "Review progress towards a school place", review)],
        at=instant,
    )


def deferred_record(
    *,
    child: Child | None = None,
    child_details: ChildDetails | None = None,
    school: School,
    due_to_start: dt.date,
    actor: User,
    at: dt.datetime | None = None,
) -> DeferredPlace:
    """Record a deferred place; the sweep checks on ``due_to_start`` that the child started."""
    instant = at or clock.now()
    with transaction.atomic():
        child = child_for(child, child_details, actor=actor, source="deferred school place")
        place = DeferredPlace.objects.create(
            child=child, school=school, due_to_start=due_to_start, created_by=actor, created_at=instant
        )
        events.event_record(
            at=instant,
            verb=DEFERRED_RECORDED,
            child=child,
            actor=actor,
            school=school.name,
            due_to_start=due_to_start.isoformat(),
        )
    return place


def admissions_members() -> list[User]:
    team = Team.objects.filter(kind=Team.Kind.ADMISSIONS).first()
    return team_members(team) if team else []


__all__ = [
    "AnswerInput",
    "Membership",
    "admissions_members",
    "application_record",
    "contact_record",
    "deferred_record",
    "fair_access_admitted",
    "fair_access_allocate",
    "fair_access_refer",
    "fair_access_request_direction",
    "heads_of_service",
    "offer_record",
    "refer_cme",
    "render_parent_letter",
    "render_school_request",
    "request_answer",
    "waiting_open",
]


def requests_answered_by_roll(
    *, school: School, joiners: Mapping[int, dt.date], at: dt.datetime | None = None
) -> int:
    """A school's roll shows pupils the council asked it to put on roll: their put-on-roll requests
    are answered "on roll" from the roll's date (the roll is the school's answer), the children
    checked off, and any "waiting for a place" case closed. Returns how many requests.

    A few requests per roll, each through the same steps as the school's own answer; a request
    already answered or referred as CME is left alone.
    """
    if not joiners:
        return 0
    instant = at or clock.now()
    ids = sorted(joiners)
    pending: list[PutOnRollRequest] = []
    for start in range(0, len(ids), 500):
        pending += PutOnRollRequest.objects.filter(
            school=school, child_id__in=ids[start : start + 500], answer="", referred_cme_on__isnull=True
        ).select_related("application", "child", "case")
    for request in pending:
        on_roll_from = joiners[request.child_id]
        version_claim(request, expected_version=None, labels=REQUEST_LABELS)
        request.answer = PutOnRollRequest.Answer.ON_ROLL
        request.on_roll_from = on_roll_from
        request.answered_at = instant
        request.checked_off_at = request.checked_off_at or instant
        request.save()
        request.application.status = Application.Status.ON_ROLL
        _application_save(request.application, ["status"])
        _close_waiting(request.child, school, instant)
        events.event_record(
            at=instant,
            verb=SCHOOL_ANSWERED,
            child=request.child,
            case=request.case,
            actor=None,
            school=school.name,
            on_roll=True,
            on_roll_from=on_roll_from.isoformat(),
            attended_from="",
            reason="",
            source="roll",
        )
        case = request.case
        if case is not None and case.is_open:
            # As for the school's own "on roll" answer: attendance is checked next.
            _complete_tasks(case, ["admission_answer", "admission_follow_up"], None, instant)
            _add_task(
                case,
                "admission_attending",
                "Check the child has started attending",
                request.second_window_ends,
                key=f"admission-attending:{request.pk}",
            )
            if case.status != "on_roll":
                case_transition(case=case, target="on_roll", actor=None, at=instant)
            _refresh(case)
    return len(pending)
