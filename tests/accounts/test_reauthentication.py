"""Re-authentication before bulk downloads: every CSV, XLSX and PDF list, register or report asks
for the password (and code) again when the person last gave it more than 15 minutes ago."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from rollcall.accounts.models import User
from tests.accounts.helpers import PASSWORD, sign_in_fully
from tests.two_factor import authenticator_for, code_for

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)
EXPORT = "/reports/monthly/report.xlsx"

# Documents about one child or one record, not bulk downloads: they do not ask again.
ONE_RECORD = {
    "health:referral-pdf",
    "homeeducation:letter-pdf",
    "transfers:letter",
}
# Pages that download their list as XLSX with ?format=xlsx (their templates link it).
FORMAT_DOWNLOADS = {"admissions:fair_access", "admissions:waiting", "admissions:deferred"}


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _routes(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((prefix + str(entry.pattern), namespace + entry.name))
    return found


def test_every_csv_xlsx_and_pdf_download_is_listed_or_is_one_records_document() -> None:
    listed = {entry.partition("?")[0] for entry in settings.REAUTHENTICATE_BEFORE}
    downloads = {
        name
        for route, name in _routes(get_resolver())
        if route.endswith((".csv", ".xlsx", ".pdf")) and not route.startswith("api/")
    }
    assert downloads - ONE_RECORD <= listed, sorted(downloads - ONE_RECORD - listed)
    assert listed >= FORMAT_DOWNLOADS
    for name in FORMAT_DOWNLOADS:
        assert f"{name}?format=xlsx" in settings.REAUTHENTICATE_BEFORE


def test_a_download_soon_after_signing_in_goes_straight_through(terms: None, head_of_service: User) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_fully(client, head_of_service)
        traveller.shift(dt.timedelta(minutes=14))
        assert client.get(EXPORT).status_code == 200


def test_a_later_download_asks_for_the_password_and_code_then_continues_to_it(
    terms: None, head_of_service: User
) -> None:
    client = Client()
    device = authenticator_for(head_of_service)
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_fully(client, head_of_service)
        for _ in range(2):  # kept busy, so the idle timeout does not end the session
            traveller.shift(dt.timedelta(minutes=10))
            assert client.get("/reports/").status_code == 200
        asked = client.get(EXPORT)
        assert asked.status_code == 302
        assert asked["Location"] == f"/accounts/confirm-it-is-you/?next={quote(EXPORT, safe='')}"
        page = client.get(asked["Location"])
        assert "Confirm it is you" in page.content.decode()

        wrong = client.post(asked["Location"], {"password": "nope", "code": code_for(device), "next": EXPORT})
        assert "Enter your correct password" in wrong.content.decode()
        assert client.get(EXPORT).status_code == 302
        traveller.shift(dt.timedelta(seconds=31))
        no_code = client.post(asked["Location"], {"password": PASSWORD, "next": EXPORT})
        assert "Enter the code" in no_code.content.decode()

        done = client.post(
            asked["Location"], {"password": PASSWORD, "code": code_for(device), "next": EXPORT}
        )
        assert done.status_code == 302
        assert done["Location"] == EXPORT
        download = client.get(EXPORT)
        assert download.status_code == 200
        assert download.content[:2] == b"PK"


def test_a_page_that_downloads_with_format_xlsx_asks_only_for_the_download(
    terms: None, head_of_service: User
) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_fully(client, head_of_service)
        traveller.shift(dt.timedelta(minutes=16))
        assert client.get("/admissions/fair-access/").status_code == 200
        asked = client.get("/admissions/fair-access/?format=xlsx")
        assert asked.status_code == 302
        assert asked["Location"].startswith("/accounts/confirm-it-is-you/")


def test_wrong_passwords_on_the_confirm_page_count_towards_a_lockout(
    terms: None, head_of_service: User
) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_fully(client, head_of_service)
        traveller.shift(dt.timedelta(minutes=16))
        for _ in range(5):
            client.post(
                "/accounts/confirm-it-is-you/", {"password": "nope", "code": "123456", "next": EXPORT}
            )
        locked = client.post("/accounts/confirm-it-is-you/", {"password": PASSWORD, "code": "123456"})
        assert locked.status_code == 429
