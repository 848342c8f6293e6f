"""Reaching carers through GOV.UK Notify (against the local stand-in): every message kind, the
timeline, delivery receipts for every status, and a permanent failure becoming the owner's task.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import Team, User
from rollcall.casework.carers import carer_contact_request, carer_contact_update, carer_letter_send
from rollcall.casework.events import event_text
from rollcall.casework.models import Case, Event, Task
from rollcall.casework.services import CaseworkError, case_open
from rollcall.notify.dispatch import DispatchError, dispatch_queue
from rollcall.notify.models import Dispatch
from rollcall.people.models import Carer
from tests import factories
from tests.notify.conftest import CALLBACK_TOKEN
from tests.notify.notify_standin import NotifyStandIn

pytestmark = pytest.mark.django_db(transaction=False)

PDF = b"%PDF-1.7\n% a synthetic letter to Northmoor\n%%EOF\n"


@pytest.fixture
def case(council: None, inclusion_officer: User) -> Case:
    child = factories.ChildFactory.create(legal_forename="Zebedee", legal_surname="Quillfeather")
    return case_open(
        child=child,
        kind="cme",
        team=Team.objects.get(kind=Team.Kind.INCLUSION),
        source="referral",
        owner=inclusion_officer,
    )


@pytest.fixture
def carer(case: Case) -> Carer:
    return factories.CarerFactory.create(
        child=case.child, name="Ada Quillfeather", email="ada@example.com", phone="07700 900123"
    )


def send(django_capture_on_commit_callbacks: Any, call: Any) -> Dispatch:
    with django_capture_on_commit_callbacks(execute=True):
        dispatch: Dispatch = call()
    dispatch.refresh_from_db()
    return dispatch


def callback(path: str, payload: Any, token: str | None = CALLBACK_TOKEN) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return Client().post(path, data=json.dumps(payload), content_type="application/json", headers=headers)


DELIVERY = "/messages/notify/delivery-status/"
RETURNED = "/messages/notify/returned-letter/"


def test_the_callback_addresses_are_the_ones_documented() -> None:
    assert reverse("notify:notify-delivery-status") == DELIVERY
    assert reverse("notify:notify-returned-letter") == RETURNED


# ---- sending ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("channel", "to"), [("email", "ada@example.com"), ("sms", "07700 900123")])
def test_a_contact_request_reaches_notify_with_no_more_than_the_team_and_reference(
    notify_service: NotifyStandIn,
    django_capture_on_commit_callbacks: Any,
    case: Case,
    carer: Carer,
    inclusion_officer: User,
    channel: str,
    to: str,
) -> None:
    dispatch = send(
        django_capture_on_commit_callbacks,
        lambda: carer_contact_request(case=case, carer=carer, channel=channel, actor=inclusion_officer),
    )

    [record] = notify_service.sent
    assert record["type"] == channel
    assert record["to"] == to
    assert record["personalisation"] == {"reference": case.reference, "team": case.team.name}
    assert record["reference"] == dispatch.reference
    assert "Zebedee" not in json.dumps(record["content"])
    assert "Quillfeather" not in dispatch.reference
    assert (dispatch.status, dispatch.notify_id) == (Dispatch.Status.SENDING, record["id"])
    event = Event.objects.get(child=case.child, verb="carer.messaged")
    assert event.case == case
    label = "E-mail" if channel == "email" else "Text message"
    assert event_text(event) == (
        f"{label} to Ada Quillfeather sent through GOV.UK Notify: asked them to contact the team"
    )


def test_a_precompiled_letter_from_an_existing_template_is_posted(
    notify_service: NotifyStandIn,
    django_capture_on_commit_callbacks: Any,
    case: Case,
    inclusion_officer: User,
) -> None:
    dispatch = send(
        django_capture_on_commit_callbacks,
        lambda: carer_letter_send(
            case=case,
            pdf=PDF,
            what="Preliminary notice (s.437(1))",
            key="ehe-letter:1",
            actor=inclusion_officer,
        ),
    )
    again = carer_letter_send(
        case=case, pdf=PDF, what="Preliminary notice (s.437(1))", key="ehe-letter:1", actor=inclusion_officer
    )

    [record] = notify_service.sent
    assert record["pdf"] == PDF
    assert again.pk == dispatch.pk
    assert dispatch.status == Dispatch.Status.SENDING
    assert Event.objects.filter(verb="carer.messaged").count() == 1


def test_with_no_notify_key_the_message_is_written_to_the_outbox(
    outbox: Path, django_capture_on_commit_callbacks: Any, case: Case, carer: Carer, inclusion_officer: User
) -> None:
    dispatch = send(
        django_capture_on_commit_callbacks,
        lambda: carer_contact_request(case=case, carer=carer, channel="email", actor=inclusion_officer),
    )
    assert dispatch.status == Dispatch.Status.WRITTEN
    [written] = list(outbox.iterdir())
    assert json.loads(written.read_text())["personalisation"] == {
        "reference": case.reference,
        "team": case.team.name,
    }


def test_a_message_kind_may_not_carry_more_than_its_purpose_needs(case: Case, carer: Carer) -> None:
    with pytest.raises(DispatchError, match="may not carry child_name"):
        dispatch_queue(
            kind="carer_contact_email",
            key="k",
            to="ada@example.com",
            personalisation={"reference": "CME-1", "team": "Inclusion", "child_name": "Zebedee"},
        )
    with pytest.raises(DispatchError, match="needs its PDF"):
        dispatch_queue(kind="carer_letter", key="k2", letter_pdf=b"<html>")
    assert not Dispatch.objects.exists()


def test_no_contact_request_without_the_detail_or_by_another_team(
    case: Case, carer: Carer, admissions_officer: User, inclusion_officer: User
) -> None:
    with pytest.raises(CaseworkError, match="another team"):
        carer_contact_request(case=case, carer=carer, channel="email", actor=admissions_officer)
    carer.phone = ""
    carer.save()
    with pytest.raises(CaseworkError, match="no phone number"):
        carer_contact_request(case=case, carer=carer, channel="sms", actor=inclusion_officer)


def test_contact_preferences_and_language_are_recorded(
    case: Case, carer: Carer, inclusion_officer: User
) -> None:
    carer_contact_update(
        case=case,
        carer=carer,
        actor=inclusion_officer,
        email="",
        phone="07700 900456",
        contact_by="sms",
        language="Polish",
    )
    carer.refresh_from_db()
    assert (carer.contact_by, carer.language, carer.phone) == ("sms", "Polish", "07700 900456")
    with pytest.raises(CaseworkError, match="e-mail address"):
        carer_contact_update(
            case=case,
            carer=carer,
            actor=inclusion_officer,
            email="",
            phone="",
            contact_by="email",
            language="",
        )


def test_a_refusal_is_a_permanent_failure_and_the_owner_gets_a_task(
    notify_service: NotifyStandIn,
    django_capture_on_commit_callbacks: Any,
    case: Case,
    carer: Carer,
    inclusion_officer: User,
) -> None:
    carer.phone = "01632 960000"  # a landline: Notify sends text messages to mobiles only
    carer.save()
    dispatch = send(
        django_capture_on_commit_callbacks,
        lambda: carer_contact_request(case=case, carer=carer, channel="sms", actor=inclusion_officer),
    )
    assert dispatch.status == Dispatch.Status.REFUSED
    assert dispatch.status_detail == "ValidationError: phone_number Not a UK mobile number"
    task = Task.objects.get(case=case, code="carer_contact_failed")
    assert task.assignee == inclusion_officer
    assert task.title.startswith("Number not in use")


def test_notify_busy_leaves_the_message_queued_for_the_sweep(
    notify_service: NotifyStandIn,
    django_capture_on_commit_callbacks: Any,
    case: Case,
    carer: Carer,
    inclusion_officer: User,
) -> None:
    from rollcall.notify.dispatch import dispatches_resend_queued

    notify_service.next_failures.append(
        (429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds")
    )
    dispatch = send(
        django_capture_on_commit_callbacks,
        lambda: carer_contact_request(case=case, carer=carer, channel="email", actor=inclusion_officer),
    )
    assert dispatch.status == Dispatch.Status.QUEUED
    assert "RateLimitError" in dispatch.status_detail
    assert dispatches_resend_queued() == 1
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.SENDING
    assert len(notify_service.sent) == 1


# ---- callbacks ---------------------------------------------------------------------------------


@pytest.fixture
def sent_email(
    notify_service: NotifyStandIn,
    django_capture_on_commit_callbacks: Any,
    case: Case,
    carer: Carer,
    inclusion_officer: User,
) -> Dispatch:
    return send(
        django_capture_on_commit_callbacks,
        lambda: carer_contact_request(case=case, carer=carer, channel="email", actor=inclusion_officer),
    )


@pytest.mark.parametrize(
    ("status", "recorded", "task"),
    [
        ("delivered", Dispatch.Status.DELIVERED, False),
        ("temporary-failure", Dispatch.Status.TEMPORARY_FAILURE, False),
        ("technical-failure", Dispatch.Status.TECHNICAL_FAILURE, False),
        ("permanent-failure", Dispatch.Status.PERMANENT_FAILURE, True),
    ],
)
def test_each_delivery_status_is_recorded_and_only_a_permanent_failure_makes_a_task(
    notify_service: NotifyStandIn, sent_email: Dispatch, case: Case, status: str, recorded: str, task: bool
) -> None:
    payload = notify_service.receipt(sent_email.notify_id, status, "email")

    response = callback(DELIVERY, payload)
    callback(DELIVERY, payload)  # Notify retries: nothing happens twice

    assert response.status_code == 200
    sent_email.refresh_from_db()
    assert sent_email.status == recorded
    tasks = Task.objects.filter(case=case, code="carer_contact_failed")
    assert tasks.count() == (1 if task else 0)
    if task:
        assert tasks.get().title.startswith("E-mail address not in use")
        failed = Event.objects.get(verb="carer.message_failed")
        assert event_text(failed) == (
            "E-mail to Ada Quillfeather not delivered: Not delivered: address or number not in use"
        )


@pytest.mark.parametrize(
    ("status", "recorded", "task"),
    [
        ("accepted", Dispatch.Status.SENDING, False),
        ("received", Dispatch.Status.DELIVERED, False),
        ("validation-failed", Dispatch.Status.PERMANENT_FAILURE, True),
        ("virus-scan-failed", Dispatch.Status.PERMANENT_FAILURE, True),
        ("technical-failure", Dispatch.Status.TECHNICAL_FAILURE, False),
        ("permanent-failure", Dispatch.Status.PERMANENT_FAILURE, True),
    ],
)
def test_each_letter_status_is_recorded(
    notify_service: NotifyStandIn,
    django_capture_on_commit_callbacks: Any,
    case: Case,
    inclusion_officer: User,
    status: str,
    recorded: str,
    task: bool,
) -> None:
    letter = send(
        django_capture_on_commit_callbacks,
        lambda: carer_letter_send(
            case=case, pdf=PDF, what="A letter", key="letter:1", actor=inclusion_officer
        ),
    )
    assert callback(DELIVERY, notify_service.receipt(letter.notify_id, status, "letter")).status_code == 200
    letter.refresh_from_db()
    assert letter.status == recorded
    assert Task.objects.filter(case=case, code="carer_contact_failed").exists() is task


def test_a_returned_letter_gives_the_owner_a_task(
    notify_service: NotifyStandIn,
    django_capture_on_commit_callbacks: Any,
    case: Case,
    inclusion_officer: User,
) -> None:
    letter = send(
        django_capture_on_commit_callbacks,
        lambda: carer_letter_send(
            case=case, pdf=PDF, what="A letter", key="letter:1", actor=inclusion_officer
        ),
    )
    payload = {"notification_id": letter.notify_id, "reference": letter.reference, "date_sent": "2026-11-16"}

    assert callback(RETURNED, payload).status_code == 200
    assert callback(RETURNED, payload).status_code == 200

    letter.refresh_from_db()
    assert letter.status == Dispatch.Status.RETURNED
    task = Task.objects.get(case=case, code="carer_contact_failed")
    assert task.title.startswith("Letter returned")
    assert task.assignee == inclusion_officer


def test_a_late_delivered_receipt_does_not_undo_a_failure(
    notify_service: NotifyStandIn, sent_email: Dispatch
) -> None:
    callback(DELIVERY, notify_service.receipt(sent_email.notify_id, "permanent-failure", "email"))
    callback(DELIVERY, notify_service.receipt(sent_email.notify_id, "delivered", "email"))
    sent_email.refresh_from_db()
    assert sent_email.status == Dispatch.Status.PERMANENT_FAILURE


@pytest.mark.parametrize(
    ("token", "status"),
    [(None, 401), ("wrong-token", 401), (CALLBACK_TOKEN + "x", 401), (CALLBACK_TOKEN, 200)],
)
def test_a_callback_needs_the_bearer_token_notify_was_given(
    notify_service: NotifyStandIn, sent_email: Dispatch, token: str | None, status: int
) -> None:
    response = callback(
        DELIVERY, notify_service.receipt(sent_email.notify_id, "delivered", "email"), token=token
    )
    assert response.status_code == status
    sent_email.refresh_from_db()
    assert (sent_email.status == Dispatch.Status.DELIVERED) is (status == 200)


def test_with_no_token_configured_every_callback_is_refused(
    notify_service: NotifyStandIn, sent_email: Dispatch, settings: Any
) -> None:
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert (
        callback(
            DELIVERY, notify_service.receipt(sent_email.notify_id, "delivered", "email"), token=""
        ).status_code
        == 401
    )


@pytest.mark.parametrize(
    "payload",
    [
        {"id": "x", "reference": None, "status": "lost-in-post", "notification_type": "email"},
        {"id": "x", "reference": None, "status": "delivered", "notification_type": "fax"},
        {"reference": None, "status": "delivered", "notification_type": "email"},
        ["not", "an", "object"],
    ],
)
def test_a_callback_not_shaped_as_notify_sends_is_refused_400(
    notify_service: NotifyStandIn, payload: Any
) -> None:
    assert callback(DELIVERY, payload).status_code == 400


def test_a_receipt_for_a_message_roll_call_does_not_know_is_acknowledged(
    notify_service: NotifyStandIn,
) -> None:
    payload = {
        "id": "0f0f0f0f-0000-4000-8000-000000000000",
        "reference": None,
        "status": "delivered",
        "notification_type": "sms",
    }
    response = callback(DELIVERY, payload)
    assert (response.status_code, response.json()) == (200, {"known": False})


# ---- the pages ---------------------------------------------------------------------------------


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_case_page_shows_carers_preferences_and_messages(
    outbox: Path,
    django_capture_on_commit_callbacks: Any,
    case: Case,
    carer: Carer,
    inclusion_officer: User,
) -> None:
    carer.language = "Polish"
    carer.contact_by = "sms"
    carer.save()
    send(
        django_capture_on_commit_callbacks,
        lambda: carer_contact_request(case=case, carer=carer, channel="sms", actor=inclusion_officer),
    )
    page = signed_in(inclusion_officer).get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Parents and carers" in page
    assert "Polish" in page
    assert "Messages sent through GOV.UK Notify" in page
    assert "Written to the outbox folder" in page
    assert "Text message to Ada Quillfeather sent through GOV.UK Notify" in page


def test_an_officer_records_preferences_and_sends_a_message_from_the_pages(
    outbox: Path,
    django_capture_on_commit_callbacks: Any,
    case: Case,
    carer: Carer,
    inclusion_officer: User,
) -> None:
    client = signed_in(inclusion_officer)
    contact = reverse("casework:carer-contact", args=[case.pk, carer.pk])
    assert client.get(contact).status_code == 200
    response = client.post(
        contact,
        {"email": "ada.new@example.com", "phone": "07700 900777", "contact_by": "email", "language": "Welsh"},
    )
    assert response.status_code == 302
    carer.refresh_from_db()
    assert (carer.email, carer.contact_by, carer.language) == ("ada.new@example.com", "email", "Welsh")

    message = reverse("casework:carer-message", args=[case.pk, carer.pk])
    page = client.get(message).content.decode()
    assert "They asked for Welsh." in page
    assert "Zebedee" in page  # the page names the child (the caption); the message does not
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(message, {"channel": "email"})
    assert response.status_code == 302
    dispatch = Dispatch.objects.get()
    assert (dispatch.channel, dispatch.to, dispatch.status) == ("email", "ada.new@example.com", "written")
    assert client.post(message, {"channel": "letter"}).status_code == 200  # not offered: refused


def test_another_team_cannot_open_the_carer_pages(case: Case, carer: Carer, admissions_officer: User) -> None:
    client = signed_in(admissions_officer)
    for name in ("casework:carer-contact", "casework:carer-message"):
        assert client.get(reverse(name, args=[case.pk, carer.pk])).status_code in (403, 404)


def test_a_carer_of_another_child_is_not_found_through_this_case(case: Case, inclusion_officer: User) -> None:
    stranger = factories.CarerFactory.create()
    response = signed_in(inclusion_officer).get(
        reverse("casework:carer-message", args=[case.pk, stranger.pk])
    )
    assert response.status_code == 404
