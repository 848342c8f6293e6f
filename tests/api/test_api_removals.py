"""POST and GET /api/v1/removals/: a school system's removal notices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rollcall.accounts.models import Membership, Team, User
from rollcall.casework.models import Case, Event, Task
from rollcall.people.models import Child
from rollcall.returns.claims import Pupil
from rollcall.returns.models import SchoolReturn
from rollcall.returns.removals import Removal, removal_notify
from rollcall.rules.upn import make_upn
from rollcall.rules.workflow import Role
from rollcall.schools.models import RemovalNotice, RollEntry, School
from tests import factories

URL = "/api/v1/removals/"
UPN = make_upn("990", "2001", 14, 123)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


def notice(**changes: Any) -> dict[str, Any]:
    """A valid removal notice (ground (g), destination unknown) with ``changes`` applied."""
    pupil = {
        "upn": UPN,
        "forename": "Amira",
        "surname": "Testcase",
        "date_of_birth": "2014-05-02",
        "gender": "F",
        "address_line_1": "1 Invented Row",
        "town": "Northmoor",
        "postcode": "NM1 1AA",
    }
    body: dict[str, Any] = {"pupil": pupil, "removal_date": "2026-11-16", "ground": "g"}
    for name, value in changes.items():
        if name.startswith("pupil__"):
            pupil[name.removeprefix("pupil__")] = value
        else:
            body[name] = value
    return body


def post(client, body: dict[str, Any], key: str | None = "notice-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(URL, body, format="json", **headers)


def row_counts() -> dict[str, int]:
    return {
        "notices": RemovalNotice.objects.count(),
        "children": Child.objects.count(),
        "cases": Case.objects.count(),
        "tasks": Task.objects.count(),
        "events": Event.objects.count(),
    }


def test_a_notice_with_no_destination_records_the_notice_and_opens_a_cme_case(
    school_user: User, school: School, token_client, inclusion_officer: User
) -> None:
    response = post(token_client(school_user), notice())

    assert response.status_code == 201, response.json()
    body = response.json()
    recorded = RemovalNotice.objects.get()
    case = Case.objects.get()
    assert body["removal_notice"]["id"] == recorded.pk
    assert (body["status"], body["reference"]) == (
        "accepted",
        SchoolReturn.objects.get(removal_notice=recorded).reference,
    )
    assert recorded.school == school
    assert recorded.submitted_by == school_user
    assert recorded.idempotency_key == "notice-1"
    # The answer repeats what the school sent, and nothing of the council's case.
    assert body["sent"]["pupil"]["upn"] == UPN
    assert body["sent"]["pupil"]["surname"] == "Testcase"
    assert body["received_at"].startswith("2026-11-16T10:00:00")
    assert body["removal_notice"]["opens_cme_case"] is True
    assert body["removal_notice"]["possibly_unlawful"] is False
    assert body["removal_notice"]["concerns"] == ["Where the pupil has gone is not known"]
    assert case.kind == "cme"
    assert case.removal_notice == recorded
    assert case.owner == inclusion_officer
    assert case.reference not in response.content.decode()
    assert recorded.child.addresses.get().postcode == "NM1 1AA"


def test_a_retry_with_the_same_idempotency_key_returns_the_same_notice_and_creates_nothing(
    school_user: User, token_client
) -> None:
    client = token_client(school_user)
    first = post(client, notice())
    counts = row_counts()

    again = post(client, notice())
    and_again = post(client, notice())

    assert first.status_code == 201
    assert again.status_code == 200
    assert and_again.status_code == 200
    assert again.json() == first.json()
    assert and_again.json() == first.json()
    assert row_counts() == counts
    assert counts["notices"] == 1
    assert counts["cases"] == 1


def test_a_new_idempotency_key_records_a_second_notice(school_user: User, token_client) -> None:
    client = token_client(school_user)
    first = post(client, notice(), key="notice-1")
    second = post(client, notice(), key="notice-2")

    assert second.status_code == 201
    assert second.json()["removal_notice"]["id"] != first.json()["removal_notice"]["id"]
    assert RemovalNotice.objects.count() == 2
    # The same child, and the open CME case takes in the new facts rather than a second case opening.
    assert Child.objects.count() == 1
    assert Case.objects.count() == 1


def test_the_same_key_from_another_school_is_a_different_return(school_user: User, token_client) -> None:
    other_school_user = factories.school_user(username="other.school")
    post(token_client(school_user), notice())
    response = post(token_client(other_school_user), notice())

    # Not a replay of the first school's notice: a new return, which waits for an officer because
    # the pupil was never on the other school's roll.
    assert response.status_code == 202
    assert response.json()["status"] == "received"
    assert RemovalNotice.objects.count() == 1


@pytest.mark.parametrize("key", [None, "", "   "])
def test_a_notice_without_an_idempotency_key_is_refused_and_nothing_is_recorded(
    school_user: User, token_client, key: str | None
) -> None:
    counts = row_counts()
    response = post(token_client(school_user), notice(), key=key)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert row_counts() == counts


def test_an_idempotency_key_longer_than_100_characters_is_refused(school_user: User, token_client) -> None:
    response = post(token_client(school_user), notice(), key="k" * 101)

    assert response.status_code == 400
    assert response.json() == {"detail": "The Idempotency-Key header must be 100 characters or fewer"}
    assert RemovalNotice.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"removal_date": "2026-11-17"},
            "removal_date",
            "The removal date must be today or in the past",
        ),
        (
            {"removal_date": "16/11/2026"},
            "removal_date",
            "Enter the date the pupil was removed from the roll as a real date in the form YYYY-MM-DD, "
            "like 2026-03-27",
        ),
        (
            {"parent_written_notice_date": "2027-01-04", "ground": "f"},
            "parent_written_notice_date",
            "The date of the parent's written notice must be today or in the past",
        ),
        ({"ground": "z"}, "ground", "'z' is not a ground for removal"),
        ({"ground": "ab"}, "ground", "'ab' is not a ground for removal"),
        (
            {"destination_school_urn": "999999"},
            "destination_school_urn",
            "There is no school with URN 999999",
        ),
        (
            {"continuous_absence_school_days": -1},
            "continuous_absence_school_days",
            "The number of school days of continuous absence cannot be negative",
        ),
        ({"destination_urn": "100001"}, "destination_urn", "destination_urn is not a field this API accepts"),
    ],
)
def test_a_notice_with_an_error_names_the_field_and_records_nothing(
    school_user: User, token_client, changes: dict[str, Any], field: str, message: str
) -> None:
    response = post(token_client(school_user), notice(**changes))

    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)
    assert RemovalNotice.objects.count() == 0
    assert Child.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pupil__forename": ""}, "forename", "Enter the pupil's first name"),
        (
            {"pupil__date_of_birth": "2026-12-01"},
            "date_of_birth",
            "The pupil's date of birth must be in the past",
        ),
        ({"pupil__gender": "Q"}, "gender", "Gender must be F, M, X (other) or U (not known)"),
        ({"pupil__postcode": ""}, "postcode", "Enter the pupil's postcode, or leave out the address"),
        ({"pupil__surname": "x" * 101}, "surname", "The pupil's last name must be 100 characters or fewer"),
    ],
)
def test_an_error_in_the_pupils_details_is_keyed_under_pupil(
    school_user: User, token_client, changes: dict[str, Any], field: str, message: str
) -> None:
    response = post(token_client(school_user), notice(**changes))

    assert response.status_code == 400
    assert response.json() == {"pupil": {field: [message]}}


def test_a_upn_with_the_wrong_check_letter_gives_the_rules_reason(school_user: User, token_client) -> None:
    wrong = ("A" if UPN[0] != "A" else "B") + UPN[1:]
    response = post(token_client(school_user), notice(pupil__upn=wrong))

    assert response.status_code == 400
    assert response.json() == {
        "pupil": {
            "upn": [f"Enter a valid UPN. The check letter is wrong: it should be {UPN[0]}, not {wrong[0]}"]
        }
    }


def test_a_upn_of_the_wrong_length_says_so(school_user: User, token_client) -> None:
    response = post(token_client(school_user), notice(pupil__upn="A12345"))

    assert response.json() == {
        "pupil": {"upn": ["Enter a valid UPN. A UPN has 13 characters; this one has 6"]}
    }


def test_missing_required_fields_are_each_named(school_user: User, token_client) -> None:
    response = post(token_client(school_user), {"pupil": {}})

    assert response.status_code == 400
    errors = response.json()
    assert errors["removal_date"] == ["Enter the date the pupil was removed from the roll"]
    assert errors["ground"][0].startswith("Enter the ground for removal: one of a, b, c")
    assert errors["pupil"] == {
        "forename": ["Enter the pupil's first name"],
        "surname": ["Enter the pupil's last name"],
        "date_of_birth": ["Enter the pupil's date of birth"],
    }


def test_a_known_destination_school_means_no_cme_case(school_user: User, token_client) -> None:
    destination = factories.SchoolFactory.create(urn="100001", name="Hilltop School")
    response = post(
        token_client(school_user),
        notice(ground="a", destination_school_urn="100001", destination_start_date="2026-11-16"),
    )

    assert response.status_code == 201
    body = response.json()["removal_notice"]
    assert body["destination_school"] == {"urn": "100001", "name": "Hilltop School"}
    assert body["opens_cme_case"] is False
    assert body["possibly_unlawful"] is False
    assert RemovalNotice.objects.get().destination_school == destination
    assert Case.objects.count() == 0


def test_the_destination_cannot_be_the_school_sending_the_notice(
    school_user: User, school: School, token_client
) -> None:
    response = post(token_client(school_user), notice(ground="a", destination_school_urn=school.urn))

    assert response.json() == {
        "destination_school_urn": ["The destination school cannot be the school the pupil is leaving"]
    }


def test_a_removal_with_no_ground_is_flagged_as_possibly_unlawful(school_user: User, token_client) -> None:
    response = post(token_client(school_user), notice(ground=""))

    assert response.status_code == 201
    body = response.json()["removal_notice"]
    assert body["possibly_unlawful"] is True
    assert "No ground for removal was given" in body["concerns"]


def test_the_ground_may_be_given_in_capitals_or_brackets(school_user: User, token_client) -> None:
    response = post(token_client(school_user), notice(ground="(G)"))

    assert response.status_code == 201
    assert response.json()["removal_notice"]["ground"] == "g"


def test_the_notice_closes_the_pupils_place_on_the_schools_roll(
    school_user: User, school: School, token_client
) -> None:
    child = factories.ChildFactory.create(
        upn=UPN, legal_forename="Amira", legal_surname="Testcase", date_of_birth=dt.date(2014, 5, 2)
    )
    entry = factories.RollEntryFactory.create(child=child, school=school)

    response = post(token_client(school_user), notice(ground="g"))

    assert response.status_code == 201
    assert RemovalNotice.objects.get().child == child
    entry.refresh_from_db()
    assert entry.on_roll_to == dt.date(2026, 11, 16)
    assert entry.leaving_ground == "g"
    assert RollEntry.objects.filter(child=child, on_roll_to__isnull=True).count() == 0


def test_council_staff_cannot_send_a_removal_notice(inclusion_officer: User, token_client) -> None:
    response = post(token_client(inclusion_officer), notice())

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Only a school user can send a removal notice")
    assert RemovalNotice.objects.count() == 0


def _notice_from(school: School, user: User, surname: str) -> RemovalNotice:
    received = removal_notify(
        school=school,
        actor=user,
        pupil=Pupil(forename="Sam", surname=surname, date_of_birth=dt.date(2013, 3, 3)),
        removal=Removal(removal_date=dt.date(2026, 11, 16), ground="g"),
        idempotency_key=f"key-{surname}",
    )
    assert received.school_return.removal_notice is not None
    return received.school_return.removal_notice


def test_a_school_lists_only_its_own_notices(school_user: User, school: School, token_client) -> None:
    other = factories.SchoolFactory.create()
    mine = _notice_from(school, school_user, "Mine")
    _notice_from(other, factories.school_user(other, username="other.school"), "Theirs")

    response = token_client(school_user).get(URL)

    assert response.status_code == 200
    assert [n["id"] for n in response.json()["results"]] == [mine.pk]
    assert response.json()["count"] == 1


@pytest.mark.parametrize("who", ["inclusion_officer", "head_of_service"])
def test_the_inclusion_team_and_heads_of_service_list_every_notice(
    who: str, request: pytest.FixtureRequest, school: School, school_user: User, token_client
) -> None:
    other = factories.SchoolFactory.create()
    _notice_from(school, school_user, "One")
    _notice_from(other, factories.school_user(other, username="other.school"), "Two")

    response = token_client(request.getfixturevalue(who)).get(URL)

    assert response.json()["count"] == 2


def test_an_admissions_officer_lists_no_notices(
    admissions_officer: User, school: School, school_user: User, token_client
) -> None:
    _notice_from(school, school_user, "One")

    response = token_client(admissions_officer).get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_the_notice_list_costs_the_same_queries_for_many_notices(
    school_user: User, school: School, token_client, django_assert_max_num_queries
) -> None:
    client = token_client(school_user)
    _notice_from(school, school_user, "First")
    with django_assert_max_num_queries(8) as few:
        client.get(URL)
    for n in range(10):
        _notice_from(school, school_user, f"Pupil{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.json()["count"] == 11
    # A school is shown each pupil as it sent them, and no council case.
    results = response.json()["results"]
    assert {n["child"]["name"] for n in results} == {"Sam First", *(f"Sam Pupil{n}" for n in range(10))}
    assert not any(n["case_reference"] for n in results)


def test_when_nobody_can_own_the_case_the_notice_is_refused_whole_and_a_retry_later_succeeds(
    school_user: User, token_client
) -> None:
    Membership.objects.filter(team__kind=Team.Kind.INCLUSION).delete()
    client = token_client(school_user)
    counts = row_counts()

    refused = post(client, notice())

    assert refused.status_code == 503
    assert "has nobody to own the case" in refused.json()["detail"]
    assert row_counts() == counts
    factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="new.officer")
    assert post(client, notice()).status_code == 201
