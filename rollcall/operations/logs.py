"""A request id on every log line, and JSON logs for production.

The id comes from the proxy's ``X-Request-ID`` header when it is a plausible id (nginx sets it:
``deploy/nginx-rollcall.conf``), otherwise it is made here; it is sent back on the response so a
person reporting a fault can quote it. Log lines carry the path, never the query string or a
form's contents, so no personal facts reach the logs from here.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_PLAUSIBLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Set the request id for the request's log lines and echo it in ``X-Request-ID``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _PLAUSIBLE.match(given) else uuid.uuid4().hex
        # Not reset afterwards: Django logs a 4xx/5xx ("django.request") after the middleware
        # has returned, and that line needs the id too. The next request sets its own.
        request_id.set(rid)
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request: the worker, the scheduler).

    Also replaces the request Django attaches to its "django.request" lines by its method and
    path: the JSON formatter would write the request's repr, query string (a search for a
    child's name) and all.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            record.request = f"{request.method} {request.path}"
        return True
