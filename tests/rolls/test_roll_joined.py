"""A pupil newly on a roll: the put-on-roll request is answered, and the roll is the school's new
pupil return; new pupil returns that never came are tracked, shown and counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from rollcall.accounts.models import User
from rollcall.admissions.models import Application, PutOnRollRequest
from rollcall.audit.models import RecordView
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case
from rollcall.people.models import Child
from rollcall.returns.models import SchoolReturn
from rollcall.rolls.pupils import PupilRow
from rollcall.rolls.selectors import new_pupil_returns_missing
from rollcall.rolls.services import roll_load
from rollcall.rolls.sweep import rolls_sweep
from rollcall.schools.models import School
from tests import factories
from tests.admissions.helpers import case_of, offer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock", "council")]

AS_OF = dt.date(2026, 11, 16)


def row(line: int, child: Child, admitted: dt.date | None = None) -> PupilRow:
    return PupilRow(
        line=line,
        upn=child.upn,
        forename=child.legal_forename,
        surname=child.legal_surname,
        date_of_birth=child.date_of_birth,
        admission_date=admitted,
    )


def test_a_joiner_answers_the_put_on_roll_request_and_closes_the_waiting_case(
    school: School, school_user: User, admissions_officer: User
) -> None:
    request = offer(admissions_officer, school)
    assert case_of(request).closed_at is None
    already = factories.ChildFactory.create()
    roll_load(school=school, as_of=AS_OF - dt.timedelta(days=7), rows=[row(2, already)], source="csv")
    loaded = roll_load(
        school=school,
        as_of=AS_OF,
        rows=[row(2, already), row(3, request.child, AS_OF - dt.timedelta(days=1))],
        source="csv",
    )
    assert loaded.requests_answered == 1
    request.refresh_from_db()
    assert (request.answer, request.on_roll_from) == (
        PutOnRollRequest.Answer.ON_ROLL,
        AS_OF - dt.timedelta(days=1),
    )
    assert request.checked_off_at is not None
    assert request.application.status == Application.Status.ON_ROLL
    # The tracking case moves on to "on roll": attendance is checked next, as after the school's answer.
    assert case_of(request).status == "on_roll"
    # The roll is the school's new pupil return for the joiner (not for the pupil already there).
    (received,) = SchoolReturn.objects.filter(school=school, kind=SchoolReturn.Kind.NEW_PUPIL)
    assert (received.child, received.status, received.sent["from_roll"]) == (
        request.child,
        SchoolReturn.Status.ACCEPTED,
        True,
    )
    # The same roll again changes nothing.
    again = roll_load(
        school=school,
        as_of=AS_OF,
        rows=[row(2, already), row(3, request.child, AS_OF - dt.timedelta(days=1))],
        source="csv",
    )
    assert again.unchanged
    assert SchoolReturn.objects.filter(kind=SchoolReturn.Kind.NEW_PUPIL).count() == 1


def test_a_schools_first_roll_is_not_a_new_pupil_return_for_everyone(school: School) -> None:
    roll_load(school=school, as_of=AS_OF, rows=[row(2, factories.ChildFactory.create())], source="csv")
    assert not SchoolReturn.objects.exists()


def test_a_joiner_the_school_already_reported_gets_no_second_return(
    school: School, school_user: User
) -> None:
    child = factories.ChildFactory.create()
    roll_load(school=school, as_of=AS_OF - dt.timedelta(days=7), rows=[], source="csv")
    SchoolReturn.objects.create(
        kind=SchoolReturn.Kind.NEW_PUPIL,
        school=school,
        sent_by=school_user,
        received_at=dt.datetime(2026, 11, 12, 9, tzinfo=dt.UTC),
        child=child,
        status=SchoolReturn.Status.ACCEPTED,
    )
    loaded = roll_load(school=school, as_of=AS_OF, rows=[row(2, child, dt.date(2026, 11, 12))], source="csv")
    assert loaded.new_pupil_returns == 0
    assert SchoolReturn.objects.count() == 1


def test_a_named_destination_that_never_reports_the_pupil_is_tracked_shown_and_counted(
    client: Client, school: School, inclusion_officer: User
) -> None:
    calendar = council_calendar()
    left_on = dt.date(2026, 11, 2)
    due = calendar.add_school_days(left_on, 5)
    assert due < AS_OF
    late = factories.RemovalNoticeFactory.create(destination_school=school, removal_date=left_on)
    reported = factories.RemovalNoticeFactory.create(destination_school=school, removal_date=left_on)
    factories.RollEntryFactory.create(child=reported.child, school=school, on_roll_from=dt.date(2026, 11, 4))
    recent = factories.RemovalNoticeFactory.create(
        destination_school=school, removal_date=AS_OF - dt.timedelta(days=2)
    )
    found = new_pupil_returns_missing(today=AS_OF, school=school)
    assert [m.child_id for m in found] == [late.child_id]
    assert found[0].due == due
    assert recent.child_id not in [m.child_id for m in found]
    # Names of their own, so a random surname shared by the two children cannot pass or fail this.
    Child.objects.filter(pk=late.child_id).update(legal_surname="Latereturn")
    Child.objects.filter(pk=reported.child_id).update(legal_surname="Onrollalready")
    late.child.refresh_from_db()
    reported.child.refresh_from_db()
    client.force_login(inclusion_officer)
    page = client.get(f"/schools/{school.urn}/rolls/").content.decode()
    assert "New pupil returns not received" in page
    assert late.child.legal_surname in page
    assert (
        reported.child.legal_surname
        not in page.split("New pupil returns not received")[1].split("Rolls loaded")[0]
    )
    assert RecordView.objects.filter(
        user=inclusion_officer, what="New pupil returns not received", child=late.child
    ).exists()
    counts = rolls_sweep(today=AS_OF, calendar=calendar)
    assert counts["new_pupil_returns_missing"] == 1
    assert not Case.objects.filter(child=late.child).exists()
