"""Every change to home-education work goes through these functions (docs/home-education.md).

Each runs in one transaction, writes casework's tables only through casework's public services
(cases, tasks, events) and records a timeline event. Deadlines come from
``rollcall.rules.home_education`` with the council's settings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings as django_settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.casework import events
from rollcall.casework.access import case_role
from rollcall.casework.calendar import council_calendar
from rollcall.casework.identity import child_match_or_create
from rollcall.casework.models import Case, RuleSettings
from rollcall.casework.services import (
    CaseworkError,
    case_open,
    case_refresh,
    case_transition,
    task_create,
    tasks_complete,
)
from rollcall.formats import long_date
from rollcall.homeeducation import letters
from rollcall.homeeducation.access import (
    can_edit_letter_templates,
    can_open_record,
    can_refer_for_prosecution,
)
from rollcall.homeeducation.events import (
    EHE_CONSENT,
    EHE_CONTACT,
    EHE_EDUCATION,
    EHE_EVIDENCE,
    EHE_JUDGED,
    EHE_REGISTERED,
    SAO_NOTICE,
    SAO_PROSECUTION,
)
from rollcall.homeeducation.models import (
    STEP_CHOICES,
    EHEContact,
    EHEEvidence,
    EHERecord,
    EHESettings,
    LetterTemplate,
    ParentNotification,
    SAONotice,
)
from rollcall.notify.services import message_send, team_members
from rollcall.people.models import Child
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.home_education import (
    EHETimescales,
    Step,
    consent_decision_due,
    consent_needed,
    earliest_next_step,
    first_contact_due,
    informal_enquiry_reply_due,
    next_review_due,
    notification_check_due,
    order_serve_due,
    prosecution_follow_up_due,
    step_deadline,
)
from rollcall.schools.models import School

# The attendance order route's statuses in which a school is named in an order in force.
_ORDER_IN_FORCE = ("order", "prosecution")
_STEP_LABELS = dict(STEP_CHOICES)


def timescales(settings: EHESettings | None = None) -> EHETimescales:
    """The council's timescales as the rules take them."""
    s = settings or EHESettings.current()
    return EHETimescales(
        first_contact_school_days=s.first_contact_school_days,
        review_interval_months=s.review_interval_months,
        informal_enquiry_school_days=s.informal_enquiry_school_days,
        preliminary_notice_days=s.preliminary_notice_days,
        choice_period_days=s.choice_period_days,
        serve_order_school_days=s.serve_order_school_days,
        consent_decision_school_days=s.consent_decision_school_days,
        confirm_notification_school_days=s.confirm_notification_school_days,
    )


def ehe_team() -> Team:
    team = Team.objects.filter(kind=Team.Kind.EHE).first()
    if team is None:
        raise CaseworkError("There is no Elective Home Education team. Ask an administrator to set it up.")
    return team


def first_tasks(
    calendar: SchoolCalendar, today: dt.date, *, consent: bool, settings: EHESettings | None = None
) -> list[tuple[str, str, dt.date]]:
    """A new record starts with the council's consent decision (a special-school place) or with
    the first contact, due by the council's timescales."""
    s = settings or EHESettings.current()
    if consent:
        due = consent_decision_due(calendar, today, timescales(s))
        return [("consent_decision", "Decide the council's consent to home education", due)]
    return [
        (
            "first_contact",
            "Make first contact with the family",
            first_contact_due(calendar, today, timescales(s)),
        )
    ]


def is_special_school(school: School | None) -> bool:
    """A special school by its type in the schools register ("Community special school"…)."""
    return school is not None and "special" in school.type_name.lower()


def _require_edit(actor: User, record: EHERecord) -> Case:
    case = record.case
    if case_role(actor, case) is None:
        raise CaseworkError("You cannot change this record: it belongs to another team.")
    if not case.is_open:
        raise CaseworkError("This home-education record is closed. Reopen its case first.")
    return case


