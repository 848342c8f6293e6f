"""The daily sweep: reminders, the escalation ladder in school days, idempotence, the invariant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from rollcall.accounts.models import Team, User
from rollcall.casework import events
from rollcall.casework import sweep as sweep_module
from rollcall.casework.models import Case, Escalation, Event, Flag, SweepRun, Task
from rollcall.casework.services import case_open, task_complete
from rollcall.casework.sweep import sweep
from rollcall.notify.models import Message
from rollcall.notify.services import messages_send_bulk
from rollcall.rules.escalation import Level
from rollcall.schools.models import RemovalNotice, RollEntry
from tests import factories

# Tuesday 20 October 2026: the first enquiry on a case opened that day is due on Wednesday 21
# October. The October half-term (26-30 October) falls inside the overdue window, so the task is
# 4 school days overdue on Tuesday 3 November, 5 on Wednesday 4 November, 10 on 11 November and
# 20 on 25 November (school days 22, 23 October, then 2, 3, 4 ... November).
OPENED = dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC)
DUE = dt.date(2026, 10, 21)
FOUR_OVERDUE = dt.date(2026, 11, 3)
FIVE_OVERDUE = dt.date(2026, 11, 4)
NINE_OVERDUE = dt.date(2026, 11, 10)
TEN_OVERDUE = dt.date(2026, 11, 11)
NINETEEN_OVERDUE = dt.date(2026, 11, 24)
TWENTY_OVERDUE = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _only_the_casework_steps(settings):
    """These tests count the sweep's own casework steps; other areas test their own steps."""
    settings.SWEEP_STEPS = []


@contextmanager
def on(day: dt.date) -> Iterator[None]:
    """Freeze the clock at 17:00 in London on ``day`` (the sweep runs after school)."""
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 17, 0, tzinfo=dt.UTC), tick=False):
        yield


def run_on(day: dt.date) -> SweepRun:
    with on(day):
        return sweep(today=day)


def _open_overdue(name: str = "Amara Okafor", at: dt.datetime = OPENED) -> Case:
    forename, surname = name.split()
    child = factories.ChildFactory.create(legal_forename=forename, legal_surname=surname)
    with time_machine.travel(at, tick=False):
        return case_open(
            child=child, kind="cme", team=Team.objects.get(kind=Team.Kind.INCLUSION), source="referral"
        )


