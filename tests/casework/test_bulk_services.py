"""Casework's services for many rows at once, which the sweep, imports and prompts of every area
use instead of writing casework's tables: tasks, events and flags, each idempotent by its key."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.accounts.models import Team, User
from rollcall.casework import events
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case, Event, Flag, RuleSettings, Task
from rollcall.casework.services import (
    BulkFlag,
    BulkTask,
    case_open,
    cases_next_action_bulk,
    first_tasks,
    flags_clear_bulk,
    flags_raise_bulk,
    task_create,
    tasks_complete,
    tasks_create_bulk,
    tasks_reassign,
)
from rollcall.rules.escalation import Level
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]

NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def case(teams: dict[str, Team]) -> Case:
    return case_open(
        child=factories.ChildFactory.create(), kind="cme", team=teams[Team.Kind.INCLUSION], source="referral"
    )


def _review(case: Case, key: str, due: dt.date = dt.date(2026, 11, 18)) -> BulkTask:
    assert case.owner_id is not None
    return BulkTask(
        case_id=case.pk, code="review", title="Review", due=due, assignee_id=case.owner_id, key=key
    )


def test_tasks_made_in_bulk_are_added_once_each_with_their_history(case: Case) -> None:
    added = tasks_create_bulk(tasks=[_review(case, "review:a"), _review(case, "review:b")], at=NOW)

    assert [t.key for t in added] == ["review:a", "review:b"]
    assert all(t.pk and t.created_at == NOW and t.status == Task.Status.OPEN for t in added)
    history = Task.history.filter(key__in=["review:a", "review:b"])
    assert sorted(history.values_list("key", "history_type", "history_date")) == [
        ("review:a", "+", NOW),
        ("review:b", "+", NOW),
    ]


def test_a_second_run_with_the_same_keys_adds_nothing(case: Case) -> None:
    tasks_create_bulk(tasks=[_review(case, "review:a")], at=NOW)

    again = tasks_create_bulk(
        tasks=[_review(case, "review:a"), _review(case, "review:b"), _review(case, "review:b")],
        at=NOW + dt.timedelta(hours=1),
    )

    assert [t.key for t in again] == ["review:b"]
    assert Task.objects.filter(key="review:a").count() == 1
    assert Task.objects.filter(key="review:b").count() == 1
    assert Task.history.filter(key__startswith="review:").count() == 2


def test_a_key_taken_since_the_check_is_skipped_not_an_error(case: Case) -> None:
    """Another run adding the same key between this call's check and its insert: the unique key
    makes the insert skip it (ignore_conflicts), and only this call's rows get history here."""
    other_run = NOW - dt.timedelta(minutes=1)
    assert case.owner is not None
    Task.objects.create(
        case=case,
        code="review",
        title="Review",
        due=TODAY,
        assignee=case.owner,
        created_at=other_run,
        key="review:a",
    )

    added = tasks_create_bulk(tasks=[_review(case, "review:a")], at=NOW)

    assert added == []
    assert Task.objects.get(key="review:a").created_at == other_run


def test_no_tasks_costs_no_query(case: Case, django_assert_num_queries: object) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert tasks_create_bulk(tasks=[], at=NOW) == []


def test_a_new_task_due_first_becomes_the_next_action_and_a_later_one_does_not(
    case: Case, teams: dict[str, Team]
) -> None:
    later = case_open(
        child=factories.ChildFactory.create(), kind="cme", team=teams[Team.Kind.INCLUSION], source="referral"
    )
    assert case.next_action_due == dt.date(2026, 11, 17)  # "Make the first enquiry", next school day
    added = tasks_create_bulk(
        tasks=[_review(case, "early", due=TODAY), _review(later, "late", due=dt.date(2026, 12, 1))], at=NOW
    )

    moved = cases_next_action_bulk(
        tasks=added, cases={case.pk: case, later.pk: later}, calendar=council_calendar(), today=TODAY, at=NOW
    )

    assert [c.pk for c in moved] == [case.pk]
    case.refresh_from_db()
    later.refresh_from_db()
    assert (case.next_action, case.next_action_due) == ("Review", TODAY)
    assert (later.next_action, later.next_action_due) == ("Make the first enquiry", dt.date(2026, 11, 17))
    assert case.history.first().history_type == "~"


def test_a_new_next_action_brings_the_level_down_but_never_up(case: Case, teams: dict[str, Team]) -> None:
    escalated = case_open(
        child=factories.ChildFactory.create(), kind="cme", team=teams[Team.Kind.INCLUSION], source="referral"
    )
    Case.objects.filter(pk=escalated.pk).update(escalation_level=Level.HEAD_OF_SERVICE)
    escalated.refresh_from_db()
    added = tasks_create_bulk(
        tasks=[
            _review(escalated, "due-today", due=TODAY),
            # 10 school days overdue (2 to 13 November): past the manager's rung.
            _review(case, "long-overdue", due=dt.date(2026, 11, 2)),
        ],
        at=NOW,
    )

    cases_next_action_bulk(
        tasks=added,
        cases={case.pk: case, escalated.pk: escalated},
        calendar=council_calendar(),
        today=TODAY,
        at=NOW,
    )

    case.refresh_from_db()
    escalated.refresh_from_db()
    assert escalated.escalation_level == Level.OFFICER  # the overdue work is no longer the next action
    assert case.escalation_level == Level.OFFICER  # the sweep raises it, telling the people above
    assert case.next_action_due == dt.date(2026, 11, 2)
    assert case.next_escalation_on is not None
    assert case.next_escalation_on <= TODAY  # so the sweep finds it today


