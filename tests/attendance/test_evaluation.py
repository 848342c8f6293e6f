"""evaluate(): a small hand-built council gets exactly the right facts, flags, cases, tasks and messages.

The council (term dates of the demo pattern, "today" Monday 16 November 2026):

- Moorside Academy (A) has marks to Friday 13 November: 48 school days from 2 September.
- Northmoor High (B) has marks to Monday 16 November: 49 school days.
- The October half-term (26 to 30 October) falls inside the streaks below: it never breaks one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollcall.accounts.models import Membership, Team, User
from rollcall.attendance.evaluation import FACT_FIELDS, evaluate
from rollcall.attendance.models import PupilMarks
from rollcall.attendance.sweep import attendance_sweep
from rollcall.casework import events
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case, Event, Flag, Task
from rollcall.casework.services import case_open
from rollcall.health import services as health_services
from rollcall.health.services import ReportFacts
from rollcall.notify.models import Message
from rollcall.people.models import Child
from rollcall.rules.workflow import Role
from rollcall.schools.models import School
from tests import factories
from tests.attendance.helpers_eval import PRESENT, marks, record, school_days, spread

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]

A_LAST = dt.date(2026, 11, 13)
B_LAST = dt.date(2026, 11, 16)
EARLY = dt.date(2024, 9, 4)


@pytest.fixture
def access_officers(teams: dict[str, Team]) -> list[User]:
    return [
        factories.staff(Role.OFFICER, Team.Kind.ACCESS, username="access.one"),
        factories.staff(Role.OFFICER, Team.Kind.ACCESS, username="access.two"),
    ]


@pytest.fixture
def school_b(db: None) -> School:
    return factories.SchoolFactory.create(name="Northmoor High")


@pytest.fixture
def school_b_user(school_b: School) -> User:
    return factories.school_user(school_b, username="northmoor.user")


def pupil(school: School, text: str, *, since: dt.date = EARLY, name: str = "") -> Child:
    child = factories.ChildFactory.create(legal_forename=name or "Pupil")
    factories.RollEntryFactory.create(child=child, school=school, on_roll_from=since)
    record(child, school, text)
    return child


@pytest.fixture
def pupils(
    school: School, school_b: School, school_user: User, school_b_user: User, access_officers: Any
) -> Any:
    """The hand-built council's pupils (see the module docstring for the dates)."""
    p = SimpleNamespace()
    ill_days = [
        *school_days(dt.date(2026, 9, 7), dt.date(2026, 9, 11)),
        *school_days(dt.date(2026, 10, 5), dt.date(2026, 10, 9)),
        *school_days(dt.date(2026, 11, 2), dt.date(2026, 11, 6)),
    ]
    p.ill = pupil(school, marks(until=A_LAST, days=spread("II", ill_days)), name="Ill")
    # 15 school days without explanation across the half-term; a U day first, so not ground (i).
    unexplained = school_days(dt.date(2026, 10, 20), A_LAST)
    p.truant = pupil(
        school,
        marks(until=A_LAST, days={dt.date(2026, 10, 19): "UU", **spread("NN", unexplained)}),
        name="Truant",
    )
    # 20 school days all G, N or O: the ground (i) question as well.
    streak = school_days(dt.date(2026, 10, 12), A_LAST)
    p.ground = pupil(
        school,
        marks(until=A_LAST, days={**spread("GO", streak[:5]), **spread("NN", streak[5:])}),
        name="Ground",
    )
    # Changed school on 12 October: 8 days ill at B and 8 at A, 16 in all.
    p.mover = factories.ChildFactory.create(legal_forename="Mover")
    factories.RollEntryFactory.create(
        child=p.mover, school=school_b, on_roll_from=EARLY, on_roll_to=dt.date(2026, 10, 9)
    )
    factories.RollEntryFactory.create(child=p.mover, school=school, on_roll_from=dt.date(2026, 10, 12))
    b_ill = school_days(dt.date(2026, 9, 14), dt.date(2026, 9, 23))
    a_ill = [
        *school_days(dt.date(2026, 10, 12), dt.date(2026, 10, 16)),
        *school_days(dt.date(2026, 11, 2), dt.date(2026, 11, 4)),
    ]
    record(p.mover, school_b, marks(until=dt.date(2026, 10, 9), days=spread("II", b_ill)))
    record(p.mover, school, marks(start=dt.date(2026, 10, 12), until=A_LAST, days=spread("II", a_ill)))
    # On roll, marks to the half-term, nothing since: 10 school days without marks.
    p.gone = pupil(school, marks(until=dt.date(2026, 10, 23)), name="Gone")
    # Joined on 9 November and not marked yet: 5 school days, not "possibly left".
    p.newbie = pupil(
        school, marks(until=dt.date(2026, 9, 1), fill=".."), since=dt.date(2026, 11, 9), name="New"
    )
    p.steady = pupil(school_b, marks(until=B_LAST), name="Steady")
    p.persistent = pupil(
        school_b,
        marks(until=B_LAST, days=spread("MM", school_days(dt.date(2026, 9, 2), dt.date(2026, 9, 9)))),
        name="Persistent",
    )
    p.severe = pupil(
        school_b,
        marks(until=B_LAST, days=spread("CC", school_days(dt.date(2026, 9, 2), dt.date(2026, 10, 13)))),
        name="Severe",
    )
    return p