def _table_counts() -> dict[str, int]:
    """Rows in every table of the project (and the history tables), except the sweep's own log."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model is not SweepRun
        and model._meta.app_label not in {"sessions", "contenttypes", "auth", "admin"}
    }


def _case_state() -> list[tuple[Any, ...]]:
    return list(
        Case.objects.order_by("pk").values_list(
            "pk",
            "status",
            "escalation_level",
            "next_escalation_on",
            "next_action_due",
            "closed_at",
            "outcome",
        )
    )


# ---- reminders -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_reminds_the_assignee_of_a_task_due_on_the_next_school_day_once(council, inclusion_officer):
    case = _open_overdue()
    task = case.tasks.get(code="first_enquiry")

    first = run_on(OPENED.date())
    second = run_on(OPENED.date())
    third = run_on(DUE)

    assert (first.counts["reminders"], second.counts["reminders"], third.counts["reminders"]) == (1, 0, 0)
    reminder = Message.objects.get(key__startswith="reminder:")
    assert reminder.recipient == inclusion_officer
    assert reminder.subject == "Due next school day: Make the first enquiry"
    assert reminder.key == f"reminder:{task.pk}:2026-10-21"
    task.refresh_from_db()
    assert task.reminded_on == OPENED.date()


@pytest.mark.django_db
def test_a_task_due_on_monday_is_reminded_on_the_friday_before(council):
    case = _open_overdue(at=dt.datetime(2026, 11, 13, 9, 0, tzinfo=dt.UTC))  # Friday
    task = case.tasks.get(code="first_enquiry")
    assert task.due == dt.date(2026, 11, 16)

    friday = run_on(dt.date(2026, 11, 13))
    monday = run_on(dt.date(2026, 11, 16))

    assert (friday.counts["reminders"], monday.counts["reminders"]) == (1, 0)
    assert (
        Message.objects.get(key__startswith="reminder:").subject
        == "Due next school day: Make the first enquiry"
    )


@pytest.mark.django_db
def test_a_done_task_or_a_closed_case_gets_no_reminder(council, inclusion_officer):
    case = _open_overdue()
    with time_machine.travel(OPENED, tick=False):
        task_complete(task=case.tasks.get(code="first_enquiry"), actor=inclusion_officer)

    assert run_on(OPENED.date()).counts["reminders"] == 0


# ---- the escalation ladder -------------------------------------------------------------------


@pytest.mark.django_db
def test_it_does_not_escalate_at_four_school_days_overdue_across_half_term(council):
    case = _open_overdue()
    assert case.next_action_due == DUE
    assert case.next_escalation_on == FIVE_OVERDUE

    run = run_on(FOUR_OVERDUE)

    case.refresh_from_db()
    assert run.counts["manager"] == 0
    assert case.escalation_level == Level.OFFICER
    assert not Escalation.objects.exists()
    assert run.breaches == []


@pytest.mark.django_db
def test_it_escalates_to_the_manager_at_exactly_five_school_days_overdue(
    council, inclusion_officer, inclusion_manager, head_of_service
):
    case = _open_overdue()

    run = run_on(FIVE_OVERDUE)

    case.refresh_from_db()
    assert run.counts == {
        "closed_on_roll": 0,
        "reminders": 1,  # the manager's new review task, due next school day
        "manager": 1,
        "head_of_service": 0,
        "exceptions": 0,
    }
    assert case.escalation_level == Level.MANAGER
    assert case.next_escalation_on == TEN_OVERDUE
    escalation = Escalation.objects.get()
    assert (escalation.case, escalation.level, escalation.reached_on, escalation.overdue_since) == (
        case,
        Level.MANAGER,
        FIVE_OVERDUE,
        DUE,
    )
    event = Event.objects.get(case=case, verb=events.CASE_ESCALATED)
    assert (
        events.event_text(event)
        == f"Case {case.reference} escalated to Team manager (work overdue since 2026-10-21)"
    )
    told = Message.objects.filter(key__startswith="escalation:")
    assert {m.recipient for m in told} == {inclusion_manager, inclusion_officer}
    assert told.first().subject == f"{case.reference} escalated to team manager: 5 school days overdue"  # type: ignore[union-attr]
    assert not told.filter(recipient=head_of_service).exists()


@pytest.mark.django_db
def test_the_manager_gets_a_review_task_due_the_next_school_day(council, inclusion_manager):
    case = _open_overdue()

    run_on(FIVE_OVERDUE)

    review = Task.objects.get(code="escalation_review")
    assert (review.case, review.assignee, review.status) == (case, inclusion_manager, Task.Status.OPEN)
    assert review.due == dt.date(2026, 11, 5)
    assert review.key == f"escalation-review:{case.pk}:2026-10-21"


@pytest.mark.django_db
def test_it_escalates_to_the_head_of_service_at_ten_school_days_and_not_at_nine(
    council, inclusion_officer, head_of_service
):
    case = _open_overdue()
    run_on(FIVE_OVERDUE)

    assert run_on(NINE_OVERDUE).counts["head_of_service"] == 0
    run = run_on(TEN_OVERDUE)

    case.refresh_from_db()
    assert run.counts["head_of_service"] == 1
    assert run.counts["manager"] == 0
    assert case.escalation_level == Level.HEAD_OF_SERVICE
    assert case.next_escalation_on == TWENTY_OVERDUE
    assert Escalation.objects.filter(case=case).count() == 2
    told = Message.objects.filter(key__startswith=f"escalation:{case.pk}:{Level.HEAD_OF_SERVICE.value}:")
    assert {m.recipient for m in told} == {head_of_service, inclusion_officer}


@pytest.mark.django_db
def test_it_puts_the_case_on_the_exceptions_report_at_twenty_school_days_and_not_at_nineteen(council):
    case = _open_overdue()
    run_on(FIVE_OVERDUE)
    run_on(TEN_OVERDUE)

    assert run_on(NINETEEN_OVERDUE).counts["exceptions"] == 0
    run = run_on(TWENTY_OVERDUE)

    case.refresh_from_db()
    assert run.counts["exceptions"] == 1
    assert case.escalation_level == Level.EXCEPTIONS
    assert case.next_escalation_on is None
    flag = Flag.objects.get(case=case)
    assert (flag.code, flag.details) == (Flag.Code.EXCEPTION, "20 school days overdue")
    assert run_on(dt.date(2026, 12, 18)).counts == {
        "closed_on_roll": 0,
        "reminders": 0,
        "manager": 0,
        "head_of_service": 0,
        "exceptions": 0,
    }


@pytest.mark.django_db
def test_a_case_that_skips_levels_records_each_level_it_passes(council, inclusion_manager, head_of_service):
    case = _open_overdue()

    run = run_on(TWENTY_OVERDUE)

    case.refresh_from_db()
    assert (run.counts["manager"], run.counts["head_of_service"], run.counts["exceptions"]) == (1, 1, 1)
    assert case.escalation_level == Level.EXCEPTIONS
    assert sorted(
        Escalation.objects.filter(case=case).values_list("level", "reached_on", "overdue_since")
    ) == [
        (Level.MANAGER, TWENTY_OVERDUE, DUE),
        (Level.HEAD_OF_SERVICE, TWENTY_OVERDUE, DUE),
        (Level.EXCEPTIONS, TWENTY_OVERDUE, DUE),
    ]
    assert Event.objects.filter(case=case, verb=events.CASE_ESCALATED).count() == 3
    assert Task.objects.filter(case=case, code="escalation_review", assignee=inclusion_manager).count() == 1
    assert Flag.objects.filter(case=case, code=Flag.Code.EXCEPTION).count() == 1


@pytest.mark.django_db
def test_a_team_without_a_manager_escalates_to_the_head_of_service(
    teams, terms, inclusion_officer, head_of_service
):
    case = _open_overdue()

    run_on(FIVE_OVERDUE)

    review = Task.objects.get(code="escalation_review")
    assert (review.case, review.assignee) == (case, head_of_service)


@pytest.mark.django_db
def test_finishing_the_overdue_work_stops_the_climb(council, inclusion_officer):
    case = _open_overdue()
    run_on(FIVE_OVERDUE)
    with on(FIVE_OVERDUE):
        task_complete(task=case.tasks.get(code="first_enquiry"), actor=inclusion_officer)

    case.refresh_from_db()
    assert case.escalation_level == Level.OFFICER
    # The manager's review is now the earliest open work; it is not overdue yet.
    assert (case.next_action, case.next_action_due) == ("Review overdue case", dt.date(2026, 11, 5))
    assert case.next_escalation_on == dt.date(2026, 11, 12)
    assert run_on(TEN_OVERDUE).counts["head_of_service"] == 0
    assert Case.objects.get(pk=case.pk).escalation_level == Level.OFFICER


# ---- idempotence -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_running_the_sweep_twice_creates_nothing_the_second_time(council):
    for name in ("Amara Okafor", "Kai Brennan", "Lena Fischer"):
        _open_overdue(name)
    run_on(FIVE_OVERDUE)
    _open_overdue(
        "Noor Haddad", at=dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    )  # first enquiry due the 25th
    first = run_on(TWENTY_OVERDUE)
    tables, cases = _table_counts(), _case_state()

    second = run_on(TWENTY_OVERDUE)

    assert first.counts["exceptions"] == 3
    assert first.counts["reminders"] == 1
    assert second.counts == {
        "closed_on_roll": 0,
        "reminders": 0,
        "manager": 0,
        "head_of_service": 0,
        "exceptions": 0,
    }
    assert _table_counts() == tables
    assert _case_state() == cases
    assert SweepRun.objects.count() == 3


@pytest.mark.django_db
def test_a_second_run_on_the_day_of_an_escalation_creates_nothing(council):
    # The first run gives the manager a review task due the next school day; a second run the
    # same day must not treat it as new work (no reminder, no message, no row of any kind).
    _open_overdue()
    first = run_on(FIVE_OVERDUE)
    tables, cases = _table_counts(), _case_state()

    second = run_on(FIVE_OVERDUE)

    assert first.counts["manager"] == 1
    assert second.counts == {
        "closed_on_roll": 0,
        "reminders": 0,
        "manager": 0,
        "head_of_service": 0,
        "exceptions": 0,
    }
    assert _table_counts() == tables
    assert _case_state() == cases


@pytest.mark.django_db
def test_an_interrupted_sweep_rolls_back_the_failed_chunk_and_a_rerun_completes_it_once(
    council, monkeypatch, inclusion_manager, inclusion_officer
):
    cases = [_open_overdue(f"Child{n} Overdue") for n in range(5)]
    monkeypatch.setattr(sweep_module, "CHUNK", 2)
    real_send = messages_send_bulk
    escalation_sends: list[list[Any]] = []

    def send_then_fail(items: Any, **kwargs: Any) -> int:
        items = list(items)
        if any(key.startswith("escalation:") for *_, key in items):
            escalation_sends.append(items)
            if len(escalation_sends) == 2:
                raise RuntimeError("mail server went away")
        return real_send(items, **kwargs)

    before = _case_state()
    with (
        mock.patch("rollcall.casework.sweep.messages_send_bulk", side_effect=send_then_fail),
        pytest.raises(RuntimeError, match="mail server went away"),
    ):
        run_on(FIVE_OVERDUE)

    # The first chunk (two cases) is committed; the failed chunk and the one after it are untouched.
    done, failed, untouched = cases[:2], cases[2:4], cases[4:]
    after = {row[0]: row for row in _case_state()}
    for case in done:
        assert after[case.pk][2] == Level.MANAGER
    rows_before = {row[0]: row for row in before}
    for case in failed + untouched:
        assert after[case.pk] == rows_before[case.pk]
        assert not Escalation.objects.filter(case=case).exists()
        assert not Event.objects.filter(case=case, verb=events.CASE_ESCALATED).exists()
        assert not Task.objects.filter(case=case, code="escalation_review").exists()
        assert not Message.objects.filter(key__startswith=f"escalation:{case.pk}:").exists()
    assert Escalation.objects.count() == 2

    rerun = run_on(FIVE_OVERDUE)

    assert rerun.counts["manager"] == 3
    assert Escalation.objects.count() == 5
    assert Event.objects.filter(verb=events.CASE_ESCALATED).count() == 5
    assert Task.objects.filter(code="escalation_review").count() == 5
    assert Message.objects.filter(key__startswith="escalation:").count() == 10  # manager and owner
    for case in cases:
        assert Escalation.objects.filter(case=case, level=Level.MANAGER).count() == 1
        assert (
            Message.objects.filter(
                key__startswith=f"escalation:{case.pk}:", recipient=inclusion_manager
            ).count()
            == 1
        )
    assert set(Case.objects.values_list("escalation_level", flat=True)) == {Level.MANAGER}
    assert run_on(FIVE_OVERDUE).counts["manager"] == 0


# ---- closing cases the rolls have resolved ---------------------------------------------------


@pytest.mark.django_db
def test_a_child_back_on_a_roll_has_the_case_closed_by_the_sweep(council, school):
    case = _open_overdue()
    RollEntry.objects.create(child=case.child, school=school, on_roll_from=dt.date(2026, 11, 2))

    run = run_on(FIVE_OVERDUE)

    case.refresh_from_db()
    assert run.counts["closed_on_roll"] == 1
    assert (case.status, case.outcome, case.outcome_details) == (
        "closed",
        "on_roll",
        {"school": "Moorside Academy"},
    )
    assert case.closed_at is not None
    assert run.counts["manager"] == 0
    assert not Escalation.objects.exists()
    moved = Event.objects.get(case=case, verb=events.CASE_MOVED)
    assert moved.actor is None
    assert run_on(FIVE_OVERDUE).counts["closed_on_roll"] == 0


@pytest.mark.django_db
def test_a_roll_entry_from_before_the_case_opened_does_not_close_it(council, school):
    case = _open_overdue()
    RollEntry.objects.create(child=case.child, school=school, on_roll_from=dt.date(2024, 9, 4))

    run = run_on(FOUR_OVERDUE)

    assert run.counts["closed_on_roll"] == 0
    assert Case.objects.get(pk=case.pk).is_open


# ---- the invariant ---------------------------------------------------------------------------


def _lost_notice(school: Any, school_user: User, **child: Any) -> RemovalNotice:
    """A removal notice with no destination whose child has no case (as if written around the service)."""
    return RemovalNotice.objects.create(
        school=school,
        child=factories.ChildFactory.create(**child),
        submitted_by=school_user,
        received_at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC),
        removal_date=dt.date(2026, 11, 2),
        ground="g",
    )


@pytest.mark.django_db
def test_a_removed_child_with_no_destination_no_case_and_no_roll_is_reported_by_name(
    council, school, school_user
):
    notice = _lost_notice(school, school_user, legal_forename="Rosa", legal_surname="Lindqvist")

    run = run_on(FOUR_OVERDUE)

    assert run.breaches == [
        f"Rosa Lindqvist (UPN {notice.child.upn}): removed from Moorside Academy on 02/11/2026 with no known "
        "destination and has no open case"
    ]
    assert SweepRun.objects.get(pk=run.pk).breaches == run.breaches


@pytest.mark.django_db
def test_a_removed_child_who_has_a_case_or_is_on_a_roll_or_has_a_destination_is_not_a_breach(
    council, school, school_user
):
    with_case = _lost_notice(school, school_user)
    with time_machine.travel(OPENED, tick=False):
        case_open(
            child=with_case.child, kind="cme", team=Team.objects.get(kind="inclusion"), source="removal"
        )
    back_on_roll = _lost_notice(school, school_user)
    RollEntry.objects.create(
        child=back_on_roll.child, school=factories.SchoolFactory.create(), on_roll_from=dt.date(2026, 11, 3)
    )
    destination = _lost_notice(school, school_user)
    RemovalNotice.objects.filter(pk=destination.pk).update(destination_details="Moved to Wales, at Ysgol Bro")

    run = run_on(FOUR_OVERDUE)

    assert run.breaches == []


def _close_after_the_notice(notice: RemovalNotice, outcome: str) -> Case:
    """A CME case about the removed child, opened and closed after the notice arrived."""
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        case = case_open(
            child=notice.child, kind="cme", team=Team.objects.get(kind="inclusion"), source="removal"
        )
    Case.objects.filter(pk=case.pk).update(
        closed_at=dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC), status="closed", outcome=outcome
    )
    return case


@contextmanager
def _closed_case_outcome_not_enforced() -> Iterator[None]:
    """Lift the closed_case_has_outcome check for this test's transaction only: the only way to
    see what the invariant does with a row the database refuses."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE casework_case DROP CONSTRAINT closed_case_has_outcome")
            yield  # rolled back with the test's transaction
        else:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                yield
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")


