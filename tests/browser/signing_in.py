"""Signing in through the browser, as a person does: the password, then a code from the
authenticator app when Roll Call asks for one (the user's test authenticator, tests/two_factor.py)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from rollcall.accounts.models import User
from rollcall.accounts.two_factor import must_use_two_factor
from tests.two_factor import authenticator_for, code_for


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    user = User.objects.get(username=username)
    device = authenticator_for(user) if must_use_two_factor(user) else None
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        page.get_by_label("Code", exact=True).fill(code_for(device))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
