"""A parent's notification on the public form: held as a claim, answered with a reference only,
throttled per address, and registered only when an officer confirms it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.homeeducation.models import EHERecord, ParentNotification
from rollcall.notify.models import Message
from rollcall.people.models import Child
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ehe_council", "frozen_clock")]

FORM = {
    "child_forename": "Lily",
    "child_surname": "Marsh",
    "child_date_of_birth_0": "14",
    "child_date_of_birth_1": "6",
    "child_date_of_birth_2": "2016",
    "address_line_1": "9 Quarry Road",
    "town": "Northmoor",
    "postcode": "nm1 2ab",
    "parent_name": "Sam Marsh",
    "parent_email": "sam@example.com",
    "education": "I will teach her at home with an online maths course.",
}


def test_a_parent_notifies_without_signing_in_and_gets_only_a_reference(
    client: Client, ehe_officer: User
) -> None:
    known = factories.ChildFactory.create(legal_forename="Lily", legal_surname="Marsh", upn=None)
    response = client.post(reverse("homeeducation:notify"), FORM)
    assert response.status_code == 200
    notification = ParentNotification.objects.get()
    page = response.content.decode()
    assert notification.reference in page
    # Nothing the council holds is shown, and nothing about any child changed.
    assert known.legal_forename not in page
    assert "UPN" not in page
    assert not EHERecord.objects.exists()
    assert Child.objects.count() == 1
    assert notification.postcode == "NM1 2AB"
    assert Message.objects.filter(
        recipient=ehe_officer, key__startswith=f"ehe-notification:{notification.pk}:"
    ).exists()


def test_the_form_says_what_is_missing(client: Client) -> None:
    response = client.post(reverse("homeeducation:notify"), {"child_forename": "Lily", "postcode": "nowhere"})
    page = response.content.decode()
    assert "Enter your child&#x27;s last name" in page
    assert "Enter a real postcode, like NM1 2AB" in page
    assert not ParentNotification.objects.exists()


def test_the_parent_must_give_a_way_to_contact_them(client: Client) -> None:
    response = client.post(reverse("homeeducation:notify"), {**FORM, "parent_email": ""})
    assert "Enter an email address or a phone number" in response.content.decode()


def test_the_fourth_notification_in_a_day_from_one_address_is_refused(client: Client) -> None:
    for n in range(3):
        assert (
            client.post(reverse("homeeducation:notify"), {**FORM, "address_line_1": f"{n} Lane"}).status_code
            == 200
        )
    response = client.post(reverse("homeeducation:notify"), {**FORM, "address_line_1": "4 Lane"})
    assert response.status_code == 429
    assert ParentNotification.objects.count() == 3


def test_the_fourth_about_one_home_in_a_day_is_refused_whoever_sends_it(client: Client) -> None:
    for n in range(3):
        client.post(reverse("homeeducation:notify"), FORM, REMOTE_ADDR=f"10.0.0.{n}")
    assert client.post(reverse("homeeducation:notify"), FORM, REMOTE_ADDR="10.0.0.9").status_code == 429


def test_an_officer_confirms_and_the_child_is_registered(client: Client, ehe_officer: User) -> None:
    client.post(reverse("homeeducation:notify"), FORM)
    notification = ParentNotification.objects.get()
    client.force_login(ehe_officer)
    assert notification.reference in client.get(reverse("homeeducation:notifications")).content.decode()
    response = client.post(
        reverse("homeeducation:notification", args=[notification.pk]),
        {"decision": "confirm", "note": "Phoned the parent and checked the address"},
    )
    record = EHERecord.objects.get()
    assert response["Location"] == reverse("casework:case", args=[record.case_id])
    assert (record.source, record.child.legal_forename, record.case.owner) == ("parent", "Lily", ehe_officer)
    assert "Sam Marsh" in record.parents
    notification.refresh_from_db()
    assert (notification.status, notification.record) == ("confirmed", record)


def test_a_refused_notification_changes_nothing(client: Client, ehe_officer: User) -> None:
    client.post(reverse("homeeducation:notify"), FORM)
    notification = ParentNotification.objects.get()
    client.force_login(ehe_officer)
    client.post(
        reverse("homeeducation:notification", args=[notification.pk]),
        {"decision": "refuse", "note": "Nobody at the address knows the child"},
    )
    notification.refresh_from_db()
    assert notification.status == "refused"
    assert not EHERecord.objects.exists()
    assert not Child.objects.exists()


def test_only_the_ehe_team_checks_notifications(client: Client, inclusion_officer: User) -> None:
    client.post(reverse("homeeducation:notify"), FORM)
    client.force_login(inclusion_officer)
    assert client.get(reverse("homeeducation:notifications")).status_code == 403
    pk = ParentNotification.objects.get().pk
    assert client.get(reverse("homeeducation:notification", args=[pk])).status_code == 403
