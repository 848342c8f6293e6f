"""An administrator answers a subject access request and reads the retention report in a real
browser, with axe on every page (issue 13)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rollcall.accounts.models import Team
from rollcall.dataprotection.models import SubjectAccessRequest
from rollcall.rules.workflow import Role
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, sign_in


@pytest.mark.django_db(transaction=True)
def test_an_administrator_answers_a_subject_access_request(live_server, page: Page, checker: Checker) -> None:
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    factories.staff(Role.ADMINISTRATOR, Team.Kind.INCLUSION, username="dp.admin", password=PASSWORD)
    child = factories.ChildFactory.create(legal_forename="Ada", legal_surname="Quill")
    factories.CarerFactory.create(child=child, name="Morwenna Quill")
    base = live_server.url

    sign_in(page, base, "dp.admin")
    page.get_by_role("link", name="Data protection").first.click()
    expect(page.get_by_role("heading", name="Subject access requests")).to_be_visible()
    checker.check("subject access form")

    page.get_by_role("button", name="Produce the answer").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the child record number")).to_be_visible()
    checker.check("subject access form with an error")

    page.get_by_label("Child record number").fill(str(child.pk))
    page.get_by_label("Request reference (optional)").fill("SAR-2026-001")
    page.get_by_role("button", name="Produce the answer").click()
    expect(page.get_by_role("heading", name="Subject access request recorded")).to_be_visible()
    checker.check("subject access request recorded")
    assert SubjectAccessRequest.objects.get().reference == "SAR-2026-001"

    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download the PDF").click()
    with open(pdf.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    with page.expect_download() as zipped:
        page.get_by_role("link", name="Download the CSV files as a ZIP").click()
    with open(zipped.value.path(), "rb") as handle:
        assert handle.read(2) == b"PK"

    page.get_by_role("link", name="Back to subject access requests").click()
    page.get_by_role("link", name="Retention report").click()
    expect(page.get_by_role("heading", name="Retention report")).to_be_visible()
    expect(page.get_by_text("0 records due")).to_be_visible()
    checker.check("retention report")
