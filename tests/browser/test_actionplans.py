"""The ombudsman action-plan tracker in a real browser, with axe on every page.

The demo's two source plans are loaded. The Access to Education manager (responsible for most of
the Croydon actions) opens the list, a complaint, an action, adds an update (an error first),
adds a link as evidence, and checks the overdue list. A scrutiny committee member opens the
scrutiny view and downloads the committee PDF and the XLSX through the page's links, and cannot
open the officers' pages.
"""

from __future__ import annotations

import io
import random

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Membership, Team
from rollcall.actionplans.demo import actionplans_demo
from rollcall.actionplans.models import Action
from rollcall.policies.demo import demo_policies
from rollcall.rules.workflow import Role
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, sign_in, sign_out


@pytest.mark.django_db(transaction=True)
def test_a_manager_updates_an_action_and_the_committee_downloads_the_report(
    live_server, page: Page, checker: Checker
) -> None:
    today = clock.today()
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    factories.staff(Role.HEAD_OF_SERVICE, Team.Kind.HEADS, username="head.of.service", password=PASSWORD)
    factories.staff(
        Role.MANAGER,
        Team.Kind.ACCESS,
        username="access.manager",
        password=PASSWORD,
        first_name="Asha",
        last_name="Patel",
    )
    factories.staff(Role.MANAGER, Team.Kind.SEN, username="sen.manager", password=PASSWORD)
    member = factories.UserFactory.create(username="committee.member", password=PASSWORD)
    Membership.objects.create(user=member, role=Role.READER.value)
    demo_policies(rng=random.Random(1), today=today)
    actionplans_demo(today=today)
    circulation = Action.objects.get(complaint__reference="22 014 644", number=3)
    base = live_server.url

    # 1. The manager opens the list of action plans and the Croydon plan.
    sign_in(page, base, "access.manager")
    page.goto(f"{base}/action-plans/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ombudsman action plans")
    expect(page.locator('tr[data-complaint] [data-count="complete"]').first).to_contain_text("of")
    checker.check("action plan list")
    page.get_by_role("link", name="22 014 644").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Action plan following LGO decision - 22 014 644"
    )
    expect(page.locator("#provenance")).to_contain_text("Croydon")
    expect(page.locator("#recommendations")).to_contain_text("Refers the investigators' decision")
    checker.check("complaint page")

    # 2. ... and the action on circulating the policy, as the source plan writes it.
    page.locator(f'tr[data-action="{circulation.pk}"] a').click()
    expect(page.locator("#action-description")).to_contain_text("circulated biannually")
    expect(page.locator("#timeline")).to_contain_text("Policy was sent to all staff on 03.08.23.")
    expect(page.locator("#timeline")).to_contain_text("Transcribed from the source plan")
    expect(page.locator("#delivered-by")).to_contain_text("Policy circulation and acknowledgements")
    checker.check("action page")

    # 3. An update with no status is refused; then the manager records one with a RAG rating.
    page.get_by_label("Outcome or update").fill(
        "Sent to all education staff again; 80% have acknowledged it."
    )
    page.get_by_role("button", name="Add update").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    checker.check("update form errors")
    page.get_by_label("In progress").check()
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Add update").click()
    expect(page.get_by_text("Update added.")).to_be_visible()
    first = page.locator("#timeline li").first
    expect(first).to_contain_text("80% have acknowledged it")
    expect(first).to_contain_text("By Asha Patel")
    expect(first.locator('[data-rag="amber"]')).to_have_text("Amber")
    checker.check("action updated")

    # 4. Evidence: a link to the circulation.
    page.get_by_role("link", name="Add evidence").click()
    page.get_by_label("Title").fill("Circulation of the health-needs policy")
    page.get_by_label("Or a link (optional)").fill("https://rollcall.northmoor.example/policies/")
    checker.check("evidence form")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#evidence")).to_contain_text("Circulation of the health-needs policy")

    # 5. The overdue list has the Croydon actions whose dates have passed.
    page.goto(f"{base}/action-plans/overdue/")
    expect(page.locator("#overdue tbody tr")).to_have_count(6)
    expect(page.locator("#overdue")).to_contain_text("Action 9 of 19017034")
    checker.check("overdue actions")
    sign_out(page)

    # 6. The committee member reads the scrutiny view and downloads both files through its links.
    sign_in(page, base, "committee.member")
    page.goto(f"{base}/action-plans/scrutiny/")
    expect(page.locator('#summary tr[data-complaint] [data-count="total"]')).to_have_text(["12", "7"])
    expect(page.locator('img[src^="data:image/svg+xml"]')).to_have_count(2)
    checker.check("scrutiny view")
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download the committee report (PDF)").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename == f"action-plans-{today.isoformat()}.pdf"
    with open(pdf.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download the figures (Excel spreadsheet, XLSX)").click()
    with open(xlsx_download.value.path(), "rb") as f:
        book = openpyxl.load_workbook(io.BytesIO(f.read()))
    assert book.sheetnames == ["Summary", "19017034", "22 014 644"]
    # The officers' pages are not for the committee.
    response = page.goto(f"{base}/action-plans/")
    assert response is not None
    assert response.status == 403
    assert len(checker.checked) >= 7
