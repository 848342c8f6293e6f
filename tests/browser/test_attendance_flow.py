"""Attendance marks in a real browser, with axe on every page.

An Inclusion officer uploads a council-wide CSV; the import waits for a worker, and the page
follows it while it runs (the worker here is the test itself, calling the task's function, so
the page can be watched mid-import); the finished page shows what the marks stored and found; the
new cases are in the Inclusion and Access to Education caseloads; the absence list shows the
severely absent pupil.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.attendance.models import AttendanceImport
from rollcall.attendance.services import import_run
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case
from rollcall.rules.workflow import Role
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, sign_in, sign_out


def _marks_file(tmp_path: Path, pupils: dict[str, tuple[str, str]], days: list[dt.date]) -> Path:
    """One row per pupil per session; each pupil has one (AM, PM) pair every day."""
    lines = ["upn,school,date,session,code"]
    for key, (am, pm) in pupils.items():
        upn, urn = key.split("@")
        for day in days:
            lines += [f"{upn},{urn},{day.isoformat()},AM,{am}", f"{upn},{urn},{day.isoformat()},PM,{pm}"]
    path = tmp_path / "northmoor-marks.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_an_officer_uploads_marks_watches_the_import_and_finds_the_new_cases(
    live_server, page: Page, checker: Checker, tmp_path: Path
) -> None:
    today = clock.today()
    for year in (today.year - 1, today.year):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.officer", password=PASSWORD)
    factories.staff(Role.OFFICER, Team.Kind.ACCESS, username="access.officer", password=PASSWORD)
    school = factories.SchoolFactory.create(name="Moorside Academy")
    roll_start = dt.date(today.year - 1, 9, 1)
    missing, ill, present = (
        factories.RollEntryFactory.create(
            school=school, on_roll_from=roll_start, child__legal_forename=first, child__legal_surname=last
        ).child
        for first, last in (("Kai", "Barton"), ("Maya", "Osei"), ("Ruth", "Ames"))
    )
    calendar = council_calendar()
    last_day = calendar.previous_school_day(today)
    days = [calendar.add_school_days(last_day, -n) for n in range(15, -1, -1)]  # 16 school days
    csv = _marks_file(
        tmp_path,
        {
            f"{missing.upn}@{school.urn}": ("O", "O"),
            f"{ill.upn}@{school.urn}": ("I", "I"),
            f"{present.upn}@{school.urn}": ("/", "\\"),
        },
        days,
    )
    base = live_server.url

    # 1. The officer sends the file (an error first: no file chosen).
    sign_in(page, base, "inclusion.officer")
    page.get_by_role("link", name="Attendance imports").click()
    checker.check("imports list")
    page.goto(f"{base}/attendance/imports/new/")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("Select the file of attendance marks")
    checker.check("upload errors")
    page.get_by_label("File of attendance marks").set_input_files(str(csv))
    page.get_by_label("CSV (one row per session)").check()
    page.get_by_role("button", name="Send").click()
    status = page.locator("[data-field=status]")
    expect(status).to_have_text("Waiting to start")
    checker.check("import waiting")

    # 2. A worker picks it up; the page follows it on its own while it runs.
    imp = AttendanceImport.objects.get()
    seen_running: list[str] = []

    def watch(rows_read: int, rows_total: int) -> None:
        if not seen_running:
            expect(status).to_have_text("Importing", timeout=10_000)
            expect(page.locator("[data-field=rows]")).to_contain_text(f"{rows_read:,}")
            seen_running.append(page.locator("[data-field=rows]").inner_text())
            checker.check("import running")

    import_run(imp, progress=watch)
    assert seen_running, "the page never showed the import running"
    expect(page.get_by_role("heading", name="What the marks showed")).to_be_visible(timeout=10_000)
    checker.check("import finished")
    assert AttendanceImport.objects.get().status == AttendanceImport.Status.IMPORTED

    # 3. The missing pupil is a new case in Inclusion's caseload...
    cme = Case.objects.get(child=missing, kind="cme")
    page.goto(f"{base}/cases/")
    expect(page.get_by_role("link", name=cme.reference)).to_be_visible()
    checker.check("inclusion caseload")
    page.get_by_role("link", name=cme.reference).click()
    expect(page.get_by_text("Ask the school for its enquiries").first).to_be_visible()
    checker.check("new cme case")

    # ... and the severe-absence list names both absent pupils.
    page.goto(f"{base}/attendance/absence/pupils/?level=severe")
    expect(page.get_by_role("cell", name="Kai Barton")).to_be_visible()
    expect(page.get_by_role("cell", name="Maya Osei")).to_be_visible()
    checker.check("severe absence list")
    sign_out(page)

    # 4. The pupil ill for 16 days is a health-needs case for Access to Education.
    health = Case.objects.get(child=ill, kind="health")
    sign_in(page, base, "access.officer")
    page.goto(f"{base}/cases/")
    expect(page.get_by_role("link", name=health.reference)).to_be_visible()
    checker.check("access caseload")
    assert not Case.objects.filter(child=present).exists()