@dataclass(frozen=True)
class Totals:
    cases: int
    tasks: int
    events: int
    messages: int
    flags: int


def totals() -> Totals:
    return Totals(
        Case.objects.count(),
        Task.objects.count(),
        Event.objects.count(),
        Message.objects.count(),
        Flag.objects.count(),
    )


def facts(child: Child, school: School) -> dict[str, Any]:
    return dict(
        PupilMarks.objects.filter(child=child, school=school).values(
            "possible_sessions",
            "absent_sessions",
            "unauthorised_sessions",
            "illness_days",
            "unexplained_streak",
            "ground_i_streak",
            "unmarked_days",
            "persistent",
            "severe",
            "evaluated_as_of",
        )[0]
    )


def test_the_hand_built_council_gets_exactly_the_right_cases_and_tasks(
    pupils: Any, access_officers: list[User], inclusion_officer: User
) -> None:
    result = evaluate()

    assert result.pupils == 9
    assert result.records == 10
    assert result.problems == []
    health = Case.objects.filter(kind="health")
    assert {c.child_id for c in health} == {pupils.ill.pk, pupils.mover.pk}
    # Two new cases, two officers with none: one each.
    assert {c.owner_id for c in health} == {u.pk for u in access_officers}
    assert {c.source for c in health} == {
        "Attendance marks: 15 school days of illness this year",
        "Attendance marks: 16 school days of illness this year",
    }
    for case in health:
        assert set(case.tasks.values_list("code", flat=True)) == {"arrange_provision", "named_contact"}
        assert case.team.kind == Team.Kind.ACCESS
        assert case.next_action == "Assign a named contact"
        assert case.next_action_due == dt.date(2026, 11, 17)
    cme = {c.child_id: c for c in Case.objects.filter(kind="cme")}
    assert set(cme) == {pupils.truant.pk, pupils.ground.pk}
    assert set(cme[pupils.truant.pk].tasks.values_list("code", flat=True)) == {
        "first_enquiry",
        "enquiries_complete",
        "school_enquiries",
    }
    ground_tasks = {t.code: t for t in cme[pupils.ground.pk].tasks.all()}
    assert set(ground_tasks) == {"first_enquiry", "enquiries_complete", "school_enquiries", "ground_i"}
    assert ground_tasks["school_enquiries"].title == "Ask the school for its enquiries"
    assert ground_tasks["school_enquiries"].due == dt.date(2026, 11, 23)  # 5 school days after Mon 16th
    assert ground_tasks["ground_i"].title == (
        "Decide with the school whether ground (i) applies (20 school days' continuous absence)"
    )
    assert ground_tasks["ground_i"].key == f"ground_i:{cme[pupils.ground.pk].pk}"
    assert all(c.owner == inclusion_officer for c in cme.values())
    # Every new case has its history (bulk creation must not skip simple_history).
    assert Case.history.filter(history_type="+").count() == 4
    counts = result.summary()["prompts"]
    assert (counts["illness"]["found"], counts["illness"]["cases_opened"]) == (2, 2)
    assert (counts["missing"]["found"], counts["missing"]["cases_opened"]) == (2, 2)
    assert (counts["ground_i"]["found"], counts["ground_i"]["tasks_added"]) == (1, 1)
    assert counts["possibly_left"]["found"] == 1


