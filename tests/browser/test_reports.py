"""Reports in a real browser, with axe on every page: the dashboard, the monthly report for a past
month chosen with the period picker, and its XLSX and PDF downloads, which carry the same figures
as the page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from rollcall import clock, pdf
from rollcall.accounts.models import Team, User
from rollcall.casework.models import Case, Task
from rollcall.rules.reporting import PeriodKind, last_complete
from rollcall.rules.workflow import Role
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, sign_in
from tests.reports.helpers import read_page, read_xlsx


def _case(kind: str, team: Team, owner: User, opened_on: dt.date, closed_on: dt.date | None = None) -> Case:
    at = dt.datetime.combine(opened_on, dt.time(10), tzinfo=clock.LONDON)
    closed_at = dt.datetime.combine(closed_on, dt.time(15), tzinfo=clock.LONDON) if closed_on else None
    case = Case.objects.create(
        kind=kind,
        child=factories.ChildFactory.create(),
        team=team,
        owner=owner,
        status="closed" if closed_on else "new",
        source="test",
        opened_at=at,
        opened_on=opened_on,
        next_action="" if closed_on else "Next step",
        next_action_due=None if closed_on else opened_on,
        closed_at=closed_at,
        outcome="other" if closed_on else "",
    )
    Task.objects.create(
        case=case,
        code="t",
        title="Task",
        due=opened_on,
        assignee=owner,
        created_at=at,
        completed_at=closed_at,
        status=Task.Status.DONE if closed_on else Task.Status.OPEN,
    )
    return case


@pytest.mark.django_db(transaction=True)
def test_a_manager_reads_the_dashboard_and_last_month_s_report_and_downloads_it(
    live_server, page: Page, checker: Checker, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = clock.today()
    for year in (today.year - 2, today.year - 1, today.year):
        factories.academic_year_terms(year)
    teams = {kind: factories.TeamFactory.create(kind=kind) for kind in Team.Kind.values}
    manager = factories.staff(
        Role.MANAGER, Team.Kind.INCLUSION, username="inclusion.manager", password=PASSWORD
    )
    last_month = last_complete(PeriodKind.MONTH, today)
    before = last_month.previous()
    # Last month: three CME cases opened, one of them closed; one health case still open; an
    # older case closed last month.
    _case("cme", teams["inclusion"], manager, last_month.start)
    _case("cme", teams["inclusion"], manager, last_month.start + dt.timedelta(days=2))
    _case("cme", teams["inclusion"], manager, last_month.start + dt.timedelta(days=3), last_month.end)
    _case("health", teams["access"], manager, last_month.start + dt.timedelta(days=1))
    _case("removal", teams["inclusion"], manager, before.start, last_month.start + dt.timedelta(days=5))
    made_from: list[str] = []
    original = pdf.html_to_pdf

    def capture(html: str) -> bytes:
        made_from.append(html)
        return original(html)

    monkeypatch.setattr(pdf, "html_to_pdf", capture)
    base = live_server.url

    sign_in(page, base, "inclusion.manager")
    page.goto(f"{base}/reports/")
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    checker.check("reports list")

    # 1. The dashboard: headline figures and charts, each chart with a text alternative.
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator('[data-figure="open"]')).to_have_text("3")
    expect(page.locator("figure.app-chart img")).to_have_count(2)
    for alt in page.locator("figure.app-chart img").evaluate_all("imgs => imgs.map(i => i.alt)"):
        assert "The figures are in the table" in alt
    checker.check("dashboard")

    # 2. The monthly report for last month, chosen with the period picker.
    page.goto(f"{base}/reports/monthly/?period={before.key}")
    checker.check("monthly report, the month before")
    page.get_by_label("Period").select_option(value=last_month.key)
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_text(last_month.label).first).to_be_visible()
    expect(page.locator('[data-figure="opened"]')).to_have_text("4")
    expect(page.locator('[data-figure="closed"]')).to_have_text("2")
    checker.check("monthly report, last month")
    shown, tables = read_page(page.content())
    assert shown["open"] == "3"

    # 3. The XLSX has the same headline figures and tables.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Spreadsheet (XLSX), with every table and chart").click()
    assert download_info.value.suggested_filename == f"monthly-report-{last_month.key}.xlsx"
    with open(download_info.value.path(), "rb") as handle:
        content = handle.read()
    book = load_workbook(io.BytesIO(content))
    summary = {
        row[0]: row[1] for row in book["Summary"].iter_rows(min_row=6, max_col=2, values_only=True) if row[0]
    }
    assert summary["Open cases"] == int(shown["open"])
    assert summary["Cases opened in the month"] == int(shown["opened"])
    assert summary["Cases closed in the month"] == int(shown["closed"])
    assert summary["Overdue tasks"] == int(shown["overdue-tasks"])
    _headlines, in_workbook = read_xlsx(content)
    for caption, slug in (
        ("Open cases by kind and team", "open-cases"),
        ("Cases opened, closed and open, overdue tasks and school days to resolution, by kind", "cases"),
        ("Escalations in the month by the level reached", "escalations"),
    ):
        assert in_workbook[caption] == tables[slug]

    # 4. The PDF is made from the same figures.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Printable report (PDF)").click()
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    pdf_shown, pdf_tables = read_page(made_from[-1])
    assert pdf_shown == shown
    assert pdf_tables == tables
    assert len(checker.checked) >= 4
