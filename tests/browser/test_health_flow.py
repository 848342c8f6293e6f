"""The health-needs flow in a real browser, with axe on every page.

A school reports a pupil absent through illness for 15 days; the Access to Education officer finds
the case, refers the child to the medical-needs provision (an error first), downloads the PDF,
names a contact and shows the letter; a check-in is missed and the manager is told; the check-in
is recorded, reintegration planned and the case closed with the child back in school. Then an SEN
officer records a child not attending school and Access to Education hears at once.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case
from rollcall.health.sweep import health_sweep
from rollcall.notify.models import Message
from rollcall.rules.workflow import Role
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, fill_date, sign_in, sign_out


@pytest.mark.django_db(transaction=True)
@override_settings(CASE_PANELS={"health": "rollcall.health.panels.case_panel"})
def test_a_child_absent_through_illness_is_followed_until_back_in_school(
    live_server, page: Page, checker: Checker
) -> None:
    today = clock.today()
    for year in (today.year - 1, today.year):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    factories.staff(
        Role.OFFICER,
        Team.Kind.ACCESS,
        username="access.officer",
        password=PASSWORD,
        first_name="Asha",
        last_name="Patel",
    )
    factories.staff(Role.MANAGER, Team.Kind.ACCESS, username="access.manager", password=PASSWORD)
    factories.staff(Role.OFFICER, Team.Kind.SEN, username="sen.officer", password=PASSWORD)
    school = factories.SchoolFactory.create(name="Moorside Academy")
    factories.school_user(school, username="moorside", password=PASSWORD)
    pupil = factories.RollEntryFactory.create(
        school=school, child__legal_forename="Maya", child__legal_surname="Osei"
    ).child
    base = live_server.url
    first_day = council_calendar().add_school_days(today, -15)

    # 1. The school reports 15 days of illness.
    sign_in(page, base, "moorside")
    page.goto(f"{base}/health/reports/new/")
    page.get_by_role("button", name="Send to the council").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    checker.check("report errors")
    page.get_by_label("Pupil on your roll").select_option(value=str(pupil.pk))
    fill_date(page, "First day absent through illness", first_day)
    page.get_by_label("School days missed through illness so far this school year").fill("15")
    page.get_by_label("Consecutive days").check()
    page.get_by_role("group", name="Is there medical evidence?").get_by_label("No").check()
    page.get_by_role("button", name="Send to the council").click()
    expect(page.get_by_text("Report received")).to_be_visible()
    checker.check("report received")
    sign_out(page)
    case = Case.objects.get(child=pupil, kind="health")

    # 2. The Access officer finds it in the caseload and makes the referral (an error first).
    sign_in(page, base, "access.officer")
    page.goto(f"{base}/cases/")
    checker.check("caseload")
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", name="Health needs")).to_be_visible()
    checker.check("case page")
    page.get_by_role("link", name="Make the referral").click()
    page.get_by_role("button", name="Make the referral").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the child's health needs")
    checker.check("referral errors")
    page.get_by_role("group", name="Has medical evidence been received?").get_by_label("No").check()
    page.get_by_label("The child's health needs").fill("Post-viral fatigue; short sessions only.")
    page.get_by_label("Hours of education a week proposed").fill("10")
    page.get_by_label("One-to-one teaching at home").check()
    page.get_by_label("SEN support").check()
    page.get_by_role("group", name="Has the parent or carer consented to the referral?").get_by_label(
        "Yes"
    ).check()
    fill_date(page, "Date consent was given", today)
    page.get_by_role("button", name="Make the referral").click()
    expect(page.get_by_role("heading", name="Referral to Springboard")).to_be_visible()
    checker.check("printable referral")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    path = download_info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    # 3. A named contact is assigned and the letter shown.
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_role("link", name="Change named contact").click()
    checker.check("named contact form")
    page.get_by_label("Named contact").select_option(label="Asha Patel")
    page.get_by_role("button", name="Save and show the letter").click()
    expect(page.get_by_role("heading", name="Letter to the parent or carer")).to_be_visible()
    expect(page.get_by_text("Your named contact at the council is")).to_be_visible()
    checker.check("letter")

    # 4. The check-in is missed: the sweep tells the manager.
    due = case.checkins.get().due_on
    counts = health_sweep(today=due + dt.timedelta(days=1), calendar=council_calendar())
    assert counts["checkins_missed"] == 1
    assert Message.objects.filter(
        recipient__username="access.manager", subject__startswith="Check-in missed"
    ).exists()

    # 5. The officer records the check-in, plans reintegration and closes the case.
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_role("link", name="Record a check-in").click()
    fill_date(page, "Date of the check-in", today)
    page.get_by_label("Phone call").check()
    page.get_by_label("Who did you speak to?").fill("Mother")
    page.get_by_label("How is the child?").fill("Improving; enjoying the lessons.")
    page.get_by_label("Hours of education received this month").fill("8")
    checker.check("check-in form")
    page.get_by_role("button", name="Record the check-in").click()
    expect(page.get_by_text("Check-in recorded")).to_be_visible()
    page.get_by_role("button", name="Provision has started").click()
    page.get_by_role("link", name="Plan reintegration").click()
    fill_date(page, "Target date of return", today + dt.timedelta(days=14))
    page.get_by_role("group", name="Has the school agreed the plan?").get_by_label("Yes").check()
    fill_date(page, "Date the school agreed", today)
    page.get_by_label("The plan").fill("Mornings for two weeks, then full days.")
    checker.check("reintegration form")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Reintegration plan recorded")).to_be_visible()
    page.locator("#case-actions").get_by_role("button", name="Close").click()
    page.get_by_label("Back in school with a reintegration plan").check()
    page.get_by_label("Name of the school (if back on roll)").fill("Moorside Academy")
    checker.check("close form")
    page.get_by_role("button", name="Close").click()
    expect(page.get_by_text("Closed").first).to_be_visible()
    case.refresh_from_db()
    assert case.closed_at is not None
    assert case.outcome == "back_in_school"
    sign_out(page)

    # 6. The SEN path: a child not attending school reaches Access to Education at once.
    sign_in(page, base, "sen.officer")
    page.goto(f"{base}/health/sen-panel/")
    checker.check("sen panel")
    page.get_by_role("link", name="Record a request to the panel").click()
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Bello")
    fill_date(page, "Date of birth", dt.date(2013, 2, 1))
    fill_date(page, "Date of the panel", today + dt.timedelta(days=7))
    page.get_by_role("group", name="Is the child currently attending school?").get_by_label(
        "No", exact=True
    ).check()
    checker.check("sen request form")
    page.get_by_role("button", name="Add to the panel").click()
    expect(page.get_by_text("Access to Education has been told")).to_be_visible()
    checker.check("sen panel with request")
    sign_out(page)
    sign_in(page, base, "access.officer")
    page.goto(f"{base}/messages/")
    expect(page.get_by_text("SEN panel: Nia Bello is not attending school")).to_be_visible()
    checker.check("access inbox")
    assert len(checker.checked) >= 12