@pytest.mark.django_db
def test_a_case_cannot_be_closed_without_an_outcome(council):
    case = _open_overdue()

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(closed_at=OPENED, status="closed", outcome="")

    Case.objects.filter(pk=case.pk).update(closed_at=OPENED, status="closed", outcome="on_roll")
    assert not Case.objects.get(pk=case.pk).is_open


@pytest.mark.django_db
def test_a_case_closed_with_an_outcome_after_the_removal_accounts_for_the_child(council, school, school_user):
    _close_after_the_notice(_lost_notice(school, school_user), outcome="on_roll")

    assert run_on(FOUR_OVERDUE).breaches == []


@pytest.mark.django_db(transaction=False)
def test_a_case_closed_without_an_outcome_is_no_case_at_all_for_the_invariant(council, school, school_user):
    notice = _lost_notice(school, school_user, legal_forename="Rosa", legal_surname="Lindqvist")
    with _closed_case_outcome_not_enforced():
        _close_after_the_notice(notice, outcome="")

        run = run_on(FOUR_OVERDUE)

    assert run.breaches == [
        f"Rosa Lindqvist (UPN {notice.child.upn}): removed from Moorside Academy on 02/11/2026 with no known "
        "destination and has no open case"
    ]


@pytest.mark.django_db
def test_a_case_whose_owner_has_left_is_reported_by_name(council, inclusion_officer):
    case = _open_overdue("Tomasz Nowak")
    User.objects.filter(pk=inclusion_officer.pk).update(is_active=False)

    run = run_on(FOUR_OVERDUE)

    assert run.breaches == [
        f"Tomasz Nowak ({case.reference}): open case with no active owner or no next action date"
    ]


