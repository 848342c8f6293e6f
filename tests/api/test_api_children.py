"""GET /api/v1/children/<id>/: a child's record, as much as the user may see, and always logged."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.accounts.models import Team, User
from rollcall.audit.models import RecordView
from rollcall.casework.services import case_open
from rollcall.people.models import Child
from rollcall.schools.models import School
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


def url(child: Child) -> str:
    return f"/api/v1/children/{child.pk}/"


@pytest.fixture
def pupil(school: School) -> Child:
    """A child who was at another school, then joined ours; with an address, a carer and a CME case."""
    child = factories.ChildFactory.create(legal_forename="Jo", legal_surname="Example")
    earlier = factories.SchoolFactory.create(name="Elsewhere Primary")
    factories.RollEntryFactory.create(
        child=child, school=earlier, on_roll_from=dt.date(2020, 9, 3), on_roll_to=dt.date(2024, 7, 19)
    )
    factories.RollEntryFactory.create(child=child, school=school, on_roll_from=dt.date(2024, 9, 4))
    factories.AddressFactory.create(child=child, postcode="NM2 2BB")
    factories.CarerFactory.create(child=child, name="Pat Example")
    case_open(child=child, kind="cme", team=Team.objects.get(kind=Team.Kind.INCLUSION), source="a test")
    return child


def test_a_school_user_sees_basic_details_and_only_their_own_roll(
    school_user: User, school: School, pupil: Child, token_client
) -> None:
    response = token_client(school_user).get(url(pupil))

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Jo Example"
    assert body["upn"] == pupil.upn
    assert body["date_of_birth"] == pupil.date_of_birth.isoformat()
    assert [entry["school"]["urn"] for entry in body["roll_entries"]] == [school.urn]
    # Never the council's record: only addresses and carers the school sent (none here), no cases.
    assert (body["addresses"], body["carers"]) == ([], [])
    assert not {"current_address", "cases"} & set(body)
    assert "Elsewhere Primary" not in response.content.decode()
    assert "Pat Example" not in response.content.decode()


def test_a_school_user_cannot_see_another_schools_pupil(school_user: User, token_client) -> None:
    stranger = factories.RollEntryFactory.create().child

    response = token_client(school_user).get(url(stranger))

    assert response.status_code == 404
    assert response.json() == {"detail": "No such child"}
    # Nothing shown; the attempt is logged as refused, naming the child asked for.
    assert list(RecordView.objects.values_list("user", "child", "outcome")) == [
        (school_user.pk, stranger.pk, RecordView.Outcome.REFUSED)
    ]


def test_a_child_who_does_not_exist_is_a_json_404(inclusion_officer: User, token_client) -> None:
    response = token_client(inclusion_officer).get("/api/v1/children/999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No such child"}


def test_an_inclusion_officer_sees_the_address_carers_every_roll_and_the_case(
    inclusion_officer: User, pupil: Child, token_client
) -> None:
    response = token_client(inclusion_officer).get(url(pupil))

    assert response.status_code == 200
    body = response.json()
    assert body["current_address"]["postcode"] == "NM2 2BB"
    assert [carer["name"] for carer in body["carers"]] == ["Pat Example"]
    assert [entry["school"]["name"] for entry in body["roll_entries"]] == [
        "Moorside Academy",
        "Elsewhere Primary",
    ]
    assert [case["kind"] for case in body["cases"]] == ["cme"]


def test_an_admissions_officer_cannot_see_a_child_known_only_to_inclusion(
    admissions_officer: User, pupil: Child, token_client
) -> None:
    assert token_client(admissions_officer).get(url(pupil)).status_code == 404


def test_a_head_of_service_sees_only_the_cases_listed_on_the_child_that_they_may_see(
    head_of_service: User, pupil: Child, token_client
) -> None:
    response = token_client(head_of_service).get(url(pupil))

    assert response.status_code == 200
    assert len(response.json()["cases"]) == 1


def test_every_read_of_a_child_is_logged(school_user: User, pupil: Child, token_client) -> None:
    client = token_client(school_user)
    client.get(url(pupil))
    client.get(url(pupil))

    views = list(RecordView.objects.filter(child=pupil))
    assert len(views) == 2
    assert {(v.user_id, v.what, v.path) for v in views} == {(school_user.pk, "api child", url(pupil))}
    assert views[0].at == dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)
