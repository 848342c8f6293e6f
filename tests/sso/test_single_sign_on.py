"""Single sign-on against a real OpenID Connect provider started here (tests/oidc_provider.py).

Roll Call runs in Django's test client; the person's browser at the provider is a requests
session filling in the provider's own sign-in and consent forms; Roll Call's server talks to the
provider over HTTP for its metadata, keys and the code exchange. Nothing is mocked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from rollcall.accounts.models import Membership, User
from rollcall.accounts.oidc import verified_email
from tests import factories
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider, sign_in_at_provider

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/accounts/sign-in/council/callback/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    with running_provider([CALLBACK], Path(tmp_path_factory.mktemp("oidc"))) as running:
        yield running


@pytest.fixture
def sso(provider: Provider, settings: Any) -> Provider:
    settings.OIDC_DISCOVERY_URL = provider.discovery_url
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    # The council's provider requires MFA for Roll Call (the local one sends no amr claim).
    settings.OIDC_PROVIDER_REQUIRES_MFA = True
    return provider


@pytest.fixture
def amy(db: None) -> User:
    return factories.staff(username="amy.officer", email="amy.officer@northmoor.example")


def sign_in(client: Client, login: str, next_url: str = "") -> tuple[object, str]:
    """Press "Sign in with your council account", sign in at the provider, come back."""
    start = client.post("/accounts/sign-in/council/", {"next": next_url})
    assert start.status_code == 302
    authorize = start["Location"]
    back = sign_in_at_provider(authorize, login, back_to="http://testserver/")
    assert back.startswith(CALLBACK)
    parts = urlsplit(back)
    return client.get(parts.path, parse_qs(parts.query)), authorize


def signed_in_as(client: Client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def test_a_council_account_signs_in_to_the_roll_call_account_with_its_verified_email(
    sso: Provider, amy: User
) -> None:
    client = Client()
    answer, authorize = sign_in(client, "amy")
    assert answer.status_code == 302  # type: ignore[attr-defined]
    assert answer["Location"] == "/"  # type: ignore[index]
    assert signed_in_as(client) == amy.pk
    # The authorization code flow with PKCE (S256), a state and a nonce.
    asked = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{sso.issuer}/auth")
    assert asked["response_type"] == ["code"]
    assert asked["code_challenge_method"] == ["S256"]
    assert len(asked["code_challenge"][0]) >= 43
    assert asked["state"]
    assert asked["nonce"]
    assert client.get("/").status_code == 302  # home sends an officer to the caseload
    assert client.get("/cases/").status_code == 200


def test_where_the_person_was_going_is_kept(sso: Provider, amy: User) -> None:
    client = Client()
    answer, _ = sign_in(client, "amy", next_url="/cases/")
    assert answer["Location"] == "/cases/"  # type: ignore[index]
    client.logout()
    answer, _ = sign_in(client, "amy", next_url="https://elsewhere.example/")
    assert answer["Location"] == "/"  # type: ignore[index]


def test_an_unknown_email_gets_a_page_saying_to_ask_the_administrator_and_nothing_is_created(
    sso: Provider, amy: User, caplog: pytest.LogCaptureFixture
) -> None:
    users, memberships = User.objects.count(), Membership.objects.count()
    client = Client()
    with caplog.at_level(logging.WARNING, logger="rollcall.accounts.oidc"):
        answer, _ = sign_in(client, "stranger")
    page = answer.content.decode()  # type: ignore[attr-defined]
    assert answer.status_code == 403  # type: ignore[attr-defined]
    assert "You do not have a Roll Call account" in page
    assert "Ask your Roll Call administrator" in page
    assert signed_in_as(client) is None
    assert User.objects.count() == users
    assert Membership.objects.count() == memberships
    # Logged, with the provider's subject identifier but not the person's address.
    refusals = [r.getMessage() for r in caplog.records if "Single sign-on refused" in r.getMessage()]
    assert refusals == ["Single sign-on refused: no Roll Call account for the e-mail of subject stranger"]
    assert "new.starter" not in caplog.text


def test_a_deactivated_account_cannot_sign_in_with_its_council_account(sso: Provider, amy: User) -> None:
    amy.is_active = False
    amy.save()
    client = Client()
    answer, _ = sign_in(client, "amy")
    assert answer.status_code == 403  # type: ignore[attr-defined]
    assert signed_in_as(client) is None


def test_an_unverified_email_is_not_trusted(sso: Provider, amy: User) -> None:
    client = Client()
    answer, _ = sign_in(client, "unverified")
    assert answer.status_code == 403  # type: ignore[attr-defined]
    assert "did not confirm your e-mail address" in answer.content.decode()  # type: ignore[attr-defined]
    assert signed_in_as(client) is None


def test_entra_ids_verified_domain_claim_is_trusted(sso: Provider, amy: User) -> None:
    client = Client()
    sign_in(client, "entra")
    assert signed_in_as(client) == amy.pk


def test_a_callback_with_a_forged_state_signs_nobody_in(sso: Provider, amy: User) -> None:
    client = Client()
    client.post("/accounts/sign-in/council/")
    answer = client.get("/accounts/sign-in/council/callback/", {"code": "made-up", "state": "forged"})
    assert answer.status_code == 400
    assert "did not work" in answer.content.decode()
    assert signed_in_as(client) is None


def test_a_code_cannot_be_used_twice(sso: Provider, amy: User) -> None:
    client = Client()
    start = client.post("/accounts/sign-in/council/")
    back = sign_in_at_provider(start["Location"], "amy", back_to="http://testserver/")
    parts = urlsplit(back)
    assert client.get(parts.path, parse_qs(parts.query)).status_code == 302
    other = Client()
    assert other.get(parts.path, parse_qs(parts.query)).status_code == 400
    assert signed_in_as(other) is None


def test_the_sign_in_page_offers_the_council_account_only_when_set_up(
    settings: Any, provider: Provider
) -> None:
    settings.OIDC_DISCOVERY_URL = ""
    assert "Sign in with your council account" not in Client().get("/accounts/sign-in/").content.decode()
    assert Client().post("/accounts/sign-in/council/")["Location"] == "/accounts/sign-in/"
    settings.OIDC_DISCOVERY_URL = provider.discovery_url
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    assert "Sign in with your council account" in Client().get("/accounts/sign-in/").content.decode()


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"email": "a@x.example", "email_verified": True}, "a@x.example"),
        ({"email": "a@x.example", "email_verified": False}, None),
        ({"email": "a@x.example", "email_verified": "true"}, None),  # only a real true
        ({"email": "a@x.example"}, None),
        ({"email": "a@x.example", "xms_edov": True}, "a@x.example"),
        ({"email": "not-an-address", "email_verified": True}, None),
        ({"email_verified": True}, None),
    ],
)
def test_only_a_verified_email_claim_is_used(claims: dict[str, object], expected: str | None) -> None:
    assert verified_email(claims) == expected


def test_without_the_providers_mfa_roll_call_still_asks_for_its_own_code(
    sso: Provider, amy: User, settings: Any
) -> None:
    settings.OIDC_PROVIDER_REQUIRES_MFA = False  # and the provider's answer has no "mfa" in amr
    client = Client()
    sign_in(client, "amy")
    assert signed_in_as(client) == amy.pk
    page = client.get("/cases/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/two-factor/set-up/")