def _refresh(case: Case, today: dt.date, instant: dt.datetime) -> None:
    case_refresh(case, calendar=council_calendar(), settings=RuleSettings.current(), today=today, at=instant)


def open_sao_case(child: Child | int) -> Case | None:
    child_id = child if isinstance(child, int) else child.pk
    return Case.objects.open().filter(child_id=child_id, kind="sao").first()


# ---- opening ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EducationFacts:
    """The education provided, as the family or the officer describes it."""

    parents: str = ""
    educated_by: str = ""
    hours_per_week: Decimal | None = None
    where: str = ""
    reason: str = ""
    """The parent's main reason (EHERecord.Reason), if they gave one."""


def record_open(
    *,
    child: Child,
    actor: User | None,
    source: str = EHERecord.Source.OFFICER,
    school: School | None = None,
    notified_on: dt.date | None = None,
    special_school_council_arranged: bool = False,
    facts: EducationFacts | None = None,
    at: dt.datetime | None = None,
) -> EHERecord:
    """Register a child as home educated: an "ehe" case with an owner, its first task and a record.

    A place at a special school arranged by the council, or a school named in an attendance
    order in force, needs the council's consent first (rules.home_education.consent_needed): the
    record waits for that decision. A child who already has an open record keeps it (the new facts
    are added to the timeline) and that record is returned.
    """
    instant = at or clock.now()
    today = clock.local_date(instant)
    facts = facts or EducationFacts()
    if actor is not None and not can_open_record(actor):
        raise CaseworkError("Only the Elective Home Education team can register home education.")
    with transaction.atomic():
        existing = (
            EHERecord.objects.filter(child=child, case__closed_at__isnull=True).select_related("case").first()
        )
        if existing is not None:
            events.event_record(
                at=instant,
                verb=events.CASE_UPDATED,
                child=child,
                case=existing.case,
                actor=actor,
                reference=existing.case.reference,
                what=EHERecord.Source(source).label,
            )
            return existing
        order = open_sao_case(child)
        consent = consent_needed(
            special_school_council_arranged=special_school_council_arranged,
            named_in_attendance_order=order is not None and order.status in _ORDER_IN_FORCE,
        )
        calendar = council_calendar()
        tasks = first_tasks(calendar, today, consent=consent is not None)
        case = case_open(
            child=child,
            kind="ehe",
            team=ehe_team(),
            source=EHERecord.Source(source).label[:100],
            actor=actor,
            first_tasks=tasks,
            at=instant,
        )
        record = EHERecord.objects.create(
            child=child,
            case=case,
            source=source,
            notified_on=notified_on,
            school=school,
            parents=facts.parents.strip(),
            educated_by=facts.educated_by.strip(),
            hours_per_week=facts.hours_per_week,
            where=facts.where.strip(),
            reason=facts.reason,
            consent_needed=consent.value if consent is not None else "",
            next_review_on=tasks[0][2],
            created_at=instant,
        )
        if consent is not None:
            case_transition(case=case, target="consent", actor=None, at=instant)
        events.event_record(
            at=instant,
            verb=EHE_REGISTERED,
            child=child,
            case=case,
            actor=actor,
            source=EHERecord.Source(source).label,
        )
    return record


def consent_decide(
    *, record: EHERecord, actor: User, given: bool, reasons: str, at: dt.datetime | None = None
) -> EHERecord:
    """Record the council's decision on consent. Given: the first contact is due from today.
    Refused: the child stays on the school's roll and the record closes."""
    case = _require_edit(actor, record)
    if case.status != "consent":
        raise CaseworkError("This record is not waiting for the council's consent.")
    if not reasons.strip():
        raise CaseworkError("Enter the reasons for the decision")
    instant = at or clock.now()
    today = clock.local_date(instant)
    with transaction.atomic():
        record.consent_decision = EHERecord.Decision.GIVEN if given else EHERecord.Decision.REFUSED
        record.consent_reasons = reasons.strip()
        record.consent_decided_by = actor
        record.consent_decided_at = instant
        tasks_complete(case=case, codes=["consent_decision"], actor=actor, at=instant)
        if given:
            # The new task first: the move refreshes the case's next action from it.
            (code, title, due) = first_tasks(council_calendar(), today, consent=False)[0]
            task_create(case=case, code=code, title=title, due=due, assignee=case.owner or actor, at=instant)
            case_transition(case=case, target="new", actor=None, at=instant)
            record.next_review_on = due
        else:
            case_transition(case=case, target="closed", actor=None, outcome="stays_on_roll", at=instant)
            record.next_review_on = None
        record.save()
        events.event_record(
            at=instant,
            verb=EHE_CONSENT,
            child=record.child_id,
            case=case,
            actor=actor,
            decision=EHERecord.Decision(record.consent_decision).label,
        )
    return record


