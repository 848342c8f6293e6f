"""Returns completeness: what each school owed this half-term, the council's pages, the school's own
list, and the sweep's reminders (issue 16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.audit.models import RecordView
from rollcall.casework.calendar import council_calendar
from rollcall.casework.sweep import sweep
from rollcall.notify.models import Message
from rollcall.people.models import Child
from rollcall.returns.completeness import DELETION, NEW_PUPIL, owed_returns
from rollcall.returns.models import SchoolReturn
from rollcall.returns.sweep import returns_sweep
from rollcall.rules.returns_due import ReturnStanding
from rollcall.schools.models import RollEntry, School
from tests import factories

TODAY = dt.date(2026, 11, 16)  # the frozen clock; this half-term began Monday 2 November
D = dt.date


def _joined(school: School, entered: dt.date, name: str, returned: dt.date | None = None, **kw: Any) -> Child:
    child = factories.ChildFactory.create(legal_forename=name, legal_surname="Tester", **kw)
    RollEntry.objects.create(child=child, school=school, on_roll_from=entered)
    if returned is not None:
        SchoolReturn.objects.create(
            kind=SchoolReturn.Kind.NEW_PUPIL,
            school=school,
            sent_by=factories.school_user(school),
            received_at=dt.datetime.combine(returned, dt.time(9), tzinfo=dt.UTC),
            child=child,
            status=SchoolReturn.Status.ACCEPTED,
        )
    return child


def _left(school: School, left: dt.date, name: str, noticed: dt.date | None = None) -> Child:
    child = factories.ChildFactory.create(legal_forename=name, legal_surname="Tester")
    RollEntry.objects.create(child=child, school=school, on_roll_from=D(2025, 9, 3), on_roll_to=left)
    if noticed is not None:
        factories.RemovalNoticeFactory.create(
            school=school,
            child=child,
            removal_date=left,
            received_at=dt.datetime.combine(noticed, dt.time(9), tzinfo=dt.UTC),
        )
    return child


@pytest.fixture
def schools(council: None) -> tuple[School, School]:
    moorside = factories.SchoolFactory.create(name="Moorside Academy")
    fellside = factories.SchoolFactory.create(name="Fellside School")
    _joined(moorside, D(2026, 11, 2), "Ontime", returned=D(2026, 11, 5))  # due 9 Nov
    _joined(moorside, D(2026, 11, 3), "Late", returned=D(2026, 11, 11))  # due 10 Nov
    _joined(moorside, D(2026, 11, 4), "Missing")  # due 11 Nov
    _joined(moorside, D(2026, 11, 12), "Notyet")  # due 19 Nov
    _left(moorside, D(2026, 11, 6), "Leftontime", noticed=D(2026, 11, 5))
    _left(moorside, D(2026, 11, 10), "Leftmissing")
    _joined(fellside, D(2026, 11, 3), "Elsewhere")
    return moorside, fellside


def _standings(school: School) -> dict[str, tuple[str, ReturnStanding]]:
    owed = owed_returns(
        calendar=council_calendar(), start=D(2026, 11, 2), end=TODAY, today=TODAY, school_ids=[school.pk]
    )
    names = dict(Child.objects.values_list("pk", "legal_forename"))
    return {names[row.child_id]: (row.kind, row.standing) for row in owed}


@pytest.mark.django_db
def test_each_return_owed_is_on_time_late_missing_or_not_yet_due(schools: tuple[School, School]) -> None:
    moorside, fellside = schools
    assert _standings(moorside) == {
        "Ontime": (NEW_PUPIL, ReturnStanding.ON_TIME),
        "Late": (NEW_PUPIL, ReturnStanding.LATE),
        "Missing": (NEW_PUPIL, ReturnStanding.MISSING),
        "Notyet": (NEW_PUPIL, ReturnStanding.NOT_YET_DUE),
        "Leftontime": (DELETION, ReturnStanding.ON_TIME),
        "Leftmissing": (DELETION, ReturnStanding.MISSING),
    }
    assert _standings(fellside) == {"Elsewhere": (NEW_PUPIL, ReturnStanding.MISSING)}


@pytest.mark.django_db
def test_a_refused_or_years_old_return_answers_nothing_and_reception_owes_nothing(council: None) -> None:
    school = factories.SchoolFactory.create()
    refused = _joined(school, D(2026, 11, 2), "Refused", returned=D(2026, 11, 3))
    SchoolReturn.objects.filter(child=refused).update(status=SchoolReturn.Status.REFUSED)
    _joined(school, D(2026, 11, 2), "Oldreturn", returned=D(2025, 1, 10))
    _joined(school, D(2026, 9, 2), "Reception", date_of_birth=D(2022, 3, 1))
    _joined(school, D(2026, 9, 2), "Yearone", date_of_birth=D(2021, 3, 1))
    owed = owed_returns(
        calendar=council_calendar(), start=D(2026, 9, 1), end=TODAY, today=TODAY, school_ids=[school.pk]
    )
    names = dict(Child.objects.values_list("pk", "legal_forename"))
    assert {names[row.child_id]: row.standing for row in owed} == {
        "Refused": ReturnStanding.MISSING,
        "Oldreturn": ReturnStanding.MISSING,
        "Yearone": ReturnStanding.MISSING,
    }


@pytest.mark.django_db
def test_the_queries_do_not_grow_with_the_pupils(
    schools: tuple[School, School], django_assert_num_queries: Any
) -> None:
    calendar = council_calendar()
    # One query per kind: new pupil, deletion, and the attendance records owing an attendance or
    # a sickness return (none here; tests/returns/test_attendance_sickness_returns.py has them).
    with django_assert_num_queries(4):
        few = owed_returns(calendar=calendar, start=D(2026, 11, 2), end=TODAY, today=TODAY)
    moorside = schools[0]
    for i in range(10):
        _joined(moorside, D(2026, 11, 9), f"More{i}")
    with django_assert_num_queries(4):
        more = owed_returns(calendar=calendar, start=D(2026, 11, 2), end=TODAY, today=TODAY)
    assert len(more) == len(few) + 10


@pytest.mark.django_db
def test_the_council_sees_counts_by_school_and_no_child_names(
    client: Any, frozen_clock: Any, schools: tuple[School, School], inclusion_officer: User
) -> None:
    client.force_login(inclusion_officer)
    response = client.get(reverse("returns:by-school"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Moorside Academy" in text
    assert "Fellside School" in text
    assert "Tester" not in text
    rows = {row["name"]: row["cells"] for row in response.context["rows"]}
    # on time, late, missing, not yet due
    assert rows == {"Fellside School": [0, 0, 1, 0], "Moorside Academy": [2, 1, 2, 1]}
    assert not RecordView.objects.exists()
    only_deletions = client.get(reverse("returns:by-school"), {"kind": DELETION})
    assert {row["name"]: row["cells"] for row in only_deletions.context["rows"]} == {
        "Moorside Academy": [1, 0, 1, 0]
    }


@pytest.mark.django_db
def test_one_school_names_its_pupils_and_logs_each_one(
    client: Any, frozen_clock: Any, schools: tuple[School, School], inclusion_officer: User
) -> None:
    moorside, _ = schools
    client.force_login(inclusion_officer)
    response = client.get(reverse("returns:school-returns", args=[moorside.urn]))
    assert response.status_code == 200
    assert "Missing Tester" in response.content.decode()
    assert "Elsewhere" not in response.content.decode()
    logged = set(
        RecordView.objects.filter(user=inclusion_officer).values_list("child__legal_forename", flat=True)
    )
    assert logged == {"Ontime", "Late", "Missing", "Notyet", "Leftontime", "Leftmissing"}


@pytest.mark.django_db
def test_schools_and_other_staff_cannot_see_returns_by_school(
    client: Any, frozen_clock: Any, schools: tuple[School, School]
) -> None:
    moorside, _ = schools
    for who in (factories.school_user(moorside), factories.staff(team_kind="ehe")):
        client.force_login(who)
        assert client.get(reverse("returns:by-school")).status_code == 403
        assert client.get(reverse("returns:school-returns", args=[moorside.urn])).status_code == 403


@pytest.mark.django_db
def test_a_school_sees_only_the_returns_it_owes(
    client: Any, frozen_clock: Any, schools: tuple[School, School], inclusion_officer: User
) -> None:
    _, fellside = schools
    user = factories.school_user(fellside)
    client.force_login(user)
    response = client.get(reverse("returns:owed"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Elsewhere Tester" in text
    assert "Missing Tester" not in text
    assert set(RecordView.objects.filter(user=user).values_list("child__legal_forename", flat=True)) == {
        "Elsewhere"
    }
    client.force_login(inclusion_officer)
    assert client.get(reverse("returns:owed")).status_code == 403


@pytest.mark.django_db
def test_the_sweep_tells_a_school_once_per_missing_return_with_no_personal_facts(
    frozen_clock: Any, schools: tuple[School, School]
) -> None:
    moorside, fellside = schools
    head = factories.school_user(moorside)
    fellside_user = factories.school_user(fellside)
    counts = returns_sweep(today=TODAY, calendar=council_calendar())
    assert counts["returns_missing"] == 2  # new pupil returns: the rolls step chases deletion returns
    mine = list(Message.objects.filter(recipient=head))
    assert len(mine) == 1  # Missing (new pupil); Leftmissing's deletion return is the rolls step's
    assert "NPR-" in mine[0].subject
    for message in mine:
        assert message.url == reverse("returns:owed")
        assert "Tester" not in message.subject + message.body
        assert "2026" not in message.body  # no date about the pupil either
    assert Message.objects.filter(recipient=fellside_user).count() == 1
    assert returns_sweep(today=TODAY, calendar=council_calendar())["returns_missing_reminders"] == 0
    # The daily sweep runs the step (settings.SWEEP_STEPS), a day later: still nothing new.
    run = sweep(today=TODAY + dt.timedelta(days=1))
    assert run.counts["returns_missing_reminders"] == 0
