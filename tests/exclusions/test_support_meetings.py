"""The termly targeting support meeting: made by the sweep, the school's list, the actions agreed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from rollcall.accounts.models import User
from rollcall.attendance.models import PupilMarks
from rollcall.audit.models import RecordView
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Event
from rollcall.casework.services import CaseworkError
from rollcall.exclusions import services
from rollcall.exclusions.models import SupportAction, SupportMeeting
from rollcall.exclusions.sweep import support_meetings_sweep
from rollcall.notify.models import Message
from rollcall.people.models import Child
from rollcall.schools.models import School
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enforcement_council", "frozen_clock")]


def _absent(school: School, *, severe: bool = False, persistent: bool = True, absent: int = 40) -> Child:
    child = factories.ChildFactory.create()
    PupilMarks.objects.create(
        child=child,
        school=school,
        academic_year=2026,
        marks="",
        possible_sessions=100,
        absent_sessions=absent,
        persistent=persistent,
        severe=severe,
        updated_at=dt.datetime(2026, 11, 14, tzinfo=dt.UTC),
    )
    return child


def test_the_sweep_makes_one_meeting_per_school_with_pupils_per_term_dated_from_its_day(
    school: School, access_officer: User
) -> None:
    factories.RollEntryFactory.create(child=factories.ChildFactory.create(), school=school)
    factories.SchoolFactory.create(name="Empty School")  # no pupil on roll: no meeting
    calendar = council_calendar()
    # The sweep's day is in the spring term, whatever the wall clock (frozen in autumn) says.
    assert support_meetings_sweep(today=dt.date(2027, 1, 11), calendar=calendar)["support_meetings"] == 1
    meeting = SupportMeeting.objects.get()
    assert (meeting.school, meeting.academic_year, meeting.term, meeting.due) == (
        school,
        2026,
        "spring",
        dt.date(2027, 3, 28),  # Easter Sunday 2027 ends the spring term
    )
    again = support_meetings_sweep(today=dt.date(2027, 1, 12), calendar=calendar)
    assert again == {"support_meetings": 0, "support_messages": 0}
    assert Message.objects.filter(recipient=access_officer, subject__contains="support meetings").count() == 1
    support_meetings_sweep(today=dt.date(2027, 4, 12), calendar=calendar)  # summer: a new one
    assert list(SupportMeeting.objects.order_by("due").values_list("term", flat=True)) == ["spring", "summer"]


def _meeting(school: School) -> SupportMeeting:
    return SupportMeeting.objects.create(
        school=school,
        academic_year=2026,
        term="autumn",
        due=dt.date(2026, 12, 31),
        created_at=dt.datetime(2026, 11, 16, 2, tzinfo=dt.UTC),
    )


def test_the_schools_list_is_its_persistently_absent_pupils_severe_first(school: School) -> None:
    persistent = _absent(school, absent=20)
    severe = _absent(school, severe=True, absent=60)
    _absent(school, persistent=False, absent=5)
    _absent(factories.SchoolFactory.create())  # another school's
    meeting = _meeting(school)
    assert [p.child for p in services.support_pupils(meeting)] == [severe, persistent]


def test_an_action_is_recorded_for_a_pupil_on_the_list_only(
    school: School, access_officer: User, school_user: User
) -> None:
    pupil = _absent(school)
    meeting = _meeting(school)
    with pytest.raises(CaseworkError, match="from the school's list"):
        services.support_action_record(
            meeting=meeting, actor=access_officer, child_id=factories.ChildFactory.create().pk, action="Visit"
        )
    with pytest.raises(CaseworkError, match="Only Access to Education"):
        services.support_action_record(meeting=meeting, actor=school_user, child_id=pupil.pk, action="Visit")
    services.support_action_record(
        meeting=meeting, actor=access_officer, child_id=pupil.pk, action="Early help assessment offered"
    )
    assert list(SupportAction.objects.values_list("child", "action")) == [
        (pupil.pk, "Early help assessment offered")
    ]
    assert Event.objects.filter(child=pupil, verb="support.action").count() == 1


def test_an_officer_holds_the_meeting_on_its_page_and_the_list_is_logged(
    school: School, access_officer: User, school_user: User
) -> None:
    pupil = _absent(school, severe=True)
    meeting = _meeting(school)
    assert Client().get("/exclusions/support-meetings/").status_code in {302, 403}
    denied = Client()
    denied.force_login(school_user)
    assert denied.get(f"/exclusions/support-meetings/{meeting.pk}/").status_code == 403
    client = Client()
    client.force_login(access_officer)
    listed = client.get("/exclusions/support-meetings/").content.decode()
    assert "Moorside Academy" in listed
    assert "To hold" in listed
    page = client.get(f"/exclusions/support-meetings/{meeting.pk}/").content.decode()
    assert pupil.full_name in page
    assert "Severe" in page
    assert RecordView.objects.filter(user=access_officer, child=pupil).exists()
    url = f"/exclusions/support-meetings/{meeting.pk}/"
    response = client.post(
        url, {"action": "pupil", "action-child": str(pupil.pk), "action-action": "Home visit"}
    )
    assert response.status_code == 302
    empty = client.post(url, {"action": "meeting", "meeting-notes": ""})
    assert "Enter the notes of the meeting" in empty.content.decode()
    held = client.post(
        url,
        {
            "action": "meeting",
            "meeting-held_on_0": "13",
            "meeting-held_on_1": "11",
            "meeting-held_on_2": "2026",
            "meeting-notes": "Head and attendance lead",
        },
    )
    assert held.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.held_by) == (dt.date(2026, 11, 13), access_officer)
    before = RecordView.objects.count()
    assert "Home visit" in client.get(url).content.decode()
    # On the list and with an action agreed: logged once for the one page.
    assert RecordView.objects.count() - before == 1
    assert "Moorside Academy" in client.get("/exclusions/support-meetings/?show=held").content.decode()
    assert "Moorside Academy" not in client.get("/exclusions/support-meetings/?show=due").content.decode()
