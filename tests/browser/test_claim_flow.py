"""Resolving a claim to confirm in a real browser, with axe on every page (issue 11).

A school sends a new pupil return for a child on another school's roll, misspelling the surname
(close enough to be the same name, but the council did not expect the pupil there).
Nothing changes: the school is told only that the council will check. The Inclusion officer opens
"Returns to check", compares what the school sent with the record, and confirms it; the child is
then on the new school's roll.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.returns.models import SchoolReturn
from rollcall.rules.workflow import Role
from rollcall.schools.models import RollEntry
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, fill_date, sign_in, sign_out


@pytest.mark.django_db(transaction=True)
def test_an_officer_checks_and_confirms_a_new_pupil_return_for_a_child_on_another_roll(
    live_server, page: Page, checker: Checker
) -> None:
    today = clock.today()
    for year in (today.year - 1, today.year):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.officer", password=PASSWORD)
    factories.staff(Role.MANAGER, Team.Kind.INCLUSION, username="inclusion.manager", password=PASSWORD)
    moorside = factories.SchoolFactory.create(name="Moorside Academy")
    factories.school_user(moorside, username="moorside", password=PASSWORD)
    fellside = factories.SchoolFactory.create(name="Fellside School")
    child = factories.ChildFactory.create(
        legal_forename="Ysolde", legal_surname="Fairsteading", date_of_birth=dt.date(2015, 3, 9)
    )
    factories.RollEntryFactory.create(child=child, school=fellside)
    base = live_server.url

    # 1. The school sends the return, with the surname one letter out.
    sign_in(page, base, "moorside")
    page.goto(f"{base}/schools/new-pupils/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell the council about a new pupil")
    page.get_by_role("button", name="Send to the council").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    checker.check("new pupil errors")
    page.get_by_label("First name").fill("Ysolde")
    page.get_by_label("Last name").fill("Fairsteadinng")
    fill_date(page, "Date of birth", child.date_of_birth)
    page.get_by_label("UPN (if known)").fill(child.upn or "")
    fill_date(page, "Date the pupil joined your roll", today)
    page.get_by_role("button", name="Send to the council").click()
    expect(page.get_by_text("Return received for Ysolde Fairsteadinng")).to_be_visible()
    expect(page.get_by_text("Fellside School")).to_have_count(0)
    checker.check("return received")
    sign_out(page)
    claim = SchoolReturn.objects.get(school=moorside)
    assert claim.status == SchoolReturn.Status.TO_CONFIRM
    assert not RollEntry.objects.filter(child=child, school=moorside).exists()

    # 2. The officer finds it in "Returns to check" and compares it with the record.
    sign_in(page, base, "inclusion.officer")
    page.get_by_role("link", name="Returns to check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns to check")
    expect(page.get_by_role("table")).to_contain_text("The council did not expect the pupil at this school")
    checker.check("returns to check")
    page.get_by_role("link", name=claim.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Check return {claim.reference}")
    comparison = page.get_by_role("table")
    expect(comparison).to_contain_text("Ysolde Fairsteadinng")
    expect(comparison).to_contain_text("Ysolde Fairsteading")
    expect(comparison).to_contain_text("Fellside School")
    checker.check("compare the return")

    # 3. Saving without saying how they checked is caught; then the officer confirms.
    page.get_by_label("Yes: the return goes ahead for this child").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Say how you checked the details")
    checker.check("decision errors")
    page.get_by_label("Yes: the return goes ahead for this child").check()
    page.get_by_label("How did you check?").fill("Rang Moorside: the surname was mistyped on its system.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns to check")
    expect(page.get_by_text(f"{claim.reference}: confirmed by an officer.")).to_be_visible()
    expect(page.get_by_text("There are no returns to check.")).to_be_visible()
    checker.check("claim confirmed")

    claim.refresh_from_db()
    assert claim.status == SchoolReturn.Status.CONFIRMED
    assert RollEntry.objects.filter(child=child, school=moorside, on_roll_to__isnull=True).exists()
    assert checker.count == 6
