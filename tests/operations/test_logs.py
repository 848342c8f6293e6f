"""A request id on every response and log line; JSON lines carry no query string."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client, RequestFactory
from pythonjsonlogger.json import JsonFormatter

from rollcall.operations.logs import RequestIdFilter, request_id

pytestmark = pytest.mark.django_db


def test_a_plausible_request_id_from_the_proxy_is_kept_and_echoed() -> None:
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="0123456789abcdef")

    assert response["X-Request-ID"] == "0123456789abcdef"


def test_a_missing_or_odd_request_id_is_replaced_by_a_fresh_one() -> None:
    first = Client().get("/healthz")["X-Request-ID"]
    odd = Client().get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")["X-Request-ID"]

    assert len(first) == 32
    assert len(odd) == 32
    assert first != odd


def test_a_json_log_line_has_the_request_id_and_the_path_without_its_query() -> None:
    formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
    request = RequestFactory().get("/children/search/", {"q": "Quillfeather"})
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found", (), None)
    record.request = request
    request_id.set("abc123def456")

    RequestIdFilter().filter(record)
    line = json.loads(formatter.format(record))

    assert line["request_id"] == "abc123def456"
    assert line["request"] == "GET /children/search/"
    assert "Quillfeather" not in json.dumps(line)
