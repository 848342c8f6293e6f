"""cases_open_bulk: many cases opened in a few queries, as case_open would open each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollcall.accounts.models import Membership, Team, User
from rollcall.casework import events
from rollcall.casework.models import Case, Event, Task
from rollcall.casework.services import BulkCaseItem, CaseworkError, case_open, cases_open_bulk
from rollcall.notify.models import Message
from rollcall.people.models import Child
from rollcall.rules.workflow import Role
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]

NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)


def children(n: int) -> list[Child]:
    return [factories.ChildFactory.create() for _ in range(n)]


def test_it_opens_a_case_for_each_child_with_the_kinds_first_tasks(
    inclusion: Team, inclusion_officer: User
) -> None:
    kids = children(3)

    cases = cases_open_bulk(
        kind="cme",
        team=inclusion,
        items=[BulkCaseItem(child_id=c.pk) for c in kids],
        source="Attendance marks",
    )

    assert [c.child_id for c in cases] == [c.pk for c in kids]
    for case in cases:
        case.refresh_from_db()
        assert (case.status, case.source, case.owner, case.opened_on) == (
            "new",
            "Attendance marks",
            inclusion_officer,
            dt.date(2026, 11, 16),
        )
        tasks = {t.code: t for t in case.tasks.all()}
        # The same first tasks case_open gives a CME case (rules/deadlines.py timescales).
        assert {code: (t.due, t.key) for code, t in tasks.items()} == {
            "first_enquiry": (dt.date(2026, 11, 17), f"first_enquiry:{case.pk}"),
            "enquiries_complete": (dt.date(2026, 12, 14), f"enquiries_complete:{case.pk}"),
        }
        assert (case.next_action, case.next_action_due) == ("Make the first enquiry", dt.date(2026, 11, 17))
        assert case.next_escalation_on == dt.date(2026, 11, 24)  # 5 school days overdue: the manager
        assert case.history.count() == 1
        assert all(t.history.count() == 1 for t in tasks.values())
        opened = Event.objects.get(case=case, verb=events.CASE_OPENED)
        assert events.event_text(opened) == (
            f"Child missing education case {case.reference} opened (Attendance marks); owner {inclusion_officer}"
        )


def test_it_opens_cases_exactly_as_case_open_does(inclusion: Team, inclusion_officer: User) -> None:
    one, other = children(2)
    single = case_open(child=one, kind="cme", team=inclusion, source="Referral", at=NOW)
    (bulk,) = cases_open_bulk(
        kind="cme", team=inclusion, items=[BulkCaseItem(child_id=other.pk)], source="Referral", at=NOW
    )

    fields = [
        "status",
        "owner_id",
        "team_id",
        "next_action",
        "next_action_due",
        "escalation_level",
        "next_escalation_on",
    ]
    single.refresh_from_db()
    bulk.refresh_from_db()
    assert {f: getattr(bulk, f) for f in fields} == {f: getattr(single, f) for f in fields}
    assert set(bulk.tasks.values_list("code", "title", "due")) == set(
        single.tasks.values_list("code", "title", "due")
    )


def test_owners_are_spread_by_their_current_load(inclusion: Team, inclusion_officer: User) -> None:
    busy = inclusion_officer
    free = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.free")
    for child in children(3):
        case_open(child=child, kind="cme", team=inclusion, source="Referral", owner=busy)

    cases = cases_open_bulk(
        kind="cme",
        team=inclusion,
        items=[BulkCaseItem(child_id=c.pk) for c in children(5)],
        source="Referral",
    )

    owners = [c.owner_id for c in cases]
    # The free officer takes new cases until level with the busy one (3 each), then they alternate.
    assert owners.count(free.pk) == 4
    assert owners.count(busy.pk) == 1


def test_a_child_with_an_open_case_gets_the_new_facts_on_it_instead(
    inclusion: Team, inclusion_officer: User
) -> None:
    known, new = children(2)
    existing = case_open(child=known, kind="cme", team=inclusion, source="Referral")

    cases = cases_open_bulk(
        kind="cme",
        team=inclusion,
        items=[
            BulkCaseItem(child_id=known.pk, source="Attendance marks: 12 school days", facts={"key": "k1"}),
            BulkCaseItem(child_id=new.pk),
        ],
        source="Attendance marks",
    )

    assert cases[0] == existing
    assert cases[1].pk != existing.pk
    assert Case.objects.filter(child=known, kind="cme").count() == 1
    update = Event.objects.get(case=existing, verb=events.CASE_UPDATED)
    assert update.payload == {
        "reference": existing.reference,
        "what": "Attendance marks: 12 school days",
        "key": "k1",
    }
    assert Task.objects.filter(case=existing).count() == 2  # case_open's own; no new tasks


def test_a_closed_case_does_not_stop_a_new_one(inclusion: Team, inclusion_officer: User) -> None:
    (child,) = children(1)
    closed = case_open(child=child, kind="cme", team=inclusion, source="Referral")
    Case.objects.filter(pk=closed.pk).update(status="closed", closed_at=NOW, outcome="on_roll")

    (case,) = cases_open_bulk(
        kind="cme", team=inclusion, items=[BulkCaseItem(child_id=child.pk)], source="Again"
    )

    assert case.pk != closed.pk
    assert Case.objects.open().filter(child=child, kind="cme").get() == case


def test_the_team_hears_once_about_all_the_new_cases(
    inclusion: Team, inclusion_officer: User, inclusion_manager: User
) -> None:
    cases_open_bulk(
        kind="cme",
        team=inclusion,
        items=[BulkCaseItem(child_id=c.pk) for c in children(4)],
        source="Attendance marks",
    )

    for person in (inclusion_officer, inclusion_manager):
        (message,) = Message.objects.filter(recipient=person)
        assert message.subject == "4 new cases: child missing education (Attendance marks)"
        assert message.body.count("CME-") == 4


def test_the_items_own_source_summary_and_first_tasks_are_used(
    inclusion: Team, inclusion_officer: User
) -> None:
    (child,) = children(1)
    due = dt.date(2026, 11, 20)

    (case,) = cases_open_bulk(
        kind="health",
        team=inclusion,
        items=[
            BulkCaseItem(
                child_id=child.pk,
                source="Attendance marks: 15 school days of illness",
                summary="Ill",
                first_tasks=(("arrange_provision", "Arrange provision", due),),
                facts={"attendance_key": "x"},
            )
        ],
        source="Attendance marks",
    )

    case.refresh_from_db()
    assert (case.source, case.summary, case.next_action, case.next_action_due) == (
        "Attendance marks: 15 school days of illness",
        "Ill",
        "Arrange provision",
        due,
    )
    assert Event.objects.get(case=case, verb=events.CASE_OPENED).payload["attendance_key"] == "x"


def test_a_team_without_officers_gives_the_cases_to_its_managers(teams: dict[str, Team]) -> None:
    manager = factories.staff(Role.MANAGER, Team.Kind.ACCESS, username="access.manager")

    (case,) = cases_open_bulk(
        kind="health",
        team=teams[Team.Kind.ACCESS],
        items=[BulkCaseItem(child_id=children(1)[0].pk)],
        source="x",
    )

    assert case.owner == manager


def test_a_team_with_nobody_refuses_and_opens_nothing(teams: dict[str, Team]) -> None:
    Membership.objects.filter(team=teams[Team.Kind.ACCESS]).delete()

    with pytest.raises(CaseworkError, match="has nobody to own the cases"):
        cases_open_bulk(
            kind="health",
            team=teams[Team.Kind.ACCESS],
            items=[BulkCaseItem(child_id=children(1)[0].pk)],
            source="x",
        )
    assert not Case.objects.exists()


def test_no_items_do_nothing(inclusion: Team) -> None:
    assert cases_open_bulk(kind="cme", team=inclusion, items=[], source="x") == []


def test_the_query_count_does_not_grow_with_the_number_of_cases(
    inclusion: Team, inclusion_officer: User, django_assert_max_num_queries: Any
) -> None:
    few = [BulkCaseItem(child_id=c.pk) for c in children(5)]
    many = [BulkCaseItem(child_id=c.pk) for c in children(50)]

    with CaptureQueriesContext(connection) as five:
        cases_open_bulk(kind="cme", team=inclusion, items=few, source="x")
    with django_assert_max_num_queries(len(five.captured_queries)):
        opened = cases_open_bulk(kind="cme", team=inclusion, items=many, source="x")

    assert len(opened) == 50
    assert Task.objects.filter(case__in=opened).count() == 100
