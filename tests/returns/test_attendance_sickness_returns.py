"""The attendance and sickness returns: sent by a school (portal and API), owed per attendance record
from the days the evaluation stores, counted on the pages and chased by the sweep (issue 16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.attendance.evaluation import evaluate
from rollcall.attendance.models import PupilMarks
from rollcall.audit.models import RecordView
from rollcall.casework.calendar import council_calendar
from rollcall.health.models import HealthReport
from rollcall.notify.models import Message
from rollcall.people.models import Child
from rollcall.returns.completeness import ATTENDANCE, SICKNESS, owed_returns, registered_kinds
from rollcall.returns.completeness import KINDS as RETURN_KINDS
from rollcall.returns.models import SchoolReturn
from rollcall.returns.sweep import returns_sweep
from rollcall.rules.returns_due import ReturnStanding, attendance_return_due, sickness_return_due
from rollcall.schools.models import RollEntry, School
from tests import factories
from tests.attendance.helpers_eval import marks, school_days, spread

TODAY = dt.date(2026, 11, 16)  # the frozen clock
D = dt.date
YEAR_START = D(2026, 9, 1)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)


def _pupil(school: School, name: str, **days: dt.date | None) -> Child:
    child = factories.ChildFactory.create(legal_forename=name, legal_surname="Tester")
    RollEntry.objects.create(child=child, school=school, on_roll_from=D(2025, 9, 3))
    PupilMarks.objects.create(
        child=child, school=school, academic_year=2026, marks="", updated_at=_at(TODAY), **days
    )
    return child


def _sent(
    school: School,
    child: Child,
    day: dt.date,
    kind: str = SchoolReturn.Kind.ATTENDANCE,
    status: str = SchoolReturn.Status.ACCEPTED,
) -> None:
    SchoolReturn.objects.create(
        kind=kind,
        school=school,
        sent_by=factories.school_user(school),
        received_at=_at(day),
        child=child,
        status=status,
        team=factories.TeamFactory.create() if status == SchoolReturn.Status.TO_CONFIRM else None,
        confirm_by=day if status == SchoolReturn.Status.TO_CONFIRM else None,
    )


def _health_report(school: School, child: Child, day: dt.date) -> None:
    HealthReport.objects.create(
        child=child,
        school=school,
        reported_by=factories.school_user(school),
        reported_at=_at(day),
        first_day_absent=D(2026, 9, 14),
        days_so_far=15,
        pattern=HealthReport.Pattern.CUMULATIVE,
        medical_evidence="no",
    )


@pytest.fixture
def absences(council: None) -> tuple[School, School]:
    """Attendance and sickness returns owed at Moorside, and one at Fellside."""
    moorside = factories.SchoolFactory.create(name="Moorside Academy")
    fellside = factories.SchoolFactory.create(name="Fellside School")
    ontime = _pupil(moorside, "Ontime", tenth_unexplained_day=D(2026, 9, 14))
    _sent(moorside, ontime, D(2026, 9, 20))
    _pupil(moorside, "Missing", tenth_unexplained_day=D(2026, 9, 21))
    # A return sent before the run of 10 days began answers nothing.
    early = _pupil(moorside, "Early", tenth_unexplained_day=D(2026, 9, 28))
    _sent(moorside, early, D(2026, 9, 10))
    late = _pupil(moorside, "Late", tenth_unexplained_day=D(2026, 10, 5))
    _sent(moorside, late, TODAY)
    refused = _pupil(moorside, "Refused", tenth_unexplained_day=D(2026, 9, 21))
    _sent(moorside, refused, D(2026, 9, 22), status=SchoolReturn.Status.REFUSED)
    # Another school's return is not this school's.
    elsewhere = _pupil(moorside, "Otherschool", tenth_unexplained_day=D(2026, 9, 21))
    _sent(fellside, elsewhere, D(2026, 9, 22))
    _pupil(moorside, "Notyet", tenth_unexplained_day=D(2026, 11, 12))
    # Sickness: a health report the school made (pupil picked from its roll).
    ill = _pupil(moorside, "Illreported", fifteenth_illness_day=D(2026, 10, 1))
    _health_report(moorside, ill, D(2026, 10, 5))
    # An illness report sent before the 15th day, still being checked: it counts.
    expected = _pupil(moorside, "Illexpected", fifteenth_illness_day=D(2026, 10, 1))
    _sent(moorside, expected, D(2026, 9, 8), SchoolReturn.Kind.ILLNESS_REPORT, SchoolReturn.Status.TO_CONFIRM)
    # Last school year's report answers nothing this year.
    old = _pupil(moorside, "Illoldreport", fifteenth_illness_day=D(2026, 10, 1))
    _sent(moorside, old, D(2026, 6, 1), SchoolReturn.Kind.ILLNESS_REPORT)
    _pupil(moorside, "Illnotyet", fifteenth_illness_day=D(2026, 11, 2))
    # Both returns owed for one record.
    _pupil(fellside, "Both", tenth_unexplained_day=D(2026, 9, 21), fifteenth_illness_day=D(2026, 10, 5))
    return moorside, fellside


def _standings(school: School, start: dt.date = YEAR_START) -> dict[tuple[str, str], ReturnStanding]:
    owed = owed_returns(
        calendar=council_calendar(),
        start=start,
        end=TODAY,
        today=TODAY,
        school_ids=[school.pk],
        kinds=(ATTENDANCE, SICKNESS),
    )
    names = dict(Child.objects.values_list("pk", "legal_forename"))
    return {(names[row.child_id], row.kind): row.standing for row in owed}


def test_every_kind_of_return_is_counted() -> None:
    assert registered_kinds() == set(RETURN_KINDS) == {"new_pupil", "deletion", ATTENDANCE, SICKNESS}


@pytest.mark.django_db
def test_each_attendance_and_sickness_return_owed_is_classified(absences: tuple[School, School]) -> None:
    moorside, fellside = absences
    calendar = council_calendar()
    # The dates the fixture relies on, from the rules.
    assert (
        attendance_return_due(calendar, D(2026, 10, 5))
        < TODAY
        < attendance_return_due(calendar, D(2026, 11, 12))
    )
    assert (
        sickness_return_due(calendar, D(2026, 10, 1)) < TODAY < sickness_return_due(calendar, D(2026, 11, 2))
    )
    assert _standings(moorside) == {
        ("Ontime", ATTENDANCE): ReturnStanding.ON_TIME,
        ("Missing", ATTENDANCE): ReturnStanding.MISSING,
        ("Early", ATTENDANCE): ReturnStanding.MISSING,
        ("Late", ATTENDANCE): ReturnStanding.LATE,
        ("Refused", ATTENDANCE): ReturnStanding.MISSING,
        ("Otherschool", ATTENDANCE): ReturnStanding.MISSING,
        ("Notyet", ATTENDANCE): ReturnStanding.NOT_YET_DUE,
        ("Illreported", SICKNESS): ReturnStanding.ON_TIME,
        ("Illexpected", SICKNESS): ReturnStanding.ON_TIME,
        ("Illoldreport", SICKNESS): ReturnStanding.MISSING,
        ("Illnotyet", SICKNESS): ReturnStanding.NOT_YET_DUE,
    }
    assert _standings(fellside) == {
        ("Both", ATTENDANCE): ReturnStanding.MISSING,
        ("Both", SICKNESS): ReturnStanding.MISSING,
    }
    # Only the days in the period owe: from 1 October, the September 10th days drop out.
    assert set(_standings(moorside, D(2026, 10, 1))) == {
        ("Late", ATTENDANCE),
        ("Notyet", ATTENDANCE),
        ("Illreported", SICKNESS),
        ("Illexpected", SICKNESS),
        ("Illoldreport", SICKNESS),
        ("Illnotyet", SICKNESS),
    }


@pytest.mark.django_db
def test_an_owed_return_has_its_reference_due_date_and_day_received(absences: tuple[School, School]) -> None:
    moorside, _ = absences
    owed = owed_returns(
        calendar=council_calendar(), start=YEAR_START, end=TODAY, today=TODAY, school_ids=[moorside.pk]
    )
    late = next(row for row in owed if row.kind == ATTENDANCE and row.received_on == TODAY)
    record = PupilMarks.objects.get(child_id=late.child_id)
    assert late.reference == f"ATT-{record.pk:06d}"
    assert late.trigger == D(2026, 10, 5)
    assert late.due == attendance_return_due(council_calendar(), D(2026, 10, 5))
    assert late.event == "10th day absent without a reason"
    ill = next(row for row in owed if row.kind == SICKNESS and row.trigger == D(2026, 11, 2))
    assert ill.reference.startswith("SIC-")
    assert ill.received_on is None


@pytest.mark.django_db
def test_the_queries_do_not_grow_with_the_pupils(
    absences: tuple[School, School], django_assert_num_queries: Any
) -> None:
    moorside, _ = absences
    calendar = council_calendar()
    # New pupil and deletion: one each. Attendance: the records, the returns. Sickness: the
    # records, the illness reports sent as returns, the health reports.
    with django_assert_num_queries(7):
        few = owed_returns(calendar=calendar, start=YEAR_START, end=TODAY, today=TODAY)
    for i in range(10):
        child = _pupil(
            moorside, f"More{i}", tenth_unexplained_day=D(2026, 10, 5), fifteenth_illness_day=D(2026, 10, 6)
        )
        _sent(moorside, child, D(2026, 10, 6))
        _health_report(moorside, child, D(2026, 10, 7))
    with django_assert_num_queries(7):
        more = owed_returns(calendar=calendar, start=YEAR_START, end=TODAY, today=TODAY)
    assert len(more) == len(few) + 20


@pytest.mark.django_db
def test_the_days_the_evaluation_stores_make_the_returns_owed(council: None, school: School) -> None:
    unexplained = school_days(D(2026, 10, 19), D(2026, 11, 13))  # 10th day: 6 November
    ill = school_days(D(2026, 9, 14), D(2026, 10, 2))  # 15th day: 2 October
    truant = _pupil(school, "Truant")
    sick = _pupil(school, "Sick")
    PupilMarks.objects.filter(child=truant).update(
        marks=marks(until=D(2026, 11, 13), days=spread("NN", unexplained))
    )
    PupilMarks.objects.filter(child=sick).update(marks=marks(until=D(2026, 11, 13), days=spread("II", ill)))
    assert _standings(school) == {}

    evaluate()

    assert _standings(school) == {
        ("Truant", ATTENDANCE): ReturnStanding.NOT_YET_DUE,
        ("Sick", SICKNESS): ReturnStanding.MISSING,
    }
    owed = owed_returns(
        calendar=council_calendar(), start=YEAR_START, end=TODAY, today=TODAY, school_ids=[school.pk]
    )
    assert {(row.kind, row.trigger) for row in owed} == {
        (ATTENDANCE, D(2026, 11, 6)),
        (SICKNESS, D(2026, 10, 2)),
    }


# ---- the pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_council_counts_the_new_kinds_by_school(
    client: Any, frozen_clock: Any, absences: tuple[School, School], inclusion_officer: User
) -> None:
    client.force_login(inclusion_officer)
    attendance = client.get(reverse("returns:by-school"), {"period": "year", "kind": ATTENDANCE})
    assert attendance.status_code == 200
    # on time, late, missing, not yet due
    assert {row["name"]: row["cells"] for row in attendance.context["rows"]} == {
        "Fellside School": [0, 0, 1, 0],
        "Moorside Academy": [1, 1, 4, 1],
    }
    sickness = client.get(reverse("returns:by-school"), {"period": "year", "kind": SICKNESS})
    assert {row["name"]: row["cells"] for row in sickness.context["rows"]} == {
        "Fellside School": [0, 0, 1, 0],
        "Moorside Academy": [2, 0, 1, 1],
    }
    assert "Tester" not in attendance.content.decode()
    assert "Attendance return" in attendance.content.decode()
    assert not RecordView.objects.exists()


@pytest.mark.django_db
def test_one_school_page_shows_the_new_kinds_and_logs_each_child(
    client: Any, frozen_clock: Any, absences: tuple[School, School], inclusion_officer: User
) -> None:
    moorside, _ = absences
    client.force_login(inclusion_officer)
    response = client.get(
        reverse("returns:school-returns", args=[moorside.urn]), {"period": "year", "kind": SICKNESS}
    )
    text = response.content.decode()
    assert "Illoldreport Tester" in text
    assert "15th day ill" in text
    assert "SIC-" in text
    assert "Missing Tester" not in text  # an attendance return: filtered out
    logged = set(
        RecordView.objects.filter(user=inclusion_officer).values_list("child__legal_forename", flat=True)
    )
    assert logged == {"Illreported", "Illexpected", "Illoldreport", "Illnotyet"}


@pytest.mark.django_db
def test_a_school_sees_its_attendance_and_sickness_returns_owed_and_where_to_send_them(
    client: Any, frozen_clock: Any, absences: tuple[School, School]
) -> None:
    _, fellside = absences
    user = factories.school_user(fellside)
    client.force_login(user)
    response = client.get(reverse("returns:owed"), {"period": "year"})
    text = response.content.decode()
    assert "Both Tester" in text
    assert "ATT-" in text
    assert "SIC-" in text
    assert "Ontime Tester" not in text
    assert reverse("returns:attendance-return") in text
    assert reverse("health:report-new") in text
    assert set(RecordView.objects.filter(user=user).values_list("child__legal_forename", flat=True)) == {
        "Both"
    }


# ---- the sweep ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_reminds_once_per_missing_attendance_and_sickness_return_by_reference_only(
    frozen_clock: Any, absences: tuple[School, School]
) -> None:
    _, fellside = absences
    head = factories.school_user(fellside)
    record = PupilMarks.objects.get(child__legal_forename="Both")
    counts = returns_sweep(today=TODAY, calendar=council_calendar())
    # Moorside: Missing, Early, Refused, Otherschool (attendance) and Illoldreport; Fellside: Both, twice.
    assert counts["returns_missing"] == 7
    mine = sorted(Message.objects.filter(recipient=head).values_list("subject", flat=True))
    assert mine == [
        f"Attendance return ATT-{record.pk:06d} is missing",
        f"Sickness return SIC-{record.pk:06d} is missing",
    ]
    for message in Message.objects.filter(recipient=head):
        assert message.url == reverse("returns:owed")
        assert "Tester" not in message.subject + message.body
        assert "2026" not in message.subject + message.body
    assert returns_sweep(today=TODAY, calendar=council_calendar())["returns_missing_reminders"] == 0


# ---- sending the attendance return --------------------------------------------------------------------


def _form(child: Child | None = None, **overrides: str) -> dict[str, str]:
    data = {
        "first_name": child.legal_forename if child else "Nobody",
        "last_name": child.legal_surname if child else "Known",
        "date_of_birth_0": str(child.date_of_birth.day) if child else "3",
        "date_of_birth_1": str(child.date_of_birth.month) if child else "4",
        "date_of_birth_2": str(child.date_of_birth.year) if child else "2015",
        "first_day_absent_0": "19",
        "first_day_absent_1": "10",
        "first_day_absent_2": "2026",
        "school_days_absent": "12",
        "details": "Two home visits",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_school_sends_an_attendance_return_through_its_portal(
    client: Any, frozen_clock: Any, absences: tuple[School, School]
) -> None:
    moorside, _ = absences
    child = Child.objects.get(legal_forename="Missing")
    client.force_login(factories.school_user(moorside))
    assert client.get(reverse("returns:attendance-return")).status_code == 200
    response = client.post(reverse("returns:attendance-return"), _form(child))
    assert response.status_code == 302
    sent = SchoolReturn.objects.get(kind=SchoolReturn.Kind.ATTENDANCE, child=child, school=moorside)
    assert sent.status == SchoolReturn.Status.ACCEPTED
    assert sent.sent["first_day_absent"] == "2026-10-19"
    assert sent.sent["school_days_absent"] == 12
    assert _standings(moorside)[("Missing", ATTENDANCE)] is ReturnStanding.LATE


@pytest.mark.django_db
def test_an_attendance_return_from_a_school_without_the_pupil_waits_for_inclusion(
    client: Any, frozen_clock: Any, absences: tuple[School, School]
) -> None:
    _, fellside = absences
    child = Child.objects.get(legal_forename="Missing")  # on Moorside's roll, not Fellside's
    client.force_login(factories.school_user(fellside))
    response = client.post(reverse("returns:attendance-return"), _form(child), follow=True)
    claim = SchoolReturn.objects.get(kind=SchoolReturn.Kind.ATTENDANCE, school=fellside, child=child)
    assert claim.status == SchoolReturn.Status.TO_CONFIRM
    assert claim.team is not None
    assert claim.team.kind == "inclusion"
    assert "The pupil is not on this school's roll" in claim.reasons
    assert "The council will check the details" in response.content.decode()


@pytest.mark.django_db
def test_the_attendance_return_form_refuses_fewer_than_ten_days_and_staff(
    client: Any, frozen_clock: Any, absences: tuple[School, School], inclusion_officer: User
) -> None:
    moorside, _ = absences
    client.force_login(factories.school_user(moorside))
    before = SchoolReturn.objects.count()
    response = client.post(reverse("returns:attendance-return"), _form(None, school_days_absent="9"))
    assert response.status_code == 200
    assert "10 or more continuous school days" in response.content.decode()
    assert SchoolReturn.objects.count() == before
    client.force_login(inclusion_officer)
    assert client.get(reverse("returns:attendance-return")).status_code == 403


@pytest.mark.django_db
def test_a_school_system_sends_an_attendance_return_through_the_api(
    frozen_clock: Any, absences: tuple[School, School], token_client: Any, inclusion_officer: User
) -> None:
    moorside, _ = absences
    child = Child.objects.get(legal_forename="Missing")
    api = token_client(factories.school_user(moorside))
    body: dict[str, Any] = {
        "pupil": {
            "forename": child.legal_forename,
            "surname": child.legal_surname,
            "date_of_birth": child.date_of_birth.isoformat(),
        },
        "first_day_absent": "2026-10-19",
        "school_days_absent": 11,
    }
    first = api.post("/api/v1/attendance-returns/", body, format="json", headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == 201, first.content
    assert first.json()["kind"] == "attendance"
    assert first.json()["reference"].startswith("RTN-")
    again = api.post("/api/v1/attendance-returns/", body, format="json", headers={"Idempotency-Key": "abc-1"})
    assert again.status_code == 200
    assert SchoolReturn.objects.filter(kind=SchoolReturn.Kind.ATTENDANCE, child=child).count() == 1
    too_few = api.post("/api/v1/attendance-returns/", {**body, "school_days_absent": 9}, format="json")
    assert too_few.status_code == 400
    assert "school_days_absent" in too_few.json()
    stranger = api.post(
        "/api/v1/attendance-returns/",
        {**body, "pupil": {**body["pupil"], "date_of_birth": "2010-01-01"}},
        format="json",
    )
    assert stranger.status_code in {201, 202}
    assert (
        token_client(inclusion_officer).post("/api/v1/attendance-returns/", body, format="json").status_code
        == 403
    )
