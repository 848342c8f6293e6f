"""The casework services: opening, moving, assigning and working cases, each with its event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from rollcall.accounts.models import Team, User
from rollcall.casework import events
from rollcall.casework.models import Case, Event, Flag, Note, Task
from rollcall.casework.services import (
    CaseworkError,
    case_assign,
    case_open,
    case_transition,
    enquiry_record,
    flag_raise,
    note_add,
    roll_join,
    task_add,
    task_complete,
)
from rollcall.notify.models import Message
from rollcall.rules.workflow import CME, REMOVAL, Role, Workflow
from rollcall.schools.models import RollEntry, School
from tests import factories

# Friday 23 October 2026 is the last day of the first autumn half-term in the demo term pattern
# (rollcall.rules.calendar.default_terms): the October half-term runs Monday 26 to Friday 30
# October, and school starts again on Monday 2 November.
LAST_DAY_BEFORE_HALF_TERM = dt.datetime(2026, 10, 23, 9, 0, tzinfo=dt.UTC)  # 10:00 in London (BST)
NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def inclusion(teams: dict[str, Team]) -> Team:
    return teams[Team.Kind.INCLUSION]


@pytest.fixture
def child() -> Any:
    return factories.ChildFactory.create(legal_forename="Amara", legal_surname="Okafor")


def _open(child: Any, inclusion: Team, kind: str = "cme", **kwargs: Any) -> Case:
    return case_open(
        child=child, kind=kind, team=inclusion, source="referral from the school nurse", **kwargs
    )


def _snapshot() -> dict[str, Any]:
    """Everything a refused change must leave as it was."""
    return {
        "cases": list(
            Case.objects.order_by("pk").values_list(
                "pk",
                "status",
                "closed_at",
                "outcome",
                "outcome_details",
                "owner_id",
                "next_action_due",
                "escalation_level",
                "next_escalation_on",
            )
        ),
        "tasks": list(Task.objects.order_by("pk").values_list("pk", "status", "assignee_id", "due")),
        "events": Event.objects.count(),
        "messages": Message.objects.count(),
        "flags": list(Flag.objects.order_by("pk").values_list("pk", "cleared_at")),
        "notes": Note.objects.count(),
    }


# ---- case_open ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_case_goes_to_the_teams_least_loaded_officer(
    council, frozen_clock, inclusion, inclusion_officer
):
    busy = inclusion_officer
    free = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer")
    for _ in range(2):
        case_open(child=factories.ChildFactory.create(), kind="cme", team=inclusion, source="x", owner=busy)
    case_open(child=factories.ChildFactory.create(), kind="cme", team=inclusion, source="x", owner=free)

    case = _open(factories.ChildFactory.create(), inclusion)

    assert case.owner == free
    assert set(case.tasks.values_list("assignee_id", flat=True)) == {free.pk}


@pytest.mark.django_db
def test_a_new_case_ignores_closed_cases_and_managers_when_choosing_the_owner(
    council, frozen_clock, inclusion, inclusion_officer, inclusion_manager
):
    other = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer")
    closed = case_open(
        child=factories.ChildFactory.create(), kind="cme", team=inclusion, source="x", owner=other
    )
    case_transition(case=closed, target="closed", actor=inclusion_manager, outcome="ehe_registered")
    case_open(
        child=factories.ChildFactory.create(), kind="cme", team=inclusion, source="x", owner=inclusion_officer
    )

    case = _open(factories.ChildFactory.create(), inclusion)

    assert case.owner == other


@pytest.mark.django_db
def test_a_cme_case_counts_its_first_deadlines_in_school_days_across_a_weekend_and_half_term(
    council, child, inclusion
):
    case = _open(child, inclusion, at=LAST_DAY_BEFORE_HALF_TERM)

    tasks = {t.code: t.due for t in case.tasks.all()}
    # 1 school day after Friday 23 October skips the weekend and the half-term week.
    assert tasks["first_enquiry"] == dt.date(2026, 11, 2)
    # 20 school days: 2-6, 9-13, 16-20 and 23-27 November.
    assert tasks["enquiries_complete"] == dt.date(2026, 11, 27)
    assert case.opened_on == dt.date(2026, 10, 23)
    assert case.status == "new"
    assert case.next_action == "Make the first enquiry"
    assert case.next_action_due == dt.date(2026, 11, 2)
    # The manager hears of it 5 school days after the first enquiry fell due.
    assert case.next_escalation_on == dt.date(2026, 11, 9)


@pytest.mark.django_db
def test_a_removal_case_gives_five_school_days_to_challenge_the_school_across_half_term(
    council, child, inclusion
):
    case = _open(child, inclusion, kind="removal", at=LAST_DAY_BEFORE_HALF_TERM)

    assert list(case.tasks.values_list("code", "due")) == [("challenge_removal", dt.date(2026, 11, 6))]
    assert case.next_action_due == dt.date(2026, 11, 6)


@pytest.mark.django_db
def test_a_case_opened_in_the_half_term_holiday_counts_from_the_next_school_day(council, child, inclusion):
    case = _open(child, inclusion, at=dt.datetime(2026, 10, 28, 12, 0, tzinfo=dt.UTC))

    assert case.next_action_due == dt.date(2026, 11, 2)


@pytest.mark.django_db
def test_a_second_open_of_the_same_kind_joins_the_open_case(council, frozen_clock, child, inclusion):
    first = _open(child, inclusion)
    before = _snapshot()

    second = case_open(child=child, kind="cme", team=inclusion, source="removal notice from Moorside Academy")

    assert second.pk == first.pk
    assert Case.objects.filter(child=child).count() == 1
    update = Event.objects.get(case=first, verb=events.CASE_UPDATED)
    assert update.payload["what"] == "removal notice from Moorside Academy"
    after = _snapshot()
    assert after["events"] == before["events"] + 1
    assert after["tasks"] == before["tasks"]
    assert after["messages"] == before["messages"]


@pytest.mark.django_db
def test_a_case_of_another_kind_opens_beside_the_cme_case(council, frozen_clock, child, inclusion):
    cme = _open(child, inclusion)
    removal = _open(child, inclusion, kind="removal")

    assert removal.pk != cme.pk
    assert Case.objects.open().filter(child=child).count() == 2


@pytest.mark.django_db
def test_a_new_case_tells_the_team_in_the_inbox_and_by_email(
    council,
    frozen_clock,
    child,
    inclusion,
    inclusion_officer,
    inclusion_manager,
    head_of_service,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _open(child, inclusion)

    messages = Message.objects.filter(key__startswith=f"case-opened:{case.pk}:")
    assert {m.recipient for m in messages} == {inclusion_officer, inclusion_manager}
    message = messages.first()
    assert message is not None
    assert message.subject == f"New child missing education case {case.reference}"
    assert "Amara Okafor" in message.body
    assert message.url == reverse("casework:case", args=[case.pk])
    assert sorted(e.to[0] for e in mail.outbox) == sorted([inclusion_officer.email, inclusion_manager.email])
    assert all(
        e.subject == f"Roll Call: New child missing education case {case.reference}" for e in mail.outbox
    )
    assert Message.objects.filter(recipient=head_of_service).count() == 0
    assert Message.objects.filter(emailed_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_no_email_leaves_before_the_case_is_committed(council, frozen_clock, child, inclusion):
    with transaction.atomic():
        _open(child, inclusion)
        assert mail.outbox == []


@pytest.mark.django_db
def test_a_team_with_nobody_to_own_the_case_refuses_it_and_saves_nothing(
    frozen_clock, terms, child, inclusion
):
    with pytest.raises(CaseworkError, match="has nobody to own the case"):
        _open(child, inclusion)

    assert Case.objects.count() == 0
    assert Event.objects.filter(verb=events.CASE_OPENED).count() == 0


# ---- case_transition: every move of every workflow, for every role --------------------------

OUTSIDERS = ("administrator", "school", "other_team_officer")
ROLES = ("officer", "manager", "head_of_service", "system", *OUTSIDERS)
ROLE_OF = {
    "officer": Role.OFFICER,
    "manager": Role.MANAGER,
    "head_of_service": Role.HEAD_OF_SERVICE,
    "system": Role.SYSTEM,
}


def _moves(workflow: Workflow) -> list[tuple[str, str]]:
    """Each distinct (source, target) move, in declaration order."""
    seen: list[tuple[str, str]] = []
    for t in workflow.transitions:
        if (t.source, t.target) not in seen:
            seen.append((t.source, t.target))
    return seen


MATRIX = [
    pytest.param(w, source, target, role, id=f"{w.kind}-{source}-to-{target}-by-{role}")
    for w in (CME, REMOVAL)
    for source, target in _moves(w)
    for role in ROLES
]


def _actor(role: str, school: School) -> User | None:
    if role == "system":
        return None
    if role == "administrator":
        return factories.administrator(username="admin.user")
    if role == "school":
        return factories.school_user(school, username="school.user")
    if role == "other_team_officer":
        return factories.staff(Role.OFFICER, Team.Kind.ADMISSIONS, username="admissions.officer")
    return User.objects.get(
        username={
            "officer": "inclusion.officer",
            "manager": "inclusion.manager",
            "head_of_service": "head.of.service",
        }[role]
    )


def _outcome_for(workflow: Workflow) -> tuple[str, dict[str, str]]:
    if workflow.kind == "cme":
        return "on_roll", {"school": "Moorside Academy"}
    return "lawful", {"details": "Registered at Fellside School from 2 November"}


def _case_in(status: str, workflow: Workflow, inclusion: Team) -> Case:
    """A case of the workflow's kind, put straight into ``status`` (test arrangement only)."""
    case = case_open(child=factories.ChildFactory.create(), kind=workflow.kind, team=inclusion, source="test")
    outcome, details = _outcome_for(workflow)
    changes: dict[str, Any] = {"status": status}
    if status in workflow.closed:
        changes.update(closed_at=NOW - dt.timedelta(days=3), outcome=outcome, outcome_details=details)
    elif status == "awaiting_approval":
        changes.update(outcome=outcome, outcome_details=details)
    Case.objects.filter(pk=case.pk).update(**changes)
    case.refresh_from_db()
    return case


