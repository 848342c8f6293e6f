"""Sending through GOV.UK Notify with notifications-python-client, against the local stand-in.

Every message kind (e-mail, text message, precompiled letter) and every error response Notify
documents for them (400, 403, 429, 500, and no answer at all), as rollcall.notify.gov sorts them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any as SettingsWrapper

import pytest
import requests

from rollcall.notify import gov
from tests.notify.conftest import EMAIL_TEMPLATE, SMS_TEMPLATE
from tests.notify.notify_standin import NotifyStandIn

PDF = b"%PDF-1.7\n% a synthetic letter\n%%EOF\n"
FIELDS = {"reference": "CME-000042", "team": "Children missing education"}


def send_email(to: str = "carer@example.com", template: str = "carer_contact_email") -> gov.Sent:
    return gov.send_email(to=to, template=template, personalisation=FIELDS, reference="ref-1")


def refusal(call: Callable[[], object]) -> gov.NotifyRefused:
    with pytest.raises(gov.NotifyRefused) as caught:
        call()
    return caught.value


def test_an_email_reaches_notify_signed_and_shaped_as_notify_requires(notify_service: NotifyStandIn) -> None:
    sent = send_email()

    [record] = notify_service.sent
    assert sent.notify_id == record["id"]
    assert sent.written_to is None
    assert record["type"] == "email"
    assert record["template_id"] == EMAIL_TEMPLATE
    assert record["to"] == "carer@example.com"
    assert record["personalisation"] == FIELDS
    assert record["reference"] == "ref-1"


def test_a_text_message_reaches_notify(notify_service: NotifyStandIn) -> None:
    sent = gov.send_sms(
        to="07700 900123", template="carer_contact_sms", personalisation=FIELDS, reference="ref-2"
    )

    [record] = notify_service.sent
    assert sent.notify_id == record["id"]
    assert (record["type"], record["template_id"], record["to"]) == ("sms", SMS_TEMPLATE, "07700 900123")
    assert record["content"]["body"] == "Please contact Children missing education, quoting CME-000042."


def test_a_precompiled_letter_reaches_notify_as_the_pdf_itself(notify_service: NotifyStandIn) -> None:
    sent = gov.send_letter(pdf=PDF, reference="ref-3")

    [record] = notify_service.sent
    assert sent.notify_id == record["id"]
    assert (record["type"], record["reference"], record["postage"], record["pdf"]) == (
        "letter",
        "ref-3",
        "second",
        PDF,
    )


def test_with_no_key_each_kind_is_written_to_the_outbox_folder(outbox: Path) -> None:
    email = send_email()
    sms = gov.send_sms(
        to="07700900123", template="carer_contact_sms", personalisation=FIELDS, reference="ref-2"
    )
    letter = gov.send_letter(pdf=PDF, reference="ref-3")

    assert email.written_to is not None
    assert json.loads(email.written_to.read_text())["email_address"] == "carer@example.com"
    assert sms.written_to is not None
    assert json.loads(sms.written_to.read_text())["phone_number"] == "07700900123"
    assert letter.written_to is not None
    assert letter.written_to.read_bytes() == PDF
    assert sorted(p.name.split(".", 1)[1] for p in outbox.iterdir()) == [
        "email.json",
        "letter.pdf",
        "sms.json",
    ]


# ---- 403: the API key and the token -------------------------------------------------------------


def test_a_key_with_the_wrong_secret_is_refused_403(
    notify_service: NotifyStandIn, settings: SettingsWrapper
) -> None:
    settings.NOTIFY_API_KEY = (
        f"rollcall_test-{notify_service.service_id}-00000000-0000-4000-8000-000000000000"
    )
    error = refusal(send_email)
    assert error.status_code == 403
    assert error.errors == [{"error": "AuthError", "message": "Invalid token: API key not found"}]


def test_a_key_for_another_service_is_refused_403(
    notify_service: NotifyStandIn, settings: SettingsWrapper
) -> None:
    settings.NOTIFY_API_KEY = f"rollcall_test-00000000-0000-4000-8000-000000000000-{notify_service.secret}"
    error = refusal(send_email)
    assert (error.status_code, error.errors[0]["message"]) == (403, "Invalid token: service not found")


def test_a_clock_more_than_30_seconds_out_is_refused_403(notify_service: NotifyStandIn) -> None:
    notify_service.clock_offset = 31
    error = refusal(send_email)
    assert error.status_code == 403
    assert error.errors[0]["message"] == "Error: Your system clock must be accurate to within 30 seconds"
    # Inside the window: not 29, since the token's iat is whole seconds, so the stand-in sees up to
    # a second more than the offset (29 failed once, about one run in a hundred).
    notify_service.clock_offset = 25
    assert send_email().notify_id


def test_the_standin_refuses_a_request_with_no_token_401(notify_service: NotifyStandIn) -> None:
    response = requests.post(f"{notify_service.base_url}/v2/notifications/email", json={}, timeout=5)
    assert response.status_code == 401
    assert response.json() == {
        "status_code": 401,
        "errors": [{"error": "AuthError", "message": "Unauthorized: authentication token must be provided"}],
    }


# ---- 400: the request -------------------------------------------------------------------------


def test_an_address_that_is_not_one_is_refused_400(notify_service: NotifyStandIn) -> None:
    error = refusal(lambda: send_email(to="not-an-address"))
    assert (error.status_code, error.errors) == (
        400,
        [{"error": "ValidationError", "message": "email_address Not a valid email address"}],
    )


def test_a_number_that_is_not_a_uk_mobile_is_refused_400(notify_service: NotifyStandIn) -> None:
    error = refusal(
        lambda: gov.send_sms(
            to="01632 960000", template="carer_contact_sms", personalisation=FIELDS, reference="r"
        )
    )
    assert (error.status_code, error.errors[0]["message"]) == (400, "phone_number Not a UK mobile number")


def test_a_template_notify_does_not_have_is_refused_400(
    notify_service: NotifyStandIn, settings: SettingsWrapper
) -> None:
    settings.NOTIFY_TEMPLATES = {**settings.NOTIFY_TEMPLATES, "carer_contact_email": SMS_TEMPLATE}
    error = refusal(send_email)
    assert error.errors == [{"error": "BadRequestError", "message": "Template not found"}]


def test_a_template_id_not_set_is_refused_400(
    notify_service: NotifyStandIn, settings: SettingsWrapper
) -> None:
    settings.NOTIFY_TEMPLATES = {**settings.NOTIFY_TEMPLATES, "carer_contact_email": ""}
    error = refusal(send_email)
    assert error.errors == [{"error": "ValidationError", "message": "template_id is not a valid UUID"}]


def test_a_missing_placeholder_is_refused_400(notify_service: NotifyStandIn) -> None:
    error = refusal(
        lambda: gov.send_email(
            to="carer@example.com",
            template="carer_contact_email",
            personalisation={"team": "x"},
            reference="r",
        )
    )
    assert error.errors == [{"error": "BadRequestError", "message": "Missing personalisation: reference"}]


def test_a_team_key_may_send_only_to_the_team_400(notify_service: NotifyStandIn) -> None:
    notify_service.key_type = "team"
    notify_service.team_recipients = {"officer@northmoor.example"}
    error = refusal(send_email)
    assert error.errors[0]["message"] == "Can't send to this recipient using a team-only API key"
    assert send_email(to="officer@northmoor.example").notify_id
    letter = refusal(lambda: gov.send_letter(pdf=PDF, reference="r"))
    assert letter.errors[0]["message"] == "Cannot send letters with a team api key"


def test_a_letter_that_is_not_a_pdf_is_refused_400(notify_service: NotifyStandIn) -> None:
    error = refusal(lambda: gov.send_letter(pdf=b"<html>not a pdf</html>", reference="r"))
    assert error.errors == [{"error": "ValidationError", "message": "Letter content is not a valid PDF"}]


def test_a_letter_with_a_postage_notify_does_not_offer_is_refused_400(notify_service: NotifyStandIn) -> None:
    error = refusal(lambda: gov.send_letter(pdf=PDF, reference="r", postage="express"))
    assert error.errors[0]["message"] == "postage invalid. It must be either first, second or economy."


def test_a_letter_without_a_reference_is_refused_400(notify_service: NotifyStandIn) -> None:
    error = refusal(lambda: gov.send_letter(pdf=PDF, reference=""))
    assert error.errors == [{"error": "ValidationError", "message": "reference is a required property"}]


# ---- 429 and 500: try again later -------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"),
        (429, "TooManyRequestsError", "Exceeded send limits (250000) for today"),
        (500, "Exception", "Internal server error"),
    ],
)
def test_limits_and_server_errors_are_worth_trying_again(
    notify_service: NotifyStandIn, status: int, error: str, message: str
) -> None:
    notify_service.next_failures.append((status, error, message))
    with pytest.raises(gov.NotifyUnavailable) as caught:
        send_email()
    assert caught.value.status_code == status
    assert caught.value.errors == [{"error": error, "message": message}]
    assert send_email().notify_id  # the next attempt goes through


def test_no_answer_at_all_is_worth_trying_again(
    notify_service: NotifyStandIn, settings: SettingsWrapper
) -> None:
    settings.NOTIFY_BASE_URL = "http://127.0.0.1:9"  # the discard port: nothing listens
    with pytest.raises(gov.NotifyUnavailable) as caught:
        send_email()
    assert caught.value.status_code == 503
