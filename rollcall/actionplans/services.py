"""Every change to a complaint or its action plan: one keyword-only function each, atomic.

Updates are append-only. A change of status, RAG rating or outcome is a new
:class:`~rollcall.actionplans.models.ActionUpdate` row, dated and signed; the action's ``status``
and ``rag`` columns are then refreshed from its latest update (:func:`_action_refresh`), so
they can never disagree with the timeline. A changed due date is itself recorded as an update,
so the committee sees when and by whom a deadline moved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from rollcall import clock, uploads
from rollcall.accounts.models import Team, User
from rollcall.actionplans import access
from rollcall.actionplans.features import FEATURES_BY_KEY
from rollcall.actionplans.models import (
    Action,
    ActionUpdate,
    Complaint,
    Evidence,
    Rag,
    Status,
    evidence_file_problem,
)
from rollcall.concurrency import version_claim
from rollcall.formats import long_date
from rollcall.notify.services import message_send
from rollcall.policies.models import Policy


class ActionPlanError(Exception):
    """A refusal, worded as a sentence for the person who asked."""


# An action's details as its edit form labels them, for the list of what changed when a stale
# save is refused (no lost updates, issue 11; rollcall/concurrency.py).
ACTION_LABELS = {
    "description": "What will happen",
    "owner_title": "Owner",
    "responsible": "Responsible in Roll Call",
    "team": "Team",
    "due_on": "Due date",
    "time_frame_as_written": "Time frame as written",
    "feature": "Delivered by (Roll Call feature)",
    "policy": "Delivered by (policy)",
    "status": "Status",
    "rag": "RAG rating",
}

# Statuses a person may choose; "not stated" is only for transcribing a source plan.
CHOOSABLE_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETE)


@dataclass(frozen=True)
class ComplaintFacts:
    reference: str
    title: str
    ombudsman: str = "Local Government and Social Care Ombudsman"
    decision_on: dt.date | None = None
    summary: str = ""
    findings: str = ""
    recommendations: str = ""
    approved_by: str = ""
    council_named_in_source: str = ""
    source_document: str = ""


@dataclass(frozen=True)
class ActionFacts:
    description: str
    owner_title: str
    due_on: dt.date | None = None
    responsible: User | None = None
    team: Team | None = None
    time_frame_as_written: str = ""
    status_as_written: str = ""
    risk_rating_as_written: str = ""
    transcription_note: str = ""
    feature: str = ""
    policy: Policy | None = None


def _require_manager(actor: User | None) -> None:
    if actor is not None and not access.can_manage(actor):
        raise ActionPlanError("Only a manager, a head of service or an administrator can do that")


def _clean_complaint(facts: ComplaintFacts, *, pk: int | None = None) -> None:
    if not facts.reference.strip():
        raise ActionPlanError("Enter the ombudsman reference")
    if not facts.title.strip():
        raise ActionPlanError("Enter the title of the plan")
    same = Complaint.objects.filter(reference=facts.reference.strip())
    if pk is not None:
        same = same.exclude(pk=pk)
    if same.exists():
        raise ActionPlanError(f"There is already a complaint with the reference {facts.reference.strip()}")
    if facts.decision_on is not None and facts.decision_on > clock.today():
        raise ActionPlanError("The date of decision must be today or in the past")


def _complaint_fields(facts: ComplaintFacts) -> dict[str, object]:
    return {
        "reference": facts.reference.strip(),
        "title": facts.title.strip(),
        "ombudsman": facts.ombudsman.strip(),
        "decision_on": facts.decision_on,
        "summary": facts.summary.strip(),
        "findings": facts.findings.strip(),
        "recommendations": facts.recommendations.strip(),
        "approved_by": facts.approved_by.strip(),
        "council_named_in_source": facts.council_named_in_source.strip(),
        "source_document": facts.source_document.strip(),
    }


@transaction.atomic
def complaint_record(
    *, facts: ComplaintFacts, actor: User | None, at: dt.datetime | None = None
) -> Complaint:
    """Record an ombudsman complaint (no actions yet). ``actor`` None is Roll Call itself (the demo)."""
    _require_manager(actor)
    _clean_complaint(facts)
    return Complaint.objects.create(
        **_complaint_fields(facts), created_at=at or clock.now(), created_by=actor
    )


@transaction.atomic
def complaint_change(*, complaint: Complaint, facts: ComplaintFacts, actor: User) -> Complaint:
    """Correct a complaint's details (the change history keeps the old values)."""
    _require_manager(actor)
    _clean_complaint(facts, pk=complaint.pk)
    for name, value in _complaint_fields(facts).items():
        setattr(complaint, name, value)
    complaint.save()
    return complaint


