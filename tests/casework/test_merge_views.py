"""The possible-duplicates pages: the queue, "not the same child", merge and undo (issue 11)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import Team, User
from rollcall.casework.models import ChildMerge
from rollcall.people.models import Child, PossibleDuplicate
from tests import factories
from tests.casework.test_child_page import make_case

pytestmark = pytest.mark.usefixtures("council", "frozen_clock")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin() -> User:
    return factories.administrator(username="council.admin")


@pytest.fixture
def twins(inclusion_officer: User) -> tuple[Child, Child, PossibleDuplicate]:
    """Two records the Inclusion team can both see, found as a possible duplicate."""
    first = factories.ChildFactory.create(legal_forename="Noor", legal_surname="Haddad")
    second = factories.ChildFactory.create(legal_forename="Nour", legal_surname="Haddad")
    make_case(first, Team.Kind.INCLUSION, inclusion_officer)
    make_case(second, Team.Kind.INCLUSION, inclusion_officer, kind="removal")
    pair = PossibleDuplicate.objects.create(
        child=second, other=first, reason="Same surname and date of birth"
    )
    return first, second, pair


def test_the_queue_shows_each_pair_with_why_it_was_found(
    inclusion_manager: User, twins: tuple[Child, Child, PossibleDuplicate]
) -> None:
    first, _second, pair = twins
    page = signed_in(inclusion_manager).get(reverse("children:duplicates")).content.decode()
    assert "Same surname and date of birth" in page
    assert reverse("children:child", args=[first.pk]) in page
    assert reverse("children:duplicate", args=[pair.pk]) in page


def test_a_manager_sees_a_pair_with_a_record_they_cannot_see_but_cannot_open_it(
    inclusion_manager: User, inclusion_officer: User
) -> None:
    seen = factories.ChildFactory.create(legal_forename="Seen", legal_surname="Child")
    hidden = factories.ChildFactory.create(legal_forename="Hidden", legal_surname="Record")
    make_case(seen, Team.Kind.INCLUSION, inclusion_officer)
    pair = PossibleDuplicate.objects.create(child=hidden, other=seen, reason="Same birthday")
    client = signed_in(inclusion_manager)
    page = client.get(reverse("children:duplicates")).content.decode()
    assert "Seen Child" in page
    assert "Hidden Record" not in page
    assert "An administrator must review this pair" in page
    assert client.get(reverse("children:duplicate", args=[pair.pk])).status_code == 403
    assert client.get(reverse("children:duplicate-merge", args=[pair.pk])).status_code == 403


def test_officers_heads_of_service_and_schools_have_no_queue(
    inclusion_officer: User,
    head_of_service: User,
    school_user: User,
    twins: tuple[Child, Child, PossibleDuplicate],
) -> None:
    _first, _second, pair = twins
    for person in (inclusion_officer, head_of_service, school_user):
        client = signed_in(person)
        assert client.get(reverse("children:duplicates")).status_code == 403
        assert client.get(reverse("children:duplicate", args=[pair.pk])).status_code == 404
        assert "Possible duplicates" not in client.get(reverse("home"), follow=True).content.decode()


def test_the_menu_offers_the_queue_to_managers_and_administrators(
    inclusion_manager: User, admin: User
) -> None:
    for person in (inclusion_manager, admin):
        page = signed_in(person).get(reverse("children:search")).content.decode()
        assert reverse("children:duplicates") in page


def test_the_queue_costs_the_same_for_many_pairs(admin: User, django_assert_max_num_queries) -> None:
    children = factories.ChildFactory.create_batch(30)
    PossibleDuplicate.objects.bulk_create(
        PossibleDuplicate(child=a, other=b, reason="Same birthday")
        for a, b in zip(children[::2], children[1::2], strict=True)
    )
    client = signed_in(admin)
    # +1: the session's two-factor device (django-otp's middleware, docs/sign-in.md)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("children:duplicates"))
    assert response.content.decode().count("Same birthday") == 15


def test_not_the_same_child_needs_a_reason_then_leaves_the_queue_for_good(
    inclusion_manager: User, twins: tuple[Child, Child, PossibleDuplicate]
) -> None:
    _first, _second, pair = twins
    client = signed_in(inclusion_manager)
    url = reverse("children:duplicate", args=[pair.pk])
    refused = client.post(url, {"reason": ""})
    assert "Enter why these are not the same child" in refused.content.decode()
    response = client.post(url, {"reason": "Different mothers' names"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == PossibleDuplicate.Status.NOT_DUPLICATE
    assert "Same surname and date of birth" not in client.get(reverse("children:duplicates")).content.decode()
    assert client.get(url).status_code == 404


def test_a_manager_merges_a_pair_and_the_old_record_leads_to_the_survivor(
    inclusion_manager: User, twins: tuple[Child, Child, PossibleDuplicate]
) -> None:
    first, second, pair = twins
    client = signed_in(inclusion_manager)
    url = reverse("children:duplicate-merge", args=[pair.pk])
    form = client.get(url).content.decode()
    assert f"If you keep record {first.pk}" in form
    refused = client.post(url, {"keep": first.pk, "reason": ""})
    assert "Enter why these are the same child" in refused.content.decode()
    response = client.post(url, {"keep": first.pk, "reason": "Same child, misspelt by the school"})
    assert response.status_code == 302
    assert response["Location"] == reverse("children:child", args=[first.pk])
    merge = ChildMerge.objects.get()
    assert (merge.survivor, merge.absorbed, merge.merged_by) == (first, second, inclusion_manager)

    old = client.get(reverse("children:child", args=[second.pk]))
    assert old.status_code == 302
    assert old["Location"] == reverse("children:child", args=[first.pk])
    api = client.get(reverse("api:child", args=[second.pk]))
    assert api.status_code == 307
    assert api["Location"] == reverse("api:child", args=[first.pk])

    page = client.get(reverse("children:child", args=[first.pk])).content.decode()
    assert "Undo merge" in page
    assert "Same child, misspelt by the school" in page  # the banner and the timeline
    search = client.get(reverse("children:search"), {"surname": "Haddad"}).content.decode()
    assert reverse("children:child", args=[second.pk]) not in search


def test_the_undo_button_puts_the_records_back(
    inclusion_manager: User, inclusion_officer: User, twins: tuple[Child, Child, PossibleDuplicate]
) -> None:
    first, second, pair = twins
    client = signed_in(inclusion_manager)
    client.post(reverse("children:duplicate-merge", args=[pair.pk]), {"keep": second.pk, "reason": "Same"})
    merge = ChildMerge.objects.get()
    undo_url = reverse("children:merge-undo", args=[merge.pk])
    # An officer sees the record but has no undo button and no undo page.
    officer = signed_in(inclusion_officer)
    assert "Undo merge" not in officer.get(reverse("children:child", args=[second.pk])).content.decode()
    assert officer.get(undo_url).status_code == 404
    assert "Enter why the merge is being undone" in client.post(undo_url, {"reason": ""}).content.decode()
    response = client.post(undo_url, {"reason": "Wrong record kept"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.merged_into is None
    assert client.get(reverse("children:child", args=[first.pk])).status_code == 200
    assert client.get(undo_url).status_code == 404


def test_a_refused_merge_is_shown_in_the_error_summary(admin: User, inclusion_officer: User) -> None:
    first, second = factories.ChildFactory.create_batch(2)
    make_case(first, Team.Kind.INCLUSION, inclusion_officer)
    make_case(second, Team.Kind.INCLUSION, inclusion_officer)
    pair = PossibleDuplicate.objects.create(child=first, other=second, reason="Same birthday")
    client = signed_in(admin)
    url = reverse("children:duplicate-merge", args=[pair.pk])
    assert "This merge cannot be made yet" in client.get(url).content.decode()
    response = client.post(url, {"keep": first.pk, "reason": "Same"})
    assert response.status_code == 200
    assert "open case of the same kind" in response.content.decode()
    assert not ChildMerge.objects.exists()
