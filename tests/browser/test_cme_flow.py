"""The whole Children Missing Education flow in a real browser, with axe on every page.

A school tells the council a pupil left its roll with no known destination; the Inclusion officer
finds the case in their caseload, logs an enquiry and proposes closure; the team manager approves.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.casework.models import Case
from rollcall.notify.models import Message
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
def test_a_removal_with_no_destination_is_tracked_until_the_case_closes(
    live_server, page: Page, checker: Checker
) -> None:
    today = clock.today()
    for year in (today.year - 1, today.year):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.officer", password=PASSWORD)
    factories.staff(Role.MANAGER, Team.Kind.INCLUSION, username="inclusion.manager", password=PASSWORD)
    school = factories.SchoolFactory.create(name="Moorside Academy")
    factories.school_user(school, username="moorside", password=PASSWORD)
    pupil = factories.RollEntryFactory.create(
        school=school, child__legal_forename="Robin", child__legal_surname="Ashdown"
    ).child
    base = live_server.url

    # 1. The school signs in and tells the council the pupil has left its roll.
    sign_in(page, base, "moorside")
    checker.check("school portal")
    page.goto(f"{base}/schools/removals/new/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("button", name="Send to the council").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    checker.check("removal form errors")
    page.get_by_label("Pupil on your roll").select_option(value=str(pupil.pk))
    fill_date(page, "Date removed from roll", today)
    page.get_by_label(re.compile(r"^\(g\)")).check()
    page.get_by_label("Not known").check()
    checker.check("removal form filled")
    page.get_by_role("button", name="Send to the council").click()
    expect(page.get_by_text("Notice received")).to_be_visible()
    checker.check("removal received")
    sign_out(page)

    case = Case.objects.get(child=pupil, kind="cme")
    assert Message.objects.filter(
        recipient__username="inclusion.officer", url__contains=str(case.pk)
    ).exists()

    # 2. The Inclusion officer finds the case in their caseload and logs an enquiry.
    sign_in(page, base, "inclusion.officer")
    page.goto(f"{base}/cases/")
    checker.check("caseload")
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Robin Ashdown")
    checker.check("case page")
    page.get_by_role("link", name="Record an enquiry").click()
    page.get_by_role("button", name="Save enquiry").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    checker.check("enquiry errors")
    page.get_by_label("Parents, carers and relatives").check()
    fill_date(page, "Date the enquiry was made", today)
    page.get_by_label("Child located").check()
    page.get_by_label("Details (optional)").fill("Mother says Robin is being educated at home.")
    page.get_by_role("button", name="Save enquiry").click()
    expect(page.get_by_text("Enquiries under way").first).to_be_visible()
    checker.check("case after enquiry")

    # 3. The officer proposes closure with an outcome; a missing detail is caught first.
    page.locator("#case-actions").get_by_role("button", name="Propose closure").click()
    page.get_by_label("In other suitable education").check()
    page.get_by_role("button", name="Propose closure").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    checker.check("closure errors")
    page.get_by_label("Details of the outcome").fill(
        "Education otherwise than at school, confirmed by visit."
    )
    page.get_by_role("button", name="Propose closure").click()
    expect(page.get_by_text("Closure awaiting approval").first).to_be_visible()
    sign_out(page)

    # 4. The team manager approves; the case closes with the outcome.
    sign_in(page, base, "inclusion.manager")
    page.goto(f"{base}/cases/{case.pk}/")
    page.locator("#case-actions").get_by_role("button", name="Approve closure").click()
    checker.check("approve closure")
    page.get_by_role("button", name="Approve closure").click()
    expect(page.get_by_text("Closed").first).to_be_visible()
    checker.check("closed case")
    case.refresh_from_db()
    assert case.closed_at is not None
    assert case.outcome == "other_suitable_education"

    # 5. The child's page shows the whole story on one timeline.
    page.goto(f"{base}/children/{pupil.pk}/")
    expect(page.get_by_text("Moorside Academy removed the pupil from its roll")).to_be_visible()
    checker.check("child page")
    assert len(checker.checked) >= 10
