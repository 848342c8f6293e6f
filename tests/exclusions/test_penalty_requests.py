"""A school asks the council to consider a penalty notice through its portal; the council decides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from rollcall.accounts.models import User
from rollcall.casework.models import Event
from rollcall.casework.services import CaseworkError
from rollcall.exclusions import services
from rollcall.exclusions.models import Consideration
from rollcall.notify.models import Message
from rollcall.people.models import Child
from rollcall.schools.models import School
from tests import factories
from tests.exclusions.conftest import pupil_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enforcement_council", "frozen_clock")]


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(child: Child, **overrides: str) -> dict[str, str]:
    data = {
        "first_name": child.legal_forename,
        "last_name": child.legal_surname,
        "date_of_birth_0": str(child.date_of_birth.day),
        "date_of_birth_1": str(child.date_of_birth.month),
        "date_of_birth_2": str(child.date_of_birth.year),
        "upn": "",
        "sessions": "14",
        "support_offered": "Two meetings with the family; a mentor since October.",
    }
    data.update(overrides)
    return data


def test_a_school_asks_and_the_council_decides(
    school_user: User, pupil_on_roll: Child, access_officer: User, access_manager: User
) -> None:
    client = _signed_in(school_user)
    assert client.get("/exclusions/penalty-notices/ask/").status_code == 200
    response = client.post("/exclusions/penalty-notices/ask/", _form(pupil_on_roll))
    assert response.status_code == 302
    consideration = Consideration.objects.get(child=pupil_on_roll)
    assert consideration.requested_by_school == school_user.school
    assert consideration.requested_by == school_user
    assert (consideration.sessions, consideration.reached_on) == (14, dt.date(2026, 11, 16))
    assert (consideration.academic_year, consideration.term) == (2026, "autumn")
    assert consideration.decision == ""
    assert Event.objects.filter(child=pupil_on_roll, verb="penalty.requested").exists()
    told = set(Message.objects.filter(subject__contains="penalty notice").values_list("recipient", flat=True))
    assert told == {access_officer.pk, access_manager.pk}
    # The school cannot decide; the council's officer sees the request and decides.
    assert client.get(f"/exclusions/penalty-notices/{consideration.pk}/").status_code == 403
    officer = _signed_in(access_officer)
    page = officer.get(f"/exclusions/penalty-notices/{consideration.pk}/").content.decode()
    assert "Asked for by the school" in page
    assert "a mentor since October" in page
    services.consideration_decide(
        consideration=consideration, actor=access_officer, decision="notice_to_improve"
    )
    # Once decided, a second request this term is refused with the decision.
    again = client.post("/exclusions/penalty-notices/ask/", _form(pupil_on_roll))
    assert again.status_code == 200
    assert "already decided about this pupil this term: Notice to improve" in again.content.decode()


def test_a_request_joins_the_term_s_threshold_consideration(
    school_user: User, school: School, pupil_on_roll: Child
) -> None:
    reached = Consideration.objects.create(
        child=pupil_on_roll,
        academic_year=2026,
        term="autumn",
        reached_on=dt.date(2026, 11, 10),
        sessions=11,
        window_start=dt.date(2026, 9, 7),
        created_at=dt.datetime(2026, 11, 10, 2, tzinfo=dt.UTC),
    )
    joined = services.penalty_request(
        school=school,
        actor=school_user,
        pupil=pupil_of(pupil_on_roll),
        sessions=15,
        support_offered="Meetings",
    )
    assert joined.pk == reached.pk
    joined.refresh_from_db()
    # The threshold's own figures stay; the request is added.
    assert (joined.sessions, joined.reached_on, joined.requested_by_school) == (
        11,
        dt.date(2026, 11, 10),
        school,
    )
    assert Consideration.objects.count() == 1


def test_a_pupil_not_on_the_school_s_roll_is_refused(school_user: User, school: School) -> None:
    elsewhere = factories.ChildFactory.create(legal_forename="Jo", legal_surname="Elsewhere")
    factories.RollEntryFactory.create(child=elsewhere, school=factories.SchoolFactory.create())
    with pytest.raises(CaseworkError, match="No pupil on your school's roll"):
        services.penalty_request(
            school=school,
            actor=school_user,
            pupil=pupil_of(elsewhere),
            sessions=12,
            support_offered="Meetings",
        )
    response = _signed_in(school_user).post("/exclusions/penalty-notices/ask/", _form(elsewhere))
    assert "No pupil on your school" in response.content.decode()
    assert not Consideration.objects.exists()


def test_only_a_school_user_may_ask(access_officer: User, school: School, pupil_on_roll: Child) -> None:
    assert _signed_in(access_officer).get("/exclusions/penalty-notices/ask/").status_code == 403
    with pytest.raises(CaseworkError, match="Only the pupil's school"):
        services.penalty_request(
            school=school,
            actor=access_officer,
            pupil=pupil_of(pupil_on_roll),
            sessions=12,
            support_offered="x",
        )
    other = factories.school_user(factories.SchoolFactory.create(), username="other.school")
    with pytest.raises(CaseworkError, match="Only the pupil's school"):
        services.penalty_request(
            school=school, actor=other, pupil=pupil_of(pupil_on_roll), sessions=12, support_offered="x"
        )


def test_the_form_says_what_is_missing(school_user: User, pupil_on_roll: Child) -> None:
    response = _signed_in(school_user).post(
        "/exclusions/penalty-notices/ask/",
        _form(pupil_on_roll, sessions="0", support_offered="", first_name=""),
    )
    page = response.content.decode()
    assert "The number of unauthorised sessions must be 1 or more" in page
    assert "Say what support the school has offered the family" in page
    assert "Enter the pupil&#x27;s first name" in page
    assert not Consideration.objects.exists()
