"""A local stand-in for GOV.UK Notify's REST API (v2), started by the test suite.

A real HTTP server on a free port that checks what Notify checks, as its API documentation
describes it, so ``notifications-python-client`` is exercised for real (never mocked):

- the ``Authorization: Bearer <JWT>`` header: HS256, signed with the API key's secret, ``iss``
  the service id, ``iat`` within 30 seconds of now (403 ``AuthError`` otherwise; 401 without it);
- the JSON body of ``POST /v2/notifications/{email,sms,letter}``: required and unknown
  properties, the template (exists, right type, every placeholder given), a valid e-mail address
  or UK mobile number, a precompiled letter's reference, PDF content and postage (400
  ``ValidationError`` / ``BadRequestError``);
- a team-only key sends only to the team's own addresses and numbers (400 ``BadRequestError``);
- the rate limit and the daily limit (429) and a server error (500), when a test asks for them.

Every error body has Notify's shape: ``{"status_code": N, "errors": [{"error": ..., "message": ...}]}``.
:meth:`NotifyStandIn.receipt` builds a delivery-status callback body in the shape Notify posts.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
UK_MOBILE_RE = re.compile(r"^(?:\+44|0044|44|0)7\d{9}$")

EMAIL_FIELDS = {
    "email_address",
    "template_id",
    "personalisation",
    "reference",
    "email_reply_to_id",
    "one_click_unsubscribe_url",
}
SMS_FIELDS = {"phone_number", "template_id", "personalisation", "reference", "sms_sender_id"}
LETTER_FIELDS = {"template_id", "personalisation", "reference"}
PRECOMPILED_FIELDS = {"reference", "content", "postage"}


@dataclass
class Template:
    kind: str  # email, sms or letter
    placeholders: frozenset[str]
    subject: str = ""
    body: str = ""


class NotifyRejection(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message

    def body(self) -> dict[str, Any]:
        return {"status_code": self.status, "errors": [{"error": self.error, "message": self.message}]}


@dataclass
class NotifyStandIn:
    service_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))
    key_type: str = "normal"  # normal (live), team or test
    team_recipients: set[str] = field(default_factory=set)
    templates: dict[str, Template] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)
    requests_seen: int = 0
    #: The next answers to give instead of handling the request (429 limits, 500): (status, error, message).
    next_failures: list[tuple[int, str, str]] = field(default_factory=list)
    base_url: str = ""
    #: Seconds the stand-in's clock is ahead of the caller's (to test the 30-second rule).
    clock_offset: float = 0.0

    @property
    def api_key(self) -> str:
        return f"rollcall_test-{self.service_id}-{self.secret}"

    # ---- checks ---------------------------------------------------------------------------

    def check_token(self, header: str | None) -> None:
        if not header:
            raise NotifyRejection(401, "AuthError", "Unauthorized: authentication token must be provided")
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer" or not token:
            raise NotifyRejection(401, "AuthError", "Unauthorized: authentication bearer scheme must be used")
        try:
            unverified = jwt.get_unverified_header(token)
            claims_unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise NotifyRejection(
                403, "AuthError", "Invalid token: signature, api token is not valid"
            ) from None
        if unverified.get("alg") != "HS256":
            raise NotifyRejection(403, "AuthError", "Invalid token: algorithm used is not HS256")
        if "iss" not in claims_unverified:
            raise NotifyRejection(403, "AuthError", "Invalid token: iss field not provided")
        if claims_unverified["iss"] != self.service_id:
            raise NotifyRejection(403, "AuthError", "Invalid token: service not found")
        try:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.PyJWTError:
            raise NotifyRejection(403, "AuthError", "Invalid token: API key not found") from None
        iat = claims.get("iat")
        if not isinstance(iat, int):
            raise NotifyRejection(403, "AuthError", "Invalid token: iat field not provided")
        if abs(time.time() + self.clock_offset - iat) > 30:
            raise NotifyRejection(
                403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds"
            )

    @staticmethod
    def check_fields(body: dict[str, Any], allowed: set[str], required: list[str]) -> None:
        for name in required:
            if name not in body:
                raise NotifyRejection(400, "ValidationError", f"{name} is a required property")
        extra = sorted(set(body) - allowed)
        if extra:
            raise NotifyRejection(
                400, "ValidationError", f"Additional properties are not allowed ({extra[0]!r} was unexpected)"
            )
        if "reference" in body and not isinstance(body["reference"], str):
            raise NotifyRejection(
                400, "ValidationError", f"reference {body['reference']} is not of type string"
            )

    def check_template(self, body: dict[str, Any], kind: str) -> Template:
        template_id = body["template_id"]
        if not isinstance(template_id, str) or not UUID_RE.match(template_id):
            raise NotifyRejection(400, "ValidationError", "template_id is not a valid UUID")
        template = self.templates.get(template_id)
        if template is None or template.kind != kind:
            raise NotifyRejection(400, "BadRequestError", "Template not found")
        personalisation = body.get("personalisation") or {}
        if not isinstance(personalisation, dict):
            raise NotifyRejection(400, "ValidationError", "personalisation is not of type object")
        for name in sorted(template.placeholders):
            if name not in personalisation:
                raise NotifyRejection(400, "BadRequestError", f"Missing personalisation: {name}")
        return template

    def check_recipient(self, recipient: str) -> None:
        if self.key_type == "team" and recipient not in self.team_recipients:
            raise NotifyRejection(
                400, "BadRequestError", "Can't send to this recipient using a team-only API key"
            )

    # ---- the endpoints ---------------------------------------------------------------------

    def handle(self, kind: str, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise NotifyRejection(400, "ValidationError", "Request body is not a JSON object")
        if self.next_failures:
            raise NotifyRejection(*self.next_failures.pop(0))
        notification_id = str(uuid.uuid4())
        reference = body.get("reference")
        if kind == "email":
            self.check_fields(body, EMAIL_FIELDS, ["email_address", "template_id"])
            template = self.check_template(body, "email")
            address = body["email_address"]
            if not isinstance(address, str) or not EMAIL_RE.match(address):
                raise NotifyRejection(400, "ValidationError", "email_address Not a valid email address")
            self.check_recipient(address)
            content = {
                "subject": template.subject,
                "body": self.fill(template.body, body),
                "from_email": "rollcall@notifications.service.gov.uk",
            }
        elif kind == "sms":
            self.check_fields(body, SMS_FIELDS, ["phone_number", "template_id"])
            template = self.check_template(body, "sms")
            number = re.sub(r"[\s()-]", "", str(body["phone_number"]))
            if not UK_MOBILE_RE.match(number):
                raise NotifyRejection(400, "ValidationError", "phone_number Not a UK mobile number")
            self.check_recipient(body["phone_number"])
            content = {"body": self.fill(template.body, body), "from_number": "ROLLCALL"}
        elif "content" in body:  # a precompiled letter
            self.check_fields(body, PRECOMPILED_FIELDS, ["reference", "content"])
            if not body["reference"]:
                raise NotifyRejection(400, "ValidationError", "reference is a required property")
            if self.key_type == "team":
                raise NotifyRejection(400, "BadRequestError", "Cannot send letters with a team api key")
            postage = body.get("postage", "second")
            if postage not in ("first", "second", "economy"):
                raise NotifyRejection(
                    400, "ValidationError", "postage invalid. It must be either first, second or economy."
                )
            try:
                pdf = base64.b64decode(body["content"], validate=True)
            except (binascii.Error, TypeError, ValueError):
                raise NotifyRejection(400, "ValidationError", "Letter content is not a valid PDF") from None
            if not pdf.startswith(b"%PDF"):
                raise NotifyRejection(400, "ValidationError", "Letter content is not a valid PDF")
            record = {
                "id": notification_id,
                "type": "letter",
                "reference": reference,
                "postage": postage,
                "pdf": pdf,
            }
            self.sent.append(record)
            return {"id": notification_id, "reference": reference, "postage": postage}
        else:
            self.check_fields(body, LETTER_FIELDS, ["template_id", "personalisation"])
            raise NotifyRejection(400, "BadRequestError", "Template not found")
        template_id = body["template_id"]
        self.sent.append(
            {
                "id": notification_id,
                "type": kind,
                "reference": reference,
                "template_id": template_id,
                "to": body.get("email_address") or body.get("phone_number"),
                "personalisation": body.get("personalisation") or {},
                "content": content,
            }
        )
        return {
            "id": notification_id,
            "reference": reference,
            "content": content,
            "uri": f"{self.base_url}/v2/notifications/{notification_id}",
            "template": {
                "id": template_id,
                "version": 1,
                "uri": f"{self.base_url}/v2/template/{template_id}",
            },
        }

    @staticmethod
    def fill(text: str, body: dict[str, Any]) -> str:
        values = body.get("personalisation") or {}
        return re.sub(r"\(\(([^)]+)\)\)", lambda m: str(values.get(m.group(1), m.group(0))), text)

    def receipt(self, notification_id: str, status: str, kind: str) -> dict[str, Any]:
        """A delivery-status callback body as Notify posts it."""
        record = next(r for r in self.sent if r["id"] == notification_id)
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
        return {
            "id": notification_id,
            "reference": record["reference"],
            "to": record.get("to") or "",
            "status": status,
            "created_at": now,
            "completed_at": now,
            "sent_at": now,
            "notification_type": kind,
            "template_id": record.get("template_id"),
            "template_version": 1,
        }


def _handler(standin: NotifyStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            standin.requests_seen += 1
            match = re.fullmatch(r"/v2/notifications/(email|sms|letter)", self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                if match is None:
                    raise NotifyRejection(404, "ResourceNotFound", "Not found")
                standin.check_token(self.headers.get("Authorization"))
                if (self.headers.get("Content-Type") or "").split(";")[0] != "application/json":
                    raise NotifyRejection(400, "BadRequestError", "Request body is not JSON")
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise NotifyRejection(400, "BadRequestError", "Request body is not JSON") from None
                self._answer(201, standin.handle(match.group(1), body))
            except NotifyRejection as rejection:
                self._answer(rejection.status, rejection.body())

    return Handler


def start(standin: NotifyStandIn) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(standin))
    standin.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
