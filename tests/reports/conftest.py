"""A small hand-built council whose every report figure is worked out by hand in the tests.

Today is Monday 16 November 2026 (the frozen clock). The past period the tests use is March 2026
(month) and Q4 2025/26, January to March 2026 (quarter). British Summer Time began on 29 March
2026, so 23:30 on 31 March in England is 22:30 UTC: the boundary cases below sit either side of
midnight in England.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.admissions.models import (
    Application,
    DeferredPlace,
    FairAccessReferral,
    Offer,
    PutOnRollRequest,
    VulnerabilityAnswer,
)
from rollcall.casework.models import Case, Escalation, SweepRun, Task
from rollcall.people.models import Child
from rollcall.rules.escalation import Level
from rollcall.rules.workflow import Role
from rollcall.schools.models import RemovalNotice, RollEntry, School
from tests import factories


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """An instant on ``day`` at ``hour``:``minute`` in England."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.LONDON)


D = dt.date
DEFAULT_DOB = D(2014, 5, 1)


def make_case(
    kind: str,
    team: Team,
    owner: User,
    opened_on: dt.date,
    *,
    child: Child | None = None,
    closed_at: dt.datetime | None = None,
    outcome: str = "",
    level: int = Level.OFFICER,
    due: dt.date | None = None,
) -> Case:
    return Case.objects.create(
        kind=kind,
        child=child or factories.ChildFactory.create(),
        team=team,
        owner=owner,
        status="closed" if closed_at else "new",
        source="test",
        opened_at=at(opened_on),
        opened_on=opened_on,
        next_action="" if closed_at else "Next step",
        next_action_due=None if closed_at else (due or opened_on + dt.timedelta(days=7)),
        closed_at=closed_at,
        outcome=outcome,
        escalation_level=level,
    )


def make_task(case: Case, due: dt.date, created: dt.date, completed_at: dt.datetime | None = None) -> Task:
    return Task.objects.create(
        case=case,
        code="test",
        title=f"Task due {due}",
        due=due,
        assignee=case.owner or _nobody(),
        created_at=at(created, 9),
        completed_at=completed_at,
        status=Task.Status.DONE if completed_at else Task.Status.OPEN,
    )


def _nobody() -> User:
    raise AssertionError("a test case always has an owner")


@dataclass
class Council:
    teams: dict[str, Team]
    officer: User
    manager: User
    head: User
    reader: User
    admissions_officer: User
    school: School
    cases: dict[str, Case] = field(default_factory=dict)
    children: dict[str, Child] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def _request(
    child: Child,
    school: School,
    user: User,
    sent_on: dt.date,
    answer_due: dt.date,
    *,
    case: Case | None,
    checked_off: dt.date | None = None,
    referred: dt.date | None = None,
) -> PutOnRollRequest:
    application = Application.objects.create(
        child=child,
        received_on=sent_on - dt.timedelta(days=10),
        preferred_school_1=school,
        reason_for_move="Moved house",
        vulnerable=case is not None,
        created_by=user,
        created_at=at(sent_on - dt.timedelta(days=10)),
        case=case,
    )
    offer = Offer.objects.create(
        application=application,
        school=school,
        decision_date=sent_on,
        offered_on=sent_on,
        created_by=user,
        created_at=at(sent_on),
    )
    return PutOnRollRequest.objects.create(
        offer=offer,
        application=application,
        child=child,
        school=school,
        case=case,
        sent_on=sent_on,
        sent_at=at(sent_on),
        answer_due=answer_due,
        second_window_ends=answer_due + dt.timedelta(days=14),
        checked_off_at=at(checked_off) if checked_off else None,
        referred_cme_on=referred,
    )


