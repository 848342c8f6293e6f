"""The prompts on their own: keyed so they never repeat, grouped per school, bulk throughout."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.accounts.models import Team, User
from rollcall.attendance import events as attendance_events
from rollcall.attendance import prompts
from rollcall.attendance.prompts import Finding
from rollcall.casework import events
from rollcall.casework.models import Case, Event, Flag, Task
from rollcall.casework.services import case_open
from rollcall.notify.models import Message
from rollcall.people.models import Child
from rollcall.rules.workflow import Role
from rollcall.schools.models import School
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]

NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)
AS_OF = dt.date(2026, 11, 13)


@pytest.fixture
def access_officer(teams: dict[str, Team]) -> User:
    return factories.staff(Role.OFFICER, Team.Kind.ACCESS, username="access.officer")


@pytest.fixture
def other_school(db: None) -> School:
    return factories.SchoolFactory.create(name="Northmoor High")


@pytest.fixture
def other_school_user(other_school: School) -> User:
    return factories.school_user(other_school, username="northmoor.user")


def found(child: Child, school: School, days: int = 10, since: dt.date = dt.date(2026, 11, 2)) -> Finding:
    return Finding(
        child_id=child.pk, school_id=school.pk, academic_year=2026, days=days, as_of=AS_OF, since=since
    )


def test_possibly_left_asks_each_school_once_about_its_own_pupils(
    school: School, school_user: User, other_school: School, other_school_user: User
) -> None:
    a1, a2, b1 = (factories.ChildFactory.create() for _ in range(3))
    two_rolls = factories.ChildFactory.create()
    findings = [
        found(a1, school),
        found(a2, school),
        found(b1, other_school),
        found(two_rolls, school),
        found(two_rolls, other_school),
    ]

    counts = prompts.possibly_left_prompts(findings, at=NOW)

    assert (counts.found, counts.messages) == (5, 2)
    (to_a,) = Message.objects.filter(recipient=school_user)
    (to_b,) = Message.objects.filter(recipient=other_school_user)
    assert all(c.full_name in to_a.body for c in (a1, a2, two_rolls))
    assert b1.full_name not in to_a.body
    assert all(c.full_name in to_b.body for c in (b1, two_rolls))
    assert to_a.url == "/attendance/possibly-left/"
    asked = Event.objects.get(child=a1, verb=attendance_events.POSSIBLY_LEFT_ASKED)
    assert asked.payload["school"] == school.name
    assert asked.payload["since"] == "2 November 2026"


def test_a_pupil_is_not_listed_again_until_a_new_spell_without_marks(
    school: School, school_user: User
) -> None:
    child = factories.ChildFactory.create()
    prompts.possibly_left_prompts([found(child, school)], at=NOW)

    # The same spell, two more days on: not listed again.
    again = prompts.possibly_left_prompts([found(child, school, days=12)], at=NOW)
    assert (again.found, again.messages) == (1, 0)
    # Marks again, then a new spell: listed again.
    later = prompts.possibly_left_prompts([found(child, school, since=dt.date(2026, 12, 1))], at=NOW)
    assert later.messages == 1
    assert Message.objects.filter(recipient=school_user).count() == 2


def test_each_school_is_asked_for_its_enquiries_about_its_own_pupils(
    school: School, school_user: User, other_school: School, other_school_user: User, inclusion_officer: User
) -> None:
    at_a, at_b = factories.ChildFactory.create(), factories.ChildFactory.create()

    missing, ground_i = prompts.cme_prompts(
        [found(at_a, school, 11), found(at_b, other_school, 12)], [], at=NOW
    )

    assert (missing.found, missing.cases_opened, missing.messages) == (2, 2, 2)
    assert ground_i.found == 0
    (to_a,) = Message.objects.filter(recipient=school_user)
    (to_b,) = Message.objects.filter(recipient=other_school_user)
    assert at_a.full_name in to_a.body
    assert at_b.full_name not in to_a.body
    assert f"{at_b.full_name} (UPN {at_b.upn}): 12 school days since 2 November 2026" in to_b.body
    case = Case.objects.get(child=at_a, kind="cme")
    assert case.source == "Attendance marks: 11 school days' unexplained absence"
    assert f"from {school.name}" in case.summary

    # The same streak again: nothing more, to anyone.
    assert prompts.cme_prompts([found(at_a, school, 12)], [], at=NOW)[0].messages == 0
    assert Message.objects.filter(recipient__in=[school_user, other_school_user]).count() == 2


def test_the_ground_i_task_becomes_the_next_action_when_it_is_due_first(
    school: School, inclusion_officer: User
) -> None:
    child = factories.ChildFactory.create()
    team = Team.objects.get(kind=Team.Kind.INCLUSION)
    case = case_open(
        child=child,
        kind="cme",
        team=team,
        source="Referral",
        first_tasks=[("visit", "Home visit", dt.date(2026, 12, 18))],
    )

    _missing, ground_i = prompts.cme_prompts([], [found(child, school, 20, dt.date(2026, 10, 12))], at=NOW)

    assert (ground_i.cases_opened, ground_i.cases_updated, ground_i.tasks_added) == (0, 1, 1)
    case.refresh_from_db()
    assert case.next_action.startswith("Decide with the school whether ground (i) applies")
    assert case.next_action_due == dt.date(2026, 11, 23)
    assert case.next_escalation_on == dt.date(2026, 11, 30)
    assert case.history.first().next_action_due == dt.date(2026, 11, 23)
    task_event = Event.objects.get(case=case, verb=events.TASK_ADDED)
    assert events.event_text(task_event).startswith(
        "Task added: Decide with the school whether ground (i) applies"
    )


def test_ground_i_without_an_open_case_opens_one_with_the_task(
    school: School, inclusion_officer: User
) -> None:
    child = factories.ChildFactory.create()
    streak = found(child, school, 20, dt.date(2026, 10, 12))

    missing, ground_i = prompts.cme_prompts([], [streak], at=NOW)

    assert (missing.cases_opened, ground_i.cases_opened, ground_i.tasks_added) == (0, 1, 1)
    case = Case.objects.get(child=child, kind="cme")
    assert set(case.tasks.values_list("code", flat=True)) == {
        "first_enquiry",
        "enquiries_complete",
        "school_enquiries",
        "ground_i",
    }
    assert prompts.cme_prompts([], [streak], at=NOW)[1].tasks_added == 0
    assert Task.objects.filter(code="ground_i").count() == 1


def test_illness_reopens_nothing_for_the_same_count_but_opens_for_a_higher_one(
    school: School, access_officer: User
) -> None:
    child = factories.ChildFactory.create()
    fifteen = Finding(child.pk, school.pk, 2026, 15, AS_OF)
    assert prompts.illness_prompts([fifteen], at=NOW).cases_opened == 1
    Case.objects.filter(child=child).update(status="closed", closed_at=NOW, outcome="back_in_school")

    assert prompts.illness_prompts([fifteen], at=NOW).cases_opened == 0
    assert prompts.illness_prompts([Finding(child.pk, school.pk, 2026, 17, AS_OF)], at=NOW).cases_opened == 1
    assert Case.objects.filter(child=child, kind="health").count() == 2


def test_absence_flags_of_children_not_evaluated_are_left_alone(school: School) -> None:
    evaluated, elsewhere = factories.ChildFactory.create(), factories.ChildFactory.create()
    for child in (evaluated, elsewhere):
        Flag.objects.create(child=child, code="persistent_absence", raised_at=NOW)

    counts = prompts.absence_flags_sync(wanted={}, evaluated={evaluated.pk}, scope=None, at=NOW)

    assert counts["persistent_absence"].flags_cleared == 1
    assert Flag.objects.get(child=evaluated).cleared_at == NOW
    assert Flag.objects.get(child=elsewhere).cleared_at is None


def test_a_case_flag_of_the_same_code_is_not_the_childs_absence_flag(
    school: School, inclusion_officer: User
) -> None:
    child = factories.ChildFactory.create()
    case = case_open(child=child, kind="cme", team=Team.objects.get(kind=Team.Kind.INCLUSION), source="x")
    Flag.objects.create(child=child, case=case, code="persistent_absence", raised_at=NOW)

    counts = prompts.absence_flags_sync(
        wanted={(child.pk, "persistent_absence"): "12%"}, evaluated={child.pk}, scope=None, at=NOW
    )

    assert counts["persistent_absence"].flags_raised == 1
    assert Flag.objects.filter(child=child, case__isnull=True, cleared_at__isnull=True).count() == 1
    assert Flag.objects.filter(child=child, case=case, cleared_at__isnull=True).count() == 1
