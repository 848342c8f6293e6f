"""Signing in with the council's account in a real browser, through a real OpenID Connect provider
started here (tests/oidc_provider.py), with axe on Roll Call's pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import Checker
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider


@pytest.fixture
def council_provider(live_server: Any, settings: Any, tmp_path: Path) -> Iterator[Provider]:
    callback = f"{live_server.url}/accounts/sign-in/council/callback/"
    with running_provider([callback], tmp_path) as provider:
        settings.OIDC_DISCOVERY_URL = provider.discovery_url
        settings.OIDC_CLIENT_ID = CLIENT_ID
        settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_PROVIDER_REQUIRES_MFA = True
        yield provider


def at_provider(page: Page, login: str) -> None:
    """The provider's own sign-in and consent pages (not Roll Call's, so not checked with axe)."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    page.get_by_role("button", name="Continue").click()


@pytest.mark.django_db(transaction=True)
def test_a_council_officer_signs_in_with_their_council_account(
    live_server: Any, council_provider: Provider, page: Page, checker: Checker
) -> None:
    factories.staff(username="amy.officer", email="amy.officer@northmoor.example")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in to Roll Call")).to_be_visible()
    checker.check("sign in with the council account offered")
    page.get_by_role("button", name="Sign in with your council account").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(council_provider.issuer)}/interaction/"))
    at_provider(page, "amy")
    expect(page).to_have_url(f"{live_server.url}/cases/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    checker.check("caseload after single sign-on")


@pytest.mark.django_db(transaction=True)
def test_someone_without_a_roll_call_account_is_told_to_ask_the_administrator(
    live_server: Any, council_provider: Provider, page: Page, checker: Checker
) -> None:
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_role("button", name="Sign in with your council account").click()
    at_provider(page, "stranger")
    expect(page.get_by_role("heading", name="You do not have a Roll Call account")).to_be_visible()
    checker.check("no roll call account")
    page.get_by_role("link", name="Back to sign in").click()
    expect(page.get_by_role("heading", name="Sign in to Roll Call")).to_be_visible()