def test_the_schools_are_asked_once_each_listing_their_pupils(
    pupils: Any, school_user: User, school_b_user: User, inclusion_officer: User, access_officers: list[User]
) -> None:
    evaluate()

    to_a = {m.subject: m.body for m in Message.objects.filter(recipient=school_user)}
    assert set(to_a) == {
        "Pupils absent without explanation for 10 school days: what enquiries have you made?",
        "Pupils with no attendance marks for 10 school days: have they left?",
    }
    enquiries = to_a["Pupils absent without explanation for 10 school days: what enquiries have you made?"]
    assert (
        f"{pupils.truant.full_name} (UPN {pupils.truant.upn}): 15 school days since 19 October 2026"
        in enquiries
    )
    assert (
        f"{pupils.ground.full_name} (UPN {pupils.ground.upn}): 20 school days since 12 October 2026"
        in enquiries
    )
    left = to_a["Pupils with no attendance marks for 10 school days: have they left?"]
    assert (
        f"{pupils.gone.full_name} (UPN {pupils.gone.upn}): no marks since 2 November 2026 (10 school days)"
        in left
    )
    assert pupils.newbie.full_name not in left
    assert not Message.objects.filter(recipient=school_b_user).exists()
    # Each team hears once about its new cases, not once per case.
    assert Message.objects.filter(recipient=inclusion_officer).count() == 1
    assert Message.objects.filter(recipient=access_officers[0]).count() == 1
    assert Message.objects.get(recipient=inclusion_officer).subject == (
        "2 new cases: child missing education (Attendance marks)"
    )


def test_the_flags_are_raised_on_the_child_for_persistent_and_severe_absence(pupils: Any) -> None:
    result = evaluate()

    open_flags = set(
        Flag.objects.filter(cleared_at__isnull=True, case__isnull=True).values_list("child_id", "code")
    )
    persistent = {pupils.ill, pupils.truant, pupils.ground, pupils.mover, pupils.persistent, pupils.severe}
    assert open_flags == {(c.pk, "persistent_absence") for c in persistent} | {
        (pupils.severe.pk, "severe_absence")
    }
    assert result.triggers["persistent"].flags_raised == 6
    assert result.triggers["severe"].flags_raised == 1
    detail = Flag.objects.get(child=pupils.persistent, code="persistent_absence").details
    assert detail == "Absent from 12% of possible sessions this school year (12 of 98) to 16 November 2026"
    assert Event.objects.filter(child=pupils.severe, verb=events.FLAG_RAISED).count() == 2


def test_the_facts_are_written_to_each_record_over_its_schools_window(
    pupils: Any, school: School, school_b: School
) -> None:
    result = evaluate()

    assert facts(pupils.truant, school) == {
        "possible_sessions": 96,
        "absent_sessions": 30,
        "unauthorised_sessions": 30,
        "illness_days": 0,
        "unexplained_streak": 15,
        "ground_i_streak": 14,
        "unmarked_days": 0,
        "persistent": True,
        "severe": False,
        "evaluated_as_of": A_LAST,
    }
    assert facts(pupils.steady, school_b)["evaluated_as_of"] == B_LAST
    assert facts(pupils.steady, school_b)["possible_sessions"] == 98
    # The mover's records each hold their own school's facts; the child is evaluated on both.
    at_b = facts(pupils.mover, school_b)
    assert (at_b["illness_days"], at_b["possible_sessions"], at_b["unmarked_days"]) == (8, 56, 21)
    at_a = facts(pupils.mover, school)
    assert (at_a["illness_days"], at_a["possible_sessions"]) == (8, 40)
    # Possibly left counts only the days since joining the roll.
    assert facts(pupils.gone, school)["unmarked_days"] == 10
    assert facts(pupils.newbie, school)["unmarked_days"] == 5
    assert result.facts_written == 10