@pytest.mark.django_db
@pytest.mark.parametrize(("workflow", "source", "target", "role"), MATRIX)
def test_each_move_is_allowed_only_to_the_roles_the_workflow_names(
    council, frozen_clock, inclusion, school, workflow, source, target, role
):
    actor = _actor(role, school)
    case = _case_in(source, workflow, inclusion)
    allowed_roles = {
        r for t in workflow.transitions if (t.source, t.target) == (source, target) for r in t.roles
    }
    move = workflow.transition(source, target, ROLE_OF.get(role)) or workflow.transition(source, target)
    assert move is not None
    kwargs: dict[str, Any] = {}
    if "outcome" in move.requires:
        kwargs["outcome"], kwargs["outcome_details"] = _outcome_for(workflow)
    if "reason" in move.requires:
        kwargs["reason"] = "The family has not been found at the new address"
    before = _snapshot()

    if role in ROLE_OF and ROLE_OF[role] in allowed_roles:
        moved = case_transition(case=case, target=target, actor=actor, **kwargs)
        stored = Case.objects.get(pk=case.pk)
        assert moved.status == stored.status == target
        assert (stored.closed_at is not None) == (target in workflow.closed)
        event = Event.objects.filter(case=case, verb=events.CASE_MOVED).get()
        assert event.actor == actor
        assert event.payload["from_label"] == workflow.statuses[source]
        assert event.payload["to_label"] == workflow.statuses[target]
        if stored.closed_at is None:
            assert stored.owner_id is not None
            assert stored.next_action_due is not None
        else:
            assert not stored.tasks.filter(status=Task.Status.OPEN).exists()
        return

    with pytest.raises(CaseworkError) as refused:
        case_transition(case=case, target=target, actor=actor, **kwargs)

    sentence = str(refused.value)
    assert sentence[0].isupper()
    assert "Traceback" not in sentence
    assert "<" not in sentence
    if role in OUTSIDERS:
        assert sentence == "You cannot change this case: it belongs to another team."
    else:
        assert ROLE_OF[role].with_article in sentence
        assert workflow.statuses[source] in sentence
        assert workflow.statuses[target] in sentence
    assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("workflow", "source", "target"),
    [
        (CME, "new", "new"),
        (CME, "closed", "new"),
        (CME, "enquiries", "new"),
        (CME, "closed", "awaiting_approval"),
        (REMOVAL, "closed", "new"),
        (REMOVAL, "challenged", "new"),
    ],
)
def test_a_move_the_workflow_does_not_have_is_refused_for_everyone(
    council, frozen_clock, inclusion, inclusion_manager, workflow, source, target
):
    case = _case_in(source, workflow, inclusion)
    before = _snapshot()

    with pytest.raises(
        CaseworkError,
        match=r"^A child missing education case cannot go from |^A removal from roll case cannot go from ",
    ) as refused:
        case_transition(case=case, target=target, actor=inclusion_manager, reason="because")

    assert str(refused.value)[0].isupper()
    assert _snapshot() == before


