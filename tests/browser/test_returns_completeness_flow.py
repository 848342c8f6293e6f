"""Returns completeness in a real browser, with axe on every page.

An Inclusion officer opens Returns by school (counts only), filters by kind, opens one school and
sees its pupils; the school signs in and sees the returns it owes.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.rules.workflow import Role
from rollcall.schools.models import RollEntry
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, sign_in, sign_out


@pytest.mark.django_db(transaction=True)
def test_an_officer_sees_returns_by_school_and_the_school_sees_what_it_owes(
    live_server, page: Page, checker: Checker
) -> None:
    today = clock.today()
    for year in (today.year - 1, today.year):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.officer", password=PASSWORD)
    school = factories.SchoolFactory.create(name="Moorside Academy")
    factories.school_user(school, username="moorside", password=PASSWORD)
    kai = factories.ChildFactory.create(
        legal_forename="Kai", legal_surname="Osei", date_of_birth=dt.date(2015, 6, 1)
    )
    RollEntry.objects.create(child=kai, school=school, on_roll_from=today - dt.timedelta(days=20))
    base = live_server.url

    sign_in(page, base, "inclusion.officer")
    page.get_by_role("link", name="Returns by school").first.click()
    expect(page.get_by_role("heading", name="Returns by school")).to_be_visible()
    page.get_by_label("Period").select_option("30")
    page.get_by_role("button", name="Show returns").click()
    row = page.get_by_role("row", name=re.compile("Moorside Academy"))
    # Received on time, received late, missing, not yet due.
    expect(row.get_by_role("cell")).to_have_text(["0", "0", "1", "0"])
    expect(page.get_by_text("Osei")).to_have_count(0)
    checker.check("returns by school")
    page.get_by_label("Return").select_option("deletion")
    page.get_by_role("button", name="Show returns").click()
    expect(page.get_by_text("No school owed a return in this period.")).to_be_visible()
    page.get_by_label("Return").select_option("new_pupil")
    page.get_by_role("button", name="Show returns").click()
    page.get_by_role("link", name="Moorside Academy").click()
    expect(page.get_by_role("heading", name="Moorside Academy: returns owed")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Kai Osei"))).to_contain_text("Missing")
    checker.check("one school's returns owed")
    sign_out(page)

    sign_in(page, base, "moorside")
    page.get_by_role("link", name="Returns we owe").first.click()
    page.get_by_label("Period").select_option("30")
    page.get_by_role("button", name="Show returns").click()
    expect(page.get_by_role("row", name=re.compile("Kai Osei"))).to_contain_text("Missing")
    checker.check("returns we owe")
