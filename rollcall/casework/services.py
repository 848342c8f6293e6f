"""Every change to casework goes through one of these functions.

Each is keyword-only, runs inside one transaction, checks the rules (rollcall/rules/), writes the
timeline event and sends messages only after the transaction commits. Views, the API, commands
and tasks call these; none of them saves a case directly.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from rollcall import clock
from rollcall.accounts.models import Membership, Team, User
from rollcall.casework import events
from rollcall.casework.access import case_role
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case, Enquiry, Event, Flag, Note, RuleSettings, Task
from rollcall.concurrency import conflict, version_claim
from rollcall.formats import long_date
from rollcall.notify.services import message_send, team_members
from rollcall.people.models import Child
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.deadlines import CMETimescales, enquiries_due, first_enquiry_due
from rollcall.rules.escalation import Level, level_for, next_escalation_date, overdue_school_days
from rollcall.rules.workflow import WORKFLOWS, Role, TransitionRefused, check_transition
from rollcall.schools.models import RollEntry, School


class CaseworkError(Exception):
    """A change refused for a reason the person can act on; ``str()`` is shown to them."""


# What a person sees of a case on its forms, for the list of changes when a stale save is
# refused (rollcall/concurrency.py); the status is shown in its workflow's words.
CASE_LABELS = {
    "owner": "Owner",
    "status": "Status",
    "outcome": "Outcome",
    "next_action": "Next action",
    "next_action_due": "Next action due",
    "escalation_level": "Escalation",
    "closed_at": "Closed",
}


def _case_conflict_describe(case: Case) -> dict[str, Any]:
    workflow = case.workflow
    return {
        "status": lambda code: workflow.statuses.get(code, code),
        "outcome": lambda code: workflow.outcomes[code].label if code in workflow.outcomes else "Not set",
    }


# ---- helpers ----------------------------------------------------------------------------------


def _when(at: dt.datetime | None) -> tuple[dt.datetime, dt.date]:
    instant = at or clock.now()
    return instant, clock.local_date(instant)


def _pick_owner(team: Team) -> User:
    """The team's officer with the fewest open cases (one query), or a manager if it has none."""
    for roles in ([Role.OFFICER], [Role.MANAGER, Role.HEAD_OF_SERVICE]):
        member_ids = Membership.objects.filter(
            team=team, role__in=[r.value for r in roles], user__is_active=True
        ).values("user_id")
        candidate = (
            User.objects.filter(pk__in=member_ids)
            .annotate(load=Count("owned_cases", filter=Q(owned_cases__closed_at__isnull=True)))
            .order_by("load", "pk")
            .first()
        )
        if candidate is not None:
            return candidate
    raise CaseworkError(
        f"The {team.name} team has nobody to own the case. Ask an administrator to add an officer."
    )


def _team_manager(team: Team) -> User | None:
    managers = team_members(team, roles=[Role.MANAGER])
    return managers[0] if managers else None


def case_refresh(
    case: Case,
    *,
    calendar: SchoolCalendar,
    settings: RuleSettings,
    today: dt.date,
    at: dt.datetime | None = None,
) -> None:
    """Recompute the case's next action, its due date and when the sweep must next look at it.

    Called after every change to a case's tasks. It never raises the escalation level itself
    (that is the sweep's job, so the people above are always told); it lowers the level when the
    overdue work is done, and sets ``next_escalation_on`` so the sweep finds the case on the
    right day. ``at`` stamps a "Decide the next step" task it has to add (default: now).
    """
    fields = ["next_action", "next_action_due", "escalation_level", "next_escalation_on", "version"]
    if not case.is_open:
        case.next_action, case.next_action_due, case.next_escalation_on = "", None, None
        with transaction.atomic():
            version_claim(case, expected_version=None, labels=CASE_LABELS)
            case.save(update_fields=fields)
        return
    first = case.tasks.filter(status=Task.Status.OPEN).order_by("due", "pk").first()
    if first is None:
        # An open case always has a next action (DESIGN.md, the one invariant).
        if case.owner is None:
            raise CaseworkError(f"{case.reference} has no owner. Ask a manager to assign it.")
        first = task_create(
            case=case,
            code="next_step",
            title="Decide the next step",
            due=calendar.add_school_days(today, 1),
            assignee=case.owner,
            at=at,
        )
    case.next_action = first.title
    case.next_action_due = first.due
    reached = level_for(settings.ladder, overdue_school_days(calendar, first.due, today))
    case.escalation_level = min(case.escalation_level, reached)
    case.next_escalation_on = next_escalation_date(
        calendar, settings.ladder, first.due, Level(case.escalation_level)
    )
    with transaction.atomic():
        version_claim(case, expected_version=None, labels=CASE_LABELS)
        case.save(update_fields=fields)


