"""Returns completeness in a real browser, with axe on every page.

An Inclusion officer opens Returns by school (counts only), filters by kind, opens one school and
sees its pupils; the school signs in, sees the returns it owes, and sends an attendance return for
a pupil whose 10th continuous day of unexplained absence was today.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.attendance.models import PupilMarks
from rollcall.rules.calendar import academic_year_of
from rollcall.rules.workflow import Role
from rollcall.schools.models import RollEntry
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, fill_date, sign_in, sign_out


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
    ana = factories.ChildFactory.create(
        legal_forename="Ana", legal_surname="Rahman", date_of_birth=dt.date(2014, 3, 9)
    )
    RollEntry.objects.create(child=ana, school=school, on_roll_from=today - dt.timedelta(days=400))
    PupilMarks.objects.create(
        child=ana,
        school=school,
        academic_year=academic_year_of(today),
        marks="",
        updated_at=clock.now(),
        tenth_unexplained_day=today,
    )
    base = live_server.url

    sign_in(page, base, "inclusion.officer")
    page.get_by_role("link", name="Returns by school").first.click()
    expect(page.get_by_role("heading", name="Returns by school")).to_be_visible()
    page.get_by_label("Period").select_option("30")
    page.get_by_role("button", name="Show returns").click()
    row = page.get_by_role("row", name=re.compile("Moorside Academy"))
    # Received on time, received late, missing, not yet due.
    expect(row.get_by_role("cell")).to_have_text(["0", "0", "1", "1"])
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
    expect(page.get_by_role("row", name=re.compile("Ana Rahman"))).to_contain_text("Not yet due")
    checker.check("returns we owe")

    page.get_by_role("link", name="Tell us about a pupil absent 10 school days without a reason").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("absent 10 school days without a reason")
    checker.check("attendance return form")
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Rahman")
    fill_date(page, "Date of birth", dt.date(2014, 3, 9))
    fill_date(page, "First day of the absence", today - dt.timedelta(days=14))
    page.get_by_label("School days absent without a reason so far").fill("10")
    page.get_by_role("button", name="Send to the council").click()
    expect(page.get_by_text("Attendance return RTN-")).to_be_visible()
    page.get_by_label("Return").select_option("attendance")
    page.get_by_role("button", name="Show returns").click()
    expect(page.get_by_role("row", name=re.compile("Ana Rahman"))).to_contain_text("Received on time")
    checker.check("returns we owe, attendance return received")
