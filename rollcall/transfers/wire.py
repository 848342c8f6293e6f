"""The council-to-council message: its envelope, its signature and its delivery over HTTP.

A message is one JSON object, sent as the exact bytes that were signed::

    {"kind": "transfer" | "acknowledgement", "message_id": "<uuid4>", "sent_at": "<ISO 8601, UTC>",
     "from": "<LA code>", "to": "<LA code>", "data": {...}}

with the headers ``X-RollCall-Council`` (the sender's LA code, to find its public key) and
``X-RollCall-Signature`` (base64 Ed25519 signature of the body). It is POSTed to the partner's
``/api/v1/transfers/messages/``. docs/transfers.md has the contents of ``data`` for each kind.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from rollcall import clock
from rollcall.transfers import signing
from rollcall.transfers.models import PartnerCouncil

COUNCIL_HEADER = "X-RollCall-Council"
SIGNATURE_HEADER = "X-RollCall-Signature"
MESSAGES_PATH = "/api/v1/transfers/messages/"
KINDS = frozenset({"transfer", "acknowledgement"})


class DeliveryFailed(Exception):
    """The partner's Roll Call did not take the message; ``str()`` says why, without personal data."""


@dataclass(frozen=True)
class Envelope:
    kind: str
    message_id: uuid.UUID
    sent_at: dt.datetime
    sender: str
    recipient: str
    data: dict[str, Any]


def message_build(*, kind: str, recipient: str, data: dict[str, Any], at: dt.datetime | None = None) -> bytes:
    """The bytes of a new message from this council, with a fresh message id and the time now."""
    if kind not in KINDS:
        msg = f"Unknown message kind {kind!r}"
        raise ValueError(msg)
    envelope = {
        "kind": kind,
        "message_id": str(uuid.uuid4()),
        "sent_at": (at or clock.now()).astimezone(dt.UTC).isoformat(),
        "from": settings.COUNCIL_LA_CODE,
        "to": recipient,
        "data": data,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode("utf-8")


def envelope_parse(body: bytes) -> Envelope:
    """Read a message whose signature has been checked; ValueError with a sentence if malformed."""
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        msg = "The message is not JSON"
        raise ValueError(msg) from None
    if not isinstance(raw, dict):
        msg = "The message must be a JSON object"
        raise ValueError(msg)
    missing = sorted({"kind", "message_id", "sent_at", "from", "to", "data"} - set(raw))
    if missing:
        msg = f"The message lacks {', '.join(missing)}"
        raise ValueError(msg)
    if raw["kind"] not in KINDS:
        msg = f"Unknown message kind {raw['kind']!r}"
        raise ValueError(msg)
    try:
        message_id = uuid.UUID(str(raw["message_id"]))
        sent_at = dt.datetime.fromisoformat(str(raw["sent_at"]))
    except ValueError:
        msg = "The message id must be a UUID and sent_at an ISO 8601 time"
        raise ValueError(msg) from None
    if sent_at.tzinfo is None:
        msg = "sent_at must carry its time zone"
        raise ValueError(msg)
    if not isinstance(raw["data"], dict):
        msg = "data must be a JSON object"
        raise ValueError(msg)
    return Envelope(
        kind=raw["kind"],
        message_id=message_id,
        sent_at=sent_at,
        sender=str(raw["from"]),
        recipient=str(raw["to"]),
        data=raw["data"],
    )


def message_post(partner: PartnerCouncil, body: bytes) -> dict[str, Any]:
    """Sign ``body`` and POST it to the partner's Roll Call; its JSON answer, or DeliveryFailed."""
    url = partner.api_url.rstrip("/") + MESSAGES_PATH
    if not url.startswith(("https://", "http://")):
        msg = "The partner's address must start with https://"
        raise DeliveryFailed(msg)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked just above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            COUNCIL_HEADER: settings.COUNCIL_LA_CODE,
            SIGNATURE_HEADER: signing.sign(body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.TRANSFERS_HTTP_TIMEOUT) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as refused:
        detail = ""
        try:
            detail = str(json.loads(refused.read()).get("detail", ""))
        except (ValueError, AttributeError):
            detail = ""
        msg = f"{partner.name} refused the message ({refused.code}){': ' + detail if detail else ''}"[:300]
        raise DeliveryFailed(msg) from None
    except (urllib.error.URLError, TimeoutError, OSError) as failed:
        msg = f"{partner.name}'s Roll Call could not be reached ({type(failed).__name__})"
        raise DeliveryFailed(msg) from None
    except ValueError:
        msg = f"{partner.name}'s Roll Call answered with something other than JSON"
        raise DeliveryFailed(msg) from None
    return answer if isinstance(answer, dict) else {}