def task_create(
    *,
    case: Case,
    code: str,
    title: str,
    due: dt.date,
    assignee: User,
    key: str | None = None,
    at: dt.datetime | None = None,
) -> Task:
    """Add one dated task to a case, with its history row; call inside the caller's transaction.

    It does not move the case's next action: call :func:`case_refresh` afterwards, as every
    service here does. ``key`` (unique) names the facts a rule or a step made the task for, e.g.
    ``checkin:42:2026-12-01``, so the caller can find it already there instead of making another.
    """
    return Task.objects.create(
        case=case, code=code, title=title, due=due, assignee=assignee, created_at=at or clock.now(), key=key
    )


def tasks_complete(*, case: Case, codes: Sequence[str], actor: User | None, at: dt.datetime) -> int:
    """Mark the case's open tasks of these codes done, because the work they asked for was done
    through another service (e.g. a check-in recorded completes the "checkin" task).

    Records no event (the caller's event says what was done) and does not move the next action:
    call :func:`case_refresh` after. Returns how many tasks it completed.
    """
    return Task.objects.filter(case=case, code__in=codes, status=Task.Status.OPEN).update(
        status=Task.Status.DONE, completed_at=at, completed_by=actor, version=F("version") + 1
    )


def task_complete_by_key(*, key: str, actor: User | None, at: dt.datetime) -> Case | None:
    """Mark the open task made for these facts (its unique key, e.g. ``claim:42``) done, because
    the work it asked for was done through another service, and move its case's next action.
    Records no event (the caller's says what was done). Returns the case, or None when no open
    task has the key."""
    task = Task.objects.select_related("case").filter(key=key, status=Task.Status.OPEN).first()
    if task is None:
        return None
    Task.objects.filter(pk=task.pk, status=Task.Status.OPEN).update(
        status=Task.Status.DONE, completed_at=at, completed_by=actor, version=F("version") + 1
    )
    case_refresh(
        task.case,
        calendar=council_calendar(),
        settings=RuleSettings.current(),
        today=clock.local_date(at),
        at=at,
    )
    return task.case


def tasks_reassign(*, case: Case, codes: Sequence[str], assignee: User) -> int:
    """Give the case's open tasks of these codes to ``assignee`` (e.g. a new named contact)."""
    return Task.objects.filter(case=case, code__in=codes, status=Task.Status.OPEN).update(
        assignee=assignee, version=F("version") + 1
    )


def _case_url(case: Case) -> str:
    return reverse("casework:case", args=[case.pk])


# ---- opening and updating cases ---------------------------------------------------------------


