"""Home education in a real browser, with axe on every page.

A parent tells the council on the public form (an error first) and gets a reference; the EHE
officer confirms the notification, records the first contact and judges the education suitable;
time passes and the review falls due (the owner is reminded); at the review the education appears
not suitable, and the attendance order route runs through its notices to an order, each letter
printable.
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
from rollcall.homeeducation.models import EHERecord
from rollcall.homeeducation.sweep import ehe_sweep
from rollcall.notify.models import Message
from rollcall.rules.workflow import Role
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, fill_date, sign_in

PANELS = {
    "ehe": "rollcall.homeeducation.panels.ehe_panel",
    "sao": "rollcall.homeeducation.panels.sao_panel",
}


def serve(page: Page, checker: Checker, base: str, record: EHERecord, step: str, served: dt.date) -> None:
    page.goto(f"{base}/home-education/records/{record.pk}/notices/{step}/")
    fill_date(page, "Date of service", served)
    page.get_by_label("By hand").check()
    page.get_by_label("Reason, as the letter gives it").fill(
        "We have not seen evidence of a suitable education."
    )
    page.get_by_label("School named, and any alternatives").fill("Moorside Academy")
    page.get_by_role("button", name="Record and make the letter").click()
    expect(page.get_by_text("Our reference")).to_be_visible()
    checker.check(f"letter {step}")


@pytest.mark.django_db(transaction=True)
@override_settings(CASE_PANELS=PANELS)
def test_a_parent_notifies_and_the_council_follows_the_education_to_an_order(
    live_server, page: Page, checker: Checker
) -> None:
    today = clock.today()
    for year in (today.year - 1, today.year, today.year + 1):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    officer = factories.staff(
        Role.OFFICER,
        Team.Kind.EHE,
        username="ehe.officer",
        password=PASSWORD,
        first_name="Esme",
        last_name="Hart",
    )
    base = live_server.url

    # 1. A parent tells the council, without an account; a missing postcode first.
    page.goto(f"{base}/home-education/tell-us/")
    checker.check("public form")
    page.get_by_label("Child's first name").fill("Lily")
    page.get_by_label("Child's last name").fill("Marsh")
    fill_date(page, "Child's date of birth", dt.date(2016, 6, 14))
    page.get_by_label("Address line 1").fill("9 Quarry Road")
    page.get_by_label("Your full name").fill("Sam Marsh")
    page.get_by_label("Email address (optional)").fill("sam@example.com")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("link", name="Enter your postcode")).to_be_visible()
    checker.check("public form with an error")
    page.get_by_label("Postcode").fill("NM1 2AB")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Notification sent")).to_be_visible()
    expect(page.get_by_text("EHN-000001")).to_be_visible()
    checker.check("notification sent")

    # 2. The officer confirms it: the child is registered, first contact due.
    sign_in(page, base, "ehe.officer")
    page.get_by_role("link", name="Home education").first.click()
    checker.check("records list")
    page.get_by_role("link", name="Parents' notifications to check").click()
    page.get_by_role("link", name="EHN-000001").click()
    checker.check("notification to check")
    page.get_by_label("Yes, register the child as home educated").check()
    page.get_by_label("How did you check the details?").fill("Phoned Sam Marsh")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Lily Marsh registered as home educated")).to_be_visible()
    checker.check("case page, first contact due")
    record = EHERecord.objects.get()

    # 3. The first contact, then the view of the education.
    page.get_by_role("link", name="Record a contact with the family").click()
    fill_date(page, "Date of the contact", today)
    page.get_by_label("Phone call").check()
    page.get_by_role("button", name="Record the contact").click()
    expect(page.get_by_text("Contact recorded")).to_be_visible()
    page.get_by_role("link", name="Record your view of the education").click()
    checker.check("view of the education")
    page.get_by_label("Suitable", exact=True).check()
    page.get_by_label("Reasons").fill("A broad plan and samples of work.")
    page.get_by_role("button", name="Record your view").click()
    expect(page.get_by_text("Education suitable, review set").first).to_be_visible()
    record.refresh_from_db()
    assert record.next_review_on is not None

    # 4. Time passes: the review falls due and the owner is reminded.
    ehe_sweep(today=record.next_review_on - dt.timedelta(days=10), calendar=council_calendar())
    assert Message.objects.filter(recipient=officer, key__startswith=f"ehe-review:{record.pk}:").exists()

    # 5. At the review the education appears not suitable: the order route runs to an order.
    page.goto(f"{base}/home-education/records/{record.pk}/judgement/")
    page.get_by_label("Appears not suitable").check()
    page.get_by_label("Reasons").fill("No evidence of maths or English this year.")
    page.get_by_role("button", name="Record your view").click()
    order = Case.objects.get(kind="sao")
    serve(page, checker, base, record, "preliminary_notice", today - dt.timedelta(days=40))
    serve(page, checker, base, record, "notice_of_intention", today - dt.timedelta(days=20))
    serve(page, checker, base, record, "order", today)
    page.goto(f"{base}/cases/{order.pk}/")
    expect(page.get_by_text("School attendance order in force").first).to_be_visible()
    checker.check("order in force")
    order.refresh_from_db()
    assert order.status == "order"


@pytest.mark.django_db(transaction=True)
@override_settings(CASE_PANELS=PANELS, CHILDREN_NOT_IN_SCHOOL_REGISTER=True)
def test_a_school_records_flexi_schooling_and_the_council_asks_for_the_register_information(
    live_server, page: Page, checker: Checker
) -> None:
    today = clock.today()
    for year in (today.year - 1, today.year, today.year + 1):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    factories.staff(Role.OFFICER, Team.Kind.EHE, username="ehe.officer", password=PASSWORD)
    school = factories.SchoolFactory.create(name="Moorside Academy")
    factories.school_user(school, username="moorside", password=PASSWORD)
    child = factories.ChildFactory.create(
        legal_forename="Ivy", legal_surname="Holt", date_of_birth=dt.date(2015, 5, 4), upn=None
    )
    factories.RollEntryFactory.create(child=child, school=school, on_roll_from=dt.date(2024, 9, 4))
    base = live_server.url

    # 1. The school records flexi-schooling for its pupil (a mistake first).
    sign_in(page, base, "moorside")
    page.get_by_role("link", name="Pupils educated elsewhere part-time").click()
    checker.check("part-time arrangements (school)")
    page.get_by_role("link", name="Record an arrangement").click()
    page.get_by_label("Pupil's first name").fill("Ivy")
    page.get_by_label("Pupil's last name").fill("Holt")
    fill_date(page, "Pupil's date of birth", dt.date(2015, 5, 4))
    page.get_by_label("Flexi-schooling (educated by the parents part of the week)").check()
    page.get_by_label("Sessions a week educated elsewhere").fill("12")
    page.get_by_label("Who educates the pupil elsewhere").fill("Kit Holt")
    page.get_by_label("The parents", exact=True).check()
    fill_date(page, "Date the arrangement starts", today)
    page.get_by_role("button", name="Record the arrangement").click()
    expect(page.get_by_role("link", name="Sessions a week must be between 1 and 10")).to_be_visible()
    checker.check("arrangement form with an error")
    page.get_by_label("Sessions a week educated elsewhere").fill("4")
    page.get_by_role("button", name="Record the arrangement").click()
    expect(page.get_by_text("Part-time arrangement recorded")).to_be_visible()
    checker.check("arrangement page (school)")
    page.get_by_role("button", name="Sign out").click()

    # 2. The EHE officer finds the pupil on the register and asks the parent for the information.
    sign_in(page, base, "ehe.officer")
    page.goto(f"{base}/home-education/register/")
    expect(page.get_by_role("cell", name="Ivy Holt")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Registered at a school, educated elsewhere part of the time")
    ).to_be_visible()
    checker.check("register with a part-time pupil")
    page.goto(f"{base}/home-education/part-time/")
    page.get_by_role("link", name="Ivy Holt").click()
    page.get_by_role("link", name="Ask the parents or provider for the register information").click()
    checker.check("request form")
    page.get_by_label("A parent (s.436D)").check()
    fill_date(page, "Date the request was sent", today)
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_text("Request RQ-000001 recorded")).to_be_visible()
    page.goto(f"{base}/home-education/requests/")
    checker.check("requests list")
    page.get_by_role("link", name="Record the answer to RQ-000001").click()
    fill_date(page, "Date the answer was received", today)
    page.get_by_label("The answer, or what it said").fill("Kit Holt teaches on Thursdays and Fridays.")
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_text("The answer to RQ-000001 is recorded")).to_be_visible()
    checker.check("requests list after the answer")
