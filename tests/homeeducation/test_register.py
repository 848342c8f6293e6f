"""The children-not-in-school register: off until the duty commences, then a page with filters,
a CSV extract and numbers to share with counts under 5 suppressed."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from rollcall.accounts.models import User
from rollcall.audit.models import RecordView
from rollcall.homeeducation import services
from rollcall.homeeducation.models import EHERecord
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ehe_council", "frozen_clock")]

ON = override_settings(CHILDREN_NOT_IN_SCHOOL_REGISTER=True)


def registered(officer: User, forename: str, **kwargs: object) -> EHERecord:
    child = factories.ChildFactory.create(
        legal_forename=forename, legal_surname="Ng", consistent_identifier=None
    )
    return services.record_open(
        child=child,
        actor=officer,
        facts=services.EducationFacts(educated_by="=cmd|' /C calc'!A0"),
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_register_is_off_by_default(client: Client, ehe_officer: User) -> None:
    client.force_login(ehe_officer)
    assert client.get(reverse("homeeducation:register")).status_code == 404
    assert client.get(reverse("homeeducation:register-csv")).status_code == 404
    assert client.get(reverse("homeeducation:register-xlsx")).status_code == 404


@ON
def test_the_register_lists_open_records_filters_them_and_logs_the_reads(
    client: Client, ehe_officer: User
) -> None:
    first = registered(ehe_officer, "Ava")
    registered(ehe_officer, "Ben", special_school_council_arranged=True)
    client.force_login(ehe_officer)
    page = client.get(reverse("homeeducation:register")).content.decode()
    assert "Ava Ng" in page
    assert "Ben Ng" in page
    assert RecordView.objects.filter(user=ehe_officer, child=first.child).exists()
    filtered = client.get(reverse("homeeducation:register"), {"status": "consent"}).content.decode()
    assert "Ben Ng" in filtered
    assert "Ava Ng" not in filtered


@ON
def test_the_numbers_to_share_suppress_counts_under_five(client: Client, ehe_officer: User) -> None:
    for name in ("Ava", "Ben", "Cal"):
        registered(ehe_officer, name)
    client.force_login(ehe_officer)
    page = client.get(reverse("homeeducation:register")).content.decode()
    assert "&lt;5" in page
    assert ">3<" not in page


@ON
def test_the_csv_extract_has_the_register_and_cannot_run_formulas(client: Client, ehe_officer: User) -> None:
    record = registered(ehe_officer, "Ava")
    client.force_login(ehe_officer)
    response = client.get(reverse("homeeducation:register-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Reference", "Child's name", "Date of birth"]
    assert rows[1][0] == record.case.reference
    assert rows[1][1] == "Ava Ng"
    assert rows[1][7].startswith("'=")
    assert RecordView.objects.filter(child=record.child, what__contains="CSV").count() == 1


@ON
def test_the_xlsx_extract_has_the_same_rows_as_text_never_formulas(client: Client, ehe_officer: User) -> None:
    record = registered(ehe_officer, "Ava")
    client.force_login(ehe_officer)
    response = client.get(reverse("homeeducation:register-xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Reference", "Child's name", "Date of birth")
    assert rows[1][0] == record.case.reference
    assert rows[1][1] == "Ava Ng"
    assert rows[1][2].date() == record.child.date_of_birth  # a date cell, not text
    # Stored as a string cell: the spreadsheet shows it and never runs it.
    assert rows[1][7] == "=cmd|' /C calc'!A0"
    assert sheet.cell(row=2, column=8).data_type == "s"
    assert RecordView.objects.filter(child=record.child, what__contains="XLSX").count() == 1


@ON
def test_other_teams_cannot_see_the_register(client: Client, inclusion_officer: User) -> None:
    client.force_login(inclusion_officer)
    assert client.get(reverse("homeeducation:register")).status_code == 403