@pytest.fixture
def council(frozen_clock: Any, terms: None, teams: dict[str, Team]) -> Council:
    officer = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.officer")
    access_officer = factories.staff(Role.OFFICER, Team.Kind.ACCESS, username="access.officer")
    manager = factories.staff(Role.MANAGER, Team.Kind.INCLUSION, username="inclusion.manager")
    head = factories.staff(Role.HEAD_OF_SERVICE, Team.Kind.HEADS, username="head.of.service")
    admissions_officer = factories.staff(Role.OFFICER, Team.Kind.ADMISSIONS, username="admissions.officer")
    reader = factories.UserFactory.create(username="director")
    from rollcall.accounts.models import Membership

    Membership.objects.create(user=reader, role=Role.READER.value)
    school = factories.SchoolFactory.create(name="Moorside Academy")
    inclusion, access, admissions = teams["inclusion"], teams["access"], teams["admissions"]
    c = Council(teams, officer, manager, head, reader, admissions_officer, school)

    def child(name: str, dob: dt.date = DEFAULT_DOB) -> Child:
        c.children[name] = factories.ChildFactory.create(
            legal_forename=name, legal_surname="Testchild", date_of_birth=dob
        )
        return c.children[name]

    cases = c.cases
    # Children missing education (Inclusion).
    cases["c1"] = make_case(
        "cme",
        inclusion,
        officer,
        D(2026, 2, 10),
        child=child("Ada"),
        closed_at=at(D(2026, 3, 5)),
        outcome="on_roll",
    )
    cases["c2"] = make_case(
        "cme",
        inclusion,
        officer,
        D(2026, 3, 2),
        child=child("Ben"),
        closed_at=at(D(2026, 3, 20)),
        outcome="other",
    )
    cases["c3"] = make_case("cme", inclusion, officer, D(2026, 3, 10), child=child("Cal"), due=D(2026, 3, 15))
    cases["c4"] = make_case(
        "cme",
        inclusion,
        officer,
        D(2026, 3, 25),
        child=child("Dee"),
        closed_at=at(D(2026, 4, 15)),
        outcome="on_roll",
    )
    # Health needs (Access to Education): closed at 23:30 on 31 March in England, and at 00:30
    # on 1 April in England (23:30 UTC on 31 March).
    cases["c5"] = make_case(
        "health",
        access,
        access_officer,
        D(2026, 1, 5),
        child=child("Eve"),
        closed_at=at(D(2026, 3, 31), 23, 30),
        outcome="back_in_school",
    )
    cases["c6"] = make_case(
        "health",
        access,
        access_officer,
        D(2026, 3, 31),
        child=child("Fay"),
        closed_at=at(D(2026, 4, 1), 0, 30),
        outcome="other",
    )
    # Waiting for a place (Admissions).
    cases["c7"] = make_case("waiting", admissions, admissions_officer, D(2025, 12, 1), child=child("Wyn"))
    cases["c11"] = make_case(
        "waiting", admissions, admissions_officer, D(2026, 3, 1), child=child("Vic", D(2018, 1, 1))
    )
    RollEntry.objects.create(child=c.children["Vic"], school=school, on_roll_from=D(2026, 3, 20))
    cases["c12"] = make_case(
        "waiting",
        admissions,
        admissions_officer,
        D(2026, 2, 1),
        child=child("Uma"),
        closed_at=at(D(2026, 3, 15)),
        outcome="on_roll",
    )
    # Later cases.
    cases["c8"] = make_case(
        "removal", inclusion, officer, D(2026, 4, 2), child=child("Zak"), due=D(2026, 12, 1)
    )
    cases["c9"] = make_case(
        "cme",
        inclusion,
        officer,
        D(2026, 11, 2),
        child=child("Ivy"),
        level=Level.EXCEPTIONS,
        due=D(2026, 11, 3),
    )
    cases["c10"] = make_case(
        "admission",
        admissions,
        admissions_officer,
        D(2026, 11, 3),
        child=child("Jo"),
        closed_at=at(D(2026, 11, 10)),
        outcome="attending",
    )

    # Tasks (overdue at the end of 31 March: t1 and t3).
    make_task(cases["c3"], D(2026, 3, 20), D(2026, 3, 10))  # t1: open: overdue then and now
    make_task(cases["c4"], D(2026, 3, 31), D(2026, 3, 25), at(D(2026, 4, 2)))  # t2: due that day
    make_task(cases["c6"], D(2026, 3, 30), D(2026, 3, 31), at(D(2026, 4, 1)))  # t3: done the next day
    make_task(cases["c7"], D(2026, 3, 1), D(2025, 12, 1), at(D(2026, 3, 31), 15))  # t4: done on the day
    make_task(cases["c3"], D(2026, 3, 15), D(2026, 4, 5))  # t5: created later; open now
    make_task(cases["c1"], D(2026, 3, 1), D(2026, 2, 10), at(D(2026, 3, 5)))  # t6: cancelled on closing
    make_task(cases["c9"], D(2026, 11, 3), D(2026, 11, 2))  # t7: open, overdue now
    make_task(cases["c8"], D(2026, 12, 1), D(2026, 4, 2))  # t8: not yet due
    make_task(cases["c7"], D(2026, 1, 5), D(2025, 12, 1), at(D(2026, 4, 20)))  # t9: long overdue on 31 March

    def escalate(case: Case, level: Level, reached: dt.date, since: dt.date) -> None:
        Escalation.objects.create(
            case=case, level=level, reached_on=reached, overdue_since=since, created_at=at(reached)
        )

    escalate(cases["c3"], Level.MANAGER, D(2026, 3, 27), D(2026, 3, 20))
    escalate(cases["c3"], Level.HEAD_OF_SERVICE, D(2026, 4, 3), D(2026, 3, 20))
    escalate(cases["c9"], Level.MANAGER, D(2026, 11, 5), D(2026, 11, 3))
    escalate(cases["c9"], Level.HEAD_OF_SERVICE, D(2026, 11, 9), D(2026, 11, 3))
    escalate(cases["c9"], Level.EXCEPTIONS, D(2026, 11, 12), D(2026, 11, 3))
    escalate(cases["c7"], Level.EXCEPTIONS, D(2026, 3, 2), D(2026, 1, 5))
    escalate(cases["c4"], Level.EXCEPTIONS, D(2026, 3, 28), D(2026, 3, 1))

    # What the sweep recorded in March and April.
    for as_of, breaches in (
        (D(2026, 3, 30), ["a", "b"]),
        (D(2026, 3, 31), ["x"]),
        (D(2026, 4, 1), ["p", "q", "r"]),
    ):
        SweepRun.objects.create(
            as_of=as_of, started_at=at(as_of, 18), finished_at=at(as_of, 18, 5), breaches=breaches
        )

    # Removal notices.
    other = factories.SchoolFactory.create(name="Hillside Primary")

    def notice(
        who: Child,
        received: dt.datetime,
        *,
        destination: School | None = None,
        unlawful: bool = False,
        ground: str = "g",
    ) -> RemovalNotice:
        return RemovalNotice.objects.create(
            school=school if destination is None else other,
            child=who,
            submitted_by=officer,
            received_at=received,
            removal_date=clock.local_date(received),
            ground=ground,
            destination_school=destination,
            possibly_unlawful=unlawful,
        )

    child("Nia")
    RollEntry.objects.create(child=c.children["Nia"], school=other, on_roll_from=D(2026, 3, 1))
    notice(c.children["Nia"], at(D(2026, 2, 15)))  # n1: back on a roll by 31 March
    notice(child("Noa"), at(D(2026, 3, 10)), destination=school)  # n2: destination known
    notice(c.children["Dee"], at(D(2026, 3, 31), 23), unlawful=True, ground="i")  # n3: Dee has case c4
    notice(c.children["Zak"], at(D(2026, 4, 1), 0, 30))  # n4: April in England; Zak has case c8
    notice(child("Yan"), at(D(2026, 3, 12)))  # n5: no roll, no case: a breach of the invariant

    # Vulnerable applicants' put-on-roll requests (r6 is not a vulnerable applicant).
    user = admissions_officer
    _request(
        child("R1"),
        school,
        user,
        D(2026, 1, 10),
        D(2026, 1, 24),
        case=cases["c10"],
        checked_off=D(2026, 2, 1),
    )
    _request(
        child("R2"), school, user, D(2026, 2, 1), D(2026, 2, 15), case=cases["c10"], referred=D(2026, 3, 1)
    )
    _request(child("R3"), school, user, D(2026, 3, 20), D(2026, 3, 30), case=cases["c10"])
    _request(
        child("R4"),
        school,
        user,
        D(2026, 3, 25),
        D(2026, 4, 8),
        case=cases["c10"],
        checked_off=D(2026, 4, 10),
    )
    _request(
        child("R5"),
        school,
        user,
        D(2025, 12, 1),
        D(2025, 12, 15),
        case=cases["c10"],
        checked_off=D(2026, 5, 1),
    )
    _request(child("R6"), school, user, D(2026, 3, 1), D(2026, 3, 15), case=None)

    # Fair Access referrals.
    def referral(who: str, taken: dt.date, due: dt.date, **kw: Any) -> None:
        FairAccessReferral.objects.create(
            child=child(who),
            category="homeless",
            reason="Test",
            taken_into_protocol_on=taken,
            placement_due=due,
            created_by=user,
            created_at=at(taken),
            **kw,
        )

    referral(
        "F1",
        D(2026, 1, 12),
        D(2026, 2, 9),
        allocated_on=D(2026, 2, 1),
        admitted_on=D(2026, 2, 20),
        decision="allocated",
    )
    referral("F2", D(2026, 2, 1), D(2026, 3, 1), allocated_on=D(2026, 3, 10), decision="allocated")
    referral("F3", D(2026, 3, 15), D(2026, 4, 13))
    referral("F4", D(2026, 3, 1), D(2026, 3, 29), decision="not_accepted")
    referral("F5", D(2025, 11, 1), D(2025, 12, 1), allocated_on=D(2026, 4, 1), decision="allocated")

    # Deferred places.
    def deferred(who: str, due: dt.date, checked: dt.date | None = None, started: bool | None = None) -> None:
        DeferredPlace.objects.create(
            child=child(who),
            school=school,
            due_to_start=due,
            checked_on=checked,
            started=started,
            created_by=user,
            created_at=at(D(2025, 7, 1)),
        )

    deferred("D1", D(2025, 9, 3), D(2025, 9, 3), True)
    deferred("D2", D(2026, 1, 6), D(2026, 1, 6), False)
    deferred("D3", D(2026, 4, 14), D(2026, 9, 10), True)  # checked after the school year ended
    deferred("D4", D(2026, 9, 2), D(2026, 9, 2), True)
    deferred("D5", D(2027, 1, 5))

    # A vulnerability answer for the hub profile: Cal's latest application says "yes" to SEN.
    old = Application.objects.create(
        child=c.children["Cal"],
        received_on=D(2025, 6, 1),
        preferred_school_1=school,
        reason_for_move="x",
        created_by=user,
        created_at=at(D(2025, 6, 1)),
    )
    VulnerabilityAnswer.objects.create(application=old, characteristic="low_attendance", answer="yes")
    new = Application.objects.create(
        child=c.children["Cal"],
        received_on=D(2026, 2, 1),
        preferred_school_1=school,
        reason_for_move="x",
        created_by=user,
        created_at=at(D(2026, 2, 1)),
    )
    VulnerabilityAnswer.objects.create(application=new, characteristic="sen", answer="yes")
    VulnerabilityAnswer.objects.create(application=new, characteristic="exclusions", answer="no")
    return c
