"""E-mails carry no personal facts (issue 13): 'You have a new message in Roll Call' and a link.

Every e-mail template Roll Call has is rendered with a child's name and health facts in the
context, and none of them appears. The e-mail actually sent for a message whose subject and body
name a child and a health fact carries neither; plain-text e-mails are not HTML-escaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.template.loader import render_to_string

import rollcall
from rollcall.notify.models import Message
from rollcall.notify.services import message_send
from rollcall.notify.tasks import email_render
from tests import factories
from tests.notify.notify_standin import NotifyStandIn

pytestmark = pytest.mark.django_db

PERSONAL = {
    "child": "Zebedee Quillfeather",
    "child_name": "Zebedee Quillfeather",
    "name": "Zebedee Quillfeather",
    "condition": "type 1 diabetes",
    "health": "type 1 diabetes",
    "subject": "Zebedee Quillfeather: type 1 diabetes, missing education",
    "body": "Zebedee Quillfeather (type 1 diabetes) has not attended since 2026-11-02",
    "reference": "CME-000042",
}
FACTS = ("Zebedee", "Quillfeather", "diabetes", "missing education")


def email_templates() -> list[str]:
    """Every e-mail template in the project: any template under an ``email`` folder."""
    root = Path(rollcall.__file__).parent
    found = []
    for path in root.rglob("templates/**/email/*"):
        parts = path.parts
        found.append("/".join(parts[parts.index("templates") + 1 :]))
    return sorted(found)


def test_the_email_templates_are_found() -> None:
    assert email_templates() == ["notify/email/new_message.txt", "notify/email/new_message_subject.txt"]


@pytest.mark.parametrize("template", email_templates())
def test_no_email_template_shows_a_childs_name_or_health_facts(template: str) -> None:
    context: dict[str, Any] = {
        **PERSONAL,
        "message": PERSONAL,
        "link": "https://rollcall.example/messages/1/",
    }
    text = render_to_string(template, context)
    for fact in FACTS:
        assert fact not in text


def test_the_email_sent_for_a_message_naming_a_child_carries_none_of_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer = factories.staff(email="officer@northmoor.example")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(
            recipients=[officer],
            subject=PERSONAL["subject"],
            body=PERSONAL["body"],
            url="/cases/42/",
            key="case-opened:42",
        )

    [sent] = mail.outbox
    message = Message.objects.get()
    assert sent.subject == "You have a new message in Roll Call"
    assert f"/messages/{message.pk}/" in sent.body
    for fact in FACTS:
        assert fact not in f"{sent.subject}\n{sent.body}"


def test_plain_text_emails_are_not_html_escaped(settings: Any) -> None:
    settings.SITE_URL = "https://rollcall.example/?a=1&b=<2>"
    officer = factories.staff()
    message = Message.objects.create(
        recipient=officer, subject="s", body="b", created_at="2026-11-16T10:00Z", key="k"
    )
    _subject, body = email_render(message)
    assert f"https://rollcall.example/?a=1&b=<2>/messages/{message.pk}/" in body
    assert "&amp;" not in body
    assert "&lt;" not in body


def test_through_notify_the_email_carries_only_the_link(
    notify_service: NotifyStandIn,
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer = factories.staff(email="officer@northmoor.example")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(recipients=[officer], subject=PERSONAL["subject"], body=PERSONAL["body"], key="k")

    [record] = notify_service.sent
    message = Message.objects.get()
    assert record["to"] == "officer@northmoor.example"
    assert record["personalisation"]["link"].endswith(f"/messages/{message.pk}/")
    assert list(record["personalisation"]) == ["link"]
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.emailed_at is not None