def test_the_days_the_returns_thresholds_were_reached_are_written_and_cleared(
    pupils: Any, school: School, school_b: School
) -> None:
    evaluate()

    def days(child: Child, at: School) -> tuple[dt.date | None, dt.date | None]:
        row = PupilMarks.objects.get(child=child, school=at)
        return row.tenth_unexplained_day, row.fifteenth_illness_day

    # The ill pupil's 15th day ill: Friday 6 November (5 days in each of three weeks).
    assert days(pupils.ill, school) == (None, dt.date(2026, 11, 6))
    # U on 19 October then N: the 10th day is after the half-term, Friday 6 November.
    assert days(pupils.truant, school) == (dt.date(2026, 11, 6), None)
    # G/O from 12 October: the 10th day is Friday 23 October, before the half-term.
    assert days(pupils.ground, school) == (dt.date(2026, 10, 23), None)
    # Each record holds its own school's marks: 8 days ill at each school reach 15 at neither.
    assert days(pupils.mover, school) == days(pupils.mover, school_b) == (None, None)
    assert days(pupils.steady, school_b) == (None, None)

    # The school corrects the register: the days are cleared on the next evaluation.
    PupilMarks.objects.filter(child=pupils.truant).update(marks=marks(until=A_LAST))
    again = evaluate()
    assert days(pupils.truant, school) == (None, None)
    assert again.facts_written == 1


def test_running_evaluate_twice_creates_nothing_new(pupils: Any) -> None:
    evaluate()
    before = totals()

    again = evaluate()

    assert totals() == before
    assert again.facts_written == 0
    assert all(
        (c.cases_opened, c.cases_updated, c.tasks_added, c.flags_raised, c.flags_cleared, c.messages)
        == (0,) * 6
        for c in again.triggers.values()
    )


def test_evaluating_some_children_reevaluates_their_whole_school(pupils: Any) -> None:
    # An import of one pupil's marks: the school's window moved, so the pupil who is in no file
    # is still found possibly left.
    result = evaluate(child_ids=[pupils.steady.pk])

    assert result.pupils == 4  # Northmoor High's pupils: steady, persistent, severe, and the mover
    assert result.triggers["illness"].cases_opened == 1  # the mover, on both schools' marks
    assert result.triggers["possibly_left"].found == 0

    result = evaluate(child_ids=[pupils.ill.pk])
    assert result.pupils == 6  # Moorside Academy's pupils, the mover among them
    assert result.triggers["possibly_left"].found == 1


def test_an_open_case_gets_the_new_facts_once_instead_of_a_second_case(
    pupils: Any, access_officers: list[User], school: School
) -> None:
    open_case = case_open(
        child=pupils.ill,
        kind="health",
        team=Team.objects.get(kind=Team.Kind.ACCESS),
        source="Health report",
    )

    first = evaluate()
    second = evaluate()

    assert Case.objects.filter(child=pupils.ill, kind="health").count() == 1
    assert (first.triggers["illness"].cases_updated, first.triggers["illness"].cases_opened) == (1, 1)
    assert second.triggers["illness"].cases_updated == 0
    update = Event.objects.get(case=open_case, verb=events.CASE_UPDATED)
    assert update.payload["what"] == "Attendance marks: 15 school days of illness this year"
    assert events.event_text(update) == (
        f"New information added to case {open_case.reference}: Attendance marks: 15 school days of illness this year"
    )

    # A sixteenth day of illness is new information: one more event, still one case.
    more = pupils.ill.attendance.get(school=school)
    more.marks = marks(
        until=A_LAST,
        days=spread(
            "II",
            [
                *school_days(dt.date(2026, 9, 7), dt.date(2026, 9, 11)),
                *school_days(dt.date(2026, 10, 5), dt.date(2026, 10, 9)),
                *school_days(dt.date(2026, 11, 2), dt.date(2026, 11, 6)),
                dt.date(2026, 11, 13),
            ],
        ),
    )
    more.save()
    third = evaluate()
    assert third.triggers["illness"].cases_updated == 1
    assert Event.objects.filter(case=open_case, verb=events.CASE_UPDATED).count() == 2
    assert Case.objects.filter(child=pupils.ill, kind="health").count() == 1


def test_a_closed_case_does_not_stop_a_new_one_when_the_facts_are_new(pupils: Any, school: School) -> None:
    evaluate()
    case = Case.objects.get(child=pupils.truant, kind="cme")
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=case.opened_at, outcome="on_roll")

    # The same streak again: the officer closed that case, so nothing reopens it.
    assert evaluate().triggers["missing"].cases_opened == 0
    assert Case.objects.filter(child=pupils.truant, kind="cme").count() == 1

    # Back for a day, then a new streak of 10 school days: a new case.
    record_ = pupils.truant.attendance.get(school=school)
    later = school_days(dt.date(2026, 10, 29), A_LAST)
    record_.marks = marks(until=A_LAST, days={dt.date(2026, 10, 23): PRESENT, **spread("OO", later)})
    record_.save()
    result = evaluate()
    assert result.triggers["missing"].cases_opened == 1
    assert Case.objects.filter(child=pupils.truant, kind="cme", closed_at__isnull=True).count() == 1
    assert Case.objects.filter(child=pupils.truant, kind="cme").count() == 2