# ---- contacts, evidence, the education -----------------------------------------------------------


def contact_record(
    *,
    record: EHERecord,
    actor: User,
    made_on: dt.date,
    method: str,
    with_whom: str = "",
    notes: str = "",
    at: dt.datetime | None = None,
) -> EHEContact:
    """Record a contact with the family. The first one starts the informal enquiries: the
    "first contact" task is done and a view on the education is due by the informal enquiry
    period (school days)."""
    case = _require_edit(actor, record)
    if case.status == "consent":
        raise CaseworkError("Decide the council's consent before contacting the family about home education.")
    instant = at or clock.now()
    today = clock.local_date(instant)
    if made_on > today:
        raise CaseworkError("The date of the contact must be today or in the past")
    with transaction.atomic():
        contact = EHEContact.objects.create(
            record=record,
            made_on=made_on,
            method=method,
            with_whom=with_whom.strip(),
            notes=notes.strip(),
            recorded_by=actor,
            recorded_at=instant,
        )
        if case.status == "new":
            record.first_contact_on = made_on
            tasks_complete(case=case, codes=["first_contact"], actor=actor, at=instant)
            due = informal_enquiry_reply_due(council_calendar(), today, timescales())
            task_create(
                case=case,
                code="judge_suitability",
                title="Reach a view on the suitability of the education",
                due=due,
                assignee=case.owner or actor,
                at=instant,
            )
            case_transition(case=case, target="enquiries", actor=None, at=instant)
            record.next_review_on = due
            record.save(update_fields=["first_contact_on", "next_review_on"])
        events.event_record(
            at=instant,
            verb=EHE_CONTACT,
            child=record.child_id,
            case=case,
            actor=actor,
            made_on=made_on.isoformat(),
            method=EHEContact.Method(method).label,
        )
    return contact


def evidence_record(
    *,
    record: EHERecord,
    actor: User,
    received_on: dt.date,
    kind: str,
    description: str,
    at: dt.datetime | None = None,
) -> EHEEvidence:
    """Record evidence of the education the family shared."""
    case = _require_edit(actor, record)
    instant = at or clock.now()
    if received_on > clock.local_date(instant):
        raise CaseworkError("The date the evidence was received must be today or in the past")
    if not description.strip():
        raise CaseworkError("Describe the evidence")
    with transaction.atomic():
        evidence = EHEEvidence.objects.create(
            record=record,
            received_on=received_on,
            kind=kind,
            description=description.strip(),
            recorded_by=actor,
            recorded_at=instant,
        )
        events.event_record(
            at=instant,
            verb=EHE_EVIDENCE,
            child=record.child_id,
            case=case,
            actor=actor,
            received_on=received_on.isoformat(),
            kind=EHEEvidence.Kind(kind).label,
        )
    return evidence


def education_update(
    *, record: EHERecord, actor: User, facts: EducationFacts, at: dt.datetime | None = None
) -> EHERecord:
    """Change the parents and the education provided (who, hours, where)."""
    case = _require_edit(actor, record)
    instant = at or clock.now()
    with transaction.atomic():
        record.parents = facts.parents.strip()
        record.educated_by = facts.educated_by.strip()
        record.hours_per_week = facts.hours_per_week
        record.where = facts.where.strip()
        record.reason = facts.reason
        record.save(update_fields=["parents", "educated_by", "hours_per_week", "where", "reason"])
        events.event_record(at=instant, verb=EHE_EDUCATION, child=record.child_id, case=case, actor=actor)
    return record


