"""A vulnerable in-year applicant tracked from application to checked off, in a real browser,
with axe on every page.

The admissions officer records an application with its risk assessment (the child is flagged),
records the offer (the school is asked to confirm), the school user confirms the child is on roll
and attending, and the check-off list shows the child checked off.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.admissions.models import PutOnRollRequest
from rollcall.rules.vulnerability import CHARACTERISTICS
from rollcall.rules.workflow import Role
from tests import factories
from tests.browser import signing_in
from tests.browser.conftest import Checker

PASSWORD = "correct-horse-battery"


def sign_in(page: Page, base: str, username: str) -> None:
    """The password, then the two-factor code page (tests/browser/signing_in.py)."""
    signing_in.sign_in(page, base, username, PASSWORD)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Roll Call")).to_be_visible()


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


@pytest.mark.django_db(transaction=True)
def test_a_vulnerable_applicant_is_tracked_until_the_school_confirms_them_on_roll(
    live_server, page: Page, checker: Checker
) -> None:
    today = clock.today()
    for year in (today.year - 1, today.year, today.year + 1):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    factories.staff(Role.OFFICER, Team.Kind.ADMISSIONS, username="admissions.officer", password=PASSWORD)
    factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.officer", password=PASSWORD)
    school = factories.SchoolFactory.create(name="Moorside Academy")
    factories.school_user(school, username="moorside", password=PASSWORD)
    base = live_server.url

    # 1. The admissions officer records the application and the risk assessment.
    sign_in(page, base, "admissions.officer")
    page.goto(f"{base}/admissions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vulnerable applicants: check-off list")
    checker.check("empty check-off list")
    page.get_by_role("link", name="Record an in-year application").click()
    page.get_by_role("button", name="Record the application").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    checker.check("application form errors")
    page.get_by_label("Child's legal first name").fill("Kacey")
    page.get_by_label("Child's legal last name").fill("Thornber")
    fill_date(page, "Date of birth", dt.date(today.year - 10, 6, 2))
    fill_date(page, "Date the application was received", today)
    page.get_by_label("First preference school").select_option(label="Moorside Academy")
    page.get_by_label("Reason for the move").fill("Family moved from another county")
    for c in CHARACTERISTICS:
        answer = "Yes" if c.code == "county_lines" else "No"
        page.get_by_role("group", name=c.question).get_by_label(answer, exact=True).check()
    page.get_by_label("Evidence (risks around county lines)").fill("Police intelligence shared at the MASH")
    checker.check("application form filled")
    page.get_by_role("button", name="Record the application").click()

    # 2. The child is flagged, with the reason shown.
    expect(page.locator("#vulnerable-flag")).to_contain_text("Vulnerable applicant: High risk")
    expect(page.locator("#vulnerable-flag")).to_contain_text("risks around county lines")
    checker.check("application flagged")

    # 3. The offer, and the request to the school with the date it must answer by.
    page.get_by_role("link", name="Record the offer").click()
    page.get_by_label("School offered").select_option(label="Moorside Academy")
    fill_date(page, "Decision date", today)
    fill_date(page, "Date of the offer", today)
    checker.check("offer form")
    page.get_by_role("button", name="Record the offer and send the request").click()
    expect(page.locator(".request-status")).to_have_text("Waiting for the school")
    request = PutOnRollRequest.objects.get()
    page.get_by_role("link", name="Request to the school (printable)").click()
    expect(
        page.get_by_text(f"Confirm by: {request.answer_due.day} {request.answer_due:%B %Y}")
    ).to_be_visible()
    checker.check("printable request")
    page.goto(f"{base}/admissions/")
    expect(page.locator("#checkoff")).to_contain_text("Kacey")
    expect(page.locator("[data-count=waiting]")).to_have_text("1")
    checker.check("check-off list waiting")
    sign_out(page)

    # 4. The school confirms the child is on roll and attending.
    sign_in(page, base, "moorside")
    page.goto(f"{base}/admissions/school/")
    checker.check("school requests")
    page.get_by_role("link", name="Kacey").click()
    page.get_by_label("Yes, on roll").check()
    fill_date(page, "On roll from", today)
    fill_date(page, "First day the child attended (if they have started)", today)
    checker.check("school confirmation form")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("your answer about")).to_be_visible()
    sign_out(page)

    # 5. The check-off list shows the child checked off.
    sign_in(page, base, "admissions.officer")
    page.goto(f"{base}/admissions/?status=checked_off")
    expect(page.locator("#checkoff")).to_contain_text("Kacey")
    expect(page.locator("#checkoff")).to_contain_text("Checked off")
    expect(page.locator("[data-count=checked_off]")).to_have_text("1")
    expect(page.locator("[data-count=waiting]")).to_have_text("0")
    checker.check("check-off list checked off")
