"""Issue 16's journey in a real browser, with axe on every page.

A school notifies a permanent exclusion through its portal; no full-time education is recorded by
the sixth school day, so the nightly sweep (run here by the test, as the worker would) escalates
the case and the Access to Education officer finds it escalated; the school records the governing
board's meeting and sees when the parents' time to apply for a review ends. A pupil's marks cross
the penalty-notice threshold; the sweep opens a consideration and the officer records a notice to
improve. The officer then holds the term's support meeting with the school and records an action
for the pupil.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.attendance.models import PupilMarks
from rollcall.casework.calendar import council_calendar
from rollcall.exclusions import services
from rollcall.exclusions.models import Consideration, Exclusion, SupportAction
from rollcall.exclusions.sweep import exclusions_sweep, penalties_sweep, support_meetings_sweep
from rollcall.returns.claims import Pupil
from rollcall.rules.attendance import CODE_BY_CODE, blank_marks, session_index
from rollcall.rules.calendar import academic_year_of
from rollcall.rules.exclusions import ExclusionKind, ReviewOutcome, ReviewStep
from rollcall.rules.workflow import Role
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, fill_date, sign_in, sign_out


@pytest.mark.django_db(transaction=True)
def test_a_permanent_exclusion_escalates_and_a_pupil_gets_a_notice_to_improve(
    live_server, page: Page, checker: Checker
) -> None:
    today = clock.today()
    for year in (today.year - 1, today.year):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    factories.staff(Role.OFFICER, Team.Kind.ACCESS, username="access.officer", password=PASSWORD)
    factories.staff(Role.MANAGER, Team.Kind.ACCESS, username="access.manager", password=PASSWORD)
    school = factories.SchoolFactory.create(name="Moorside Academy")
    factories.school_user(school, username="moorside", password=PASSWORD)
    excluded = factories.RollEntryFactory.create(
        school=school, child__legal_forename="Robin", child__legal_surname="Ashdown"
    ).child
    absent = factories.RollEntryFactory.create(
        school=school, child__legal_forename="Maya", child__legal_surname="Osei"
    ).child
    calendar = council_calendar()
    last_day = today if calendar.is_school_day(today) else calendar.previous_school_day(today)
    first_day = calendar.add_school_days(last_day, -6)  # its sixth school day is before today
    base = live_server.url

    # 1. The school tells the council about a permanent exclusion.
    sign_in(page, base, "moorside")
    page.goto(f"{base}/exclusions/")
    checker.check("school's exclusions")
    page.get_by_role("link", name="Tell the council about an exclusion").click()
    page.get_by_role("button", name="Send to the council").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    checker.check("notification errors")
    page.get_by_label("Permanent exclusion").check()
    fill_date(page, "First day of the exclusion", first_day)
    page.get_by_label("Reason for the exclusion").fill("Serious assault on a member of staff")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Ashdown")
    fill_date(page, "Date of birth", excluded.date_of_birth)
    page.get_by_label("UPN (if known)").fill(excluded.upn or "")
    page.get_by_role("button", name="Send to the council").click()
    expect(page.get_by_text("The council has your notification.")).to_be_visible()
    checker.check("exclusion as notified")
    exclusion = Exclusion.objects.get(child=excluded)
    assert exclusion.case is not None
    assert exclusion.sixth_day is not None
    assert exclusion.sixth_day <= today

    # 2. The governing board met: the school records it and sees the review's deadline.
    page.get_by_label("Governing board met").check()
    group = page.get_by_role("group", name="Date", exact=True)
    group.get_by_label("Day").fill(str(last_day.day))
    group.get_by_label("Month").fill(str(last_day.month))
    group.get_by_label("Year").fill(str(last_day.year))
    page.get_by_label("Outcome (of a meeting)").select_option("upheld")
    page.get_by_role("button", name="Record the step").click()
    expect(page.get_by_text("Next: parents applied for an independent review, by")).to_be_visible()
    checker.check("board recorded")
    sign_out(page)

    # 3. No provision by the sixth day: the nightly sweep escalates the case.
    assert exclusions_sweep(today=today, calendar=calendar)["exclusions_escalated"] == 1
    sign_in(page, base, "access.officer")
    page.get_by_role("link", name="Exclusions").first.click()
    checker.check("council's exclusions")
    page.get_by_role("link", name="Robin Ashdown").click()
    checker.check("exclusion for the council")
    page.get_by_role("link", name=exclusion.case.reference).click()
    expect(page.get_by_text("Escalated: no provision by the sixth day").first).to_be_visible()
    expect(page.get_by_text("No full-time education recorded by the sixth school day")).to_be_visible()
    checker.check("escalated case")

    # 4. Another pupil crosses the penalty-notice threshold: 10 unauthorised sessions this week.
    year = academic_year_of(today)
    marks = list(blank_marks(year))
    days = [calendar.add_school_days(last_day, -n) for n in range(4, -1, -1)]
    for day in days:
        for pm in (False, True):
            marks[session_index(year, day, pm)] = CODE_BY_CODE["O"].mark
    PupilMarks.objects.create(
        child=absent,
        school=school,
        academic_year=year,
        marks="".join(marks),
        possible_sessions=100,
        absent_sessions=30,
        persistent=True,
        updated_at=clock.now() - dt.timedelta(hours=1),
    )
    assert penalties_sweep(today=today, calendar=calendar)["penalty_considerations"] == 1
    consideration = Consideration.objects.get(child=absent)
    page.get_by_role("link", name="Penalty notices").first.click()
    checker.check("penalty notices to consider")
    page.get_by_role("link", name="Maya Osei").click()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    checker.check("decision errors")
    page.get_by_label("Notice to improve").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    checker.check("notice to improve recorded")
    consideration.refresh_from_db()
    assert consideration.decision == "notice_to_improve"

    # 5. The term's support meeting with the school: the pupil is on its list; an action agreed.
    assert support_meetings_sweep(today=today, calendar=calendar)["support_meetings"] == 1
    page.get_by_role("link", name="Support meetings").first.click()
    checker.check("support meetings")
    page.get_by_role("link", name="Moorside Academy").click()
    expect(page.get_by_role("cell", name="Maya Osei")).to_be_visible()
    checker.check("support meeting")
    page.get_by_label("Pupil", exact=True).select_option(str(absent.pk))
    page.get_by_label("Action agreed").fill("Attendance officer to visit the family this week")
    page.get_by_role("button", name="Record the action").click()
    expect(page.get_by_text("The action is recorded.")).to_be_visible()
    checker.check("support action recorded")
    assert SupportAction.objects.filter(child=absent).count() == 1
    assert len(checker.checked) >= 12


def _fill_step_date(page: Page, day: dt.date) -> None:
    group = page.get_by_role("group", name="Date", exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


@pytest.mark.django_db(transaction=True)
def test_a_quashed_exclusion_the_board_does_not_reinstate_shows_the_budget_adjustment(
    live_server, page: Page, checker: Checker
) -> None:
    """The review panel quashes a permanent exclusion (after a wrong outcome is refused on its
    field); the school records that the board, reconsidering, did not reinstate, and the page shows
    the £4,000 budget adjustment."""
    today = clock.today()
    for year in (today.year - 1, today.year):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    officer = factories.staff(Role.OFFICER, Team.Kind.ACCESS, username="access.officer", password=PASSWORD)
    school = factories.SchoolFactory.create(name="Moorside Academy")
    school_user = factories.school_user(school, username="moorside", password=PASSWORD)
    child = factories.RollEntryFactory.create(
        school=school, child__legal_forename="Robin", child__legal_surname="Ashdown"
    ).child
    calendar = council_calendar()
    last_day = today if calendar.is_school_day(today) else calendar.previous_school_day(today)
    first_day = calendar.add_school_days(last_day, -20)
    exclusion = services.exclusion_notify(
        school=school,
        actor=school_user,
        pupil=Pupil(child.legal_forename, child.legal_surname, child.date_of_birth, child.upn),
        facts=services.ExclusionFacts(ExclusionKind.PERMANENT, first_day, "Serious assault"),
    ).exclusion
    assert exclusion is not None
    services.review_step_record(
        exclusion=exclusion,
        actor=school_user,
        step=ReviewStep.BOARD,
        on=first_day,
        outcome=ReviewOutcome.UPHELD,
    )
    services.review_step_record(
        exclusion=exclusion, actor=officer, step=ReviewStep.APPLIED, on=calendar.add_school_days(first_day, 3)
    )
    base = live_server.url

    # 1. The officer records the panel: a board's outcome is refused on the outcome field.
    sign_in(page, base, "access.officer")
    page.goto(f"{base}/exclusions/{exclusion.pk}/")
    page.get_by_label("Independent review panel met").check()
    _fill_step_date(page, last_day)
    page.get_by_label("Outcome (of a meeting)").select_option("reinstated")
    page.get_by_role("button", name="Record the step").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Independent review panel met: choose an outcome, upheld, reconsideration recommended or "
        "quashed and reconsideration directed"
    )
    checker.check("panel outcome refused")
    page.get_by_label("Outcome (of a meeting)").select_option("quashed")
    page.get_by_role("button", name="Record the step").click()
    expect(page.get_by_text("Next: governing board reconsidered, by")).to_be_visible()
    expect(page.get_by_role("cell", name="Quashed and reconsideration directed")).to_be_visible()
    checker.check("panel quashed")
    sign_out(page)

    # 2. The school records the reconsideration: the board did not reinstate.
    sign_in(page, base, "moorside")
    page.goto(f"{base}/exclusions/{exclusion.pk}/")
    page.get_by_label("Governing board reconsidered").check()
    _fill_step_date(page, last_day)
    page.get_by_label("Outcome (of a meeting)").select_option("upheld")
    page.get_by_role("button", name="Record the step").click()
    expect(page.get_by_text("School budget adjustment")).to_be_visible()
    expect(
        page.get_by_text("£4,000 for Moorside Academy: the review panel quashed the exclusion")
    ).to_be_visible()
    checker.check("budget adjustment shown")
    assert exclusion.steps.count() == 4
    assert len(checker.checked) == 3
