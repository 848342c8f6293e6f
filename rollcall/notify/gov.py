"""GOV.UK Notify: the one place Roll Call talks to it, through ``notifications-python-client``.

With no ``NOTIFY_API_KEY`` nothing leaves the machine: each message is written as a file to
``NOTIFY_OUTBOX_DIR`` (``var/mail/``), the way e-mails are written in development.

Notify's answers are sorted into two kinds: ``NotifyRefused`` (400 and 403: the request itself is
wrong, e.g. a phone number that is not one, or the key is; sending again would be refused again)
and ``NotifyUnavailable`` (429 rate limits, 5xx and a network failure: try again later).
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from rollcall import clock


class NotifyError(Exception):
    """Notify did not take the message. ``status_code`` and ``errors`` are Notify's own."""

    def __init__(self, status_code: int, errors: list[dict[str, str]]) -> None:
        self.status_code = status_code
        self.errors = errors
        super().__init__(self.summary)

    @property
    def summary(self) -> str:
        """Notify's error messages, e.g. ``ValidationError: phone_number Not a UK mobile number``."""
        return "; ".join(f"{e.get('error', 'Error')}: {e.get('message', '')}" for e in self.errors)[:300]


class NotifyRefused(NotifyError):
    """400 or 403: sending the same request again would be refused again."""


class NotifyUnavailable(NotifyError):
    """429, 5xx or no answer: worth trying again later."""


@dataclass(frozen=True)
class Sent:
    """Notify's id for the notification, or the outbox file's name when no key is set."""

    notify_id: str
    written_to: Path | None = None


def configured() -> bool:
    return bool(settings.NOTIFY_API_KEY)


def template_id(name: str) -> str:
    """The Notify template id set for one kind of message (settings.NOTIFY_TEMPLATES)."""
    value: str = settings.NOTIFY_TEMPLATES.get(name, "")
    return value


def _client() -> NotificationsAPIClient:
    return NotificationsAPIClient(  # type: ignore[no-untyped-call]
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=20
    )


def _error(exc: APIError) -> NotifyError:
    message = exc.message
    errors = (
        [e for e in message if isinstance(e, dict)]
        if isinstance(message, list)
        else [{"error": type(exc).__name__, "message": str(message)}]
    )
    status = exc.status_code
    kind = NotifyRefused if status in (400, 403) else NotifyUnavailable
    return kind(status, errors)


def _call(method: str, **kwargs: Any) -> dict[str, Any]:
    try:
        response: dict[str, Any] = getattr(_client(), method)(**kwargs)
    except APIError as exc:
        raise _error(exc) from exc
    return response


def _write(reference: str, suffix: str, content: bytes) -> Sent:
    folder = Path(settings.NOTIFY_OUTBOX_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"notify-{clock.now():%Y%m%d-%H%M%S}-{reference}.{suffix}"
    path.write_bytes(content)
    return Sent(notify_id=f"outbox-{uuid.uuid4().hex}", written_to=path)


def send_email(*, to: str, template: str, personalisation: Mapping[str, str], reference: str) -> Sent:
    if not configured():
        body = {"email_address": to, "template": template, "personalisation": dict(personalisation)}
        return _write(reference, "email.json", json.dumps(body, indent=2).encode())
    response = _call(
        "send_email_notification",
        email_address=to,
        template_id=template_id(template),
        personalisation=dict(personalisation),
        reference=reference,
    )
    return Sent(notify_id=str(response["id"]))


def send_sms(*, to: str, template: str, personalisation: Mapping[str, str], reference: str) -> Sent:
    if not configured():
        body = {"phone_number": to, "template": template, "personalisation": dict(personalisation)}
        return _write(reference, "sms.json", json.dumps(body, indent=2).encode())
    response = _call(
        "send_sms_notification",
        phone_number=to,
        template_id=template_id(template),
        personalisation=dict(personalisation),
        reference=reference,
    )
    return Sent(notify_id=str(response["id"]))


def send_letter(*, pdf: bytes, reference: str, postage: str = "second") -> Sent:
    """A precompiled letter: the PDF (address included, in Notify's address block) as it is."""
    if not configured():
        return _write(reference, "letter.pdf", pdf)
    response = _call(
        "send_precompiled_letter_notification", reference=reference, pdf_file=io.BytesIO(pdf), postage=postage
    )
    return Sent(notify_id=str(response["id"]))
