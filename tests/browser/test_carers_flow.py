"""Reaching a carer from the case page in a real browser, with axe on every page (issue 17).

The officer notes that the mother wants text messages and asked for Polish, then asks her by
text message to contact the team; with no Notify key the message is written to the outbox folder,
and it shows on the case page and the timeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.casework.services import case_open
from rollcall.rules.workflow import Role
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import sign_in


@pytest.mark.django_db(transaction=True)
def test_an_officer_records_a_carers_preferences_and_messages_her(
    live_server: Any,
    page: Page,
    checker: Checker,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_OUTBOX_DIR = str(tmp_path)
    today = clock.today()
    for year in (today.year - 1, today.year):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    officer: User = factories.staff(
        Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.officer", password="correct-horse-battery"
    )
    child = factories.ChildFactory.create(legal_forename="Lena", legal_surname="Nowak")
    carer = factories.CarerFactory.create(child=child, name="Marta Nowak", phone="", email="")
    case = case_open(
        child=child,
        kind="cme",
        team=Team.objects.get(kind=Team.Kind.INCLUSION),
        source="referral",
        owner=officer,
    )
    base = live_server.url

    sign_in(page, base, "inclusion.officer")
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.locator("#carers")).to_have_text("Parents and carers")
    checker.check("case page with carers")

    page.get_by_role("link", name="Change contact details for Marta Nowak").click()
    checker.check("carer contact details")
    page.get_by_label("Text message").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a mobile number")
    checker.check("carer contact details errors")
    page.get_by_label("Phone number").fill("07700 900321")
    page.get_by_label("Language they asked for").fill("Polish")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Contact details for Marta Nowak saved")
    expect(page.locator("main")).to_contain_text("Polish")

    page.locator(f"a[href='/cases/{case.pk}/carers/{carer.pk}/message/']").click()
    expect(page.locator("main")).to_contain_text("They asked for Polish.")
    checker.check("ask a carer to contact the team")
    page.get_by_label("Text message to 07700 900321").check()
    page.get_by_role("button", name="Send message").click()
    expect(page.locator("main")).to_contain_text("Message to Marta Nowak sent")
    expect(page.locator("main")).to_contain_text("Text message to Marta Nowak sent through GOV.UK Notify")
    checker.check("case page after the message")
    carer.refresh_from_db()
    assert carer.contact_by == "sms"
    assert [p.name.endswith(".sms.json") for p in tmp_path.iterdir()] == [True]