@pytest.mark.django_db
def test_the_sweep_command_prints_every_breach_by_name(council, school, school_user):
    _lost_notice(school, school_user, legal_forename="Rosa", legal_surname="Lindqvist")
    _lost_notice(school, school_user, legal_forename="Idris", legal_surname="Mensah")
    out = StringIO()

    with on(FOUR_OVERDUE):
        call_command("rollcall_sweep", "--date", "2026-11-03", stdout=out)

    text = out.getvalue()
    assert "2 children breach the invariant:" in text
    assert "  - Rosa Lindqvist (UPN " in text
    assert "  - Idris Mensah (UPN " in text
    assert "Escalated 0 to managers, 0 to heads of service, 0 to the exceptions report." in text
    assert SweepRun.objects.get().as_of == FOUR_OVERDUE


@pytest.mark.django_db
def test_the_sweep_command_fails_on_a_breach_when_asked(council, school, school_user):
    _lost_notice(school, school_user)

    with on(FOUR_OVERDUE), pytest.raises(SystemExit) as stopped:
        call_command("rollcall_sweep", "--date", "2026-11-03", "--fail-on-breach", stdout=StringIO())

    assert stopped.value.code == 2


@pytest.mark.django_db
def test_the_sweep_command_says_when_the_invariant_holds(council):
    out = StringIO()

    with on(FOUR_OVERDUE):
        call_command("rollcall_sweep", stdout=out)

    assert "Invariant holds: every child out of school has an owner and a date." in out.getvalue()
    assert SweepRun.objects.get().as_of == FOUR_OVERDUE


