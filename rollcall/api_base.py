"""The API's base: one view class and the field helpers every app's API uses.

Every API route is under ``/api/v1/`` (``rollcall/api/urls.py``) with one OpenAPI schema; each
area keeps its own views in its ``api.py`` and builds them on :class:`ApiView`.

Sign-in: the site's ``LoginRequiredMiddleware`` would redirect an API client to the sign-in page,
because it runs before DRF and cannot see an ``Authorization: Token …`` header. API views are
therefore marked ``login_not_required`` and DRF's ``IsAuthenticated`` does the checking instead,
answering 401 with a JSON body.

Scopes: every view says, per HTTP method, which token scopes let a call through (``api_scopes``).
A call made with an API token whose scopes include none of them is refused (403) here, in
:meth:`ApiView.check_permissions`, before the view's own permission checks; a method a view names
no scope for is refused to every token. A signed-in browser session has no token and so no scope
limit: the person's own permissions apply, as on the pages. Scopes only ever narrow what the
token's user may do; they never grant anything.

Throttling: every call counts against its address and against its token (or signed-in user), at
the rates in ``settings.API_THROTTLE_RATES``; over either, 429 with ``Retry-After``. The address
is counted before authentication, so wrong tokens count too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_not_required
from drf_spectacular.utils import inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from rollcall import clock

DATE_EXAMPLE = "in the form YYYY-MM-DD, like 2026-03-27"
# The body of every refusal that is not a field error: {"detail": "…"}.
ERROR = inline_serializer("Error", fields={"detail": serializers.CharField()})


# ---- scopes: what an API token may do ------------------------------------------------------------

# Every scope a token may hold, and what it lets the token's system do (shown on the tokens page).
SCOPES: dict[str, str] = {
    "removals": "Send and read removal-from-roll notices, and read the school's returns",
    "new-pupils": "Send new pupil returns, and read the school's returns",
    "attendance": "Send and read attendance imports, send attendance returns and read the school's returns",
    "admissions": "Read and answer put-on-roll requests",
    "exclusions": "Send and read exclusion notifications",
    "rolls": "Send a school's whole roll",
    "cases:read": "Read cases and children (read-only reporting)",
    "policies:read": "Read policies",
    "policies:write": "Change policies",
    "penalties": "Read and decide penalty-notice considerations",
    "home-education:read": "Read home-education records (Elective Home Education team)",
    "home-education:notify": "Pass on parents' notifications of home education, for an officer to confirm",
    "schema": "Read the API's OpenAPI schema",
}
# The usual sets: a school's management information system gets only what a school sends.
SCOPE_PRESETS: dict[str, tuple[str, ...]] = {
    "school-system": ("removals", "new-pupils", "attendance", "admissions", "schema"),
    "council-reporting": ("cases:read", "schema"),
    "council-rolls": ("rolls", "schema"),
}


def token_scopes(request: Request) -> frozenset[str] | None:
    """The scopes of the API token a call was made with, or None for a call without a token."""
    scopes = getattr(request.auth, "scopes", None)
    if scopes is None:
        return None
    return frozenset(str(scope) for scope in scopes)


def check_token_scope(request: Request, view: APIView) -> None:
    """Refuse a token call whose scopes include none that the view names for this method (403)."""
    held = token_scopes(request)
    if held is None:
        return
    method = "GET" if request.method == "HEAD" else str(request.method)
    if method == "OPTIONS":
        return
    allowed = frozenset(getattr(view, "api_scopes", {}).get(method, ()))
    if not held & allowed:
        needed = " or ".join(sorted(allowed)) or "a scope no token has"
        raise PermissionDenied(f"This API token may not do this: it needs the {needed} scope.")


class ApiChecks(APIView):
    """What every API view does first: count the call, then check the token's scopes.

    Subclasses name the scopes each method needs: ``api_scopes = {"GET": ("cases:read",)}``.
    """

    api_scopes: Mapping[str, tuple[str, ...]] = {}

    def perform_authentication(self, request: Request) -> None:
        # Count the call before anything can refuse it, so wrong tokens are throttled too.
        try:
            super().perform_authentication(request)
        finally:
            self.check_throttles(request)

    def check_throttles(self, request: Request) -> None:
        # DRF calls this again after the permissions; once per request is the count.
        if getattr(request, "rollcall_throttled", False):
            return
        request.rollcall_throttled = True  # type: ignore[attr-defined]
        super().check_throttles(request)

    def check_permissions(self, request: Request) -> None:
        if request.user is not None and request.user.is_authenticated:
            check_token_scope(request, self)
        super().check_permissions(request)


class ApiView(ApiChecks, generics.GenericAPIView[Any]):
    """Base for API views: exempt from the sign-in redirect, checked by DRF instead."""

    permission_classes: Any = (IsAuthenticated,)

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        return login_not_required(super().as_view(**initkwargs))


def text_field(
    what: str, *, required: bool = True, max_length: int | None = None, allow_blank: bool = False
) -> serializers.CharField:
    """A text field whose messages name the thing asked for ("Enter the pupil's first name")."""
    messages: dict[str, Any] = {
        "required": f"Enter {what}",
        "blank": f"Enter {what}",
        "null": f"Enter {what}",
        "invalid": f"Enter {what} as text",
    }
    options: dict[str, Any] = {"required": required, "allow_blank": allow_blank}
    if max_length is not None:
        messages["max_length"] = f"{what[0].upper()}{what[1:]} must be {max_length} characters or fewer"
        options["max_length"] = max_length
    if not required:
        options["default"] = ""
    return serializers.CharField(error_messages=messages, **options)


def date_field(what: str, *, required: bool = True) -> serializers.DateField:
    """An ISO 8601 date field with plain-English messages; optional dates may be null."""
    messages: dict[str, Any] = {
        "required": f"Enter {what}",
        "null": f"Enter {what}",
        "invalid": f"Enter {what} as a real date {DATE_EXAMPLE}",
        "datetime": f"Enter {what} as a date {DATE_EXAMPLE}, without a time",
    }
    options: dict[str, Any] = {"required": required}
    if not required:
        options.update(allow_null=True, default=None)
    return serializers.DateField(input_formats=["iso-8601"], error_messages=messages, **options)


def not_after_today(value: dt.date | None, message: str) -> dt.date | None:
    if value is not None and value > clock.today():
        raise serializers.ValidationError(message)
    return value


class StrictSerializer(serializers.Serializer[Any]):
    """Refuse fields it does not know, so a misspelt field is an error rather than silently lost.

    A misspelt ``destination_school_urn`` would otherwise read as "destination unknown" and open a
    child missing education case for a child who is safely at a new school.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                known = ", ".join(self.fields)
                message = "{} is not a field this API accepts here. The fields are: {}"
                raise serializers.ValidationError({name: [message.format(name, known)] for name in unknown})
        return super().to_internal_value(data)


# ---- versions: ETag and If-Match (no lost updates, issue 11; rollcall/concurrency.py) ----------

VERSION_HELP = (
    "The version you read (the ETag without its quotes). If the record changed since, nothing is "
    "saved and the answer is 409 with what changed; or send If-Match with the ETag (412 when stale)."
)


def etag(version: int) -> str:
    """The strong ETag of a record at ``version``: its version number in quotes."""
    return f'"{version}"'


def if_match_version(header: str | None) -> int | None:
    """The version an ``If-Match`` header names (None when absent or ``*``).

    A header that names no version of ours (a weak or malformed tag) cannot match any version,
    so it reads as version 0, which is always stale: 412, never a silent overwrite.
    """
    if header is None or header.strip() == "*":
        return None
    tag = header.split(",")[0].strip()
    if tag.startswith('"') and tag.endswith('"') and tag[1:-1].isdigit():
        return int(tag[1:-1])
    return 0
