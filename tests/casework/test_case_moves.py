"""Moving a case: every move of every workflow for every role, closing with an outcome, approval and reopening."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rollcall.accounts.models import Team, User
from rollcall.casework import events
from rollcall.casework.models import Case, Event, Flag, Task
from rollcall.casework.services import (
    CaseworkError,
    case_open,
    case_transition,
    flag_raise,
)
from rollcall.notify.models import Message
from rollcall.rules.workflow import CME, REMOVAL, Role, Workflow
from rollcall.schools.models import School
from tests import factories
from tests.casework.services_support import NOW, open_case, snapshot

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
    before = snapshot()

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
    assert snapshot() == before


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
    before = snapshot()

    with pytest.raises(
        CaseworkError,
        match=r"^A child missing education case cannot go from |^A removal from roll case cannot go from ",
    ) as refused:
        case_transition(case=case, target=target, actor=inclusion_manager, reason="because")

    assert str(refused.value)[0].isupper()
    assert snapshot() == before


@pytest.mark.django_db
def test_an_unknown_status_is_refused_with_a_sentence(
    council, frozen_clock, child, inclusion, inclusion_manager
):
    case = open_case(child, inclusion)

    with pytest.raises(CaseworkError, match="'lost' is not a status of a child missing education case"):
        case_transition(case=case, target="lost", actor=inclusion_manager)


# ---- closing, approval and reopening -------------------------------------------------------


@pytest.mark.django_db
def test_closing_needs_an_outcome(council, frozen_clock, child, inclusion, inclusion_manager):
    case = open_case(child, inclusion)
    before = snapshot()

    with pytest.raises(CaseworkError, match="An outcome is needed to close"):
        case_transition(case=case, target="closed", actor=inclusion_manager)

    assert snapshot() == before


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
    case = open_case(child, inclusion)
    before = snapshot()

    with pytest.raises(CaseworkError, match=message):
        case_transition(
            case=case, target="closed", actor=inclusion_manager, outcome=outcome, outcome_details=details
        )

    assert snapshot() == before


@pytest.mark.django_db
def test_closing_with_an_outcome_cancels_tasks_clears_flags_and_records_the_outcome(
    council, frozen_clock, child, inclusion, inclusion_manager
):
    case = open_case(child, inclusion)
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
    case = open_case(child, inclusion)
    before = snapshot()

    with pytest.raises(
        CaseworkError, match="The system can close only with the outcome 'Back on roll at a school'"
    ):
        case_transition(
            case=case, target="closed", actor=None, outcome="other", outcome_details={"details": "x"}
        )

    assert snapshot() == before


@pytest.mark.django_db
def test_an_officer_proposes_closure_and_the_manager_approves_it(
    council, frozen_clock, child, inclusion, inclusion_officer, inclusion_manager
):
    case = open_case(child, inclusion)

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
    case = open_case(child, inclusion)
    case_transition(case=case, target="awaiting_approval", actor=inclusion_officer, outcome="ehe_registered")
    before = snapshot()

    with pytest.raises(CaseworkError, match="as an officer: only a team manager or a head of service can"):
        case_transition(case=case, target="closed", actor=inclusion_officer)

    assert snapshot() == before


@pytest.mark.django_db
def test_a_manager_returns_a_proposed_closure_only_with_a_reason(
    council, frozen_clock, child, inclusion, inclusion_officer, inclusion_manager
):
    case = open_case(child, inclusion)
    case_transition(case=case, target="awaiting_approval", actor=inclusion_officer, outcome="ehe_registered")
    before = snapshot()

    with pytest.raises(CaseworkError, match="A reason is needed to return for more enquiries"):
        case_transition(case=case, target="enquiries", actor=inclusion_manager, reason="   ")
    assert snapshot() == before

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
    case = open_case(child, inclusion)
    case_transition(case=case, target="closed", actor=inclusion_manager, outcome="ehe_registered")
    before = snapshot()

    with pytest.raises(CaseworkError, match="A reason is needed to reopen"):
        case_transition(case=case, target="enquiries", actor=inclusion_manager)

    assert snapshot() == before


@pytest.mark.django_db
def test_a_manager_reopens_a_case_closed_through_the_service_with_a_reason(
    council, frozen_clock, child, inclusion, inclusion_officer, inclusion_manager
):
    case = open_case(child, inclusion)
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
    old = open_case(child, inclusion)
    case_transition(case=old, target="closed", actor=inclusion_manager, outcome="ehe_registered")
    case_open(child=child, kind="cme", team=inclusion, source="a new referral")
    before = snapshot()

    with pytest.raises(CaseworkError) as refused:
        case_transition(case=old, target="enquiries", actor=inclusion_manager, reason="Wrong closure")

    assert str(refused.value)[0].isupper()
    assert snapshot() == before


@pytest.mark.django_db
def test_a_stale_move_is_refused_when_someone_else_moved_the_case_first(
    council, frozen_clock, child, inclusion, inclusion_officer, inclusion_manager
):
    case = open_case(child, inclusion)
    mine = Case.objects.get(pk=case.pk)
    theirs = Case.objects.get(pk=case.pk)
    case_transition(case=theirs, target="enquiries", actor=inclusion_officer)
    before = snapshot()

    with pytest.raises(CaseworkError, match="Someone else changed this case while you were working on it"):
        case_transition(case=mine, target="closed", actor=inclusion_manager, outcome="ehe_registered")

    assert snapshot() == before
    assert Case.objects.get(pk=case.pk).status == "enquiries"