def test_ground_i_adds_its_task_to_the_open_cme_case_once(pupils: Any, inclusion_officer: User) -> None:
    existing = case_open(
        child=pupils.ground,
        kind="cme",
        team=Team.objects.get(kind=Team.Kind.INCLUSION),
        source="Removal notice",
    )

    evaluate()
    evaluate()

    assert Case.objects.filter(child=pupils.ground, kind="cme").count() == 1
    assert list(existing.tasks.filter(code="ground_i").values_list("key", flat=True)) == [
        f"ground_i:{existing.pk}"
    ]
    assert not existing.tasks.filter(code="school_enquiries").exists()  # that is for new cases only
    assert Event.objects.filter(case=existing, verb=events.CASE_UPDATED).count() == 1
    assert Event.objects.filter(case=existing, verb=events.TASK_ADDED).count() == 1


def test_flags_clear_when_the_marks_no_longer_show_the_absence(pupils: Any, school_b: School) -> None:
    evaluate()
    severe = pupils.severe.attendance.get(school=school_b)
    severe.marks = marks(
        until=B_LAST, days=spread("CC", school_days(dt.date(2026, 9, 2), dt.date(2026, 9, 8)))
    )
    severe.save()  # now 10 of 98 sessions: persistent, not severe

    result = evaluate()

    assert result.triggers["severe"].flags_cleared == 1
    assert result.triggers["persistent"].flags_cleared == 0
    assert set(
        Flag.objects.filter(child=pupils.severe, cleared_at__isnull=True).values_list("code", flat=True)
    ) == {"persistent_absence"}
    assert Event.objects.filter(child=pupils.severe, verb="flag.cleared").count() == 1


def test_a_team_with_nobody_to_own_the_cases_is_reported_and_the_rest_still_done(pupils: Any) -> None:
    Membership.objects.filter(team__kind=Team.Kind.ACCESS).delete()

    result = evaluate()

    assert result.problems == [
        "Illness: The Access to Education team has nobody to own the cases. "
        "Ask an administrator to add an officer."
    ]
    assert not Case.objects.filter(kind="health").exists()
    assert Case.objects.filter(kind="cme").count() == 2
    assert Flag.objects.filter(code="persistent_absence").count() == 6
    # Nothing was recorded as done, so the next evaluation tries again.
    factories.staff(Role.OFFICER, Team.Kind.ACCESS, username="access.new")
    assert evaluate().triggers["illness"].cases_opened == 2


def test_health_cases_start_with_the_same_tasks_as_a_school_health_report(
    pupils: Any, school: School, school_user: User, access_officers: list[User]
) -> None:
    other = factories.ChildFactory.create()
    report = health_services.health_report_record(
        child=other,
        school=school,
        actor=school_user,
        facts=ReportFacts(
            first_day_absent=dt.date(2026, 10, 19),
            days_so_far=15,
            pattern="consecutive",
            medical_evidence="no",
        ),
    )
    evaluate()

    def plan(case: Case | None) -> set[tuple[str, str, dt.date]]:
        assert case is not None
        return set(case.tasks.values_list("code", "title", "due"))

    assert plan(Case.objects.get(child=pupils.ill, kind="health")) == plan(report.case)


def test_the_query_count_does_not_grow_with_the_number_of_pupils(
    school: School, school_user: User, access_officers: list[User], django_assert_max_num_queries: Any
) -> None:
    def council_of(n: int) -> None:
        PupilMarks.objects.all().delete()
        ill = spread("II", school_days(dt.date(2026, 9, 7), dt.date(2026, 9, 29)))
        away = spread("NN", school_days(dt.date(2026, 10, 19), A_LAST))
        kinds = [
            marks(until=A_LAST, days=ill),
            marks(until=A_LAST, days=away),
            marks(until=dt.date(2026, 10, 23)),
            marks(until=A_LAST, days=spread("CC", school_days(dt.date(2026, 9, 2), dt.date(2026, 9, 30)))),
            marks(until=A_LAST),
        ]
        for i in range(n):
            pupil(school, kinds[i % len(kinds)])

    council_of(5)
    with CaptureQueriesContext(connection) as five:
        small = evaluate()
    council_of(50)
    with django_assert_max_num_queries(len(five.captured_queries)):
        large = evaluate()
    assert small.pupils == 5
    assert large.pupils == 50
    assert large.triggers["illness"].cases_opened == 10
    assert large.triggers["missing"].cases_opened == 10
    assert large.triggers["possibly_left"].found == 10


