"""The schools-register importer: all or nothing, updates by URN, every problem by line number."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from faker import Faker

from rollcall.schools.importers import COLUMNS, RowError, schools_import
from rollcall.schools.models import School

HEADER = list(COLUMNS)


def school_row(faker: Faker, n: int, **changes: str) -> dict[str, str]:
    """One valid GIAS-style row for an invented school; ``changes`` override cells by column name."""
    row = {
        "URN": str(990500 + n),
        "LA (code)": "990",
        "EstablishmentNumber": f"{2000 + n:04d}",
        "EstablishmentName": f"{faker.last_name()} Primary School",
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentStatus (name)": "Open",
        "PhaseOfEducation (name)": "Primary",
        "StatutoryLowAge": "4",
        "StatutoryHighAge": "11",
        "OpenDate": "01-09-1975",
        "CloseDate": "",
        "Street": faker.street_name(),
        "Town": "Northmoor",
        "Postcode": "nm1 2ab",
    }
    row.update(changes)
    return row


def csv_bytes(
    rows: list[dict[str, str]], *, header: list[str] | None = None, encoding: str = "utf-8"
) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or HEADER, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode(encoding))


@pytest.fixture
def faker() -> Faker:
    fake = Faker("en_GB")
    fake.seed_instance(940)
    return fake


@pytest.mark.django_db
def test_a_good_file_creates_every_school_with_its_values(faker: Faker) -> None:
    rows = [school_row(faker, n) for n in range(3)]
    rows[1].update(
        {"CloseDate": "31-08-2024", "EstablishmentStatus (name)": "Closed", "OpenDate": "1990-09-01"}
    )

    report = schools_import(csv_bytes(rows))

    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
    school = School.objects.get(urn="990501")
    assert school.la_code == "990"
    assert school.establishment_number == "2001"
    assert school.name == rows[1]["EstablishmentName"]
    assert school.open_date == dt.date(1990, 9, 1)
    assert school.close_date == dt.date(2024, 8, 31)
    assert (school.statutory_low_age, school.statutory_high_age) == (4, 11)
    assert school.postcode == "NM1 2AB"
    assert not school.is_open


@pytest.mark.django_db
def test_the_import_is_recorded_in_the_audit_trail(faker: Faker) -> None:
    schools_import(csv_bytes([school_row(faker, 0)]))

    record = School.history.get()
    assert record.history_type == "+"
    assert record.history_change_reason == "Schools register import"


@pytest.mark.django_db
def test_a_reimport_updates_by_urn_and_never_duplicates(faker: Faker) -> None:
    rows = [school_row(faker, n) for n in range(3)]
    schools_import(csv_bytes(rows))
    rows[0]["EstablishmentName"] = "Renamed Academy"
    rows[0]["TypeOfEstablishment (name)"] = "Academy converter"
    rows.append(school_row(faker, 3))

    report = schools_import(csv_bytes(rows))

    assert (report.created, report.updated, report.unchanged) == (1, 1, 2)
    assert School.objects.count() == 4
    assert School.objects.get(urn="990500").name == "Renamed Academy"
    assert School.history.filter(urn="990500", history_type="~").count() == 1


@pytest.mark.django_db
def test_the_council_s_own_fields_survive_a_reimport(faker: Faker) -> None:
    rows = [school_row(faker, 0)]
    schools_import(csv_bytes(rows))
    School.objects.filter(urn="990500").update(email="office@school.northmoor.example")
    rows[0]["Town"] = "Kettleby"

    schools_import(csv_bytes(rows))

    school = School.objects.get(urn="990500")
    assert (school.town, school.email) == ("Kettleby", "office@school.northmoor.example")


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing_the_second_time(faker: Faker) -> None:
    rows = [school_row(faker, n) for n in range(2)]
    schools_import(csv_bytes(rows))

    report = schools_import(csv_bytes(rows))

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert School.history.count() == 2


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("URN", "", "Enter the URN"),
        ("URN", "10O001", "digits only"),
        ("LA (code)", "99", "3 digits"),
        ("LA (code)", "99A", "3 digits"),
        ("EstablishmentNumber", "20001", "4 digits"),
        ("EstablishmentNumber", "", "Enter the establishment number"),
        ("EstablishmentName", "", "Enter the establishment name"),
        ("StatutoryLowAge", "four", "whole number"),
        ("StatutoryHighAge", "11.5", "whole number"),
        ("OpenDate", "31-02-2020", "real date"),
        ("CloseDate", "2024/13/01", "real date"),
        ("Postcode", "NM1 2AB EXTRA", "Too long"),
    ],
)
@pytest.mark.django_db
def test_each_bad_cell_is_reported_with_its_line_and_column_and_nothing_is_written(
    faker: Faker, column: str, value: str, words: str
) -> None:
    rows = [school_row(faker, n) for n in range(4)]
    rows[2][column] = value  # the header is line 1, so the third row is line 4

    report = schools_import(csv_bytes(rows))

    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.line, error.field) == (4, column)
    assert words in error.message
    assert (report.created, report.updated) == (0, 0)
    assert not School.objects.exists()


@pytest.mark.django_db
def test_ages_and_dates_that_contradict_each_other_are_errors(faker: Faker) -> None:
    rows = [
        school_row(faker, 0, StatutoryLowAge="11", StatutoryHighAge="4"),
        school_row(faker, 1, OpenDate="01-09-2020", CloseDate="31-08-2019"),
    ]

    report = schools_import(csv_bytes(rows))

    assert [(e.line, e.field) for e in report.errors] == [(2, "StatutoryHighAge"), (3, "CloseDate")]


@pytest.mark.django_db
def test_a_urn_repeated_in_the_file_is_an_error_on_its_second_line(faker: Faker) -> None:
    rows = [school_row(faker, 0), school_row(faker, 1), school_row(faker, 2, URN="990500")]

    report = schools_import(csv_bytes(rows))

    assert report.errors == [RowError(line=4, field="URN", message="URN 990500 is already on line 2")]
    assert not School.objects.exists()


@pytest.mark.django_db
def test_one_bad_row_among_updates_leaves_existing_schools_untouched(faker: Faker) -> None:
    rows = [school_row(faker, n) for n in range(3)]
    schools_import(csv_bytes(rows))
    original_name = rows[0]["EstablishmentName"]
    rows[0]["EstablishmentName"] = "Renamed Academy"
    rows.append(school_row(faker, 3, OpenDate="yesterday"))

    report = schools_import(csv_bytes(rows))

    assert [e.line for e in report.errors] == [5]
    assert School.objects.count() == 3
    assert School.objects.get(urn="990500").name == original_name


@pytest.mark.django_db
def test_every_error_in_the_file_is_reported_not_just_the_first(faker: Faker) -> None:
    rows = [school_row(faker, 0, URN="x"), school_row(faker, 1), school_row(faker, 2, **{"LA (code)": ""})]

    report = schools_import(csv_bytes(rows))

    assert [(e.line, e.field) for e in report.errors] == [(2, "URN"), (4, "LA (code)")]


@pytest.mark.django_db
def test_missing_columns_are_one_error_naming_them_all(faker: Faker) -> None:
    header = [c for c in HEADER if c not in ("EstablishmentNumber", "Postcode")]

    report = schools_import(csv_bytes([school_row(faker, 0)], header=header))

    assert report.errors == [
        RowError(line=1, field="header", message="Missing columns: EstablishmentNumber, Postcode")
    ]


@pytest.mark.django_db
def test_an_empty_file_is_reported() -> None:
    report = schools_import(io.BytesIO(b""))

    assert [(e.line, e.field) for e in report.errors] == [(1, "header")]


@pytest.mark.django_db
def test_extra_columns_and_column_order_do_not_matter(faker: Faker) -> None:
    header = ["LA (name)", *reversed(HEADER), "UKPRN"]
    row = school_row(faker, 0) | {"LA (name)": "Northmoor", "UKPRN": "10000001"}

    report = schools_import(csv_bytes([row], header=header))

    assert report.created == 1
    assert School.objects.get().la_code == "990"


@pytest.mark.django_db
def test_a_windows_1252_file_is_read_with_its_accents_and_curly_quotes(faker: Faker) -> None:
    row = school_row(faker, 0, EstablishmentName="St Th\u00e9r\u00e8se\u2019s Catholic Primary School")

    report = schools_import(csv_bytes([row], encoding="cp1252"))

    assert report.errors == []
    assert School.objects.get().name == "St Th\u00e9r\u00e8se\u2019s Catholic Primary School"


@pytest.mark.django_db
def test_a_utf8_file_with_a_byte_order_mark_is_read(faker: Faker) -> None:
    row = school_row(faker, 0, EstablishmentName="Ysgol Bro Dŵr")

    report = schools_import(csv_bytes([row], encoding="utf-8-sig"))

    assert report.errors == []
    assert School.objects.get().name == "Ysgol Bro Dŵr"


@pytest.mark.django_db
def test_a_file_in_neither_encoding_is_reported_at_the_line_of_the_bad_byte(faker: Faker) -> None:
    data = csv_bytes([school_row(faker, 0), school_row(faker, 1)]).getvalue()
    data = data.replace(b"Northmoor", b"North\x81moor", 2)  # 0x81: not UTF-8, unassigned in cp1252

    report = schools_import(io.BytesIO(data))

    assert len(report.errors) == 1
    assert (report.errors[0].line, report.errors[0].field) == (2, "file")
    assert "0x81" in report.errors[0].message
    assert not School.objects.exists()


@pytest.mark.django_db
def test_line_numbers_count_lines_inside_quoted_values(faker: Faker) -> None:
    rows = [school_row(faker, 0, Street="Unit 4\nMoor Lane"), school_row(faker, 1, URN="")]

    report = schools_import(csv_bytes(rows))

    assert [(e.line, e.field) for e in report.errors] == [(4, "URN")]


@pytest.mark.django_db
def test_a_dry_run_counts_but_writes_nothing(faker: Faker) -> None:
    report = schools_import(csv_bytes([school_row(faker, n) for n in range(2)]), dry_run=True)

    assert (report.created, report.dry_run, report.written) == (2, True, False)
    assert not School.objects.exists()


@pytest.mark.django_db
def test_a_path_can_be_given_instead_of_a_file(faker: Faker, tmp_path: Path) -> None:
    path = tmp_path / "edubasealldata.csv"
    path.write_bytes(csv_bytes([school_row(faker, 0)]).getvalue())

    assert schools_import(path).created == 1
    assert schools_import(str(path)).unchanged == 1


@pytest.mark.django_db
def test_the_import_is_set_based_not_a_query_per_school(faker: Faker) -> None:
    rows = [school_row(faker, n) for n in range(300)]
    with CaptureQueriesContext(connection) as created:
        schools_import(csv_bytes(rows))
    for row in rows:
        row["Town"] = "Kettleby"
    with CaptureQueriesContext(connection) as updated:
        schools_import(csv_bytes(rows))

    # Inserts and updates go in batches (SQLite allows only 999 parameters a query), so a few
    # dozen queries at most, never one or more per school.
    assert School.objects.filter(town="Kettleby").count() == 300
    assert len(created) < 30
    assert len(updated) < 30


@pytest.mark.django_db
def test_the_command_prints_the_report_and_fails_with_every_error_by_line(
    faker: Faker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "schools.csv"
    path.write_bytes(
        csv_bytes([school_row(faker, 0), school_row(faker, 1, EstablishmentNumber="12")]).getvalue()
    )

    with pytest.raises(CommandError, match="Nothing was imported: 1 error"):
        call_command("import_schools", str(path))

    assert "Line 3, EstablishmentNumber: The establishment number must be 4 digits" in capsys.readouterr().err
    assert not School.objects.exists()


@pytest.mark.django_db
def test_the_command_imports_a_good_file_and_honours_dry_run(
    faker: Faker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "schools.csv"
    path.write_bytes(csv_bytes([school_row(faker, n) for n in range(2)]).getvalue())

    call_command("import_schools", str(path), "--dry-run")
    assert "Dry run, nothing written: 2 created" in capsys.readouterr().out
    assert not School.objects.exists()

    call_command("import_schools", str(path))
    assert "Imported: 2 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert School.objects.count() == 2
