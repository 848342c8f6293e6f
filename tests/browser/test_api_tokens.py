"""An administrator revokes a school system's API token on the API tokens page, axe clean."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rollcall.api.models import ApiToken
from rollcall.api.tokens import token_issue
from rollcall.api_base import SCOPE_PRESETS
from tests import factories
from tests.browser import signing_in
from tests.browser.conftest import Checker

PASSWORD = "correct-horse-battery"


@pytest.mark.django_db(transaction=True)
def test_an_administrator_revokes_a_token(live_server: Any, page: Page, checker: Checker) -> None:
    factories.administrator(username="admin.person", password=PASSWORD)
    school_user = factories.school_user(username="ash.mis")
    token_issue(user=school_user, name="Ash Academy MIS", scopes=SCOPE_PRESETS["school-system"], days=90)

    signing_in.sign_in(page, live_server.url, "admin.person", PASSWORD)  # the password, then the code
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Ash Academy MIS", exact=True)).to_be_visible()
    checker.check("api tokens")
    page.get_by_role("button", name="Revoke Ash Academy MIS of ash.mis").click()
    expect(page.get_by_role("alert")).to_contain_text("The token Ash Academy MIS of ash.mis is revoked")
    expect(page.get_by_text("There are no API tokens.")).to_be_visible()
    checker.check("api token revoked")
    assert not ApiToken.objects.exists()
