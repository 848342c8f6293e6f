"""Two-factor and lockout in a real browser, axe on every page: an officer sets up an
authenticator app from the QR code page, keeps the recovery codes, signs out, signs in again with
a code; five wrong passwords lock the account; an administrator unlocks it."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from rollcall.rules.workflow import Role
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.signing_in import sign_in
from tests.two_factor import code_for

PASSWORD = "correct-horse-battery"


@pytest.mark.django_db(transaction=True)
def test_an_officer_sets_up_two_factor_signs_in_with_a_code_and_a_lockout_is_lifted(
    live_server, page: Page, checker: Checker
) -> None:
    base = live_server.url
    officer = factories.staff(Role.OFFICER, username="inclusion.officer", password=PASSWORD)
    factories.administrator(username="council.admin", password=PASSWORD)

    # After the password, an officer with no app is sent to set one up, and nowhere else.
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill("inclusion.officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to add Roll Call to an authenticator app")).to_be_visible()
    checker.check("set up two-factor")
    page.goto(f"{base}/cases/")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()

    # The key typed into an app by hand (the same key the QR code holds) gives the first code.
    page.get_by_text("I cannot scan the QR code").click()
    typed = page.locator("#two-factor-key").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert re.fullmatch(r"[A-Z2-7]+", typed)
    page.get_by_label("Code from your authenticator app").fill("12")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the code your authenticator app shows now")
    checker.check("set up two-factor error")
    page.wait_for_timeout(2100)  # django-otp's pause after a wrong code
    page.get_by_label("Code from your authenticator app").fill(f"{TOTP(device.bin_key).token():06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Two-factor authentication is set up")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    checker.check("recovery codes")
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # Signing in again asks for a code after the password.
    page.get_by_label("Username").fill("inclusion.officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    checker.check("enter your code")
    device.refresh_from_db()
    page.get_by_label("Code", exact=True).fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    page.goto(f"{base}/accounts/two-factor/")
    expect(page.get_by_text("Recovery codes left")).to_be_visible()
    checker.check("two-factor settings")
    page.get_by_role("button", name="Sign out").click()

    # Five wrong passwords lock the account, with a GOV.UK error page.
    for _ in range(5):
        page.get_by_label("Username").fill("inclusion.officer")
        page.get_by_label("Password").fill("not-my-password")
        page.get_by_role("button", name="Sign in").click()
        if page.get_by_role("heading", name="Signing in is locked").is_visible():
            break
    expect(page.get_by_role("heading", name="Signing in is locked")).to_be_visible()
    checker.check("locked out")

    # The administrator unlocks it. The wrong passwords locked this browser's address too, so they
    # are moved to another address, as if the officer had tried from their own computer.
    AccessAttempt.objects.filter(username="inclusion.officer").update(ip_address="192.0.2.10")
    sign_in(page, base, "council.admin", PASSWORD)
    page.get_by_role("link", name="Locked sign-ins").click()
    expect(page.get_by_role("heading", name="Locked sign-ins")).to_be_visible()
    checker.check("locked sign-ins")
    page.get_by_role("button", name="Unlock inclusion.officer").click()
    expect(page.get_by_text("inclusion.officer can sign in again.")).to_be_visible()
    expect(page.locator("table").last).to_contain_text("council.admin")
    checker.check("unlocked")
