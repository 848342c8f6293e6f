"""The school portal, the council's list of schools, and the school's removal notice."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import Team, User
from rollcall.audit.models import RecordView
from rollcall.casework.models import Case
from rollcall.notify.models import Message
from rollcall.people.models import Child
from rollcall.rules.upn import make_upn
from rollcall.schools.models import RemovalNotice, School
from tests import factories

pytestmark = pytest.mark.django_db

NEW_UPN = make_upn("990", "3001", 26, 7)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_school() -> School:
    return factories.SchoolFactory.create(name="Fellside Primary", urn="123456")


def form_data(**overrides: str | None) -> dict[str, str]:
    """A removal of a pupil the council does not know yet, to an unknown destination."""
    data: dict[str, str | None] = {
        "form_id": str(uuid.uuid4()),
        "first_name": "Kai",
        "last_name": "Brennan",
        "date_of_birth_0": "9",
        "date_of_birth_1": "3",
        "date_of_birth_2": "2014",
        "upn": NEW_UPN,
        "address_line_1": "4 Quarry Lane",
        "town": "Northmoor",
        "postcode": "NM4 2QL",
        "removal_date_0": "16",
        "removal_date_1": "11",
        "removal_date_2": "2026",
        "ground": "none",
        "destination": "unknown",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def counts() -> dict[str, int]:
    return {
        "notices": RemovalNotice.objects.count(),
        "children": Child.objects.count(),
        "cases": Case.objects.count(),
        "messages": Message.objects.count(),
    }


# ---- the portal ----------------------------------------------------------------------------------


def test_a_school_user_sees_their_own_pupils_and_not_another_schools(
    school_user: User, school: School, other_school: School
) -> None:
    factories.RollEntryFactory.create(
        school=school, child=factories.ChildFactory.create(legal_surname="Ourpupil")
    )
    factories.RollEntryFactory.create(
        school=other_school, child=factories.ChildFactory.create(legal_surname="Theirpupil")
    )
    left = factories.RollEntryFactory.create(
        school=school,
        child=factories.ChildFactory.create(legal_surname="Leftalready"),
        on_roll_to=dt.date(2025, 7, 20),
    )
    response = signed_in(school_user).get(reverse("schools:portal"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Moorside Academy" in page
    assert "Ourpupil" in page
    assert "Theirpupil" not in page
    assert left.child.legal_surname not in page


def test_a_school_user_can_search_their_roll_by_name_or_upn(school_user: User, school: School) -> None:
    # Forenames fixed too: a random one (Sasha, Natasha) would also match "ash".
    asha = factories.RollEntryFactory.create(
        school=school, child=factories.ChildFactory.create(legal_forename="Tom", legal_surname="Asha")
    ).child
    factories.RollEntryFactory.create(
        school=school, child=factories.ChildFactory.create(legal_forename="Anna", legal_surname="Bellamy")
    )
    client = signed_in(school_user)
    by_name = client.get(reverse("schools:portal"), {"q": "ash"})
    assert [e.child for e in by_name.context["page_obj"]] == [asha]
    by_upn = client.get(reverse("schools:portal"), {"q": str(asha.upn)})
    assert [e.child for e in by_upn.context["page_obj"]] == [asha]


def test_the_portal_lists_the_notices_the_school_sent_and_what_the_council_did(
    council: None, frozen_clock: Any, school_user: User, school: School, other_school: School
) -> None:
    client = signed_in(school_user)
    client.post(reverse("returns:removal-new"), form_data())
    other = factories.school_user(other_school, username="fellside.user")
    signed_in(other).post(
        reverse("returns:removal-new"), form_data(first_name="Zed", upn=None, postcode=None)
    )
    page = client.get(reverse("schools:portal")).content.decode()
    assert "Kai Brennan" in page
    assert "Child missing education case opened" in page
    assert "Zed" not in page


def test_the_portal_costs_the_same_for_a_big_roll(
    school_user: User, school: School, django_assert_max_num_queries
) -> None:
    for _ in range(60):
        factories.RollEntryFactory.create(school=school)
    client = signed_in(school_user)
    # 7: the page's queries and the access log's one insert for the 50 pupils shown.
    # +1: the session's two-factor device (django-otp's middleware, docs/sign-in.md)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("schools:portal"))
    assert len(response.context["page_obj"]) == 50
    assert RecordView.objects.filter(user=school_user, what="school's pupils").count() == 50


def test_council_staff_get_the_list_of_schools(
    inclusion_officer: User, school: School, other_school: School
) -> None:
    response = signed_in(inclusion_officer).get(reverse("schools:portal"))
    page = response.content.decode()
    assert "Moorside Academy" in page
    assert "Fellside Primary" in page
    assert reverse("schools:school", args=[other_school.urn]) in page
    assert other_school.dfe_number in page
    found = signed_in(inclusion_officer).get(reverse("schools:portal"), {"q": "fell"})
    assert list(found.context["page_obj"]) == [other_school]


def test_the_school_list_costs_the_same_for_many_schools(
    inclusion_officer: User, django_assert_max_num_queries
) -> None:
    for _ in range(60):
        factories.SchoolFactory.create()
    client = signed_in(inclusion_officer)
    # +1: the session's two-factor device (django-otp's middleware, docs/sign-in.md)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("schools:portal"))
    assert len(response.context["page_obj"]) == 50


def test_the_school_page_shows_details_and_counts(inclusion_officer: User, school: School) -> None:
    factories.RollEntryFactory.create(school=school)
    factories.RollEntryFactory.create(school=school)
    factories.RollEntryFactory.create(school=school, on_roll_to=dt.date(2025, 7, 1))
    response = signed_in(inclusion_officer).get(reverse("schools:school", args=[school.urn]))
    assert response.status_code == 200
    assert response.context["counts"] == {"on_roll": 2, "left": 1}
    assert school.urn in response.content.decode()


def test_a_school_user_cannot_open_another_schools_page(
    school_user: User, school: School, other_school: School
) -> None:
    client = signed_in(school_user)
    assert client.get(reverse("schools:school", args=[other_school.urn])).status_code == 404
    assert client.get(reverse("schools:school", args=[school.urn])).status_code == 200


def test_an_unknown_school_page_is_404(inclusion_officer: User) -> None:
    assert signed_in(inclusion_officer).get(reverse("schools:school", args=["000000"])).status_code == 404


# ---- the removal form ----------------------------------------------------------------------------


def test_only_school_users_may_send_a_removal_notice(inclusion_officer: User, head_of_service: User) -> None:
    for user in (inclusion_officer, head_of_service):
        client = signed_in(user)
        assert client.get(reverse("returns:removal-new")).status_code == 403
        assert client.post(reverse("returns:removal-new"), form_data()).status_code == 403
    assert RemovalNotice.objects.count() == 0


def test_the_form_offers_only_pupils_on_the_schools_own_roll(
    school_user: User, school: School, other_school: School
) -> None:
    ours = factories.RollEntryFactory.create(
        school=school, child=factories.ChildFactory.create(legal_surname="Ours")
    ).child
    factories.RollEntryFactory.create(
        school=other_school, child=factories.ChildFactory.create(legal_surname="Theirs")
    )
    response = signed_in(school_user).get(reverse("returns:removal-new"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tell the council a pupil has left your roll" in page
    assert f'value="{ours.pk}"' in page
    assert "Theirs" not in page
    assert 'name="form_id"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"removal_date_0": "", "removal_date_1": "", "removal_date_2": ""},
            "Enter the date the pupil was removed from your roll",
        ),
        ({"removal_date_0": "17"}, "Date removed from roll must be today or in the past"),
        ({"removal_date_1": "13"}, "Date removed from roll must be a real date"),
        ({"upn": "A990300126007"}, "Enter a valid UPN: the check letter should be " + NEW_UPN[0]),
        ({"upn": "A94030"}, "Enter a valid UPN: a UPN has 13 characters; this one has 6"),
        (
            {"destination": "school", "destination_urn": "999999"},
            "There is no school with URN 999999 in the schools register",
        ),
        ({"destination": "school"}, "Enter the URN of the school the pupil has gone to"),
        (
            {"ground": "a", "destination": "school", "destination_urn": "123456"},
            "Enter the date the pupil starts at the destination school",
        ),
        (
            {"ground": "a", "destination": "unknown"},
            "Ground (a) means the pupil is registered at another school",
        ),
        ({"destination": "other"}, "Give details of where the pupil has gone"),
        ({"ground": None}, "Select the ground for removal, or &#x27;No ground / not sure&#x27;"),
        ({"destination": None}, "Select where the pupil has gone, or &#x27;Not known&#x27;"),
        ({"ground": "h"}, "Select yes if the school and the council made joint enquiries, or no if not"),
        (
            {"ground": "i", "joint_enquiries": "yes"},
            "Enter the number of continuous school days the pupil was absent",
        ),
        (
            {"ground": "i", "joint_enquiries": "yes", "absence_days": "lots"},
            "must be a whole number, like 20",
        ),
        ({"first_name": ""}, "Enter the pupil&#x27;s first name"),
        (
            {"date_of_birth_0": "", "date_of_birth_1": "", "date_of_birth_2": ""},
            "Enter the pupil&#x27;s date of birth",
        ),
        ({"date_of_birth_2": "2030"}, "Date of birth must be today or in the past"),
        ({"postcode": "NOT A CODE"}, "Enter a real postcode, like NM1 2AB"),
        ({"form_id": "not-a-uuid"}, "This form has expired: start again"),
        (
            {
                "first_name": "",
                "last_name": "",
                "upn": "",
                "address_line_1": "",
                "town": "",
                "postcode": "",
                "date_of_birth_0": "",
                "date_of_birth_1": "",
                "date_of_birth_2": "",
            },
            "Choose a pupil on your roll, or enter the pupil&#x27;s details",
        ),
    ],
)
def test_a_bad_removal_shows_the_error_and_saves_nothing(
    council: None,
    frozen_clock: Any,
    school_user: User,
    other_school: School,
    overrides: dict[str, str | None],
    message: str,
) -> None:
    before = counts()
    response = signed_in(school_user).post(reverse("returns:removal-new"), form_data(**overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert counts() == before


def test_a_form_sent_without_its_id_can_be_sent_again(
    council: None, frozen_clock: Any, school_user: User
) -> None:
    client = signed_in(school_user)
    response = client.post(reverse("returns:removal-new"), form_data(form_id=None))
    assert "This form has expired: start again" in response.content.decode()
    fresh = str(response.context["fresh_form_id"])
    assert f'value="{fresh}"' in response.content.decode()
    assert client.post(reverse("returns:removal-new"), form_data(form_id=fresh)).status_code == 302
    assert RemovalNotice.objects.get().idempotency_key == f"web:{fresh}"


def test_the_error_summary_links_to_each_field(council: None, frozen_clock: Any, school_user: User) -> None:
    data = form_data(removal_date_0="", removal_date_1="", removal_date_2="", upn="A990300126007")
    page = signed_in(school_user).post(reverse("returns:removal-new"), data).content.decode()
    assert 'href="#id_removal_date_0"' in page
    assert 'href="#id_upn"' in page


def test_a_removal_with_no_destination_opens_a_cme_case_and_tells_the_inclusion_team(
    council: None,
    frozen_clock: Any,
    school_user: User,
    inclusion_officer: User,
    inclusion_manager: User,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(school_user).post(reverse("returns:removal-new"), form_data(ground="b"))
    notice = RemovalNotice.objects.get()
    assert response.status_code == 302
    # The confirmation is addressed by the return the school sent, not by the notice.
    assert response["Location"] == reverse("returns:removal-done", args=[notice.school_return.pk])
    assert notice.opens_cme_case
    assert notice.child.upn == NEW_UPN
    assert notice.submitted_by == school_user
    case = Case.objects.get(kind="cme")
    assert case.child == notice.child
    assert case.team.kind == Team.Kind.INCLUSION
    recipients = set(
        Message.objects.filter(subject__contains=case.reference).values_list("recipient__username", flat=True)
    )
    assert {"inclusion.officer", "inclusion.manager"} <= recipients
    assert mail.outbox
    assert all(email.subject == "You have a new message in Roll Call" for email in mail.outbox)

    done = signed_in(school_user).get(response["Location"]).content.decode()
    assert "Notice received" in done
    assert "The Inclusion team has opened a child missing education case and will make enquiries" in done


def test_a_removal_with_no_ground_says_the_council_will_be_in_touch(
    council: None, frozen_clock: Any, school_user: User
) -> None:
    client = signed_in(school_user)
    response = client.post(reverse("returns:removal-new"), form_data(ground="none"))
    notice = RemovalNotice.objects.get()
    assert notice.possibly_unlawful
    done = client.get(response["Location"]).content.decode()
    assert "The council will contact you about this removal" in done
    assert "No ground for removal was given" in done


def test_a_lawful_removal_to_a_known_school_is_recorded(
    council: None, frozen_clock: Any, school_user: User, other_school: School
) -> None:
    client = signed_in(school_user)
    data = form_data(
        ground="a",
        destination="school",
        destination_urn=" 123456 ",
        destination_start_date_0="16",
        destination_start_date_1="11",
        destination_start_date_2="2026",
    )
    response = client.post(reverse("returns:removal-new"), data)
    notice = RemovalNotice.objects.get()
    assert notice.destination_school == other_school
    assert notice.destination_start_date == dt.date(2026, 11, 16)
    assert not notice.opens_cme_case
    assert not notice.possibly_unlawful
    assert not Case.objects.exists()
    done = client.get(response["Location"]).content.decode()
    assert "Recorded" in done
    assert "Fellside Primary" in done
    portal = client.get(reverse("schools:portal")).content.decode()
    assert "Recorded" in portal


def test_a_double_submit_with_the_same_form_creates_one_notice(
    council: None, frozen_clock: Any, school_user: User
) -> None:
    client = signed_in(school_user)
    data = form_data()
    first = client.post(reverse("returns:removal-new"), data)
    second = client.post(reverse("returns:removal-new"), data)
    assert RemovalNotice.objects.count() == 1
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_pupil_picked_from_the_roll_is_that_child_and_leaves_the_roll(
    council: None, frozen_clock: Any, school_user: User, school: School
) -> None:
    entry = factories.RollEntryFactory.create(school=school)
    factories.AddressFactory.create(child=entry.child, postcode="NM2 3XY")
    data = form_data(
        pupil=str(entry.child.pk),
        first_name="",
        last_name="",
        upn="",
        address_line_1="",
        town="",
        postcode="",
        date_of_birth_0="",
        date_of_birth_1="",
        date_of_birth_2="",
    )
    before = Child.objects.count()
    response = signed_in(school_user).post(reverse("returns:removal-new"), data)
    assert response.status_code == 302
    assert RemovalNotice.objects.get().child == entry.child
    assert Child.objects.count() == before
    entry.refresh_from_db()
    assert entry.on_roll_to == dt.date(2026, 11, 16)


def test_a_pupil_of_another_school_cannot_be_picked(
    council: None, frozen_clock: Any, school_user: User, other_school: School
) -> None:
    theirs = factories.RollEntryFactory.create(school=other_school).child
    response = signed_in(school_user).post(reverse("returns:removal-new"), form_data(pupil=str(theirs.pk)))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert RemovalNotice.objects.count() == 0


def test_only_the_school_that_sent_a_notice_sees_its_confirmation(
    council: None, frozen_clock: Any, school_user: User, other_school: School, inclusion_officer: User
) -> None:
    response = signed_in(school_user).post(reverse("returns:removal-new"), form_data())
    done = response["Location"]
    assert signed_in(factories.school_user(other_school, username="fellside")).get(done).status_code == 404
    assert signed_in(inclusion_officer).get(done).status_code == 404
    assert signed_in(school_user).get(done).status_code == 200
