"""Every change to health-needs casework goes through these functions (docs/health-needs.md).

Each runs in one transaction, records a timeline event and sends its messages by key, so a
retried request tells nobody twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse

from rollcall import clock
from rollcall.accounts.models import Membership, Team, User
from rollcall.casework import events
from rollcall.casework.access import case_role
from rollcall.casework.calendar import council_calendar
from rollcall.casework.identity import ChildDetails, child_for, child_match_or_create
from rollcall.casework.models import Case, RuleSettings, Task
from rollcall.casework.services import (
    CaseworkError,
    case_open,
    case_refresh,
    case_transition,
    task_create,
    tasks_complete,
    tasks_reassign,
)
from rollcall.formats import long_date
from rollcall.health.events import (
    HEALTH_CHECKIN,
    HEALTH_CONTACT,
    HEALTH_REFERRED,
    HEALTH_REINTEGRATION,
    HEALTH_REPORTED,
    HEALTH_SEN_PANEL,
)
from rollcall.health.models import (
    CheckIn,
    HealthReport,
    HealthSettings,
    NamedContact,
    ProvisionReferral,
    ReintegrationPlan,
    SenPanelRequest,
)
from rollcall.notify.services import message_send, team_members
from rollcall.people.models import Child
from rollcall.returns.claims import Pupil, claim_kind_register, claim_receive
from rollcall.returns.models import SchoolReturn
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.health import next_checkin_due, provision_start_due
from rollcall.rules.workflow import Role
from rollcall.schools.models import School


def health_first_tasks(
    calendar: SchoolCalendar, today: dt.date, settings: HealthSettings | None = None
) -> list[tuple[str, str, dt.date]]:
    """Every health-needs case starts with these, however the council heard (a school's report,
    the SEN panel, attendance marks): arrange provision by the provision start deadline (a
    setting), and assign a named contact by the next school day."""
    settings = settings or HealthSettings.current()
    return [
        (
            "arrange_provision",
            "Arrange provision",
            provision_start_due(calendar, today, settings.provision_start_school_days),
        ),
        ("named_contact", "Assign a named contact", calendar.next_school_day(today)),
    ]


def _case_url(case: Case) -> str:
    return reverse("casework:case", args=[case.pk])


def access_team() -> Team:
    team = Team.objects.filter(kind=Team.Kind.ACCESS).first()
    if team is None:
        raise CaseworkError("There is no Access to Education team. Ask an administrator to set it up.")
    return team


def school_users(school: School) -> list[User]:
    ids = Membership.objects.filter(role=Role.SCHOOL.value, school=school, user__is_active=True).values(
        "user_id"
    )
    return list(User.objects.filter(pk__in=ids))


def _require_officer(actor: User, case: Case) -> None:
    if case.kind != "health":
        raise CaseworkError("This is not a health-needs case.")
    if case_role(actor, case) is None:
        raise CaseworkError("You cannot change this case: it belongs to another team.")
    if not case.is_open:
        raise CaseworkError("This case is closed. Reopen it first.")


def current_contact(case: Case) -> NamedContact | None:
    return NamedContact.objects.select_related("officer").filter(case=case, until__isnull=True).first()


# ---- reports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFacts:
    first_day_absent: dt.date
    days_so_far: int
    pattern: str
    medical_evidence: str
    expected_days: int | None = None
    evidence_from: str = ""
    evidence_date: dt.date | None = None
    details: str = ""


def _facts_as_sent(facts: ReportFacts) -> dict[str, Any]:
    return {
        "first_day_absent": facts.first_day_absent.isoformat(),
        "days_so_far": facts.days_so_far,
        "pattern": facts.pattern,
        "medical_evidence": facts.medical_evidence,
        "expected_days": facts.expected_days,
        "evidence_from": facts.evidence_from,
        "evidence_date": facts.evidence_date.isoformat() if facts.evidence_date else None,
        "details": facts.details,
    }


def _facts_from_sent(sent: dict[str, Any]) -> ReportFacts:
    return ReportFacts(
        first_day_absent=dt.date.fromisoformat(sent["first_day_absent"]),
        days_so_far=sent["days_so_far"],
        pattern=sent["pattern"],
        medical_evidence=sent["medical_evidence"],
        expected_days=sent.get("expected_days"),
        evidence_from=sent.get("evidence_from", ""),
        evidence_date=dt.date.fromisoformat(sent["evidence_date"]) if sent.get("evidence_date") else None,
        details=sent.get("details", ""),
    )


def health_report_receive(
    *,
    actor: User,
    school: School | None,
    facts: ReportFacts,
    child: Child | None = None,
    pupil: Pupil | None = None,
    at: dt.datetime | None = None,
) -> HealthReport | SchoolReturn:
    """A report as it arrives, in one transaction: the child (picked, matched or created) and the report.

    A school that types a pupil's details goes through the claims rule (rollcall/returns/claims.py):
    a child we hold is reported only when the details agree and the pupil is on that school's roll,
    otherwise the report waits for Access to Education to check and the ``SchoolReturn`` is returned.
    Council staff reporting (Access to Education) are matched and, if need be, a record created.
    """
    instant = at or clock.now()
    with transaction.atomic():
        if child is None:
            if pupil is None:
                raise CaseworkError("Choose a pupil or enter the pupil's details")
            if school is not None:
                received = claim_receive(
                    kind=SchoolReturn.Kind.ILLNESS_REPORT,
                    school=school,
                    actor=actor,
                    pupil=pupil,
                    on=facts.first_day_absent,
                    sent={"facts": _facts_as_sent(facts)},
                    at=instant,
                )
                if received.child is None:
                    return received.school_return
                child = received.child
            else:
                child, _match, _created = child_match_or_create(
                    upn=pupil.upn,
                    forename=pupil.forename,
                    surname=pupil.surname,
                    date_of_birth=pupil.date_of_birth,
                    postcode=pupil.postcode or None,
                    address=(
                        {"line_1": pupil.address_line_1, "town": pupil.town, "postcode": pupil.postcode}
                        if pupil.address_line_1 and pupil.postcode
                        else None
                    ),
                    actor=actor,
                    source="health report",
                )
        return health_report_record(child=child, school=school, actor=actor, facts=facts, at=instant)


def _apply_confirmed_report(
    school_return: SchoolReturn, child: Child, actor: User, instant: dt.datetime
) -> None:
    """Access to Education confirmed the pupil is this child: the report is recorded now."""
    health_report_record(
        child=child,
        school=school_return.school,
        actor=actor,
        facts=_facts_from_sent(school_return.sent["facts"]),
        at=instant,
    )


claim_kind_register(SchoolReturn.Kind.ILLNESS_REPORT, _apply_confirmed_report)


def health_report_record(
    *, child: Child, school: School | None, actor: User, facts: ReportFacts, at: dt.datetime | None = None
) -> HealthReport:
    """Record a report of absence through illness, open (or update) the health-needs case, and tell
    the Access to Education team and the child's school at once.

    The case's first tasks: "Arrange provision", due the provision start deadline (a setting), and
    "Assign a named contact", due the next school day.
    """
    instant = at or clock.now()
    today = clock.local_date(instant)
    settings = HealthSettings.current()
    calendar = council_calendar()
    team = access_team()
    with transaction.atomic():
        source = f"Health report from {school.name}" if school else f"Health report from {actor}"
        summary = (
            f"Absent through illness since {long_date(facts.first_day_absent)}: {facts.days_so_far} school days "
            f"so far ({HealthReport.Pattern(facts.pattern).label.lower()})."
        )
        case = case_open(
            child=child,
            kind="health",
            team=team,
            source=source[:100],
            summary=summary,
            actor=actor,
            at=instant,
            first_tasks=health_first_tasks(calendar, today, settings),
        )
        report = HealthReport.objects.create(
            child=child,
            school=school,
            case=case,
            reported_by=actor,
            reported_at=instant,
            first_day_absent=facts.first_day_absent,
            days_so_far=facts.days_so_far,
            expected_days=facts.expected_days,
            pattern=facts.pattern,
            medical_evidence=facts.medical_evidence,
            evidence_from=facts.evidence_from.strip(),
            evidence_date=facts.evidence_date,
            details=facts.details.strip(),
        )
        events.event_record(
            at=instant,
            verb=HEALTH_REPORTED,
            child=child,
            case=case,
            actor=actor,
            school=school.name if school else "",
            days=facts.days_so_far,
        )
        body = (
            f"{child.full_name}: {facts.days_so_far} school days absent through illness "
            f"since {long_date(facts.first_day_absent)}. Case {case.reference}, owner {case.owner}."
        )
        message_send(
            recipients=team_members(team),
            subject=f"Health needs: {child.full_name} reported absent through illness",
            body=body,
            url=_case_url(case),
            key=f"health-report:{report.pk}:team",
        )
        if school is not None:
            message_send(
                recipients=school_users(school),
                subject=f"The council has your health report for {child.full_name}",
                body=(
                    f"Access to Education has case {case.reference} for {child.full_name}. "
                    "We will tell you who the named council contact is."
                ),
                url=reverse("health:report-done", args=[report.pk]),
                key=f"health-report:{report.pk}:school",
            )
    return report


# ---- referral -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralFacts:
    medical_evidence: str
    health_needs: str
    hours_per_week: Decimal
    kind: str
    sen_status: str
    consent: str
    consent_date: dt.date | None = None
    evidence_from: str = ""
    evidence_date: dt.date | None = None
    kind_details: str = ""


def referral_make(
    *, case: Case, actor: User, facts: ReferralFacts, at: dt.datetime | None = None
) -> ProvisionReferral:
    """Record the referral to the medical-needs provision and move the case to "referred".

    Medical evidence is recorded but never required: it should not hold up provision when other
    evidence shows the child is unwell (DfE, 2023).
    """
    _require_officer(actor, case)
    if facts.consent != "yes":
        raise CaseworkError("The parent or carer must consent before the referral is sent")
    instant = at or clock.now()
    report = HealthReport.objects.filter(case=case).select_related("school").first()
    with transaction.atomic():
        referral = ProvisionReferral.objects.create(
            case=case,
            child=case.child,
            school=report.school if report else None,
            provision_name=HealthSettings.current().provision_name,
            medical_evidence=facts.medical_evidence,
            evidence_from=facts.evidence_from.strip() if facts.medical_evidence == "yes" else "",
            evidence_date=facts.evidence_date if facts.medical_evidence == "yes" else None,
            health_needs=facts.health_needs.strip(),
            hours_per_week=facts.hours_per_week,
            kind=facts.kind,
            kind_details=facts.kind_details.strip(),
            sen_status=facts.sen_status,
            consent=facts.consent,
            consent_date=facts.consent_date,
            sent_at=instant,
            made_by=actor,
        )
        events.event_record(
            at=instant,
            verb=HEALTH_REFERRED,
            child=case.child_id,
            case=case,
            actor=actor,
            provision=referral.provision_name,
        )
        if case.status == "new":
            # The referral record is the move: Roll Call makes it (see rules/workflow.py HEALTH).
            case_transition(case=case, target="referred", actor=None, at=instant)
    return referral


def provision_in_place(*, case: Case, actor: User, at: dt.datetime | None = None) -> Case:
    """Provision has started: the "Arrange provision" task is done and the case moves on."""
    _require_officer(actor, case)
    instant = at or clock.now()
    with transaction.atomic():
        tasks_complete(case=case, codes=["arrange_provision"], actor=actor, at=instant)
        case_transition(case=case, target="provision", actor=actor, at=instant)
    return case


# ---- named contact and check-ins ---------------------------------------------------------------


def _checkin_schedule(case: Case, due: dt.date, officer: User) -> CheckIn:
    """The next check-in (once per due date) and its task for the named contact."""
    checkin, _ = CheckIn.objects.get_or_create(case=case, due_on=due)
    key = f"checkin:{case.pk}:{due.isoformat()}"
    if not Task.objects.filter(key=key).exists():
        task_create(
            case=case,
            code="checkin",
            title="Monthly check-in with the family",
            due=due,
            assignee=officer,
            key=key,
        )
    return checkin


def named_contact_assign(
    *, case: Case, officer: User, actor: User, at: dt.datetime | None = None
) -> NamedContact:
    """End the current named contact, start ``officer``, move open check-ins to them, schedule the
    first check-in if there is none, and tell the family by letter (rendered from the contact) and
    the officer and the school in-app."""
    _require_officer(actor, case)
    if case.team_id not in officer.team_ids:
        raise CaseworkError(f"{officer} is not in the {case.team} team.")
    instant = at or clock.now()
    today = clock.local_date(instant)
    with transaction.atomic():
        previous = current_contact(case)
        if previous is not None and previous.officer_id == officer.pk:
            return previous
        if previous is not None:
            NamedContact.objects.filter(pk=previous.pk).update(until=instant)
        contact = NamedContact.objects.create(case=case, officer=officer, since=instant, assigned_by=actor)
        tasks_reassign(case=case, codes=["checkin"], assignee=officer)
        tasks_complete(case=case, codes=["named_contact"], actor=actor, at=instant)
        if not CheckIn.objects.filter(case=case, done_on__isnull=True).exists():
            last = CheckIn.objects.filter(case=case, done_on__isnull=False).order_by("-done_on").first()
            _checkin_schedule(case, next_checkin_due(last.done_on if last else None, today), officer)
        case_refresh(case, calendar=council_calendar(), settings=RuleSettings.current(), today=today)
        events.event_record(
            at=instant,
            verb=HEALTH_CONTACT,
            child=case.child_id,
            case=case,
            actor=actor,
            officer=str(officer),
            previous=str(previous.officer) if previous else "",
        )
        message_send(
            recipients=[officer],
            subject=f"You are the named contact for {case.child.full_name}",
            body=f"Send the letter to the parent or carer and check in monthly ({case.reference}).",
            url=reverse("health:letter", args=[contact.pk]),
            key=f"named-contact:{contact.pk}",
        )
        report = HealthReport.objects.filter(case=case, school__isnull=False).select_related("school").first()
        if report is not None and report.school is not None:
            message_send(
                recipients=school_users(report.school),
                subject=f"Named council contact for {case.child.full_name}",
                body=f"{officer} is the council's named contact for {case.child.full_name}.",
                url=reverse("health:report-done", args=[report.pk]),
                key=f"named-contact:{contact.pk}:school",
            )
    return contact


@dataclass(frozen=True)
class CheckInFacts:
    done_on: dt.date
    method: str
    spoken_to: str
    situation: str
    hours_received: Decimal
    actions: str = ""


def checkin_record(*, case: Case, actor: User, facts: CheckInFacts, at: dt.datetime | None = None) -> CheckIn:
    """Record a check-in with the family.

    A check-in made on or after the reminder window of the scheduled one fulfils it: its task is
    done and the next is scheduled one calendar month after the day it was made, with the named
    contact. One made earlier is an extra contact, recorded beside the schedule, which stands.
    """
    _require_officer(actor, case)
    instant = at or clock.now()
    today = clock.local_date(instant)
    if facts.done_on > today:
        raise CaseworkError("The date of the check-in must be today or in the past")
    window = HealthSettings.current().checkin_reminder_days
    with transaction.atomic():
        scheduled = CheckIn.objects.filter(case=case, done_on__isnull=True).order_by("due_on").first()
        fulfils = scheduled is not None and scheduled.due_on - dt.timedelta(days=window) <= facts.done_on
        if fulfils and scheduled is not None:
            checkin = scheduled
        else:
            # Earlier than the reminder window: an extra contact; the schedule stands.
            checkin = CheckIn.objects.filter(case=case, due_on=facts.done_on).first() or CheckIn(
                case=case, due_on=facts.done_on
            )
        checkin.done_on = facts.done_on
        checkin.method = facts.method
        checkin.spoken_to = facts.spoken_to.strip()
        checkin.situation = facts.situation.strip()
        checkin.hours_received = facts.hours_received
        checkin.actions = facts.actions.strip()
        checkin.recorded_by = actor
        checkin.save()
        if scheduled is not None and not fulfils:
            case_refresh(case, calendar=council_calendar(), settings=RuleSettings.current(), today=today)
            events.event_record(
                at=instant,
                verb=HEALTH_CHECKIN,
                child=case.child_id,
                case=case,
                actor=actor,
                done_on=facts.done_on.isoformat(),
                method=CheckIn.Method(facts.method).label,
            )
            return checkin
        tasks_complete(case=case, codes=["checkin", "checkin_missed"], actor=actor, at=instant)
        contact = current_contact(case)
        officer = contact.officer if contact else (case.owner or actor)
        _checkin_schedule(case, next_checkin_due(facts.done_on, case.opened_on), officer)
        case_refresh(case, calendar=council_calendar(), settings=RuleSettings.current(), today=today)
        events.event_record(
            at=instant,
            verb=HEALTH_CHECKIN,
            child=case.child_id,
            case=case,
            actor=actor,
            done_on=facts.done_on.isoformat(),
            method=CheckIn.Method(facts.method).label,
        )
    return checkin


# ---- reintegration ------------------------------------------------------------------------------


def reintegration_plan(
    *,
    case: Case,
    actor: User,
    school: School,
    target_return_date: dt.date,
    school_agreed: str,
    plan: str,
    school_agreed_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> ReintegrationPlan:
    """Record the plan for the child's return and move the case to "reintegration"."""
    _require_officer(actor, case)
    instant = at or clock.now()
    with transaction.atomic():
        if case.status in {"new", "referred"}:
            provision_in_place(case=case, actor=actor, at=instant)
        record = ReintegrationPlan.objects.create(
            case=case,
            school=school,
            target_return_date=target_return_date,
            school_agreed=school_agreed,
            school_agreed_on=school_agreed_on if school_agreed == "yes" else None,
            plan=plan.strip(),
            recorded_by=actor,
            recorded_at=instant,
        )
        events.event_record(
            at=instant,
            verb=HEALTH_REINTEGRATION,
            child=case.child_id,
            case=case,
            actor=actor,
            school=school.name,
            target=target_return_date.isoformat(),
        )
        if case.status == "provision":
            # The plan is the move: Roll Call makes it (see rules/workflow.py HEALTH).
            case_transition(case=case, target="reintegration", actor=None, at=instant)
    return record


