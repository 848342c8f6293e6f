"""The Notify stand-in (tests/notify/notify_standin.py), started on a free port for each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any as SettingsWrapper

import pytest

from tests.notify.notify_standin import NotifyStandIn, Template, start

EMAIL_TEMPLATE = "a1b2c3d4-0000-4000-8000-000000000001"
SMS_TEMPLATE = "a1b2c3d4-0000-4000-8000-000000000002"
NEW_MESSAGE_TEMPLATE = "a1b2c3d4-0000-4000-8000-000000000003"
CALLBACK_TOKEN = "callback-token-for-tests-only"


@pytest.fixture
def notify_service(settings: SettingsWrapper) -> Iterator[NotifyStandIn]:
    """A running stand-in with Roll Call's templates, and Roll Call's settings pointed at it."""
    standin = NotifyStandIn(
        templates={
            EMAIL_TEMPLATE: Template(
                "email",
                frozenset({"reference", "team"}),
                subject="Please contact the council",
                body="Please contact ((team)) about your child's education, quoting ((reference)).",
            ),
            SMS_TEMPLATE: Template(
                "sms",
                frozenset({"reference", "team"}),
                body="Please contact ((team)), quoting ((reference)).",
            ),
            NEW_MESSAGE_TEMPLATE: Template(
                "email", frozenset({"link"}), subject="You have a new message in Roll Call", body="((link))"
            ),
        }
    )
    server = start(standin)
    settings.NOTIFY_API_KEY = standin.api_key
    settings.NOTIFY_BASE_URL = standin.base_url
    settings.NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
    settings.NOTIFY_TEMPLATES = {
        "new_message_email": NEW_MESSAGE_TEMPLATE,
        "carer_contact_email": EMAIL_TEMPLATE,
        "carer_contact_sms": SMS_TEMPLATE,
    }
    yield standin
    server.shutdown()
    server.server_close()


@pytest.fixture
def outbox(settings: SettingsWrapper, tmp_path: Path) -> Path:
    """No Notify key: messages are written to a folder."""
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_OUTBOX_DIR = str(tmp_path / "mail")
    return tmp_path / "mail"