@pytest.mark.django_db
def test_an_unknown_status_is_refused_with_a_sentence(
    council, frozen_clock, child, inclusion, inclusion_manager
):
    case = _open(child, inclusion)

    with pytest.raises(CaseworkError, match="'lost' is not a status of a child missing education case"):
        case_transition(case=case, target="lost", actor=inclusion_manager)


# ---- closing, approval and reopening -------------------------------------------------------


@pytest.mark.django_db
def test_closing_needs_an_outcome(council, frozen_clock, child, inclusion, inclusion_manager):
    case = _open(child, inclusion)
    before = _snapshot()

    with pytest.raises(CaseworkError, match="An outcome is needed to close"):
        case_transition(case=case, target="closed", actor=inclusion_manager)

    assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "details", "message"),
    [
        ("on_roll", {}, "Outcome 'Back on roll at a school' needs the name of the school"),
        ("other_suitable_education", {"details": "   "}, "needs details"),
        ("other_council", {"council": "Fellside Council"}, "needs the date it was told"),
        ("other_council", {}, "needs the receiving council's name and the date it was told"),
        ("left_country", {}, "needs evidence"),
        ("other", {}, "needs details"),
    ],
)
def test_closing_needs_what_the_outcome_needs(
    council, frozen_clock, child, inclusion, inclusion_manager, outcome, details, message
):
    case = _open(child, inclusion)
    before = _snapshot()

    with pytest.raises(CaseworkError, match=message):
        case_transition(
            case=case, target="closed", actor=inclusion_manager, outcome=outcome, outcome_details=details
        )

    assert _snapshot() == before