def test_flags_raised_in_bulk_are_raised_once_while_open(case: Case) -> None:
    child_flag = BulkFlag(child_id=case.child_id, code=Flag.Code.PERSISTENT_ABSENCE, details="12%")
    case_flag = BulkFlag(child_id=case.child_id, case_id=case.pk, code=Flag.Code.EXCEPTION, details="late")

    flags_raise_bulk(flags=[child_flag, case_flag], at=NOW)
    flags_raise_bulk(flags=[child_flag, case_flag], at=NOW + dt.timedelta(days=1))

    assert sorted(Flag.objects.values_list("code", "case_id", "raised_at")) == [
        (Flag.Code.EXCEPTION, case.pk, NOW),
        (Flag.Code.PERSISTENT_ABSENCE, None, NOW),
    ]
    assert not Event.objects.filter(verb=events.FLAG_RAISED).exists()  # the caller's event says why


def test_clearing_flags_in_bulk_keeps_the_first_clearing_date(case: Case) -> None:
    flags_raise_bulk(flags=[BulkFlag(child_id=case.child_id, code=Flag.Code.SEVERE_ABSENCE)], at=NOW)
    flag = Flag.objects.get()

    assert flags_clear_bulk(flag_ids=[flag.pk], at=NOW) == 1
    assert flags_clear_bulk(flag_ids=[flag.pk], at=NOW + dt.timedelta(days=1)) == 0
    flag.refresh_from_db()
    assert flag.cleared_at == NOW
    # Cleared, the flag can be raised again.
    flags_raise_bulk(flags=[BulkFlag(child_id=case.child_id, code=Flag.Code.SEVERE_ABSENCE)], at=NOW)
    assert Flag.objects.filter(cleared_at__isnull=True).count() == 1


def test_events_recorded_in_bulk_read_on_the_timeline(case: Case) -> None:
    count = events.events_record_bulk(
        records=[
            events.BulkEvent(
                child_id=case.child_id,
                case_id=case.pk,
                team_id=case.team_id,
                verb=events.TASK_ADDED,
                payload={"title": "Review", "due": "2026-11-18"},
            )
        ],
        at=NOW,
    )

    assert count == 1
    event = Event.objects.get(verb=events.TASK_ADDED)
    assert (event.child_id, event.case_id, event.team_id, event.at, event.actor_id) == (
        case.child_id,
        case.pk,
        case.team_id,
        NOW,
        None,
    )
    assert events.event_text(event) == "Task added: Review, due 2026-11-18"


def test_completing_tasks_by_code_leaves_other_codes_and_done_tasks(
    case: Case, inclusion_officer: User
) -> None:
    assert case.owner is not None
    first = case.tasks.get(code="first_enquiry")
    extra = task_create(
        case=case, code="checkin", title="Check in", due=TODAY, assignee=case.owner, key="c:1"
    )

    assert tasks_complete(case=case, codes=["first_enquiry", "missing"], actor=inclusion_officer, at=NOW) == 1
    assert tasks_complete(case=case, codes=["first_enquiry"], actor=inclusion_officer, at=NOW) == 0

    first.refresh_from_db()
    extra.refresh_from_db()
    assert (first.status, first.completed_at, first.completed_by) == (
        Task.Status.DONE,
        NOW,
        inclusion_officer,
    )
    assert extra.status == Task.Status.OPEN


def test_reassigning_tasks_by_code_moves_only_open_ones(case: Case, inclusion_manager: User) -> None:
    assert case.owner is not None
    open_ = task_create(case=case, code="checkin", title="Check in", due=TODAY, assignee=case.owner)
    done = task_create(case=case, code="checkin", title="Check in", due=TODAY, assignee=case.owner)
    Task.objects.filter(pk=done.pk).update(status=Task.Status.DONE)

    assert tasks_reassign(case=case, codes=["checkin"], assignee=inclusion_manager) == 1
    open_.refresh_from_db()
    done.refresh_from_db()
    assert (open_.assignee, done.assignee) == (inclusion_manager, case.owner)


def test_task_create_adds_one_task_with_history_and_leaves_the_next_action(case: Case) -> None:
    assert case.owner is not None
    task = task_create(case=case, code="visit", title="Visit", due=TODAY, assignee=case.owner, key="visit:1")

    assert (task.created_at, task.key, task.status) == (NOW, "visit:1", Task.Status.OPEN)
    assert task.history.count() == 1
    case.refresh_from_db()
    assert case.next_action == "Make the first enquiry"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "cme",
            [
                ("first_enquiry", "Make the first enquiry", dt.date(2026, 11, 17)),
                ("enquiries_complete", "Complete reasonable enquiries", dt.date(2026, 12, 14)),
            ],
        ),
        ("removal", [("challenge_removal", "Challenge the school about the removal", dt.date(2026, 11, 23))]),
        ("health", [("review", "Review the case", dt.date(2026, 11, 17))]),
    ],
)
def test_first_tasks_follow_the_councils_timescales_for_each_kind(
    kind: str, expected: list[tuple[str, str, dt.date]]
) -> None:
    tasks = first_tasks(kind=kind, calendar=council_calendar(), settings=RuleSettings.current(), today=TODAY)
    assert tasks == expected