# ---- the officer's view of suitability -----------------------------------------------------------


def suitability_judge(
    *,
    record: EHERecord,
    actor: User,
    judgement: str,
    reasons: str,
    judged_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> EHERecord:
    """Record the officer's view of the education, with reasons, and what follows.

    Suitable: the next review is set (a calendar interval, default 12 months) with its task, and
    an attendance order route still open closes as satisfied. Not suitable, or not enough
    information: the record moves to the attendance order route and a "sao" case opens at its
    informal enquiry (s.437(1) needs it to *appear* the education is not suitable).
    """
    case = _require_edit(actor, record)
    if case.status in ("new", "consent"):
        raise CaseworkError("Record the first contact with the family before judging the education.")
    if judgement not in EHERecord.Suitability.values or not judgement:
        raise CaseworkError("Choose whether the education appears suitable")
    if not reasons.strip():
        raise CaseworkError("Enter the reasons for your view")
    instant = at or clock.now()
    today = clock.local_date(instant)
    judged_on = judged_on or today
    if judged_on > today:
        raise CaseworkError("The date of the judgement must be today or in the past")
    t = timescales()
    calendar = council_calendar()
    with transaction.atomic():
        tasks_complete(
            case=case, codes=["first_contact", "judge_suitability", "review"], actor=actor, at=instant
        )
        record.suitability = judgement
        record.suitability_reasons = reasons.strip()
        record.judged_by = actor
        record.judged_on = judged_on
        if judgement == EHERecord.Suitability.SUITABLE:
            record.next_review_on = next_review_due(judged_on, t)
            # The new task first: each move refreshes the case's next action from it.
            task_create(
                case=case,
                code="review",
                title="Review the home education",
                due=record.next_review_on,
                assignee=case.owner or actor,
                at=instant,
            )
            if case.status == "suitable":
                case_transition(case=case, target="enquiries", actor=None, at=instant)
            case_transition(case=case, target="suitable", actor=None, at=instant)
            order = open_sao_case(record.child_id)
            if order is not None:
                case_transition(case=order, target="closed", actor=actor, outcome="satisfied", at=instant)
        else:
            record.next_review_on = informal_enquiry_reply_due(calendar, today, t)
            task_create(
                case=case,
                code="review",
                title="Review the attendance order route",
                due=record.next_review_on,
                assignee=case.owner or actor,
                at=instant,
            )
            if case.status != "concern":
                case_transition(case=case, target="concern", actor=None, at=instant)
            case_open(
                child=record.child,
                kind="sao",
                team=case.team,
                source="Home education appears not suitable",
                owner=case.owner,
                actor=actor,
                first_tasks=[
                    (
                        "informal_enquiry",
                        "Send the informal enquiry letter",
                        calendar.add_school_days(today, 1),
                    )
                ],
                at=instant,
            )
        record.save()
        _refresh(case, today, instant)
        events.event_record(
            at=instant,
            verb=EHE_JUDGED,
            child=record.child_id,
            case=case,
            actor=actor,
            judgement=EHERecord.Suitability(judgement).label,
            next_review_on=record.next_review_on.isoformat(),
        )
    return record


# ---- the attendance order route ------------------------------------------------------------------

# Each step: the status it needs, the status it moves to (None: stays), the task it completes and
# the task that follows, with the date it is due (from the notice's own deadline).
_STEPS: dict[Step, tuple[str, str | None, tuple[str, ...]]] = {
    Step.INFORMAL_ENQUIRY: ("informal", None, ("informal_enquiry",)),
    Step.PRELIMINARY_NOTICE: ("informal", "preliminary", ("informal_enquiry", "serve_preliminary")),
    Step.NOTICE_OF_INTENTION: ("preliminary", "intention", ("serve_intention",)),
    Step.ORDER: ("intention", "order", ("serve_order",)),
    # s.440: the order stays in force, naming the school where the parents obtained a place.
    Step.AMENDMENT: ("order", None, ("order_complied", "amendment_complied")),
}


def _next_task(
    step: Step, calendar: SchoolCalendar, deadline: dt.date, t: EHETimescales
) -> tuple[str, str, dt.date]:
    if step is Step.INFORMAL_ENQUIRY:
        return (
            "serve_preliminary",
            "Read the family's reply; serve the preliminary notice or close",
            deadline,
        )
    if step is Step.PRELIMINARY_NOTICE:
        return (
            "serve_intention",
            "Period to satisfy the council ended: serve the notice of intention or close",
            earliest_next_step(deadline),
        )
    if step is Step.NOTICE_OF_INTENTION:
        return ("serve_order", "Serve the school attendance order", order_serve_due(calendar, deadline, t))
    if step is Step.AMENDMENT:
        return (
            "amendment_complied",
            "Check the child is registered at the school the amended order names",
            deadline,
        )
    return (
        "order_complied",
        "Check the child is registered at the named school",
        calendar.add_school_days(deadline, t.serve_order_school_days),
    )


def notice_serve(
    *,
    record: EHERecord,
    actor: User,
    step: Step,
    served_on: dt.date,
    method: str,
    reason: str,
    schools_named: str = "",
    at: dt.datetime | None = None,
) -> SAONotice:
    """Serve the next letter or notice of the route, kept as served, and set what follows.

    A notice of intention may be served only once the preliminary notice's period has run out,
    and the order only once the parents' choice period has; both must name a school (s.438).
    """
    order_case = open_sao_case(record.child_id)
    if order_case is None:
        raise CaseworkError("There is no attendance order route open for this child.")
    if case_role(actor, order_case) is None:
        raise CaseworkError("You cannot change this case: it belongs to another team.")
    needed, target, done_codes = _STEPS[step]
    if order_case.status != needed:
        raise CaseworkError(
            f"{_STEP_LABELS[step.value]} cannot be served now: the case is at '{order_case.status_label}'."
        )
    instant = at or clock.now()
    today = clock.local_date(instant)
    if served_on > today:
        raise CaseworkError("The date of service must be today or in the past")
    if not reason.strip():
        raise CaseworkError("Enter the reason, as the letter will give it")
    if step in (Step.NOTICE_OF_INTENTION, Step.ORDER, Step.AMENDMENT) and not schools_named.strip():
        raise CaseworkError("Name the school (and any alternatives)")
    previous = SAONotice.objects.filter(case=order_case).order_by("-served_on", "-pk").first()
    named_before = (
        SAONotice.objects.filter(case=order_case, step__in=(Step.ORDER.value, Step.AMENDMENT.value))
        .order_by("-served_on", "-pk")
        .values_list("schools_named", flat=True)
        .first()
    )
    if step is Step.AMENDMENT and previous is not None and served_on < previous.served_on:
        raise CaseworkError("The amendment cannot be dated before the order it amends")
    if (
        step in (Step.NOTICE_OF_INTENTION, Step.ORDER)
        and previous is not None
        and served_on < earliest_next_step(previous.period_end)
    ):
        raise CaseworkError(
            f"The period in the {previous.get_step_display().lower()} runs to "
            f"{previous.period_end:%d/%m/%Y}: this can be served from "
            f"{earliest_next_step(previous.period_end):%d/%m/%Y}."
        )
    t = timescales()
    calendar = council_calendar()
    deadline = step_deadline(step, calendar, served_on, t)
    notice = SAONotice(
        case=order_case,
        record=record,
        step=step.value,
        served_on=served_on,
        method=method,
        period_end=deadline,
        reason=reason.strip(),
        schools_named=schools_named.strip(),
        served_by=actor,
        recorded_at=instant,
    )
    notice.letter_html = letter_render(notice, previous_school=named_before or "")
    with transaction.atomic():
        notice.save()
        tasks_complete(case=order_case, codes=done_codes, actor=actor, at=instant)
        code, title, due = _next_task(step, calendar, deadline, t)
        # An order may be amended more than once: each amendment has its own check.
        suffix = f":{notice.pk}" if step is Step.AMENDMENT else ""
        task_create(
            case=order_case,
            code=code,
            title=title,
            due=due,
            assignee=order_case.owner or actor,
            key=f"sao:{order_case.pk}:{code}{suffix}",
            at=instant,
        )
        if target is not None:
            case_transition(case=order_case, target=target, actor=None, at=instant)
        else:
            _refresh(order_case, today, instant)
        events.event_record(
            at=instant,
            verb=SAO_NOTICE,
            child=record.child_id,
            case=order_case,
            actor=actor,
            step=_STEP_LABELS[step.value],
            served_on=served_on.isoformat(),
            period_end=deadline.isoformat(),
        )
    return notice


def prosecution_refer(
    *, record: EHERecord, actor: User, eso_considered: str, at: dt.datetime | None = None
) -> Case:
    """Refer a parent who has not complied with the order for prosecution (s.443). Only the
    council prosecutes (s.446), so a manager decides, and it must first consider an education
    supervision order (s.447): the reasons are recorded."""
    order_case = open_sao_case(record.child_id)
    if order_case is None or order_case.status != "order":
        raise CaseworkError("Only an order in force can be referred for prosecution.")
    if not can_refer_for_prosecution(actor):
        raise CaseworkError("Only a team manager or head of service can refer for prosecution.")
    if not eso_considered.strip():
        raise CaseworkError("Record why an education supervision order was not enough (s.447)")
    instant = at or clock.now()
    with transaction.atomic():
        tasks_complete(
            case=order_case, codes=["order_complied", "amendment_complied"], actor=actor, at=instant
        )
        task_create(
            case=order_case,
            code="prosecution",
            title="Follow the prosecution to its outcome",
            due=prosecution_follow_up_due(council_calendar(), clock.local_date(instant), timescales()),
            assignee=order_case.owner or actor,
            key=f"sao:{order_case.pk}:prosecution",
            at=instant,
        )
        case_transition(case=order_case, target="prosecution", actor=None, at=instant)
        events.event_record(
            at=instant,
            verb=SAO_PROSECUTION,
            child=record.child_id,
            case=order_case,
            actor=actor,
            eso_considered=eso_considered.strip(),
        )
    return order_case


def letter_values(notice: SAONotice, previous_school: str = "") -> dict[str, str]:
    """What a letter's placeholders are filled with (rollcall/homeeducation/letters.py)."""
    child = notice.record.child
    return {
        "child_name": child.full_name,
        "date_of_birth": long_date(child.date_of_birth),
        "served_on": long_date(notice.served_on),
        "period_end": long_date(notice.period_end),
        "earliest_next": long_date(earliest_next_step(notice.period_end)),
        "reason": notice.reason,
        "schools_named": notice.schools_named,
        "previous_school": previous_school,
        "council_name": django_settings.COUNCIL_NAME,
        "reference": notice.case.reference,
    }


def _letter(heading: str, body: str, values: dict[str, str], context: dict[str, object]) -> str:
    return render_to_string(
        "homeeducation/letters/letter.html",
        {
            **context,
            "council_name": django_settings.COUNCIL_NAME,
            # Escaped by letters.render_*: only the template's own **bold** and headings are markup.
            "heading": mark_safe(letters.render_inline(heading, values)),  # noqa: S308
            "body": mark_safe(letters.render_body(body, values)),  # noqa: S308
        },
    )


def letter_words(kind: str) -> tuple[str, str]:
    """The heading and words for a kind of letter: the administrators' own if saved, else Roll
    Call's standard words (letters.DEFAULTS, the same the data migration seeds)."""
    template = LetterTemplate.objects.filter(kind=kind).first()
    if template is not None:
        return template.heading, template.body
    return letters.DEFAULTS[kind]


def letter_render(notice: SAONotice, previous_school: str = "") -> str:
    """The letter for a notice, from the administrators' template for its step (LetterTemplate)."""
    heading, body = letter_words(notice.step)
    return _letter(
        heading,
        body,
        letter_values(notice, previous_school),
        {
            "notice": notice,
            "child": notice.record.child,
            "record": notice.record,
            "officer": notice.served_by,
        },
    )


# Invented values for the administrators' preview: no real child's details.
PREVIEW_VALUES: dict[str, str] = {
    "child_name": "Sam Example",
    "date_of_birth": "4 May 2015",
    "served_on": "2 November 2026",
    "period_end": "16 November 2026",
    "earliest_next": "17 November 2026",
    "reason": "We have had no reply to our letter of 5 October 2026.",
    "schools_named": "Example Primary School\nAlternative: Sample Church of England Primary School",
    "previous_school": "Example Primary School",
    "council_name": "Example Council",
    "reference": "SAO-000000",
}


def letter_preview(*, heading: str, body: str, actor: User) -> str:
    """The letter as ``heading`` and ``body`` would write it, filled with invented values."""
    return _letter(
        heading,
        body,
        PREVIEW_VALUES,
        {"notice": None, "child": None, "record": None, "officer": actor},
    )


def letter_template_update(
    *, kind: str, heading: str, body: str, actor: User, at: dt.datetime | None = None
) -> LetterTemplate:
    """An administrator changes a letter's words. Later letters use them; served ones stay as served."""
    if not can_edit_letter_templates(actor):
        raise CaseworkError("Only an administrator can change the letter templates.")
    if kind not in dict(STEP_CHOICES):
        raise CaseworkError("There is no such letter.")
    unknown = letters.unknown_placeholders(heading + "\n" + body)
    if unknown:
        names = ", ".join("{" + name + "}" for name in unknown)
        raise CaseworkError(f"Roll Call does not know {names}: use only the placeholders listed")
    if not heading.strip() or not body.strip():
        raise CaseworkError("Enter the heading and the words of the letter")
    instant = at or clock.now()
    with transaction.atomic():
        template, _created = LetterTemplate.objects.select_for_update().get_or_create(
            kind=kind, defaults={"heading": heading.strip(), "body": body.strip()}
        )
        template.heading = heading.strip()
        template.body = body.strip()
        template.updated_by = actor
        template.updated_at = instant
        template.save()
    return template


# ---- a parent's own notification (the public form) ---------------------------------------------


class Throttled(Exception):
    """Too many notifications from one internet address, or about one home address, in a day."""


@dataclass(frozen=True)
class NotificationFacts:
    """What a parent tells the council on the public form."""

    child_forename: str
    child_surname: str
    child_date_of_birth: dt.date
    address_line_1: str
    postcode: str
    parent_name: str
    town: str = ""
    school_name: str = ""
    home_educating_from: dt.date | None = None
    parent_email: str = ""
    parent_phone: str = ""
    education: str = ""


def sender_key(client_address: str) -> str:
    """A keyed hash of the sender's internet address: enough to throttle, useless to identify."""
    return hmac.new(django_settings.SECRET_KEY.encode(), client_address.encode(), hashlib.sha256).hexdigest()


def notification_receive(
    *, facts: NotificationFacts, client_address: str, at: dt.datetime | None = None
) -> ParentNotification:
    """Hold a parent's notification for the Elective Home Education team to check.

    Nothing about any child changes, and nothing held is looked at for the answer: the parent
    gets the reference only. Refused with :class:`Throttled` after the day's limit (a setting)
    from one internet address or about one home address.
    """
    instant = at or clock.now()
    settings = EHESettings.current()
    key = sender_key(client_address)
    since = instant - dt.timedelta(days=1)
    postcode = " ".join(facts.postcode.upper().split())
    recent = ParentNotification.objects.filter(received_at__gte=since)
    limit = settings.notifications_per_address_per_day
    if (
        recent.filter(sender_key=key).count() >= limit
        or recent.filter(postcode=postcode, address_line_1__iexact=facts.address_line_1.strip()).count()
        >= limit
    ):
        raise Throttled
    team = Team.objects.filter(kind=Team.Kind.EHE).first()
    confirm_by = notification_check_due(council_calendar(), clock.local_date(instant), timescales(settings))
    with transaction.atomic():
        notification = ParentNotification.objects.create(
            received_at=instant,
            child_forename=" ".join(facts.child_forename.split()),
            child_surname=" ".join(facts.child_surname.split()),
            child_date_of_birth=facts.child_date_of_birth,
            address_line_1=facts.address_line_1.strip(),
            town=facts.town.strip(),
            postcode=postcode,
            school_name=facts.school_name.strip(),
            home_educating_from=facts.home_educating_from,
            parent_name=facts.parent_name.strip(),
            parent_email=facts.parent_email.strip(),
            parent_phone=facts.parent_phone.strip(),
            education=facts.education.strip(),
            sender_key=key,
            confirm_by=confirm_by,
        )
        if team is not None:
            message_send(
                recipients=team_members(team),
                subject="A parent's home-education notification to check",
                body="A parent told the council their child is educated at home. Check the details.",
                url=reverse("homeeducation:notification", args=[notification.pk]),
                key=f"ehe-notification:{notification.pk}",
                at=instant,
            )
    return notification


def _decide(notification: ParentNotification, actor: User, note: str) -> None:
    if not can_open_record(actor):
        raise CaseworkError("Only the Elective Home Education team can check a parent's notification.")
    if notification.status != ParentNotification.Status.TO_CONFIRM:
        raise CaseworkError(
            f"{notification.reference} has already been {notification.get_status_display().lower()}"
        )
    if not note.strip():
        raise CaseworkError("Say how you checked the details")


def notification_confirm(
    *, notification: ParentNotification, actor: User, note: str, at: dt.datetime | None = None
) -> EHERecord:
    """The officer has checked the details: the child is matched (or recorded) and registered."""
    instant = at or clock.now()
    with transaction.atomic():
        notification = ParentNotification.objects.select_for_update().get(pk=notification.pk)
        _decide(notification, actor, note)
        child, _match, _created = child_match_or_create(
            upn=None,
            forename=notification.child_forename,
            surname=notification.child_surname,
            date_of_birth=notification.child_date_of_birth,
            postcode=notification.postcode,
            address={
                "line_1": notification.address_line_1,
                "town": notification.town,
                "postcode": notification.postcode,
            },
            actor=actor,
            source=f"parent's home-education notification {notification.reference}",
        )
        contact = ", ".join(p for p in (notification.parent_email, notification.parent_phone) if p)
        record = record_open(
            child=child,
            actor=actor,
            source=EHERecord.Source.PARENT,
            notified_on=clock.local_date(notification.received_at),
            facts=EducationFacts(
                parents=f"{notification.parent_name}{f' ({contact})' if contact else ''}, "
                f"{notification.address_line_1}, {notification.postcode}",
                educated_by=notification.education,
            ),
            at=instant,
        )
        notification.status = ParentNotification.Status.CONFIRMED
        notification.decided_by, notification.decided_at = actor, instant
        notification.decision_note = note.strip()
        notification.record = record
        notification.save()
    return record


def notification_refuse(
    *, notification: ParentNotification, actor: User, note: str, at: dt.datetime | None = None
) -> ParentNotification:
    """The details cannot be checked or are not genuine: nothing changes."""
    instant = at or clock.now()
    with transaction.atomic():
        notification = ParentNotification.objects.select_for_update().get(pk=notification.pk)
        _decide(notification, actor, note)
        notification.status = ParentNotification.Status.REFUSED
        notification.decided_by, notification.decided_at = actor, instant
        notification.decision_note = note.strip()
        notification.save()
    return notification