@pytest.mark.django_db
def test_closing_with_an_outcome_cancels_tasks_clears_flags_and_records_the_outcome(
    council, frozen_clock, child, inclusion, inclusion_manager
):
    case = _open(child, inclusion)
    flag = flag_raise(case=case, code=Flag.Code.MISSING_EDUCATION, details="Not seen since September")

    case_transition(
        case=case,
        target="closed",
        actor=inclusion_manager,
        outcome="other_council",
        outcome_details={"council": "Fellside Council", "council_told_on": "2026-11-13"},
    )

    case.refresh_from_db()
    flag.refresh_from_db()
    assert case.closed_at == NOW
    assert case.outcome == "other_council"
    assert case.outcome_details == {"council": "Fellside Council", "council_told_on": "2026-11-13"}
    assert case.next_action_due is None
    assert case.next_escalation_on is None
    assert set(case.tasks.values_list("status", flat=True)) == {Task.Status.CANCELLED}
    assert flag.cleared_at == NOW
    event = Event.objects.get(case=case, verb=events.CASE_MOVED)
    assert event.payload["outcome_label"] == "Located in another council's area, that council told"
    assert event.payload["outcome_details"]["council"] == "Fellside Council"


@pytest.mark.django_db
def test_the_system_may_close_a_case_only_because_the_child_is_on_roll(
    council, frozen_clock, child, inclusion
):
    case = _open(child, inclusion)
    before = _snapshot()

    with pytest.raises(
        CaseworkError, match="The system can close only with the outcome 'Back on roll at a school'"
    ):
        case_transition(
            case=case, target="closed", actor=None, outcome="other", outcome_details={"details": "x"}
        )

    assert _snapshot() == before


@pytest.mark.django_db
def test_an_officer_proposes_closure_and_the_manager_approves_it(
    council, frozen_clock, child, inclusion, inclusion_officer, inclusion_manager
):
    case = _open(child, inclusion)

    case_transition(
        case=case,
        target="awaiting_approval",
        actor=inclusion_officer,
        outcome="other_suitable_education",
        outcome_details={"details": "Attends Fellside Tuition Centre full time"},
    )

    case.refresh_from_db()
    assert case.status == "awaiting_approval"
    assert case.closed_at is None
    assert case.outcome == "other_suitable_education"
    approve = case.tasks.get(status=Task.Status.OPEN)
    assert (approve.code, approve.assignee) == ("approve_closure", inclusion_manager)
    assert case.next_action == "Approve or return the proposed closure"
    assert case.next_action_due == dt.date(2026, 11, 18)  # 2 school days
    assert Message.objects.filter(
        recipient=inclusion_manager, subject=f"Closure of {case.reference} to approve"
    ).exists()

    case_transition(case=case, target="closed", actor=inclusion_manager)

    case.refresh_from_db()
    assert case.status == "closed"
    assert case.closed_at == NOW
    assert case.outcome == "other_suitable_education"
    assert case.outcome_details == {"details": "Attends Fellside Tuition Centre full time"}
    assert not case.tasks.filter(status=Task.Status.OPEN).exists()
    assert Event.objects.filter(case=case, verb=events.CASE_MOVED).count() == 2


