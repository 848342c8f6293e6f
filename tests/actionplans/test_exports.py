"""The committee PDF and the XLSX carry the same figures as the scrutiny page."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.actionplans import exports, selectors, services
from rollcall.actionplans.models import Action, Complaint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TODAY = dt.date(2026, 11, 16)
COUNTS = (
    "total",
    "complete",
    "in_progress",
    "not_started",
    "not_stated",
    "overdue",
    "red",
    "amber",
    "green",
    "not_rated",
)


@pytest.fixture
def plans(action: Action, complaint: Complaint, head_of_service: User) -> list[Complaint]:
    """Two complaints: the fixture's (one overdue action, then two more) and a second one."""
    services.action_update(
        action=action, actor=head_of_service, status="in_progress", rag="red", text="Page drafted."
    )
    for n, (status, rag) in enumerate((("complete", "green"), ("in_progress", "amber"))):
        added = services.action_add(
            complaint=complaint,
            facts=services.ActionFacts(
                description=f"Step {n}", owner_title="Head of SEN", due_on=dt.date(2027, 1, 8)
            ),
            actor=head_of_service,
        )
        services.action_update(
            action=added, actor=head_of_service, status=status, rag=rag, text=f"Update {n}."
        )
    other = services.complaint_record(
        facts=services.ComplaintFacts(
            reference="24 011 000",
            title="Second plan",
            council_named_in_source="Elsewhere",
            source_document="Their plan",
        ),
        actor=head_of_service,
    )
    services.action_add(
        complaint=other,
        facts=services.ActionFacts(description="=SUM(1,2) is not a formula", owner_title="Head"),
        actor=head_of_service,
    )
    return [complaint, other]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _summary_counts(html: str) -> dict[str, dict[str, int]]:
    """The data-count cells of the summary table, per complaint id."""
    table = html[html.index('id="summary"') if 'id="summary"' in html else html.index('class="summary"') :]
    table = table[: table.index("</table>")]
    out: dict[str, dict[str, int]] = {}
    for pk, row in re.findall(r'data-complaint="(\d+)">(.*?)</tr>', table, re.S):
        out[pk] = {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', row)}
    return out


def test_the_pdf_html_has_the_same_figures_as_the_scrutiny_page(plans: list[Complaint], reader: User) -> None:
    page = _client(reader).get(reverse("actionplans:scrutiny")).content.decode()
    report = selectors.scrutiny_report(today=TODAY)
    pdf_html = exports.scrutiny_html(report, council_name="Northmoor County Council")
    on_page, in_pdf = _summary_counts(page), _summary_counts(pdf_html)
    assert on_page == in_pdf
    first = on_page[str(plans[0].pk)]
    assert first == {
        "total": 3, "complete": 1, "in_progress": 2, "not_started": 0, "not_stated": 0,
        "overdue": 1, "red": 1, "amber": 1, "green": 1, "not_rated": 0,
    }  # fmt: skip
    assert set(first) == set(COUNTS)


def test_the_pdf_html_is_a_committee_document(plans: list[Complaint]) -> None:
    report = selectors.scrutiny_report(today=TODAY)
    html = exports.scrutiny_html(report, council_name="Northmoor County Council")
    assert "size: A4 landscape" in html
    assert 'counter(page) " of " counter(pages)' in html  # Page X of Y
    assert "Northmoor County Council" in html
    assert "Produced on 16 November 2026" in html
    # Each complaint's chart is an SVG image, and its figures are also printed as a table.
    uris = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(uris) == 2
    assert base64.b64decode(uris[0]).startswith(b"<?xml")
    # RAG is always a word as well as a colour.
    for label in ("Red", "Amber", "Green", "Not rated"):
        assert re.search(rf'class="swatch"[^>]*></span>{label}</span>', html), label
    assert "OVERDUE" in html
    assert "Written by <strong>Elsewhere</strong>" in html  # provenance of a transcribed plan


def test_the_pdf_is_a_pdf_with_a_cover_and_a_section_per_complaint(
    plans: list[Complaint], reader: User
) -> None:
    import weasyprint

    response = _client(reader).get(reverse("actionplans:scrutiny-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="action-plans-2026-11-16.pdf"'
    assert response.content.startswith(b"%PDF")
    html = exports.scrutiny_html(
        selectors.scrutiny_report(today=TODAY), council_name="Northmoor County Council"
    )
    pages = weasyprint.HTML(string=html).render().pages
    assert len(pages) >= 3  # the summary, then each complaint starts a new page


def test_the_xlsx_has_a_summary_with_a_native_chart_and_a_sheet_per_complaint(
    plans: list[Complaint], reader: User
) -> None:
    response = _client(reader).get(reverse("actionplans:scrutiny-xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX
    data = response.content
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Summary", "24 011 000", "25 001 002"]
    summary = book["Summary"]
    header = [c.value for c in summary[4]]
    assert header[:9] == ["Reference", "Plan", "Source plan's council", "Actions", "Complete", "In progress", "Not started", "Not stated", "Overdue"]  # fmt: skip
    rows = {r[0]: r for r in summary.iter_rows(min_row=5, values_only=True) if r[0]}
    figures = {p.reference: p for p in selectors.progress(TODAY)}
    for reference, row in rows.items():
        p = figures[reference]
        assert list(row[3:13]) == [
            p.total, p.complete, p.in_progress, p.not_started, p.not_stated, p.overdue,
            p.red, p.amber, p.green, p.not_rated,
        ]  # fmt: skip
    assert rows["24 011 000"][2] == "Elsewhere"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert any(name.startswith("xl/charts/chart") for name in z.namelist())

    sheet = book["25 001 002"]
    header_row = next(i for i, r in enumerate(sheet.iter_rows(values_only=True), start=1) if r[0] == "No.")
    actions = list(sheet.iter_rows(min_row=header_row + 1, max_row=header_row + 3, values_only=True))
    assert [(r[0], r[6], r[7], r[8], r[9]) for r in actions] == [
        (1, "In progress", "Red", "Yes", "Page drafted."),
        (2, "Complete", "Green", "No", "Update 0."),
        (3, "In progress", "Amber", "No", "Update 1."),
    ]
    assert actions[0][4] == dt.datetime(2026, 11, 2)
    # Text that looks like a formula is kept as text.
    other = book["24 011 000"]
    assert any(r[1] == "'=SUM(1,2) is not a formula" for r in other.iter_rows(values_only=True))


def test_the_page_shows_the_progress_chart_and_its_figures(
    plans: list[Complaint], head_of_service: User
) -> None:
    html = _client(head_of_service).get(reverse("actionplans:scrutiny")).content.decode()
    assert html.count('src="data:image/svg+xml;base64,') == 2
    assert "Actions by status at each quarter end" in html
    assert "Q4 2026 (to 16 Nov)" in html
    assert reverse("actionplans:scrutiny-pdf") in html
    assert reverse("actionplans:scrutiny-xlsx") in html