@pytest.mark.django_db
def test_the_sweep_command_refuses_a_badly_written_date(council):
    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD, not '3/11/2026'"):
        call_command("rollcall_sweep", "--date", "3/11/2026", stdout=StringIO())


# ---- set-based: queries do not grow with the number of cases ---------------------------------


def _sweep_queries(n: int) -> tuple[int, SweepRun]:
    """Open ``n`` cases overdue by five school days on a clean slate and count the sweep's queries."""
    Case.objects.all().delete()
    for i in range(n):
        _open_overdue(f"Child{i} Overdue")
    with on(FIVE_OVERDUE), CaptureQueriesContext(connection) as queries:
        run = sweep(today=FIVE_OVERDUE)
    return len(queries), run


@pytest.mark.django_db
def test_the_sweep_makes_as_many_queries_for_sixty_escalations_as_for_ten(council):
    few, run_few = _sweep_queries(10)
    many, run_many = _sweep_queries(60)

    assert run_few.counts["manager"] == 10
    assert run_many.counts["manager"] == 60
    assert Message.objects.filter(key__startswith="escalation:").count() == 2 * 70
    assert abs(many - few) <= 2, (few, many)


@pytest.mark.django_db
def test_the_scheduler_hands_the_sweep_the_date_it_was_due_so_a_late_worker_still_sweeps_that_day(council):
    from django.test import override_settings
    from django_tasks import default_task_backend

    # 23:30 in London on FOUR_OVERDUE: a worker would pick the task up after midnight.
    with (
        override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}),
        time_machine.travel(dt.datetime(2026, 11, 3, 23, 30, tzinfo=dt.UTC), tick=False),
    ):
        call_command("rollcall_scheduler", "--once", stdout=StringIO())
        (queued,) = default_task_backend.results  # type: ignore[attr-defined]

    assert queued.args == [FOUR_OVERDUE.isoformat()]
