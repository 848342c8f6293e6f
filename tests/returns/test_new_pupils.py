"""The new pupil return: a school tells the council a pupil joined its roll."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.accounts.models import Team
from rollcall.casework.models import Case, Task
from rollcall.casework.services import case_open
from rollcall.people.models import Child, PossibleDuplicate
from rollcall.returns.claims import claim_confirm
from rollcall.returns.models import SchoolReturn
from rollcall.schools.models import RollEntry
from tests import factories

URL = "/schools/new-pupils/new/"


def _post(child: Child | None = None, **overrides: str) -> dict[str, str]:
    data = {
        "first_name": child.legal_forename if child else "Robin",
        "last_name": child.legal_surname if child else "Ashdown",
        "date_of_birth_0": str(child.date_of_birth.day) if child else "4",
        "date_of_birth_1": str(child.date_of_birth.month) if child else "5",
        "date_of_birth_2": str(child.date_of_birth.year) if child else "2015",
        "upn": child.upn or "" if child else "",
        "address_line_1": "",
        "town": "",
        "postcode": "",
        "entered_on_0": "16",
        "entered_on_1": "11",
        "entered_on_2": "2026",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_missing_child_joining_the_roll_the_council_named_closes_their_case_as_back_on_roll(
    client, council, frozen_clock, school, school_user
):
    child = factories.ChildFactory.create()
    old_school = factories.SchoolFactory.create(name="Fellside School")
    factories.RemovalNoticeFactory.create(child=child, school=old_school, destination_school=school)
    case = case_open(child=child, kind="cme", team=Team.objects.get(kind="inclusion"), source="referral")
    client.force_login(school_user)

    response = client.post(URL, _post(child), follow=True)

    assert response.status_code == 200
    assert f"{child.legal_forename} {child.legal_surname} is on your roll from 16 November 2026." in (
        response.content.decode()
    )
    case.refresh_from_db()
    assert case.closed_at is not None
    assert case.outcome == "on_roll"
    assert case.outcome_details == {"school": school.name}
    assert RollEntry.objects.get(child=child, school=school).on_roll_from == dt.date(2026, 11, 16)


@pytest.mark.django_db
def test_a_school_the_council_did_not_expect_cannot_claim_a_missing_child_or_close_their_case(
    client, council, frozen_clock, school, school_user
):
    """Issue 11, finding 2: one school's login emptied the missing-children list by UPN."""
    child = factories.ChildFactory.create()
    case = case_open(child=child, kind="cme", team=Team.objects.get(kind="inclusion"), source="referral")
    client.force_login(school_user)

    response = client.post(URL, _post(child), follow=True)

    page = response.content.decode()
    assert "The council will check the details" in page
    assert "missing education" not in page
    case.refresh_from_db()
    assert case.closed_at is None
    assert case.status == "new"
    assert not RollEntry.objects.filter(child=child, school=school).exists()
    claim = SchoolReturn.objects.get(child=child)
    assert (claim.status, claim.reasons) == (
        "to_confirm",
        ["The council did not expect the pupil at this school"],
    )
    assert Task.objects.filter(case=case, code="confirm_claim", key=f"claim:{claim.pk}").exists()


@pytest.mark.django_db
def test_once_an_officer_confirms_the_claim_the_child_is_on_roll_and_the_case_waits_for_its_owner(
    client, council, frozen_clock, school, school_user, inclusion_officer
):
    child = factories.ChildFactory.create()
    case = case_open(child=child, kind="cme", team=Team.objects.get(kind="inclusion"), source="referral")
    client.force_login(school_user)
    client.post(URL, _post(child))
    claim = SchoolReturn.objects.get(child=child)

    claim_confirm(claim=claim, actor=inclusion_officer, note="Rang the school: the date of birth matches")

    case.refresh_from_db()
    assert (case.status, case.closed_at) == ("on_roll_to_confirm", None)
    assert RollEntry.objects.filter(child=child, school=school, on_roll_to__isnull=True).exists()
    assert Task.objects.get(key=f"claim:{claim.pk}").status == "done"
    task = Task.objects.get(case=case, code="confirm_on_roll")
    assert (task.assignee, task.status) == (case.owner, "open")


@pytest.mark.django_db
def test_sending_the_same_new_pupil_twice_puts_them_on_the_roll_once(
    client, council, frozen_clock, school_user
):
    client.force_login(school_user)

    client.post(URL, _post())
    client.post(URL, _post())

    assert Child.objects.filter(legal_surname="Ashdown").count() == 1
    assert RollEntry.objects.filter(child__legal_surname="Ashdown").count() == 1


@pytest.mark.django_db
def test_a_name_and_birthday_match_with_a_different_postcode_is_a_new_child_shown_as_a_possible_duplicate(
    client, council, frozen_clock, school_user
):
    existing = factories.AddressFactory.create(postcode="NM1 1AA").child
    client.force_login(school_user)

    client.post(
        URL, _post(existing, upn="", address_line_1="1 High Street", town="Northmoor", postcode="NM9 9ZZ")
    )

    assert Child.objects.filter(legal_surname=existing.legal_surname).count() == 2
    assert PossibleDuplicate.objects.filter(other=existing).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"first_name": ""}, "Enter the pupil&#x27;s first name"),
        (
            {"entered_on_0": "", "entered_on_1": "", "entered_on_2": ""},
            "Enter the date the pupil joined your roll",
        ),
        ({"entered_on_0": "30", "entered_on_1": "2"}, "must be a real date"),
        ({"entered_on_2": "2027"}, "must be today or in the past"),
        ({"upn": "Z990300126007"}, "Enter a valid UPN"),
    ],
)
def test_a_bad_new_pupil_return_shows_the_error_and_saves_nothing(
    client, council, frozen_clock, school_user, overrides, message
):
    client.force_login(school_user)
    before = (Child.objects.count(), RollEntry.objects.count())

    response = client.post(URL, _post(**overrides))

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    assert (Child.objects.count(), RollEntry.objects.count()) == before


@pytest.mark.django_db
def test_council_staff_cannot_send_a_new_pupil_return(client, council, inclusion_officer):
    client.force_login(inclusion_officer)

    assert client.get(URL).status_code == 403
    assert client.post(URL, _post()).status_code == 403
    assert Case.objects.count() == 0
