"""School rolls in a real browser, with axe on every page.

An Inclusion officer sends a school's roll for the day through the upload page (a background task
loads it; the tests' task backend runs it when the upload commits); the roll shows a pupil gone
with no deletion return; the school answers in its portal with a ground and no destination; the
child missing education case opens and is in the officer's caseload.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case
from rollcall.people.models import Child
from rollcall.rolls.models import DeletionReturnMissing, RollImport
from rollcall.rolls.pupils import PupilRow
from rollcall.rolls.services import roll_load
from rollcall.rules.workflow import Role
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, fill_date, sign_in, sign_out

KAI_BORN = dt.date(2015, 6, 1)
AVA_BORN = dt.date(2015, 7, 9)


@pytest.mark.django_db(transaction=True)
def test_an_officer_uploads_a_days_rolls_and_the_leaver_without_notice_becomes_a_cme_case(
    live_server, page: Page, checker: Checker, tmp_path: Path
) -> None:
    today = clock.today()
    for year in (today.year - 1, today.year):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.officer", password=PASSWORD)
    school = factories.SchoolFactory.create(name="Moorside Academy")
    factories.school_user(school, username="moorside", password=PASSWORD)
    yesterday = council_calendar().previous_school_day(today)
    roll_load(
        school=school,
        as_of=yesterday,
        rows=[
            PupilRow(2, None, "Kai", "Osei", KAI_BORN, admission_date=dt.date(2025, 9, 3)),
            PupilRow(3, None, "Ava", "Price", AVA_BORN, admission_date=dt.date(2025, 9, 3)),
        ],
        source="csv",
    )
    kai = Child.objects.get(legal_forename="Kai")
    todays_roll = tmp_path / f"{school.urn}.csv"
    todays_roll.write_text(
        f"upn,forename,surname,date_of_birth,admission_date\n,Ava,Price,{AVA_BORN.isoformat()},2025-09-03\n",
        encoding="utf-8",
    )
    base = live_server.url

    # 1. The officer sends today's roll (an error first: nothing chosen).
    sign_in(page, base, "inclusion.officer")
    page.goto(f"{base}/schools/{school.urn}/rolls/")
    checker.check("roll over time before")
    page.get_by_role("link", name="Send a roll").click()
    expect(page.get_by_role("heading", name="Send a school roll")).to_be_visible()
    page.get_by_role("button", name="Send the roll").click()
    expect(page.get_by_role("alert")).to_contain_text("Select the roll file")
    checker.check("upload errors")
    fill_date(page, "Date the roll is as of", today)
    page.get_by_label("Roll file").set_input_files(str(todays_roll))
    page.get_by_label("CSV (one line per pupil)").check()
    page.get_by_role("button", name="Send the roll").click()
    expect(page.get_by_role("heading", name="The roll was loaded")).to_be_visible(timeout=15_000)
    checker.check("roll loaded")
    assert RollImport.objects.get().status == RollImport.Status.LOADED

    # 2. The roll over time shows Kai gone with no deletion return.
    page.get_by_role("link", name="Moorside Academy: roll over time").click()
    expect(page.get_by_role("cell", name="Kai Osei")).to_be_visible()
    checker.check("leaver without notice")
    assert DeletionReturnMissing.objects.get().child == kai
    sign_out(page)

    # 3. The school answers in its portal: a ground, and no known destination.
    sign_in(page, base, "moorside")
    page.goto(f"{base}/schools/removals/new/")
    page.get_by_label("First name").fill("Kai")
    page.get_by_label("Last name").fill("Osei")
    fill_date(page, "Date of birth", KAI_BORN)
    fill_date(page, "Date removed from roll", today)
    page.get_by_label(re.compile(r"^\(g\)")).check()
    page.get_by_label("Not known").check()
    checker.check("deletion return filled")
    page.get_by_role("button", name="Send to the council").click()
    expect(page.get_by_text("Notice received")).to_be_visible()
    checker.check("deletion return received")
    sign_out(page)

    # 4. The child missing education case is open, in the officer's caseload.
    case = Case.objects.get(child=kai, kind="cme")
    assert case.closed_at is None
    sign_in(page, base, "inclusion.officer")
    page.goto(f"{base}/cases/")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    checker.check("caseload with the new case")
    page.goto(f"{base}/children/{kai.pk}/")
    expect(page.get_by_role("heading", name="What the school rolls say")).to_be_visible()
    checker.check("child page roll history")