def _clean_action(facts: ActionFacts) -> None:
    if not facts.description.strip():
        raise ActionPlanError("Enter what will happen")
    if not facts.owner_title.strip():
        raise ActionPlanError("Enter the owner (their role, as the plan names it)")
    if facts.feature and facts.feature not in FEATURES_BY_KEY:
        raise ActionPlanError("Choose a Roll Call feature from the list")
    if facts.responsible is not None and not access.can_read(facts.responsible):
        raise ActionPlanError("The responsible person must be a member of council staff")


def _tell_responsible(action: Action, actor: User | None) -> None:
    user = action.responsible
    # Roll Call itself (a transcription or import) tells nobody; nor is anyone told of their own choice.
    if user is None or actor is None or user.pk == actor.pk:
        return
    message_send(
        recipients=[user],
        subject=f"You are responsible for action {action.number} of {action.complaint.reference}",
        body=(
            f"You are now the person responsible in Roll Call for this action in the plan "
            f"“{action.complaint.title}”: {action.description} "
            f"Due: {long_date(action.due_on, missing='no date given')}."
        ),
        url=reverse("actionplans:action", args=[action.pk]),
        key=f"actionplan-responsible:{action.pk}:{user.pk}",
    )


@transaction.atomic
def action_add(
    *,
    complaint: Complaint,
    facts: ActionFacts,
    actor: User | None,
    status: str = Status.NOT_STARTED,
    rag: str = Rag.NOT_RATED,
    tracked_from: dt.date | None = None,
    first_update: str = "Action added to the plan.",
    at: dt.datetime | None = None,
) -> Action:
    """Add an action at the end of the plan, with its first update (the state it starts in).

    ``tracked_from`` is the day Roll Call's figures for it start (today unless an older plan is
    being recorded); updates may not be dated before it. ``first_update`` "" adds no update (a
    transcription adds the source's own updates instead).
    """
    _require_manager(actor)
    _clean_action(facts)
    if status not in Status.values or (status == Status.NOT_STATED and actor is not None):
        raise ActionPlanError("Choose the status: not started, in progress or complete")
    if rag not in Rag.values:
        raise ActionPlanError("Choose the RAG rating: red, amber or green")
    now = at or clock.now()
    tracked_from = tracked_from or clock.local_date(now)
    if tracked_from > clock.local_date(now):
        raise ActionPlanError("The date tracking starts must be today or in the past")
    number = (complaint.actions.aggregate(n=Max("number"))["n"] or 0) + 1
    action = Action.objects.create(
        complaint=complaint,
        number=number,
        description=facts.description.strip(),
        owner_title=facts.owner_title.strip(),
        responsible=facts.responsible,
        team=facts.team,
        due_on=facts.due_on,
        time_frame_as_written=facts.time_frame_as_written.strip(),
        status_as_written=facts.status_as_written.strip(),
        risk_rating_as_written=facts.risk_rating_as_written.strip(),
        transcription_note=facts.transcription_note.strip(),
        feature=facts.feature,
        policy=facts.policy,
        tracked_from=tracked_from,
        status=status,
        rag=rag,
        created_at=now,
        created_by=actor,
    )
    if first_update:
        _append(
            action=action,
            status=status,
            rag=rag,
            text=first_update,
            actor=actor,
            at=now,
            happened_on=tracked_from,
        )
    _tell_responsible(action, actor)
    return action


@transaction.atomic
def action_change(
    *, action: Action, facts: ActionFacts, actor: User, expected_version: int | None = None
) -> Action:
    """Correct an action's details. A moved due date is also recorded as a dated update.

    ``expected_version`` is the version the manager's form read: if anyone changed the action
    since, EditConflict is raised and nothing is saved (no lost updates, issue 11).
    """
    _require_manager(actor)
    _clean_action(facts)
    version_claim(action, expected_version=expected_version, labels=ACTION_LABELS)
    old_due, old_responsible = action.due_on, action.responsible_id
    action.description = facts.description.strip()
    action.owner_title = facts.owner_title.strip()
    action.responsible = facts.responsible
    action.team = facts.team
    action.due_on = facts.due_on
    action.time_frame_as_written = facts.time_frame_as_written.strip()
    action.feature = facts.feature
    action.policy = facts.policy
    fields = [
        "description",
        "owner_title",
        "responsible",
        "team",
        "due_on",
        "time_frame_as_written",
        "feature",
        "policy",
        "version",
    ]
    if old_due != facts.due_on:
        # A new deadline is reminded and escalated afresh by the sweep.
        action.reminded_for = None
        action.escalated_for = None
        fields += ["reminded_for", "escalated_for"]
    # Only the fields this form edits: the sweep's reminder marks (which do not bump the
    # version: nobody edits them) are never overwritten with the values read earlier.
    action.save(update_fields=fields)
    if old_due != facts.due_on:
        _append(
            action=action,
            status=action.status,
            rag=action.rag,
            text=(
                f"Due date changed from {long_date(old_due, missing='none')} "
                f"to {long_date(facts.due_on, missing='none')}."
            ),
            actor=actor,
            at=clock.now(),
        )
    if facts.responsible is not None and facts.responsible.pk != old_responsible:
        _tell_responsible(action, actor)
    return action


