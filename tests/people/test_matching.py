"""Matching details to a child: UPN first, then name, date of birth and postcode; never a silent merge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollcall.accounts.models import User
from rollcall.casework import events
from rollcall.casework.identity import child_match_or_create
from rollcall.casework.models import Event
from rollcall.people.matching import child_match, normalise_postcode
from rollcall.people.models import Address, Child, PossibleDuplicate
from rollcall.rules.upn import make_upn
from tests import factories

DOB = dt.date(2015, 3, 14)


def child_at(
    postcode: str | None, *, forename: str = "Amelia", surname: str = "Hartley", upn: str | None = None
) -> Child:
    """A child born on DOB, with a current address at ``postcode`` (or no address at all)."""
    child = factories.ChildFactory.create(
        legal_forename=forename, legal_surname=surname, date_of_birth=DOB, upn=upn
    )
    if postcode is not None:
        factories.AddressFactory.create(child=child, postcode=postcode)
    return child


@pytest.mark.django_db
def test_a_known_upn_matches_whatever_the_spacing_and_case() -> None:
    upn = make_upn("990", "2001", 19, 42)
    child = child_at("NM1 2AB", upn=upn)

    result = child_match(
        upn=f" {upn[:4].lower()} {upn[4:]} ",
        forename="Someone",
        surname="Else",
        date_of_birth=dt.date(2010, 1, 1),
    )

    assert (result.child, result.how, result.candidates) == (child, "upn", [])


@pytest.mark.django_db
def test_name_date_of_birth_and_postcode_match_ignoring_case_and_spaces() -> None:
    child = child_at("NM1 2AB")

    result = child_match(
        upn=None, forename=" amelia ", surname="HARTLEY", date_of_birth=DOB, postcode="nm12ab"
    )

    assert (result.child, result.how, result.candidates) == (child, "name_dob_postcode", [])


@pytest.mark.django_db
def test_an_unknown_upn_falls_back_to_name_date_of_birth_and_postcode() -> None:
    child = child_at("NM1 2AB")

    result = child_match(
        upn=make_upn("990", "2001", 19, 7),
        forename="Amelia",
        surname="Hartley",
        date_of_birth=DOB,
        postcode="NM1 2AB",
    )

    assert (result.child, result.how) == (child, "name_dob_postcode")


@pytest.mark.django_db
def test_name_and_date_of_birth_match_when_no_postcode_is_given() -> None:
    child = child_at("NM1 2AB")

    result = child_match(upn=None, forename="Amelia", surname="Hartley", date_of_birth=DOB)

    assert (result.child, result.how) == (child, "name_dob_postcode")


@pytest.mark.django_db
def test_a_different_postcode_makes_a_candidate_not_a_match() -> None:
    child = child_at("NM9 9ZZ")

    result = child_match(
        upn=None, forename="Amelia", surname="Hartley", date_of_birth=DOB, postcode="NM1 2AB"
    )

    assert (result.child, result.how, result.candidates) == (None, "none", [child])


@pytest.mark.django_db
def test_a_child_with_no_current_address_is_only_a_candidate_when_a_postcode_is_given() -> None:
    child = child_at(None)

    result = child_match(
        upn=None, forename="Amelia", surname="Hartley", date_of_birth=DOB, postcode="NM1 2AB"
    )

    assert (result.child, result.candidates) == (None, [child])


@pytest.mark.django_db
def test_only_the_current_address_counts() -> None:
    child = child_at(None)
    factories.AddressFactory.create(child=child, postcode="NM1 2AB", moved_out=dt.date(2024, 1, 1))
    factories.AddressFactory.create(child=child, postcode="NM9 9ZZ")

    result = child_match(
        upn=None, forename="Amelia", surname="Hartley", date_of_birth=DOB, postcode="NM1 2AB"
    )

    assert (result.child, result.candidates) == (None, [child])


@pytest.mark.django_db
def test_the_same_surname_and_birthday_with_another_first_name_is_a_candidate() -> None:
    sister = child_at("NM1 2AB", forename="Olivia")

    result = child_match(
        upn=None, forename="Amelia", surname="Hartley", date_of_birth=DOB, postcode="NM1 2AB"
    )

    assert (result.child, result.how, result.candidates) == (None, "none", [sister])


@pytest.mark.django_db
def test_two_equally_good_matches_are_both_candidates() -> None:
    first, second = child_at("NM1 2AB"), child_at("NM1 2AB")

    result = child_match(
        upn=None, forename="Amelia", surname="Hartley", date_of_birth=DOB, postcode="NM1 2AB"
    )

    assert (result.child, result.candidates) == (None, [first, second])


@pytest.mark.django_db
def test_a_child_holding_a_different_upn_is_a_candidate_not_a_match() -> None:
    other = child_at("NM1 2AB", upn=make_upn("990", "2001", 19, 1))

    result = child_match(
        upn=make_upn("990", "2001", 19, 2),
        forename="Amelia",
        surname="Hartley",
        date_of_birth=DOB,
        postcode="NM1 2AB",
    )

    assert (result.child, result.candidates) == (None, [other])


@pytest.mark.django_db
def test_nobody_alike_is_no_match_and_no_candidates() -> None:
    child_at("NM1 2AB", surname="Okafor")
    factories.ChildFactory.create(
        legal_forename="Amelia", legal_surname="Hartley", date_of_birth=dt.date(2015, 3, 15)
    )

    result = child_match(
        upn=None, forename="Amelia", surname="Hartley", date_of_birth=DOB, postcode="NM1 2AB"
    )

    assert (result.child, result.how, result.candidates) == (None, "none", [])


@pytest.mark.django_db
def test_matching_takes_two_queries_however_many_candidates() -> None:
    for forename in ("Olivia", "Isla", "Ava", "Mia"):
        child_at("NM1 2AB", forename=forename)

    with CaptureQueriesContext(connection) as queries:
        result = child_match(
            upn=make_upn("990", "2001", 19, 2),
            forename="Amelia",
            surname="Hartley",
            date_of_birth=DOB,
            postcode="NM1 2AB",
        )

    assert len(result.candidates) == 4
    assert len(queries) == 2


def test_postcodes_are_compared_without_spaces_or_case() -> None:
    assert normalise_postcode(" nm1  2ab ") == "NM12AB" == normalise_postcode("NM12AB")
    assert normalise_postcode(None) == ""


@pytest.mark.django_db
def test_a_match_returns_the_existing_child_and_creates_nothing() -> None:
    child = child_at("NM1 2AB")

    found, result, created = child_match_or_create(
        upn=None,
        forename="Amelia",
        surname="Hartley",
        date_of_birth=DOB,
        postcode="NM1 2AB",
        address={"line_1": "1 Moor Lane", "town": "Northmoor"},
    )

    assert (found, result.how, created) == (child, "name_dob_postcode", False)
    assert Child.objects.count() == 1
    assert Address.objects.count() == 1


@pytest.mark.django_db
def test_no_match_creates_the_child_with_a_current_address_and_a_timeline_event() -> None:
    actor = factories.UserFactory.create()
    upn = make_upn("990", "2001", 19, 3)

    child, result, created = child_match_or_create(
        upn=upn.lower(),
        forename=" Amelia ",
        surname="Hartley",
        date_of_birth=DOB,
        gender="F",
        postcode="nm1 2ab",
        address={"line_1": "1 Moor Lane", "town": "Northmoor"},
        actor=actor,
    )

    assert (created, result.how) == (True, "none")
    assert (child.legal_forename, child.upn, child.gender) == ("Amelia", upn, "F")
    address = child.addresses.get()
    assert (address.line_1, address.postcode, address.moved_out) == ("1 Moor Lane", "NM1 2AB", None)
    event = Event.objects.get(child=child)
    assert (event.verb, event.actor) == (events.CHILD_CREATED, actor)
    assert child.history.get().history_user == actor


@pytest.mark.django_db
def test_each_candidate_is_recorded_as_a_possible_duplicate_for_an_officer() -> None:
    moved = child_at("NM9 9ZZ")
    sister = child_at("NM1 2AB", forename="Olivia")

    child, result, created = child_match_or_create(
        upn=None,
        forename="Amelia",
        surname="Hartley",
        date_of_birth=DOB,
        postcode="NM1 2AB",
    )

    assert created
    assert result.candidates == [moved, sister]
    duplicates = {d.other: d for d in PossibleDuplicate.objects.filter(child=child)}
    assert set(duplicates) == {moved, sister}
    assert "postcode NM9 9ZZ differs" in duplicates[moved].reason
    assert "first name 'Olivia' differs" in duplicates[sister].reason
    assert all(d.status == PossibleDuplicate.Status.OPEN for d in duplicates.values())
    assert Child.objects.count() == 3  # never merged


@pytest.mark.django_db
def test_a_upn_with_a_wrong_check_letter_is_refused_and_nothing_is_created() -> None:
    with pytest.raises(ValidationError):
        child_match_or_create(upn="Z801200001001", forename="Amelia", surname="Hartley", date_of_birth=DOB)

    assert not Child.objects.exists()


@pytest.mark.django_db
def test_unknown_address_fields_are_refused() -> None:
    with pytest.raises(ValueError, match="flat"):
        child_match_or_create(
            upn=None, forename="Amelia", surname="Hartley", date_of_birth=DOB, address={"flat": "4"}
        )


@pytest.mark.django_db
def test_creating_without_an_actor_records_no_history_user() -> None:
    child, _, _ = child_match_or_create(upn=None, forename="Amelia", surname="Hartley", date_of_birth=DOB)

    assert child.history.get().history_user is None
    assert isinstance(child, Child)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_upn_recorded_by_someone_else_meanwhile_is_returned_not_duplicated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    upn = make_upn("990", "2001", 19, 5)
    # Simulate a concurrent request: the UPN is taken after our match found nobody.
    from rollcall.people import matching

    real_match = matching.child_match

    def match_then_race(**kwargs: object) -> matching.MatchResult:
        result = real_match(**kwargs)  # type: ignore[arg-type]
        child_at("NM1 2AB", upn=upn)
        return result

    monkeypatch.setattr("rollcall.casework.identity.child_match", match_then_race)

    child, result, created = child_match_or_create(
        upn=upn, forename="Amelia", surname="Hartley", date_of_birth=DOB
    )

    assert (created, result.how, child.upn) == (False, "upn", upn)
    assert Child.objects.count() == 1
