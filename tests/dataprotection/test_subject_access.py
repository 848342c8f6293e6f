"""Subject access: everything held about a child as one PDF and a ZIP of CSVs, one per record
type, with the third parties named flagged for redaction review; the request is logged."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import Team, User
from rollcall.attendance.models import PupilMarks
from rollcall.audit.models import RecordView
from rollcall.casework.services import case_open, note_add
from rollcall.dataprotection import subject_access
from rollcall.dataprotection.models import SubjectAccessRequest
from rollcall.notify.models import Message
from rollcall.people.models import Child, PossibleDuplicate
from rollcall.schools.models import School
from tests import factories

AT = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def held(council: None, teams: dict[str, Team], inclusion_officer: User, school: School) -> dict[str, Any]:
    child = factories.ChildFactory.create(legal_forename="Ada", legal_surname="Quill")
    other = factories.ChildFactory.create(legal_forename="Bram", legal_surname="Stoker")
    factories.AddressFactory.create(child=child)
    carer = factories.CarerFactory.create(child=child, name="Morwenna Quill")
    factories.RollEntryFactory.create(child=child, school=school)
    staff_member = factories.school_user(school, first_name="Sian", last_name="Teacher")
    case = case_open(
        child=child,
        kind="cme",
        team=teams[Team.Kind.INCLUSION],
        source="Referral",
        owner=inclusion_officer,
        first_tasks=[("check", "Check the address", AT.date())],
        at=AT,
    )
    note_add(case=case, author=inclusion_officer, text='=HYPERLINK("x") the neighbour said they moved', at=AT)
    PupilMarks.objects.create(child=child, school=school, academic_year=2026, marks="/\\", updated_at=AT)
    PossibleDuplicate.objects.create(child=child, other=other, reason="same surname")
    Message.objects.create(
        recipient=inclusion_officer,
        subject="Case",
        body="x",
        url=f"/cases/{case.pk}/",
        created_at=AT,
        key="m1",
    )
    Message.objects.create(
        recipient=inclusion_officer, subject="Other", body="x", url="/cases/999999/", created_at=AT, key="m2"
    )
    RecordView.objects.create(
        user=staff_member, child=child, at=AT, what="Child", path=f"/children/{child.pk}/"
    )
    RecordView.objects.create(user=inclusion_officer, child=other, at=AT, what="Child", path="/")
    return {"child": child, "other": other, "carer": carer, "case": case, "staff": staff_member}


def _zip_tables(data: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
        }


def test_every_model_that_points_at_a_child_is_in_the_answer() -> None:
    """A new kind of record about a child must join SECTIONS, or this fails."""
    covered = {s.model for s in subject_access.SECTIONS}
    missing = []
    for model in apps.get_models():
        if (
            model.__module__.startswith("rollcall.")
            and model not in covered
            and not model.__name__.startswith("Historical")
        ):
            points = [
                f
                for f in model._meta.concrete_fields
                if isinstance(f, models.ForeignKey) and f.related_model is Child
            ]
            if points and model._meta.app_label != "dataprotection":
                missing.append(model.__name__)
    assert missing == []


@pytest.mark.django_db
def test_the_csvs_hold_each_record_type_and_flag_third_parties(
    held: dict[str, Any], inclusion_officer: User
) -> None:
    child: Child = held["child"]

    answer = subject_access.gather(child)
    tables = _zip_tables(subject_access.csv_zip(answer))

    assert set(tables) == {s.key for s in subject_access.SECTIONS} | {"third_parties_for_redaction_review"}
    counts = {key: len(rows) for key, rows in tables.items()}
    for key in (
        "child",
        "addresses",
        "carers",
        "roll_spells",
        "cases",
        "tasks",
        "notes",
        "events",
        "attendance",
    ):
        assert counts[key] >= 1, key
    about_case = Message.objects.filter(url__startswith=f"/cases/{held['case'].pk}/").count()
    assert counts["messages"] == about_case >= 2  # the messages about the child's case ...
    assert "Other" not in {row["Subject"] for row in tables["messages"]}  # ... not another case's
    assert counts["record_views"] == 1  # views of this child only
    assert counts["possible_duplicates"] == 1
    review = "Third parties to review before release"
    assert "parent or carer (Morwenna Quill)" in tables["carers"][0][review]
    assert "council officer" in tables["cases"][0][review]
    assert "school staff (Sian Teacher)" in tables["record_views"][0][review]
    assert "another child (Bram Stoker)" in tables["possible_duplicates"][0][review]
    assert "free text" in tables["notes"][0][review]
    assert tables["notes"][0]["Text"].startswith("'=")  # a formula is not run by a spreadsheet
    parties = {
        (row["Kind of third party"], row["Name"]) for row in tables["third_parties_for_redaction_review"]
    }
    assert ("parent or carer", "Morwenna Quill") in parties
    assert ("another child", "Bram Stoker") in parties
    assert ("school staff", "Sian Teacher") in parties
    assert ("council officer", inclusion_officer.get_full_name()) in parties


@pytest.mark.django_db
def test_the_answer_takes_a_fixed_number_of_queries(
    held: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(len(subject_access.SECTIONS) + 5):
        subject_access.gather(held["child"])


@pytest.mark.django_db
def test_the_pdf_has_a_summary_of_third_parties_and_every_record_type(held: dict[str, Any]) -> None:
    answer = subject_access.gather(held["child"])

    text = html.unescape(subject_access.pdf_html(answer, council_name="Testshire", reference="SAR-1"))
    summary, records = text.split('<section class="summary">', 1)[1].split("</section>", 1)
    assert "Morwenna Quill" in summary
    assert "Bram Stoker" in summary
    assert "Sian Teacher" in summary
    assert 'class="review"' in records  # rows naming others are marked in the body too
    assert subject_access.pdf(answer, council_name="Testshire").startswith(b"%PDF")
    assert "Third parties to review for redaction before release" in text
    assert "Morwenna Quill" in text
    assert "Bram Stoker" in text
    for section in subject_access.SECTIONS:
        assert section.title in text, section.title


@pytest.mark.django_db
def test_an_administrator_asks_on_the_page_and_the_request_is_logged(held: dict[str, Any]) -> None:
    admin = factories.administrator()
    client = Client()
    client.force_login(admin)
    child: Child = held["child"]

    response = client.post(
        reverse("dataprotection:subject-access"), {"child": child.pk, "reference": "SAR-7"}
    )

    made = SubjectAccessRequest.objects.get()
    assert response.status_code == 302
    assert (made.child, made.requested_by, made.reference) == (child, admin, "SAR-7")
    assert made.records > 0
    assert RecordView.objects.filter(user=admin, child=child, what="Subject access request").count() == 1
    assert SubjectAccessRequest.history.count() == 1
    pdf = client.get(reverse("dataprotection:subject-access-pdf", args=[made.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    zipped = client.get(reverse("dataprotection:subject-access-zip", args=[made.pk]))
    assert "carers" in _zip_tables(zipped.content)
    assert RecordView.objects.filter(user=admin, child=child).count() == 3


@pytest.mark.django_db
def test_the_form_says_what_is_wrong(held: dict[str, Any]) -> None:
    client = Client()
    client.force_login(factories.administrator())

    response = client.post(reverse("dataprotection:subject-access"), {"child": "999999"})

    assert "There is no child record number 999999" in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["dataprotection:subject-access", "dataprotection:retention"])
def test_only_administrators_reach_the_pages(held: dict[str, Any], inclusion_officer: User, url: str) -> None:
    client = Client()
    client.force_login(inclusion_officer)
    assert client.get(reverse(url)).status_code == 403
    client.force_login(factories.administrator())
    assert client.get(reverse(url)).status_code == 200


@pytest.mark.django_db
def test_someone_else_cannot_download_a_request(held: dict[str, Any], inclusion_officer: User) -> None:
    made = SubjectAccessRequest.objects.create(child=held["child"], requested_by=inclusion_officer, at=AT)
    client = Client()
    client.force_login(inclusion_officer)
    for name in ("subject-access-detail", "subject-access-pdf", "subject-access-zip"):
        assert client.get(reverse(f"dataprotection:{name}", args=[made.pk])).status_code == 403
    # Nothing shown; each refused attempt is logged naming the child (docs/access.md).
    logged = RecordView.objects.filter(what__startswith="Subject access")
    assert (
        sorted(logged.values_list("user", "child", "outcome"))
        == [(inclusion_officer.pk, held["child"].pk, RecordView.Outcome.REFUSED)] * 3
    )


@pytest.mark.django_db
def test_the_command_writes_the_pdf_and_the_zip(held: dict[str, Any], tmp_path: Path) -> None:
    admin = factories.administrator(username="dp.admin")

    call_command("subject_access", str(held["child"].pk), "--out", str(tmp_path), "--by", "dp.admin")

    made = SubjectAccessRequest.objects.get()
    assert made.requested_by == admin
    assert (tmp_path / f"subject-access-{made.pk}.pdf").read_bytes().startswith(b"%PDF")
    assert "cases" in _zip_tables((tmp_path / f"subject-access-{made.pk}-csv.zip").read_bytes())


@pytest.mark.django_db
def test_the_command_names_the_argument_at_fault(
    held: dict[str, Any], inclusion_officer: User, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="child: there is no child record number 999999"):
        call_command("subject_access", "999999", "--out", str(tmp_path), "--by", "x")
    with pytest.raises(CommandError, match=r"--by: inclusion\.officer is not an administrator"):
        call_command(
            "subject_access", str(held["child"].pk), "--out", str(tmp_path), "--by", "inclusion.officer"
        )
    assert not SubjectAccessRequest.objects.exists()