def case_open(
    *,
    child: Child,
    kind: str,
    team: Team,
    source: str,
    summary: str = "",
    owner: User | None = None,
    actor: User | None = None,
    removal_notice: Any = None,
    first_tasks: list[tuple[str, str, dt.date]] | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Open a case of ``kind`` for a child, with an owner and its first tasks, and tell the team.

    ``first_tasks`` (code, title, due) lets the service of each area set its own first tasks from
    its own rules; CME and removal cases have theirs here. If the child already has an open case
    of that kind, the new facts join it instead (a child has one open case per kind) and that
    case is returned.
    """
    workflow = WORKFLOWS[kind]
    instant, today = _when(at)
    with transaction.atomic():
        existing = Case.objects.open().filter(child=child, kind=kind).first()
        if existing is not None:
            events.event_record(
                at=instant,
                verb=events.CASE_UPDATED,
                child=child,
                case=existing,
                actor=actor,
                reference=existing.reference,
                what=source,
            )
            return existing
        settings = RuleSettings.current()
        calendar = council_calendar()
        owner = owner or _pick_owner(team)
        case = Case(
            kind=kind,
            child=child,
            team=team,
            owner=owner,
            status=workflow.initial,
            source=source,
            summary=summary,
            opened_at=instant,
            opened_on=today,
            removal_notice=removal_notice,
            # Provisional: case_refresh sets the real next action from the first tasks below.
            next_action="Opening",
            next_action_due=today,
        )
        case.save()
        tasks = (
            first_tasks
            if first_tasks is not None
            else _kind_first_tasks(kind=kind, calendar=calendar, settings=settings, today=today)
        )
        for code, title, due in tasks:
            task_create(
                case=case,
                code=code,
                title=title,
                due=due,
                assignee=owner,
                key=f"{code}:{case.pk}",
                at=instant,
            )
        case_refresh(case, calendar=calendar, settings=settings, today=today, at=instant)
        events.event_record(
            at=instant,
            verb=events.CASE_OPENED,
            child=child,
            case=case,
            actor=actor,
            kind_label=workflow.label,
            reference=case.reference,
            source=source,
            owner=str(owner),
        )
        recipients = team_members(team)
        subject = f"New {workflow.label.lower()} case {case.reference}"
        body = f"{child.full_name} ({source}). Owner: {owner}. Next action: {case.next_action}, due {long_date(case.next_action_due)}."
        message_send(
            recipients=recipients,
            subject=subject,
            body=body,
            url=_case_url(case),
            key=f"case-opened:{case.pk}",
            at=instant,
        )
    return case


def first_tasks(
    *, kind: str, calendar: SchoolCalendar, settings: RuleSettings, today: dt.date
) -> list[tuple[str, str, dt.date]]:
    """The tasks (code, title, due) a case of ``kind`` opened ``today`` starts with, due by the
    council's timescales: CME and removal cases by their statutory steps, any other kind a review
    on the next school day. Areas with their own first tasks pass them to :func:`case_open`."""
    if kind == "cme":
        t = CMETimescales(
            first_enquiry_school_days=settings.first_enquiry_school_days,
            enquiries_complete_school_days=settings.enquiries_complete_school_days,
        )
        return [
            ("first_enquiry", "Make the first enquiry", first_enquiry_due(calendar, today, t)),
            ("enquiries_complete", "Complete reasonable enquiries", enquiries_due(calendar, today, t)),
        ]
    if kind == "removal":
        due = calendar.add_school_days(today, settings.challenge_removal_school_days)
        return [("challenge_removal", "Challenge the school about the removal", due)]
    return [("review", "Review the case", calendar.add_school_days(today, 1))]


# case_open's own argument is called first_tasks (the area's tasks); this is the kind's standard.
_kind_first_tasks = first_tasks


def case_transition(
    *,
    case: Case,
    target: str,
    actor: User | None,
    outcome: str = "",
    outcome_details: Mapping[str, str] | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Case:
    """Move a case to another status, as its workflow allows for the actor's role.

    ``actor=None`` means Roll Call itself (e.g. the child appeared on a roll). Proposing closure
    keeps the outcome for a manager to approve; closing cancels open tasks and clears flags.
    Raises CaseworkError with a sentence for the person when the move is refused, and
    EditConflict when ``expected_version`` (the version the person's form read) is stale.
    """
    instant, today = _when(at)
    details = {k: str(v).strip() for k, v in (outcome_details or {}).items() if str(v).strip()}
    workflow = case.workflow
    role = Role.SYSTEM if actor is None else case_role(actor, case)
    if role is None:
        raise CaseworkError("You cannot change this case: it belongs to another team.")
    provided = {"reason"} if reason.strip() else set()
    try:
        move = check_transition(
            workflow,
            case.status,
            target,
            role,
            provided,
            outcome=outcome or None,
            outcome_details=list(details),
        )
    except TransitionRefused as refused:
        raise CaseworkError(refused.message) from None
    if target in workflow.closed and case.status == "awaiting_approval" and not outcome:
        # Approving closes the case with the outcome the officer proposed.
        outcome, details = case.outcome, dict(case.outcome_details)
    source = case.status
    if source in workflow.closed and target not in workflow.closed:
        other = Case.objects.open().filter(child_id=case.child_id, kind=case.kind).exclude(pk=case.pk).first()
        if other is not None:
            raise CaseworkError(
                f"{case.child.full_name} already has an open {workflow.label.lower()} case, "
                f"{other.reference}. Work on that case instead of reopening this one."
            )
    with transaction.atomic():
        # Claim the move with a conditional update: if someone else moved the case first, stop.
        changes: dict[str, Any] = {"status": target}
        if target in workflow.closed:
            changes.update(closed_at=instant, outcome=outcome, outcome_details=details)
        elif source in workflow.closed:
            # Reopening: a provisional next action keeps the open-case check constraint true
            # until case_refresh below sets the real one.
            changes.update(
                closed_at=None, outcome="", outcome_details={}, next_action="Reopened", next_action_due=today
            )
        elif target == "awaiting_approval":
            changes.update(outcome=outcome, outcome_details=details)
        elif source == "awaiting_approval":
            changes.update(outcome="", outcome_details={})
        claim = Case.objects.filter(pk=case.pk, status=source)
        if expected_version is not None:
            claim = claim.filter(version=expected_version)
        if not claim.update(**changes, version=F("version") + 1):
            if expected_version is not None:
                raise conflict(
                    Case,
                    case.pk,
                    expected_version,
                    labels=CASE_LABELS,
                    describe=_case_conflict_describe(case),
                )
            raise CaseworkError(
                "Someone else changed this case while you were working on it. Check it and try again."
            )
        for name, value in changes.items():
            setattr(case, name, value)
        settings, calendar = RuleSettings.current(), council_calendar()
        open_tasks = case.tasks.filter(status=Task.Status.OPEN)
        if case.owner is None:
            raise CaseworkError(f"{case.reference} has no owner. Ask a manager to assign it.")
        if target in workflow.closed:
            open_tasks.update(status=Task.Status.CANCELLED, completed_at=instant, version=F("version") + 1)
            case.flags.filter(cleared_at__isnull=True).update(cleared_at=instant)
        elif target == "awaiting_approval":
            open_tasks.update(status=Task.Status.CANCELLED, completed_at=instant, version=F("version") + 1)
            approver = _team_manager(case.team) or case.owner
            task_create(
                case=case,
                code="approve_closure",
                title="Approve or return the proposed closure",
                due=calendar.add_school_days(today, 2),
                assignee=approver,
                at=instant,
            )
            message_send(
                recipients=[approver],
                subject=f"Closure of {case.reference} to approve",
                body=f"{case.owner} proposes closing {case.reference} ({case.child.full_name}): "
                f"{workflow.outcomes[outcome].label}.",
                url=_case_url(case),
                key=f"approve:{case.pk}:{instant.isoformat()}",
                at=instant,
            )
        elif source == "awaiting_approval" or source in workflow.closed:
            open_tasks.filter(code="approve_closure").update(
                status=Task.Status.CANCELLED, completed_at=instant, version=F("version") + 1
            )
            task_create(
                case=case,
                code="follow_up",
                title=f"Follow up: {reason.strip()}"[:200],
                due=calendar.add_school_days(today, 1),
                assignee=case.owner,
                at=instant,
            )
        case_refresh(case, calendar=calendar, settings=settings, today=today, at=instant)
        events.event_record(
            at=instant,
            verb=events.CASE_MOVED,
            child=case.child_id,
            case=case,
            actor=actor,
            name=move.name,
            from_label=workflow.statuses[source],
            to_label=workflow.statuses[target],
            outcome=outcome,
            outcome_label=workflow.outcomes[outcome].label if outcome else "",
            outcome_details=details,
            reason=reason.strip(),
        )
    return case


def case_assign(*, case: Case, owner: User, actor: User, expected_version: int | None = None) -> Case:
    """Give the case to another member of its team (managers and heads of service only).

    ``expected_version`` is the version the manager's form read: if someone changed the case
    since, EditConflict is raised and nothing changes (no lost updates, issue 11).
    """
    if case_role(actor, case) not in {Role.MANAGER, Role.HEAD_OF_SERVICE}:
        raise CaseworkError("Only a team manager or head of service can reassign a case.")
    if case.team_id not in owner.team_ids:
        raise CaseworkError(f"{owner} is not in the {case.team} team.")
    with transaction.atomic():
        version_claim(
            case,
            expected_version=expected_version,
            labels=CASE_LABELS,
            describe=_case_conflict_describe(case),
        )
        previous = case.owner
        case.owner = owner
        case.save(update_fields=["owner", "version"])
        case.tasks.filter(status=Task.Status.OPEN, assignee=previous).update(
            assignee=owner, version=F("version") + 1
        )
        events.event_record(
            verb=events.CASE_ASSIGNED,
            child=case.child_id,
            case=case,
            actor=actor,
            reference=case.reference,
            owner=str(owner),
            previous=str(previous),
        )
        message_send(
            recipients=[owner],
            subject=f"{case.reference} is now yours",
            body=f"{actor} gave you {case.reference} ({case.child.full_name}).",
            url=_case_url(case),
            key=f"assigned:{case.pk}:{owner.pk}:{clock.now().isoformat()}",
        )
    return case


def _require_edit(actor: User, case: Case) -> Role:
    role = case_role(actor, case)
    if role is None:
        raise CaseworkError("You cannot change this case: it belongs to another team.")
    if not case.is_open:
        raise CaseworkError("This case is closed. Reopen it first.")
    return role


def note_add(*, case: Case, author: User, text: str, at: dt.datetime | None = None) -> Note:
    """Add a case note (seen only by the case's team and those above it)."""
    _require_edit(author, case)
    if not text.strip():
        raise CaseworkError("Enter the note")
    instant, _ = _when(at)
    with transaction.atomic():
        note = Note.objects.create(case=case, author=author, text=text.strip(), created_at=instant)
        events.event_record(
            at=instant,
            verb=events.NOTE_ADDED,
            child=case.child_id,
            case=case,
            actor=author,
            reference=case.reference,
        )
    return note


def enquiry_record(
    *,
    case: Case,
    actor: User,
    party: str,
    made_on: dt.date,
    result: str,
    details: str = "",
    at: dt.datetime | None = None,
) -> Enquiry:
    """Log one reasonable enquiry (CME statutory guidance) and move the case on.

    The first enquiry starts the enquiries stage and completes the "first enquiry" task.
    """
    _require_edit(actor, case)
    instant, today = _when(at)
    if made_on > today:
        raise CaseworkError("The date of the enquiry must be today or in the past")
    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            case=case,
            party=party,
            made_on=made_on,
            result=result,
            details=details.strip(),
            recorded_by=actor,
            recorded_at=instant,
        )
        case.tasks.filter(code="first_enquiry", status=Task.Status.OPEN).update(
            status=Task.Status.DONE, completed_at=instant, completed_by=actor, version=F("version") + 1
        )
        events.event_record(
            at=instant,
            verb=events.ENQUIRY_RECORDED,
            child=case.child_id,
            case=case,
            actor=actor,
            party_label=Enquiry.Party(party).label,
            made_on=made_on.isoformat(),
            result_label=Enquiry.Result(result).label,
        )
        if case.status == case.workflow.initial and case.workflow.transition(case.status, "enquiries"):
            case_transition(case=case, target="enquiries", actor=actor, at=at)
        else:
            case_refresh(case, calendar=council_calendar(), settings=RuleSettings.current(), today=today)
    return enquiry


def task_add(*, case: Case, actor: User, title: str, due: dt.date, assignee: User | None = None) -> Task:
    """Add a dated task to a case; it becomes the next action if it is the earliest."""
    _require_edit(actor, case)
    assignee = assignee or case.owner or actor
    with transaction.atomic():
        task = task_create(case=case, code="manual", title=title.strip(), due=due, assignee=assignee)
        case_refresh(case, calendar=council_calendar(), settings=RuleSettings.current(), today=clock.today())
        events.event_record(
            verb=events.TASK_ADDED,
            child=case.child_id,
            case=case,
            actor=actor,
            title=task.title,
            due=due.isoformat(),
        )
    return task


def task_complete(*, task: Task, actor: User, at: dt.datetime | None = None) -> Task:
    """Mark a task done (idempotent: completing a done task changes nothing)."""
    case = task.case
    _require_edit(actor, case)
    instant, today = _when(at)
    with transaction.atomic():
        if not Task.objects.filter(pk=task.pk, status=Task.Status.OPEN).update(
            status=Task.Status.DONE, completed_at=instant, completed_by=actor, version=F("version") + 1
        ):
            return task
        task.refresh_from_db()
        case_refresh(case, calendar=council_calendar(), settings=RuleSettings.current(), today=today)
        events.event_record(
            at=instant,
            verb=events.TASK_COMPLETED,
            child=case.child_id,
            case=case,
            actor=actor,
            title=task.title,
        )
    return task


def flag_raise(*, case: Case, code: str, details: str, at: dt.datetime | None = None) -> Flag:
    """Raise a flag on the child for this case (once: a second raise returns the open flag)."""
    instant, _ = _when(at)
    flag = Flag.objects.filter(case=case, code=code, cleared_at__isnull=True).first()
    if flag is not None:
        return flag
    with transaction.atomic():
        flag = Flag.objects.create(
            child_id=case.child_id, case=case, code=code, details=details, raised_at=instant
        )
        events.event_record(
            at=instant,
            verb=events.FLAG_RAISED,
            child=case.child_id,
            case=case,
            label=Flag.Code(code).label,
            details=details,
        )
    return flag


# ---- rolls --------------------------------------------------------------------------------------


def roll_join(
    *,
    child: Child,
    school: School,
    on_roll_from: dt.date,
    actor: User | None = None,
    at: dt.datetime | None = None,
    expected: bool = True,
) -> RollEntry:
    """Record a child on a school's roll and follow up the child's open CME case.

    ``expected``: the council expected the child at this school (an admission, a put-on-roll
    request, a named destination) and the details agreed, so the case closes as back on roll.
    Otherwise the case moves to "back on roll, to confirm" with a task for its owner, who is told:
    Roll Call never closes a missing child's case on a claim nobody checked.
    """
    with transaction.atomic():
        entry = RollEntry.objects.filter(child=child, school=school, on_roll_to__isnull=True).first()
        if entry is None:
            entry = RollEntry.objects.create(child=child, school=school, on_roll_from=on_roll_from)
            events.event_record(
                at=at,
                verb=events.ROLL_JOINED,
                child=child,
                actor=actor,
                school=school.name,
                on_roll_from=on_roll_from.isoformat(),
            )
        for case in Case.objects.open().filter(child=child, kind="cme"):
            if expected:
                case_transition(
                    case=case,
                    target="closed",
                    actor=None,
                    outcome="on_roll",
                    outcome_details={"school": school.name},
                    at=at,
                )
            elif case.status != "on_roll_to_confirm":
                _back_on_roll_to_confirm(case, school, on_roll_from, at)
    return entry


def _back_on_roll_to_confirm(
    case: Case, school: School, on_roll_from: dt.date, at: dt.datetime | None
) -> None:
    case = case_transition(case=case, target="on_roll_to_confirm", actor=None, at=at)
    if case.owner is None:
        raise CaseworkError(f"{case.reference} has no owner. Ask a manager to assign it.")
    today = clock.local_date(at or clock.now())
    calendar = council_calendar()
    task_create(
        case=case,
        code="confirm_on_roll",
        title=f"Check the child is on roll at {school.name} from {long_date(on_roll_from)}, then close",
        due=calendar.add_school_days(today, 2),
        assignee=case.owner,
        key=f"confirm_on_roll:{case.pk}:{school.pk}",
    )
    case_refresh(case, calendar=calendar, settings=RuleSettings.current(), today=today)
    message_send(
        recipients=[case.owner],
        subject="A case to check in Roll Call",
        body="A child on your caseload may be back on a school roll. Check it and close the case.",
        url=_case_url(case),
        key=f"back-on-roll:{case.pk}:{school.pk}",
    )


def cases_close_for_children_on_roll(*, at: dt.datetime | None = None) -> int:
    """Close every open CME case whose child has since joined a school roll (bulk imports)."""
    joined = RollEntry.objects.filter(on_roll_to__isnull=True)
    closed = 0
    candidates = (
        Case.objects.open()
        .filter(kind="cme")
        .filter(child__roll_entries__in=joined, child__roll_entries__on_roll_from__gte=F("opened_on"))
        .select_related("child", "team", "owner")
        .distinct()
    )
    for case in candidates:
        entry = case.child.roll_entries.filter(on_roll_to__isnull=True).select_related("school").first()
        if entry is None:
            continue
        try:
            with transaction.atomic():
                case_transition(
                    case=case,
                    target="closed",
                    actor=None,
                    outcome="on_roll",
                    outcome_details={"school": entry.school.name},
                    at=at,
                )
        except (CaseworkError, IntegrityError):
            continue
        closed += 1
    return closed


# ---- opening many cases at once (attendance imports) --------------------------------------------


@dataclass(frozen=True)
class BulkCaseItem:
    """One child's case for :func:`cases_open_bulk`.

    ``source`` replaces the call's source for this child when given (e.g. "Attendance marks: 17
    school days of illness this year"); ``first_tasks`` replace the kind's standard first tasks;
    ``facts`` are added to the payload of the child's timeline event (opened or updated), so the
    caller can find later what it has already acted on.
    """

    child_id: int
    source: str = ""
    summary: str = ""
    first_tasks: tuple[tuple[str, str, dt.date], ...] | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)


def cases_open_bulk(
    *, kind: str, team: Team, items: Sequence[BulkCaseItem], source: str, at: dt.datetime | None = None
) -> list[Case]:
    """Open a case of ``kind`` for each item's child in a few queries, as :func:`case_open` would.

    For imports that find many children at once: the cases, their first tasks (with history) and
    their timeline events are created in bulk; owners are the team's officers, each new case going
    to whoever has the fewest open cases at that moment (loads counted in one query; managers and
    heads of service only when the team has no officer); the team gets one message listing the new
    cases instead of one per case. A child who already has an open case of ``kind`` (one open case
    per kind is a database constraint) gets a "new information" event on it instead.

    Returns the case for each item, in the order given: new cases and the open ones updated (an
    updated case has ``opened_at`` before ``at``). A child listed twice gets one case.
    """
    workflow = WORKFLOWS[kind]
    instant, today = _when(at)
    wanted: dict[int, BulkCaseItem] = {}
    for item in items:
        wanted.setdefault(item.child_id, item)
    if not wanted:
        return []
    child_ids = list(wanted)
    with transaction.atomic():
        existing: dict[int, Case] = {}
        for start in range(0, len(child_ids), _BULK_CHUNK):
            chunk = child_ids[start : start + _BULK_CHUNK]
            existing.update(
                (case.child_id, case) for case in Case.objects.open().filter(kind=kind, child_id__in=chunk)
            )
        timeline = [
            Event(
                child_id=child_id,
                case=case,
                team_id=case.team_id,
                verb=events.CASE_UPDATED,
                at=instant,
                payload={
                    "reference": case.reference,
                    "what": wanted[child_id].source or source,
                    **wanted[child_id].facts,
                },
            )
            for child_id, case in existing.items()
        ]
        new_items = [item for child_id, item in wanted.items() if child_id not in existing]
        created: list[Case] = []
        if new_items:
            settings = RuleSettings.current()
            calendar = council_calendar()
            standard = tuple(first_tasks(kind=kind, calendar=calendar, settings=settings, today=today))
            owners = _owners_by_load(team)
            cases: list[Case] = []
            plans: list[tuple[tuple[str, str, dt.date], ...]] = []
            for item in new_items:
                load, _order, owner = heapq.heappop(owners)
                heapq.heappush(owners, (load + 1, _order, owner))
                tasks = item.first_tasks if item.first_tasks is not None else standard
                if not tasks:
                    # An open case always has a next action (DESIGN.md), as case_refresh ensures.
                    tasks = (("next_step", "Decide the next step", calendar.add_school_days(today, 1)),)
                # The earliest task is the next action (ties: the first listed, as case_refresh's
                # order by due date then creation).
                first = min(tasks, key=lambda task: task[2])
                level = min(
                    Level.OFFICER, level_for(settings.ladder, overdue_school_days(calendar, first[2], today))
                )
                cases.append(
                    Case(
                        kind=kind,
                        child_id=item.child_id,
                        team=team,
                        owner=owner,
                        status=workflow.initial,
                        source=(item.source or source)[:100],
                        summary=item.summary,
                        opened_at=instant,
                        opened_on=today,
                        next_action=first[1],
                        next_action_due=first[2],
                        escalation_level=level,
                        next_escalation_on=next_escalation_date(calendar, settings.ladder, first[2], level),
                    )
                )
                plans.append(tasks)
            created = bulk_create_with_history(cases, Case, batch_size=500, default_date=instant)
            bulk_create_with_history(
                [
                    Task(
                        case=case,
                        code=code,
                        title=title,
                        due=due,
                        assignee=case.owner,
                        created_at=instant,
                        key=f"{code}:{case.pk}",
                    )
                    for case, tasks in zip(created, plans, strict=True)
                    for code, title, due in tasks
                ],
                Task,
                batch_size=500,
                default_date=instant,
            )
            timeline += [
                Event(
                    child_id=case.child_id,
                    case=case,
                    team=team,
                    verb=events.CASE_OPENED,
                    at=instant,
                    payload={
                        "kind_label": workflow.label,
                        "reference": case.reference,
                        "source": case.source,
                        "owner": str(case.owner),
                        **item.facts,
                    },
                )
                for case, item in zip(created, new_items, strict=True)
            ]
        Event.objects.bulk_create(timeline, batch_size=500)
        if created:
            _cases_opened_tell_team(team=team, label=workflow.label, source=source, cases=created, at=instant)
    by_child = {case.child_id: case for case in created} | existing
    return [by_child[item.child_id] for item in items]


_BULK_CHUNK = 500  # ids per IN (...) list: well under SQLite's limit on query parameters
_LISTED_IN_MESSAGE = 30


def _owners_by_load(team: Team) -> list[tuple[int, int, User]]:
    """The team's officers as a heap of (open cases, id, user), managers if it has no officer."""
    for roles in ([Role.OFFICER], [Role.MANAGER, Role.HEAD_OF_SERVICE]):
        member_ids = Membership.objects.filter(
            team=team, role__in=[r.value for r in roles], user__is_active=True
        ).values("user_id")
        users = list(
            User.objects.filter(pk__in=member_ids).annotate(
                load=Count("owned_cases", filter=Q(owned_cases__closed_at__isnull=True))
            )
        )
        if users:
            heap: list[tuple[int, int, User]] = [(user.load, user.pk, user) for user in users]
            heapq.heapify(heap)
            return heap
    raise CaseworkError(
        f"The {team.name} team has nobody to own the cases. Ask an administrator to add an officer."
    )


def _cases_opened_tell_team(
    *, team: Team, label: str, source: str, cases: list[Case], at: dt.datetime
) -> None:
    """One message to the team about many new cases (the first few listed), keyed by the cases."""
    names = dict(
        Child.objects.filter(pk__in=[c.child_id for c in cases[:_LISTED_IN_MESSAGE]]).values_list(
            "pk", Concat("legal_forename", Value(" "), "legal_surname", output_field=CharField())
        )
    )
    lines = [
        f"- {case.reference}: {names.get(case.child_id, '?')}, owner {case.owner}, "
        f"next action {case.next_action} by {long_date(case.next_action_due)}"
        for case in cases[:_LISTED_IN_MESSAGE]
        if case.next_action_due is not None
    ]
    if len(cases) > _LISTED_IN_MESSAGE:
        lines.append(f"…and {len(cases) - _LISTED_IN_MESSAGE} more in the caseload.")
    count = len(cases)
    message_send(
        recipients=team_members(team),
        subject=f"{count} new case{'s' if count != 1 else ''}: {label.lower()} ({source})"[:200],
        body="\n".join(lines),
        url=reverse("casework:caseload"),
        key=f"cases-opened:{cases[0].kind}:{cases[0].pk}-{cases[-1].pk}",
        at=at,
    )


# ---- tasks and flags in bulk (the sweep, imports and prompts) -----------------------------------


@dataclass(frozen=True, slots=True)
class BulkTask:
    """One task for :func:`tasks_create_bulk`.

    ``key`` (unique in the table) names the facts the task is for, e.g.
    ``escalation-review:42:2026-11-02``: the same key is never added twice.
    """

    case_id: int
    code: str
    title: str
    due: dt.date
    assignee_id: int
    key: str


def tasks_create_bulk(*, tasks: Sequence[BulkTask], at: dt.datetime) -> list[Task]:
    """Add many keyed tasks in a few queries, each key once ever, with their history rows.

    Idempotent by the task key (a unique column): keys already in the table are skipped, and the
    insert ignores conflicts, so a second run, or another run adding the same keys meanwhile,
    adds nothing. Returns the tasks this call added, with their ids. It does not move the cases'
    next actions: see :func:`cases_next_action_bulk`. Call inside the caller's transaction.
    """
    wanted: dict[str, BulkTask] = {}
    for task in tasks:
        wanted.setdefault(task.key, task)
    existing: set[str | None] = set()
    keys = list(wanted)
    for start in range(0, len(keys), _BULK_CHUNK):
        existing.update(
            Task.objects.filter(key__in=keys[start : start + _BULK_CHUNK]).values_list("key", flat=True)
        )
    fresh = [task for key, task in wanted.items() if key not in existing]
    if not fresh:
        return []
    with transaction.atomic(savepoint=False):  # as bulk_create_with_history: no extra queries
        Task.objects.bulk_create(
            [
                Task(
                    case_id=task.case_id,
                    code=task.code,
                    title=task.title,
                    due=task.due,
                    assignee_id=task.assignee_id,
                    created_at=at,
                    key=task.key,
                )
                for task in fresh
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        # Ignoring conflicts leaves the new rows without their ids on either database: read back
        # the rows this call made (its keys, its instant) to write their history, as
        # simple_history's bulk_create_with_history does.
        added: list[Task] = []
        for start in range(0, len(fresh), _BULK_CHUNK):
            chunk = [task.key for task in fresh[start : start + _BULK_CHUNK]]
            added += Task.objects.filter(key__in=chunk, created_at=at)
        Task.history.bulk_history_create(added, batch_size=500, default_change_reason=None, default_date=at)
    order = {task.key: n for n, task in enumerate(fresh)}
    return sorted(added, key=lambda task: order[task.key or ""])


def cases_next_action_bulk(
    *,
    tasks: Sequence[Task],
    cases: Mapping[int, Case],
    calendar: SchoolCalendar,
    today: dt.date,
    at: dt.datetime,
) -> list[Case]:
    """Make each new task its case's next action where it is due first, as :func:`case_refresh`
    would decide (ties keep the current one), in a few queries with history.

    ``tasks`` are open tasks just added (e.g. by :func:`tasks_create_bulk`); ``cases`` holds their
    cases by id, as read before. The escalation level only comes down (the sweep raises it, so the
    people above are told), and the sweep's next look moves with the due date. Returns the cases
    changed.
    """
    settings = RuleSettings.current()
    moved: dict[int, Case] = {}
    for task in tasks:
        case = cases[task.case_id]
        if case.next_action_due is None or task.due < case.next_action_due:
            case.next_action, case.next_action_due = task.title, task.due
            level = min(
                Level(case.escalation_level),
                level_for(settings.ladder, overdue_school_days(calendar, task.due, today)),
            )
            case.escalation_level = level
            case.next_escalation_on = next_escalation_date(calendar, settings.ladder, task.due, level)
            if case.pk not in moved:
                case.version += 1
            moved[case.pk] = case
    if moved:
        bulk_update_with_history(
            list(moved.values()),
            Case,
            ["next_action", "next_action_due", "escalation_level", "next_escalation_on", "version"],
            batch_size=500,
            default_date=at,
        )
    return list(moved.values())


@dataclass(frozen=True, slots=True)
class BulkFlag:
    """One flag for :func:`flags_raise_bulk`: on a case (``case_id``) or on the child alone."""

    child_id: int
    code: str
    details: str = ""
    case_id: int | None = None


def flags_raise_bulk(*, flags: Sequence[BulkFlag], at: dt.datetime) -> None:
    """Raise many flags in a few queries, each at most once while it is open.

    Idempotent by the flags' unique constraints (one open flag of a code per case, and per child
    for a child-level flag): the insert ignores conflicts, so a flag already open stays as it is.
    It records no timeline event: the caller's event says why (see :func:`flag_raise` for one).
    """
    Flag.objects.bulk_create(
        [
            Flag(
                child_id=flag.child_id,
                case_id=flag.case_id,
                code=flag.code,
                details=flag.details,
                raised_at=at,
            )
            for flag in flags
        ],
        ignore_conflicts=True,
        batch_size=500,
    )


def flags_clear_bulk(*, flag_ids: Sequence[int], at: dt.datetime) -> int:
    """Clear many open flags by id (a flag already cleared keeps its date); returns how many."""
    cleared = 0
    for start in range(0, len(flag_ids), _BULK_CHUNK):
        cleared += Flag.objects.filter(
            pk__in=flag_ids[start : start + _BULK_CHUNK], cleared_at__isnull=True
        ).update(cleared_at=at)
    return cleared