def _append(
    *,
    action: Action,
    status: str,
    rag: str,
    text: str,
    actor: User | None,
    at: dt.datetime,
    happened_on: dt.date | None = None,
    date_as_written: str = "",
    transcribed: bool = False,
) -> ActionUpdate:
    update = ActionUpdate.objects.create(
        action=action,
        status=status,
        rag=rag,
        text=text.strip(),
        happened_on=happened_on,
        date_as_written=date_as_written.strip(),
        effective_on=max(happened_on or clock.local_date(at), action.tracked_from),
        recorded_at=at,
        author=actor,
        transcribed=transcribed,
    )
    _action_refresh(action)
    return update


def _action_refresh(action: Action) -> None:
    """Set the action's status and RAG from its latest update (by the date it counts from)."""
    latest = (
        ActionUpdate.objects.filter(action=action)
        .order_by("-effective_on", "-recorded_at", "-pk")
        .values_list("status", "rag")
        .first()
    )
    if latest is None:
        return
    status, rag = latest
    if (action.status, action.rag) != (status, rag):
        action.status, action.rag = status, rag
        version_claim(action, expected_version=None, labels=ACTION_LABELS)
        action.save(update_fields=["status", "rag", "version"])


@transaction.atomic
def action_update(
    *,
    action: Action,
    actor: User | None,
    status: str,
    rag: str,
    text: str = "",
    happened_on: dt.date | None = None,
    date_as_written: str = "",
    transcribed: bool = False,
    at: dt.datetime | None = None,
) -> ActionUpdate:
    """Add a dated update: the action's status and RAG rating after it, and what happened.

    Nothing is overwritten: the update is a new row and the action's current status and rating
    are refreshed from the latest one. ``happened_on`` is the day the update is about (today if
    not given; never in the future); ``transcribed`` marks an update copied from a source plan,
    which may have no date at all and the status "not stated".
    """
    if actor is not None and not access.can_update(actor, action):
        raise ActionPlanError("Only a manager or the person responsible for this action can update it")
    if status not in Status.values or (status == Status.NOT_STATED and not transcribed):
        raise ActionPlanError("Choose the status: not started, in progress or complete")
    if rag not in Rag.values:
        raise ActionPlanError("Choose the RAG rating: red, amber or green")
    if happened_on is not None and happened_on > clock.today():
        raise ActionPlanError("The date of the update must be today or in the past")
    # Roll Call's figures for an action start the day it began tracking it, so an update may not
    # claim an earlier day (it would silently rewrite the action's past). A transcription keeps
    # the source's own dates: they are shown, and count from the day they were recorded.
    if not transcribed and happened_on is not None and happened_on < action.tracked_from:
        raise ActionPlanError(
            f"The date of the update must be on or after {long_date(action.tracked_from)}, "
            "when Roll Call started tracking this action"
        )
    now = at or clock.now()
    if not transcribed and happened_on is None:
        happened_on = clock.local_date(now)
    if not transcribed and not text.strip() and (status, rag) == (action.status, action.rag):
        raise ActionPlanError("Enter the update, or change the status or RAG rating")
    return _append(
        action=action,
        status=status,
        rag=rag,
        text=text,
        actor=actor,
        at=now,
        happened_on=happened_on,
        date_as_written=date_as_written,
        transcribed=transcribed,
    )


@transaction.atomic
def evidence_add(
    *,
    action: Action,
    actor: User | None,
    title: str,
    file: UploadedFile | None = None,
    url: str = "",
    update: ActionUpdate | None = None,
    at: dt.datetime | None = None,
) -> Evidence:
    """Attach a file or a link (exactly one) to an action, optionally to one of its updates."""
    if actor is not None and not access.can_update(actor, action):
        raise ActionPlanError("Only a manager or the person responsible for this action can add evidence")
    if not title.strip():
        raise ActionPlanError("Enter a title for the evidence")
    if bool(file) == bool(url.strip()):
        raise ActionPlanError("Attach a file or enter a link (one, not both)")
    if update is not None and update.action_id != action.pk:
        raise ActionPlanError("That update belongs to another action")
    if file:
        problem = evidence_file_problem(file.name or "", file.size, file)
        if problem:
            raise ActionPlanError(problem)
    url = url.strip()
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            raise ActionPlanError("Enter a link starting with https://") from None
    evidence = Evidence(
        action=action, update=update, title=title.strip(), url=url, added_at=at or clock.now(), added_by=actor
    )
    if file:
        try:
            uploads.file_store(evidence.file, file, file.name or "evidence")
        except uploads.FileNotStored as failed:
            raise ActionPlanError(str(failed)) from failed
    evidence.save()
    return evidence