# ---- the SEN panel ------------------------------------------------------------------------------


def sen_panel_request_record(
    *,
    child: Child | None = None,
    child_details: ChildDetails | None = None,
    actor: User,
    panel_date: dt.date,
    attending_school: str,
    school: School | None = None,
    details: str = "",
    at: dt.datetime | None = None,
) -> SenPanelRequest:
    """Record a request to the SEN panel. If the child is not attending school, Access to
    Education is told at once (in-app and e-mail) and a health-needs case opens (or the open one
    is updated, with an event on its timeline)."""
    if not (actor.is_head_of_service or actor.team_ids & _team_ids({Team.Kind.SEN, Team.Kind.ACCESS})):
        raise CaseworkError("Only the SEN and Access to Education teams can record SEN panel requests.")
    instant = at or clock.now()
    with transaction.atomic():
        child = child_for(child, child_details, actor=actor, source="SEN panel request")
        request = SenPanelRequest.objects.create(
            child=child,
            school=school,
            requested_by=actor,
            recorded_at=instant,
            panel_date=panel_date,
            attending_school=attending_school,
            details=details.strip(),
        )
        if attending_school != SenPanelRequest.Attending.NO:
            return request
        team = access_team()
        case = case_open(
            child=child,
            kind="health",
            team=team,
            source="SEN panel request: not attending school",
            summary=f"Not attending school (SEN panel on {long_date(panel_date)}).",
            actor=actor,
            at=instant,
            first_tasks=health_first_tasks(council_calendar(), clock.local_date(instant)),
        )
        events.event_record(
            at=instant,
            verb=HEALTH_SEN_PANEL,
            child=child,
            case=case,
            actor=actor,
            panel_date=panel_date.isoformat(),
        )
        message_send(
            recipients=team_members(team),
            subject=f"SEN panel: {child.full_name} is not attending school",
            body=(
                f"{actor} recorded a request to the SEN panel on {long_date(panel_date)} for {child.full_name}, "
                f"who is not attending school. Case {case.reference}."
            ),
            url=_case_url(case),
            key=f"sen-panel:{request.pk}",
        )
        SenPanelRequest.objects.filter(pk=request.pk).update(access_told_at=instant, case=case)
        request.access_told_at, request.case = instant, case
    return request


def _team_ids(kinds: set[str]) -> set[int]:
    return set(Team.objects.filter(kind__in=kinds).values_list("pk", flat=True))
