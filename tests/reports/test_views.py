"""Report pages and downloads: who sees what, the period picker, and the same figures in the page,
the XLSX, the CSV and the PDF."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rollcall import pdf
from rollcall.accounts.models import User
from rollcall.reports import access, figures
from rollcall.reports.charts import alt_text, render_svg
from rollcall.reports.definitions import REPORTS
from rollcall.rules.reporting import month, quarter
from tests import factories
from tests.reports.conftest import Council, D, make_case, make_task
from tests.reports.helpers import read_csv, read_page, read_xlsx

pytestmark = pytest.mark.django_db

TODAY = D(2026, 11, 16)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _users(council: Council) -> dict[str, User]:
    return {
        "head": council.head,
        "manager": council.manager,
        "officer": council.officer,
        "reader": council.reader,
        "administrator": factories.administrator(username="admin.user"),
        "school": factories.school_user(council.school, username="school.user"),
    }


EVERY = set(access.ALL_REPORTS)
SEES = {
    "head": EVERY,
    "manager": EVERY,
    "administrator": EVERY,
    "reader": {"dashboard", "monthly", "quarterly", "hub-profile"},
    "officer": {"monthly"},
    "school": set(),
}


def test_each_role_sees_exactly_its_reports_on_the_page_and_in_every_download(council: Council) -> None:
    for role, user in _users(council).items():
        client = _client(user)
        for slug in access.ALL_REPORTS:
            allowed = slug in SEES[role]
            page = client.get(f"/reports/{slug}/")
            xlsx = client.get(f"/reports/{slug}/report.xlsx")
            table = REPORTS[slug].build(REPORTS[slug].default_period(TODAY), TODAY, None).tables[0].slug
            csv = client.get(f"/reports/{slug}/{table}.csv")
            expected = 200 if allowed else 403
            assert (page.status_code, xlsx.status_code, csv.status_code) == (expected,) * 3, (role, slug)
        index = client.get("/reports/")
        assert index.status_code == (200 if SEES[role] else 404), role


def test_a_report_that_does_not_exist_is_not_found(council: Council) -> None:
    assert _client(council.head).get("/reports/nonsense/").status_code == 404
    assert _client(council.head).get("/reports/monthly/nonsense.csv").status_code == 404


def test_a_reader_never_sees_a_child_s_name(council: Council) -> None:
    client = _client(council.reader)
    for slug in sorted(SEES["reader"]):
        for path in (f"/reports/{slug}/", f"/reports/{slug}/report.xlsx"):
            content = client.get(path).content
            assert b"Testchild" not in content, path
    assert b"Testchild" in _client(council.head).get("/reports/exceptions/").content


def test_the_hub_profile_carries_no_names_or_identifiers_for_anyone(council: Council) -> None:
    client = _client(council.head)
    period = "?period=2025-26-Q4"
    page = client.get(f"/reports/hub-profile/{period}").content.decode()
    xlsx = client.get(f"/reports/hub-profile/report.xlsx{period}").content
    csvs = [
        client.get(f"/reports/hub-profile/{t}.csv{period}").content.decode() for t in ("age", "area", "kind")
    ]
    import io

    from openpyxl import load_workbook

    cells = " ".join(
        str(v)
        for sheet in load_workbook(io.BytesIO(xlsx)).worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v is not None
    )
    for child in council.children.values():
        for text in (page, cells, *csvs):
            assert child.legal_forename + " Testchild" not in text
            assert not child.upn or child.upn not in text
    assert "&lt;5" in page
    assert "<5" in cells


def test_the_period_picker_shows_a_past_month_and_refuses_one_not_offered(council: Council) -> None:
    client = _client(council.head)
    march = client.get("/reports/monthly/?period=2026-03")
    figures_shown, _tables = read_page(march.content.decode())
    assert figures_shown["open"] == "5"
    assert figures_shown["overdue-tasks"] == "3"
    assert 'value="2026-03" selected' in march.content.decode()
    assert client.get("/reports/monthly/?period=2026-12").status_code == 404
    assert client.get("/reports/monthly/?period=2020-01").status_code == 404
    assert client.get("/reports/monthly/?period=march").status_code == 404
    assert client.get("/reports/monthly/?period=2025-26-Q4").status_code == 404


def test_the_default_period_is_the_last_complete_one_and_the_exceptions_list_is_today(
    council: Council,
) -> None:
    client = _client(council.head)
    assert "October 2026" in client.get("/reports/monthly/").content.decode()
    assert "Q2 2026/27" in client.get("/reports/quarterly/").content.decode()
    exceptions = client.get("/reports/exceptions/").content.decode()
    figures_shown, _tables = read_page(exceptions)
    assert figures_shown["exceptions"] == "1"
    assert "Ivy Testchild" in exceptions


def test_an_officer_s_monthly_report_has_their_own_team_only(council: Council) -> None:
    page = _client(council.officer).get("/reports/monthly/?period=2026-03").content.decode()
    figures_shown, tables = read_page(page)
    assert figures_shown["open"] == "2"
    assert tables["open-cases"][0] == ["Kind of case", "Inclusion (children missing education)", "Total"]
    assert "your teams only" in page


def _same_figures(client: Client, slug: str, period: str) -> dict[str, Any]:
    query = f"?period={period}" if period else ""
    page = client.get(f"/reports/{slug}/{query}").content.decode()
    shown, page_tables = read_page(page)
    xlsx_headlines, xlsx_tables = read_xlsx(client.get(f"/reports/{slug}/report.xlsx{query}").content)
    spec = REPORTS[slug]
    from rollcall.rules.reporting import parse_period

    doc = spec.build(parse_period(period) if period else spec.default_period(TODAY), TODAY, None)
    # Headline figures: the same values, in the same order, on the page and in the workbook.
    assert [label for label, _v in xlsx_headlines] == [h.label for h in doc.headlines]
    assert [value for _l, value in xlsx_headlines] == [shown[h.slug] for h in doc.headlines]
    for table in doc.tables:
        on_page = [row for row in page_tables[table.slug] if row != ["None."]]
        assert xlsx_tables[table.caption] == on_page, table.slug
        csv = read_csv(client.get(f"/reports/{slug}/{table.slug}.csv{query}").content)
        assert csv == on_page, table.slug
    return {"page": page, "shown": shown, "tables": page_tables}


@pytest.mark.parametrize(
    ("slug", "period"),
    [
        ("monthly", "2026-03"),
        ("monthly", "2026-11"),
        ("quarterly", "2025-26-Q4"),
        ("exceptions", "2026-03"),
        ("unknown-destinations", "2026-03"),
        ("waiting", "2026-02"),
        ("deferred-places", "AY2025-26"),
        ("hub-profile", "2025-26-Q4"),
        ("dashboard", ""),
    ],
)
def test_the_page_the_xlsx_and_every_csv_carry_the_same_figures(
    council: Council, slug: str, period: str
) -> None:
    _same_figures(_client(council.head), slug, period)


def test_the_monthly_report_s_figures_are_the_hand_counted_ones_in_every_output(council: Council) -> None:
    found = _same_figures(_client(council.head), "monthly", "2026-03")
    shown, tables = found["shown"], found["tables"]
    assert (shown["open"], shown["opened"], shown["closed"], shown["overdue-tasks"]) == ("5", "5", "4", "3")
    assert (shown["escalations"], shown["invariant"]) == ("3", "1")
    assert tables["escalations"][1:] == [
        ["Team manager", "1"],
        ["Head of service", "0"],
        ["Exceptions report", "2"],
        ["Total", "3"],
    ]


def test_the_pdf_is_made_from_the_page_s_figures(
    council: Council, monkeypatch: pytest.MonkeyPatch, rf: Any
) -> None:
    made_from: list[str] = []
    original = pdf.html_to_pdf

    def capture(html: str) -> bytes:
        made_from.append(html)
        return original(html)

    monkeypatch.setattr(pdf, "html_to_pdf", capture)
    client = _client(council.head)
    response = client.get("/reports/quarterly/report.pdf?period=2025-26-Q4")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="quarterly-report-2025-26-Q4.pdf"'
    pdf_figures, pdf_tables = read_page(made_from[0])
    page_figures, page_tables = read_page(
        client.get("/reports/quarterly/?period=2025-26-Q4").content.decode()
    )
    assert pdf_figures == page_figures
    assert pdf_tables == page_tables
    assert "counter(pages)" in made_from[0]
    assert "size: A4" in made_from[0]


def test_charts_are_the_same_svg_every_time_with_no_date_and_a_text_alternative(council: Council) -> None:
    doc = REPORTS["quarterly"].build(quarter(2025, 4), TODAY, None)
    chart = doc.charts[0]
    table = doc.table(chart.table)
    first, second = render_svg(chart, table), render_svg(chart, table)
    assert first == second
    assert first.startswith("<?xml")
    assert "<dc:date>" not in first
    assert "2026" not in re.sub(r"Q\d 20\d\d/\d\d", "", first)
    assert "Line chart: Children missing education over the last quarters" in alt_text(chart, table)
    assert "The figures are in the table 'The last 8 quarters'" in alt_text(chart, table)
    page = _client(council.head).get("/reports/quarterly/?period=2025-26-Q4").content.decode()
    assert page.count('<img src="data:image/svg+xml;base64,') == len(doc.charts)


def test_the_workbook_has_native_charts(council: Council) -> None:
    import io
    import zipfile

    content = _client(council.head).get("/reports/dashboard/report.xlsx").content
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert sum(1 for n in names if n.startswith("xl/charts/chart")) == 2


def _queries(call: Any) -> int:
    from django.db import connection

    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def test_the_figures_take_the_same_number_of_queries_however_much_data(council: Council) -> None:
    calls = {
        "monthly": lambda: figures.monthly_figures(month(2026, 3), today=TODAY),
        "quarterly": lambda: figures.quarterly_figures(quarter(2025, 4), today=TODAY),
        "exceptions": lambda: figures.exceptions_figures(D(2026, 3, 31), today=TODAY),
        "unknown": lambda: figures.unknown_destinations_figures(month(2026, 3), today=TODAY),
        "waiting": lambda: figures.waiting_figures(month(2026, 3), today=TODAY),
        "hub": lambda: figures.hub_profile_figures(quarter(2025, 4), today=TODAY),
        "dashboard": lambda: figures.dashboard_figures(today=TODAY),
    }
    for call in calls.values():
        call()  # the settings rows are created on first use
    before = {name: _queries(call) for name, call in calls.items()}
    inclusion = council.teams["inclusion"]
    for day in range(1, 29):
        case = make_case("cme", inclusion, council.officer, D(2026, 3, day % 28 + 1), level=3)
        make_task(case, D(2026, 3, 1), D(2026, 2, 1))
        make_case("waiting", council.teams["admissions"], council.admissions_officer, D(2026, 2, day))
    after = {name: _queries(call) for name, call in calls.items()}
    assert after == before
    assert max(before.values()) <= 20, before


def test_a_long_named_list_is_cut_short_in_the_pdf_and_says_so(
    council: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rollcall.reports import views

    made_from: list[str] = []
    monkeypatch.setattr(views, "PDF_ROW_LIMIT", 1)

    def capture(html: str) -> bytes:
        made_from.append(html)
        return b"%PDF-"

    monkeypatch.setattr(pdf, "html_to_pdf", capture)
    client = _client(council.head)
    client.get("/reports/waiting/report.pdf?period=2026-02")
    _figures, tables = read_page(made_from[0])
    assert len(tables["children"]) == 2  # the header and one child
    assert "And 1 more rows, left out of the printed report" in made_from[0]
    _page_figures, page_tables = read_page(client.get("/reports/waiting/?period=2026-02").content.decode())
    assert len(page_tables["children"]) == 3


def test_a_reader_signing_in_lands_on_the_dashboard_and_sees_reports_and_action_plans_in_the_menu(
    council: Council,
) -> None:
    client = _client(council.reader)
    assert client.get("/")["Location"] == "/reports/dashboard/"
    menu = [item["label"] for item in client.get("/reports/dashboard/").context["navigation"]]
    assert "Reports" in menu
    assert "Action plans" in menu
    assert "Caseload" not in menu
    assert "Children" not in menu
    assert _client(council.officer).get("/")["Location"] == "/cases/"


def test_the_dashboard_is_worked_out_once_per_scope_while_cached_and_again_after(
    council: Council, settings: Any
) -> None:
    from django.core.cache import cache

    from rollcall.reports.definitions import REPORTS

    settings.DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    build = REPORTS["dashboard"].build
    first = _queries(lambda: build(None, TODAY, None))
    assert first > 5
    assert _queries(lambda: build(None, TODAY, None)) == 0  # from the cache
    inclusion = frozenset({council.teams["inclusion"].pk})
    assert _queries(lambda: build(None, TODAY, inclusion)) > 5  # another team scope: its own figures
    assert _queries(lambda: build(None, D(2026, 11, 17), None)) > 5  # another day
    cache.clear()
    assert _queries(lambda: build(None, TODAY, None)) == first
