"""Report pages and their downloads (XLSX, PDF, and CSV for each table).

Every view starts with the reports policy (rollcall/reports/access.py), which also gives the
team scope the figures are counted over, so a download never shows more than the page. A period
is chosen with ?period=KEY (rollcall.rules.reporting.Period.key) from the periods offered; the
default is the last complete period (the exceptions report: today).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from rollcall import clock, pdf
from rollcall.accounts.access import signed_in_user
from rollcall.audit.services import log_shown
from rollcall.reports import access, charts, exports
from rollcall.reports.definitions import REPORTS, Report
from rollcall.reports.documents import ReportDocument
from rollcall.rules.reporting import Period, parse_period


def _report(request: HttpRequest, slug: str) -> tuple[Report, ReportDocument, Period | None]:
    """Check access, read the chosen period (404 for one not offered) and build the document."""
    teams = access.require_report(signed_in_user(request), slug)
    report = REPORTS[slug]
    today = clock.today()
    period = report.default_period(today)
    key = request.GET.get("period")
    if key and report.period_kinds:
        try:
            period = parse_period(key)
        except ValueError:
            raise Http404("Choose one of the periods listed") from None
        offered = {p for _label, group in report.choices(today) for p in group}
        if period not in offered:
            raise Http404("Choose one of the periods listed")
    return report, report.build(period, today, teams), period


def _charts(doc: ReportDocument) -> list[dict[str, Any]]:
    drawn = []
    for chart in doc.charts:
        table = doc.table(chart.table)
        if not table.rows:
            continue
        drawn.append(
            {
                "chart": chart,
                "table": table,
                "alt": charts.alt_text(chart, table),
                "src": charts.data_uri(charts.render_svg(chart, table)),
            }
        )
    return drawn


# A printed list stops here (WeasyPrint takes about a second per hundred rows on our 2-core
# machine, and every export must take under 10 seconds); the page, the
# XLSX and the CSV always have every row, and the PDF says how many it left out.
PDF_ROW_LIMIT = 250


def _sections(doc: ReportDocument, row_limit: int | None = None) -> list[dict[str, Any]]:
    """Each table with its charts first, each value paired with whether its column is numeric."""
    drawn = _charts(doc)
    sections = []
    for table in doc.tables:
        numeric = table.numeric
        rows = table.rows if row_limit is None else table.rows[:row_limit]
        sections.append(
            {
                "table": table,
                "headers": list(zip(table.headers, numeric, strict=True)),
                "rows": [list(zip(row, numeric, strict=True)) for row in rows],
                "more": len(table.rows) - len(rows),
                "total": list(zip(table.total, numeric, strict=True)) if table.total else None,
                "charts": [c for c in drawn if c["table"].slug == table.slug],
            }
        )
    return sections


def _query(period: Period | None) -> str:
    return f"?period={period.key}" if period else ""


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The reports this person may open."""
    user = signed_in_user(request)
    visible = access.reports_visible_to(user)
    if not visible:
        raise Http404("No reports")
    return render(
        request,
        "reports/index.html",
        {"page_title": "Reports", "reports": [REPORTS[slug] for slug in visible]},
    )


@require_GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """A report's page: the period picker, headline figures, charts with their tables, downloads."""
    spec, doc, period = _report(request, slug)
    today = clock.today()
    log_shown(request, doc.child_ids, f"report: {doc.title}")
    return render(
        request,
        "reports/report.html",
        {
            "page_title": f"{doc.title}: {doc.period_label}",
            "report": spec,
            "doc": doc,
            "sections": _sections(doc),
            "choices": [
                (label, [(p.key, p.label if p.is_complete(today) else f"{p.label} (so far)") for p in group])
                for label, group in spec.choices(today)
            ],
            "chosen": period.key if period else "",
            "query": _query(period),
            "today": today,
        },
    )


@require_GET
def report_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    _spec, doc, _period = _report(request, slug)
    log_shown(request, doc.child_ids, f"report: {doc.title} (XLSX)")
    return exports.download(exports.xlsx_bytes(doc), exports.XLSX, f"{doc.filename}.xlsx")


def pdf_html(request: HttpRequest, doc: ReportDocument) -> str:
    """The HTML the PDF is made from: the page's own body in a print layout."""
    return render_to_string(
        "reports/report_pdf.html",
        {"doc": doc, "sections": _sections(doc, PDF_ROW_LIMIT), "for_print": True},
        request=request,
    )


@require_GET
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    _spec, doc, _period = _report(request, slug)
    # The PDF prints at most PDF_ROW_LIMIT rows of each table: the children on those are logged.
    log_shown(request, doc.child_ids[:PDF_ROW_LIMIT], f"report: {doc.title} (PDF)")
    content = pdf.html_to_pdf(pdf_html(request, doc))
    return exports.download(content, "application/pdf", f"{doc.filename}.pdf")


@require_GET
def report_csv(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    _spec, doc, _period = _report(request, slug)
    try:
        found = doc.table(table)
    except KeyError:
        raise Http404("No such table") from None
    if table == doc.child_table:
        log_shown(request, doc.child_ids, f"report: {doc.title} (CSV)")
    return exports.download(
        exports.csv_bytes(found), "text/csv; charset=utf-8", f"{doc.filename}-{table}.csv"
    )