@pytest.mark.django_db
def test_an_officer_cannot_approve_their_own_proposed_closure(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    case = _open(child, inclusion)
    case_transition(case=case, target="awaiting_approval", actor=inclusion_officer, outcome="ehe_registered")
    before = _snapshot()

    with pytest.raises(CaseworkError, match="as an officer: only a team manager or a head of service can"):
        case_transition(case=case, target="closed", actor=inclusion_officer)

    assert _snapshot() == before


@pytest.mark.django_db
def test_a_manager_returns_a_proposed_closure_only_with_a_reason(
    council, frozen_clock, child, inclusion, inclusion_officer, inclusion_manager
):
    case = _open(child, inclusion)
    case_transition(case=case, target="awaiting_approval", actor=inclusion_officer, outcome="ehe_registered")
    before = _snapshot()

    with pytest.raises(CaseworkError, match="A reason is needed to return for more enquiries"):
        case_transition(case=case, target="enquiries", actor=inclusion_manager, reason="   ")
    assert _snapshot() == before

    case_transition(case=case, target="enquiries", actor=inclusion_manager, reason="Check with the GP first")

    case.refresh_from_db()
    assert case.status == "enquiries"
    assert case.outcome == ""
    assert case.outcome_details == {}
    assert case.tasks.get(code="approve_closure").status == Task.Status.CANCELLED
    follow_up = case.tasks.get(status=Task.Status.OPEN)
    assert follow_up.title == "Follow up: Check with the GP first"
    assert follow_up.assignee == inclusion_officer
    returned = Event.objects.filter(case=case, verb=events.CASE_MOVED).latest("pk")
    assert returned.payload["reason"] == "Check with the GP first"


@pytest.mark.django_db
def test_reopening_a_closed_case_needs_a_reason(council, frozen_clock, child, inclusion, inclusion_manager):
    case = _open(child, inclusion)
    case_transition(case=case, target="closed", actor=inclusion_manager, outcome="ehe_registered")
    before = _snapshot()

    with pytest.raises(CaseworkError, match="A reason is needed to reopen"):
        case_transition(case=case, target="enquiries", actor=inclusion_manager)

    assert _snapshot() == before


@pytest.mark.django_db
def test_a_manager_reopens_a_case_closed_through_the_service_with_a_reason(
    council, frozen_clock, child, inclusion, inclusion_officer, inclusion_manager
):
    case = _open(child, inclusion)
    case_transition(case=case, target="closed", actor=inclusion_manager, outcome="ehe_registered")

    case_transition(case=case, target="enquiries", actor=inclusion_manager, reason="The family withdrew EHE")

    case.refresh_from_db()
    assert case.status == "enquiries"
    assert case.closed_at is None
    assert case.outcome == ""
    assert case.owner == inclusion_officer
    assert case.next_action == "Follow up: The family withdrew EHE"
    assert case.next_action_due == dt.date(2026, 11, 17)


@pytest.mark.django_db
def test_reopening_is_refused_with_a_sentence_when_the_child_already_has_another_open_case_of_that_kind(
    council, frozen_clock, child, inclusion, inclusion_manager
):
    old = _open(child, inclusion)
    case_transition(case=old, target="closed", actor=inclusion_manager, outcome="ehe_registered")
    case_open(child=child, kind="cme", team=inclusion, source="a new referral")
    before = _snapshot()

    with pytest.raises(CaseworkError) as refused:
        case_transition(case=old, target="enquiries", actor=inclusion_manager, reason="Wrong closure")

    assert str(refused.value)[0].isupper()
    assert _snapshot() == before


@pytest.mark.django_db
def test_a_stale_move_is_refused_when_someone_else_moved_the_case_first(
    council, frozen_clock, child, inclusion, inclusion_officer, inclusion_manager
):
    case = _open(child, inclusion)
    mine = Case.objects.get(pk=case.pk)
    theirs = Case.objects.get(pk=case.pk)
    case_transition(case=theirs, target="enquiries", actor=inclusion_officer)
    before = _snapshot()

    with pytest.raises(CaseworkError, match="Someone else changed this case while you were working on it"):
        case_transition(case=mine, target="closed", actor=inclusion_manager, outcome="ehe_registered")

    assert _snapshot() == before
    assert Case.objects.get(pk=case.pk).status == "enquiries"


# ---- enquiries and tasks -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_enquiry_starts_enquiries_and_completes_the_first_enquiry_task(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    case = _open(child, inclusion)

    enquiry = enquiry_record(
        case=case,
        actor=inclusion_officer,
        party="last_school",
        made_on=dt.date(2026, 11, 16),
        result="nothing",
        details="  Not seen since 2 November  ",
    )

    case.refresh_from_db()
    assert enquiry.details == "Not seen since 2 November"
    assert case.status == "enquiries"
    first = case.tasks.get(code="first_enquiry")
    assert (first.status, first.completed_by, first.completed_at) == (
        Task.Status.DONE,
        inclusion_officer,
        NOW,
    )
    assert case.next_action == "Complete reasonable enquiries"
    verbs = list(Event.objects.filter(case=case).order_by("pk").values_list("verb", flat=True))
    assert verbs[-2:] == [events.ENQUIRY_RECORDED, events.CASE_MOVED]


@pytest.mark.django_db
def test_a_second_enquiry_keeps_the_case_in_enquiries(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    case = _open(child, inclusion)
    enquiry_record(
        case=case, actor=inclusion_officer, party="carers", made_on=dt.date(2026, 11, 16), result="no_reply"
    )

    enquiry_record(
        case=case, actor=inclusion_officer, party="health", made_on=dt.date(2026, 11, 13), result="nothing"
    )

    case.refresh_from_db()
    assert case.status == "enquiries"
    assert case.enquiries.count() == 2
    assert Event.objects.filter(case=case, verb=events.CASE_MOVED).count() == 1


@pytest.mark.django_db
def test_an_enquiry_dated_in_the_future_is_refused(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    case = _open(child, inclusion)
    before = _snapshot()

    with pytest.raises(CaseworkError, match="The date of the enquiry must be today or in the past"):
        enquiry_record(
            case=case,
            actor=inclusion_officer,
            party="carers",
            made_on=dt.date(2026, 11, 17),
            result="located",
        )

    assert _snapshot() == before
    assert case.enquiries.count() == 0


@pytest.mark.django_db
def test_an_enquiry_on_a_closed_case_is_refused(council, frozen_clock, child, inclusion, inclusion_manager):
    case = _open(child, inclusion)
    case_transition(case=case, target="closed", actor=inclusion_manager, outcome="ehe_registered")

    with pytest.raises(CaseworkError, match=r"This case is closed\. Reopen it first\."):
        enquiry_record(
            case=case,
            actor=inclusion_manager,
            party="carers",
            made_on=dt.date(2026, 11, 16),
            result="located",
        )


@pytest.mark.django_db
def test_completing_a_task_twice_changes_nothing_the_second_time(
    council, frozen_clock, child, inclusion, inclusion_officer, inclusion_manager
):
    case = _open(child, inclusion)
    task = case.tasks.get(code="first_enquiry")
    task_complete(task=task, actor=inclusion_officer)
    before = _snapshot()

    again = task_complete(
        task=Task.objects.get(pk=task.pk), actor=inclusion_manager, at=NOW + dt.timedelta(hours=2)
    )

    assert _snapshot() == before
    stored = Task.objects.get(pk=task.pk)
    assert (stored.completed_by, stored.completed_at) == (inclusion_officer, NOW)
    assert again.pk == task.pk
    assert Event.objects.filter(case=case, verb=events.TASK_COMPLETED).count() == 1


@pytest.mark.django_db
def test_completing_the_last_open_task_gives_the_case_a_next_step(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    case = _open(child, inclusion)
    for task in case.tasks.all():
        task_complete(task=task, actor=inclusion_officer)

    case.refresh_from_db()
    assert case.next_action == "Decide the next step"
    assert case.next_action_due == dt.date(2026, 11, 17)


@pytest.mark.django_db
def test_an_earlier_task_becomes_the_next_action(council, frozen_clock, child, inclusion, inclusion_officer):
    case = _open(child, inclusion)
    task_complete(task=case.tasks.get(code="first_enquiry"), actor=inclusion_officer)

    task_add(
        case=case, actor=inclusion_officer, title="  Visit the last known address ", due=dt.date(2026, 11, 19)
    )

    case.refresh_from_db()
    assert case.next_action == "Visit the last known address"
    assert case.next_action_due == dt.date(2026, 11, 19)


# ---- assigning -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_gives_a_case_to_another_officer_in_the_team(
    council, frozen_clock, child, inclusion, inclusion_officer, inclusion_manager
):
    other = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer")
    case = _open(child, inclusion, owner=inclusion_officer)

    case_assign(case=case, owner=other, actor=inclusion_manager)

    case.refresh_from_db()
    assert case.owner == other
    assert set(case.tasks.filter(status=Task.Status.OPEN).values_list("assignee_id", flat=True)) == {other.pk}
    event = Event.objects.get(case=case, verb=events.CASE_ASSIGNED)
    assert (event.actor, event.payload["owner"], event.payload["previous"]) == (
        inclusion_manager,
        str(other),
        str(inclusion_officer),
    )
    assert Message.objects.filter(recipient=other, subject=f"{case.reference} is now yours").exists()


@pytest.mark.django_db
def test_a_head_of_service_may_reassign_a_case(council, frozen_clock, child, inclusion, head_of_service):
    other = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer")
    case = _open(child, inclusion)

    case_assign(case=case, owner=other, actor=head_of_service)

    assert Case.objects.get(pk=case.pk).owner == other


@pytest.mark.django_db
def test_an_officer_cannot_reassign_a_case(council, frozen_clock, child, inclusion, inclusion_officer):
    other = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer")
    case = _open(child, inclusion)
    before = _snapshot()

    with pytest.raises(CaseworkError, match=r"Only a team manager or head of service can reassign a case\."):
        case_assign(case=case, owner=other, actor=inclusion_officer)

    assert _snapshot() == before


@pytest.mark.django_db
def test_a_case_cannot_be_given_to_someone_outside_its_team(
    council, frozen_clock, child, inclusion, inclusion_manager, admissions_officer
):
    case = _open(child, inclusion)
    before = _snapshot()

    with pytest.raises(CaseworkError, match=f"{admissions_officer} is not in the Inclusion"):
        case_assign(case=case, owner=admissions_officer, actor=inclusion_manager)

    assert _snapshot() == before


# ---- rolls -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_joining_a_roll_closes_open_cme_cases_as_back_on_roll(
    council, frozen_clock, child, inclusion, school
):
    cme = _open(child, inclusion)
    removal = _open(child, inclusion, kind="removal")

    entry = roll_join(child=child, school=school, on_roll_from=dt.date(2026, 11, 16))

    cme.refresh_from_db()
    assert entry.is_current
    assert (cme.status, cme.outcome, cme.outcome_details) == (
        "closed",
        "on_roll",
        {"school": "Moorside Academy"},
    )
    assert cme.closed_at == NOW
    assert Case.objects.get(pk=removal.pk).is_open
    assert Event.objects.filter(child=child, verb=events.ROLL_JOINED).count() == 1
    moved = Event.objects.get(case=cme, verb=events.CASE_MOVED)
    assert moved.actor is None


@pytest.mark.django_db
def test_joining_the_same_roll_twice_makes_one_entry(council, frozen_clock, child, inclusion, school):
    roll_join(child=child, school=school, on_roll_from=dt.date(2026, 11, 16))
    roll_join(child=child, school=school, on_roll_from=dt.date(2026, 11, 16))

    assert RollEntry.objects.filter(child=child).count() == 1
    assert Event.objects.filter(child=child, verb=events.ROLL_JOINED).count() == 1


# ---- every service writes its event ----------------------------------------------------------


def _do_open(ctx: dict[str, Any]) -> Any:
    return case_open(
        child=factories.ChildFactory.create(), kind="cme", team=ctx["team"], source="x", actor=ctx["officer"]
    )


SERVICES: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "case_open": (events.CASE_OPENED, _do_open),
    "case_transition": (
        events.CASE_MOVED,
        lambda c: case_transition(case=c["case"], target="enquiries", actor=c["officer"]),
    ),
    "case_assign": (
        events.CASE_ASSIGNED,
        lambda c: case_assign(case=c["case"], owner=c["other"], actor=c["manager"]),
    ),
    "note_add": (
        events.NOTE_ADDED,
        lambda c: note_add(case=c["case"], author=c["officer"], text="Phoned mum"),
    ),
    "enquiry_record": (
        events.ENQUIRY_RECORDED,
        lambda c: enquiry_record(
            case=c["case"],
            actor=c["officer"],
            party="police",
            made_on=dt.date(2026, 11, 16),
            result="nothing",
        ),
    ),
    "task_add": (
        events.TASK_ADDED,
        lambda c: task_add(case=c["case"], actor=c["officer"], title="Home visit", due=dt.date(2026, 11, 20)),
    ),
    "task_complete": (
        events.TASK_COMPLETED,
        lambda c: task_complete(task=c["case"].tasks.first(), actor=c["officer"]),
    ),
    "flag_raise": (
        events.FLAG_RAISED,
        lambda c: flag_raise(case=c["case"], code=Flag.Code.MISSING_EDUCATION, details="x"),
    ),
    "roll_join": (
        events.ROLL_JOINED,
        lambda c: roll_join(child=c["case"].child, school=c["school"], on_roll_from=dt.date(2026, 11, 16)),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SERVICES))
def test_every_service_writes_its_event_on_the_childs_timeline(
    council, frozen_clock, inclusion, inclusion_officer, inclusion_manager, school, name
):
    verb, call = SERVICES[name]
    ctx = {
        "team": inclusion,
        "officer": inclusion_officer,
        "manager": inclusion_manager,
        "school": school,
        "case": _open(factories.ChildFactory.create(), inclusion),
        "other": factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer"),
    }
    started = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    call(ctx)

    new = Event.objects.filter(pk__gt=started, verb=verb)
    assert new.count() == 1
    event = new.get()
    assert event.at == NOW
    assert events.event_text(event) != verb  # rendered to words
    assert "?" not in events.event_text(event)


@pytest.mark.django_db
def test_a_flag_is_raised_once_per_case(council, frozen_clock, child, inclusion):
    case = _open(child, inclusion)

    first = flag_raise(case=case, code=Flag.Code.MISSING_EDUCATION, details="x")
    second = flag_raise(case=case, code=Flag.Code.MISSING_EDUCATION, details="y")

    assert first.pk == second.pk
    assert Event.objects.filter(case=case, verb=events.FLAG_RAISED).count() == 1


@pytest.mark.django_db
def test_an_empty_note_is_refused(council, frozen_clock, child, inclusion, inclusion_officer):
    case = _open(child, inclusion)

    with pytest.raises(CaseworkError, match="Enter the note"):
        note_add(case=case, author=inclusion_officer, text="   ")

    assert Note.objects.count() == 0


# ---- the database holds the invariant even if a service is bypassed --------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("owner", "due"), [(False, True), (True, False), (False, False)], ids=["no-owner", "no-date", "neither"]
)
def test_an_open_case_without_an_owner_or_date_cannot_be_saved(
    council, child, inclusion, inclusion_officer, owner, due
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            kind="cme",
            child=child,
            team=inclusion,
            owner=inclusion_officer if owner else None,
            status="new",
            source="x",
            opened_at=timezone.make_aware(dt.datetime(2026, 11, 16, 10)),
            opened_on=dt.date(2026, 11, 16),
            next_action_due=dt.date(2026, 11, 17) if due else None,
        )

    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_a_closed_case_needs_no_owner(council, child, inclusion):
    Case.objects.create(
        kind="cme",
        child=child,
        team=inclusion,
        owner=None,
        status="closed",
        source="x",
        opened_at=NOW,
        opened_on=dt.date(2026, 11, 16),
        closed_at=NOW,
        outcome="on_roll",
    )

    assert Case.objects.closed().count() == 1


@pytest.mark.django_db
def test_a_second_open_case_of_the_same_kind_cannot_be_saved(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    _open(child, inclusion)

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            kind="cme",
            child=child,
            team=inclusion,
            owner=inclusion_officer,
            status="new",
            source="x",
            opened_at=NOW,
            opened_on=dt.date(2026, 11, 16),
            next_action_due=dt.date(2026, 11, 17),
        )


@pytest.mark.django_db
def test_a_child_who_joins_a_roll_while_closure_awaits_approval_closes_as_back_on_roll(
    council, frozen_clock, child, inclusion, inclusion_officer
):
    case = _open(child, inclusion)
    case_transition(case=case, target="awaiting_approval", actor=inclusion_officer, outcome="ehe_registered")
    school = factories.SchoolFactory.create(name="Fellbeck Academy")

    roll_join(child=child, school=school, on_roll_from=dt.date(2026, 11, 16))

    case.refresh_from_db()
    assert case.closed_at is not None
    assert case.outcome == "on_roll"
    assert case.outcome_details == {"school": "Fellbeck Academy"}
    assert not case.tasks.filter(status=Task.Status.OPEN).exists()
