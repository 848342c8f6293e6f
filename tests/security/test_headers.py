"""Content-Security-Policy, no-store and the other headers on what Roll Call serves."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2] / "rollcall"
# PDFs are drawn by WeasyPrint on the server, not by a browser: their own <style> is fine.
PRINT_TEMPLATES = re.compile(r"_pdf\.html$|/emails?/|\.txt$")


def _csp(response: object) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


@pytest.mark.django_db
def test_a_signed_in_page_carries_the_policy_and_its_nonce_matches_the_one_inline_script() -> None:
    client = Client()
    client.force_login(UserFactory.create())
    response = client.get("/cases/", follow=True)
    assert response.status_code == 200
    policy = _csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    nonces = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline, "the layout's js-enabled line is inline"
    assert all(f'nonce="{nonces[0][7:-1]}"' in attrs for attrs in inline), inline


@pytest.mark.django_db
def test_every_request_gets_a_new_nonce() -> None:
    client = Client()
    first = _csp(client.get("/accounts/sign-in/"))["script-src"]
    second = _csp(client.get("/accounts/sign-in/"))["script-src"]
    assert first != second


@pytest.mark.django_db
def test_signed_in_pages_and_the_api_are_never_stored() -> None:
    client = Client()
    assert "no-store" in client.get("/api/v1/cases/")["Cache-Control"]  # refused, still not stored
    client.force_login(UserFactory.create())
    page = client.get("/cases/", follow=True)
    assert "no-store" in page["Cache-Control"]
    assert "no-store" in client.get("/api/v1/cases/")["Cache-Control"]


@pytest.mark.django_db
def test_other_headers() -> None:
    response = Client().get("/accounts/sign-in/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def _templates() -> list[Path]:
    return [p for p in ROOT.rglob("*.html") if not PRINT_TEMPLATES.search(str(p))]


def test_no_template_has_inline_style_or_an_inline_script_without_the_nonce() -> None:
    pages = _templates()
    assert len(pages) > 50
    found = []
    for path in pages:
        text = path.read_text()
        for pattern in (r"\sstyle=", r"<style", r"\son[a-z]+=\s*[\"']", r"javascript:"):
            if re.search(pattern, text):
                found.append(f"{path.relative_to(ROOT)}: {pattern}")
        for attrs in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", text):
            if "nonce=" not in attrs:
                found.append(f"{path.relative_to(ROOT)}: inline script without nonce")
    assert found == []


def test_production_settings_secure_the_cookies_and_ask_for_https() -> None:
    from rollcall import settings as production  # DEBUG off (settings_test relaxes these after)

    assert production.DEBUG is False
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY is True
    assert production.SECURE_HSTS_SECONDS >= 31536000


@pytest.mark.django_db
def test_the_sign_in_page_lets_its_single_sign_on_button_lead_to_the_provider_only(settings: Any) -> None:
    assert _csp(Client().get("/accounts/sign-in/"))["form-action"] == ["'self'"]
    settings.OIDC_DISCOVERY_URL = (
        "https://login.example.gov.uk:8443/tenant/v2.0/.well-known/openid-configuration"
    )
    settings.OIDC_CLIENT_ID = "roll-call"
    settings.OIDC_CLIENT_SECRET = "an-invented-secret"
    form_action = _csp(Client().get("/accounts/sign-in/"))["form-action"]
    assert form_action == ["'self'", "https://login.example.gov.uk:8443"]
