"""The action-plan step of the daily sweep: reminders to the owner, escalation to the heads of
service after ten school days, each once. Every test runs the sweep twice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from rollcall.accounts.models import Team, User
from rollcall.actionplans import services
from rollcall.actionplans.models import Action, ActionPlanSettings, Complaint
from rollcall.actionplans.sweep import actionplans_sweep
from rollcall.casework.calendar import council_calendar
from rollcall.notify.models import Message
from rollcall.rules.workflow import Role
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("terms")]
DUE = dt.date(2026, 11, 2)  # the first day of the autumn second half-term


def _run(day: dt.date) -> dict[str, int]:
    with time_machine.travel(dt.datetime.combine(day, dt.time(6, 0), tzinfo=dt.UTC), tick=False):
        return actionplans_sweep(today=day, calendar=council_calendar())


def test_nothing_happens_on_the_due_date(action: Action) -> None:
    assert _run(DUE) == {"actionplan_overdue": 0, "actionplan_reminders": 0, "actionplan_escalations": 0}


def test_the_responsible_person_is_reminded_once_the_day_after_the_due_date(
    action: Action, inclusion_officer: User
) -> None:
    assert _run(DUE + dt.timedelta(days=1))["actionplan_reminders"] == 1
    assert _run(DUE + dt.timedelta(days=1))["actionplan_reminders"] == 0
    assert _run(DUE + dt.timedelta(days=2))["actionplan_reminders"] == 0
    [message] = Message.objects.filter(key__startswith="actionplan-overdue:")
    assert message.recipient == inclusion_officer
    assert "was due on 2 November 2026" in message.body
    action.refresh_from_db()
    assert action.reminded_for == DUE


def test_the_heads_of_service_are_told_once_after_ten_school_days(
    action: Action, head_of_service: User
) -> None:
    nine = council_calendar().add_school_days(DUE, 9)
    ten = council_calendar().add_school_days(DUE, 10)
    assert _run(nine)["actionplan_escalations"] == 0
    assert _run(ten)["actionplan_escalations"] == 1
    assert _run(ten)["actionplan_escalations"] == 0
    assert _run(ten + dt.timedelta(days=7))["actionplan_escalations"] == 0
    [message] = Message.objects.filter(key__startswith="actionplan-escalated:")
    assert message.recipient == head_of_service
    assert message.subject == "Escalated: action 1 of 25 001 002 is 10 school days overdue"


def test_the_number_of_school_days_is_a_setting(action: Action) -> None:
    ActionPlanSettings.objects.update_or_create(pk=1, defaults={"escalate_after_school_days": 3})
    three = council_calendar().add_school_days(DUE, 3)
    assert _run(three - dt.timedelta(days=1))["actionplan_escalations"] == 0
    assert _run(three)["actionplan_escalations"] == 1


def test_a_complete_action_is_not_followed_up(action: Action, head_of_service: User) -> None:
    services.action_update(action=action, actor=head_of_service, status="complete", rag="green", text="Done.")
    assert _run(dt.date(2026, 12, 1)) == {
        "actionplan_overdue": 0,
        "actionplan_reminders": 0,
        "actionplan_escalations": 0,
    }


def test_a_moved_due_date_is_reminded_and_escalated_afresh(action: Action, head_of_service: User) -> None:
    ten = council_calendar().add_school_days(DUE, 10)
    _run(ten)
    new_due = dt.date(2026, 11, 20)
    with time_machine.travel(dt.datetime(2026, 11, 17, 9, 0, tzinfo=dt.UTC), tick=False):
        services.action_change(
            action=action,
            facts=services.ActionFacts(
                description=action.description,
                owner_title=action.owner_title,
                due_on=new_due,
                responsible=action.responsible,
            ),
            actor=head_of_service,
        )
    assert _run(new_due)["actionplan_overdue"] == 0
    counts = _run(council_calendar().add_school_days(new_due, 10))
    assert (counts["actionplan_reminders"], counts["actionplan_escalations"]) == (1, 1)
    assert Message.objects.filter(key__startswith="actionplan-overdue:").count() == 2


def test_with_nobody_named_the_managers_of_the_team_are_reminded(
    complaint: Complaint, head_of_service: User, teams: dict[str, Team]
) -> None:
    manager = factories.staff(Role.MANAGER, Team.Kind.ACCESS)
    factories.staff(Role.OFFICER, Team.Kind.ACCESS)
    services.action_add(
        complaint=complaint,
        facts=services.ActionFacts(
            description="Name a contact for every family.",
            owner_title="Head of Access",
            due_on=DUE,
            team=teams["access"],
        ),
        actor=head_of_service,
    )
    assert _run(DUE + dt.timedelta(days=1))["actionplan_reminders"] == 1
    assert Message.objects.get(key__startswith="actionplan-overdue:").recipient == manager