def test_an_earlier_as_of_day_ends_every_schools_window_there(pupils: Any, school: School) -> None:
    result = evaluate(as_of=dt.date(2026, 10, 23))

    assert facts(pupils.truant, school)["unexplained_streak"] == 5  # 19 to 23 October
    assert facts(pupils.truant, school)["evaluated_as_of"] == dt.date(2026, 10, 23)
    # Ground has 10 days to 23 October (from the 12th): missing, but not yet ground (i).
    assert result.triggers["missing"].found == 1
    assert facts(pupils.ground, school)["unexplained_streak"] == 10
    assert result.triggers["ground_i"].found == 0
    assert result.triggers["possibly_left"].found == 0  # Gone was marked to 23 October


def test_the_nightly_sweep_step_catches_up_and_then_has_nothing_to_do(pupils: Any) -> None:
    first = attendance_sweep(today=dt.date(2026, 11, 16), calendar=council_calendar())
    second = attendance_sweep(today=dt.date(2026, 11, 16), calendar=council_calendar())

    assert (first["attendance_pupils"], first["attendance_cases_opened"]) == (9, 4)
    assert second["attendance_pupils"] == 9
    assert second["attendance_facts_written"] == second["attendance_cases_opened"] == 0
    assert second["attendance_messages"] == second["attendance_flags_raised"] == 0


def stored_state() -> dict[str, list[dict[str, Any]]]:
    """Everything an evaluation writes: every record's facts, and every flag, case, task, event
    and message as stored."""
    return {
        "records": list(PupilMarks.objects.order_by("pk").values("pk", "marks", *(f for f in FACT_FIELDS))),
        **{
            model.__name__: list(model.objects.order_by("pk").values())
            for model in (Flag, Case, Task, Event, Message)
        },
    }


def test_evaluating_the_schools_an_import_changed_leaves_what_evaluating_everybody_leaves(
    pupils: Any, school: School, school_b: School
) -> None:
    evaluate()
    # Moorside Academy's file: one pupil's marks, to a later day, so the school's window moves
    # and every pupil of it (those not in the file too) has new facts.
    ill = PupilMarks.objects.get(child=pupils.ill, school=school)
    ill.marks = marks(until=B_LAST, days=spread("II", school_days(dt.date(2026, 11, 2), B_LAST)))
    ill.save()

    result = evaluate(school_ids=[school.pk])

    assert result.pupils == 6  # Moorside Academy's pupils, the mover among them; not Northmoor's
    assert facts(pupils.gone, school)["unmarked_days"] == 11  # not in the file, window moved
    state = stored_state()
    everybody = evaluate()
    assert everybody.facts_written == 0
    assert all(
        (c.cases_opened, c.cases_updated, c.tasks_added, c.flags_raised, c.flags_cleared, c.messages)
        == (0,) * 6
        for c in everybody.triggers.values()
    )
    assert stored_state() == state

    # Northmoor High's file: the mover's record there (read again, with Moorside's, for the
    # merge) and a pupil absent without a reason for the last ten days.
    steady = PupilMarks.objects.get(child=pupils.steady, school=school_b)
    steady.marks = marks(until=B_LAST, days=spread("NN", school_days(dt.date(2026, 11, 3), B_LAST)))
    steady.save()
    mover = PupilMarks.objects.get(child=pupils.mover, school=school_b)
    mover.marks = marks(
        until=dt.date(2026, 10, 9), days=spread("II", school_days(dt.date(2026, 9, 7), dt.date(2026, 9, 23)))
    )
    mover.save()

    result = evaluate(school_ids=[school_b.pk])

    assert result.pupils == 4  # steady, persistent, severe and the mover
    assert result.triggers["missing"].cases_opened == 1
    state = stored_state()
    everybody = evaluate()
    assert everybody.facts_written == 0
    assert stored_state() == state
