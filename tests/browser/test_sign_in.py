"""Signing in and out in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import Checker


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_refused_with_an_error_summary_and_the_right_one_signs_in(
    live_server, page: Page, checker: Checker
) -> None:
    factories.staff(username="inclusion.officer", password="correct-horse-battery")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in to Roll Call")).to_be_visible()
    checker.check("sign in")
    page.get_by_label("Username").fill("inclusion.officer")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a correct username and password")
    checker.check("sign in error")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(f"{live_server.url}/accounts/sign-in/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Roll Call")).to_be_visible()
