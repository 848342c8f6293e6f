"""The web page for a school's roll file: sent, loaded by the background task, and its outcome shown."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rollcall.accounts.models import User
from rollcall.people.models import Address, Carer, Child
from rollcall.rolls.imports import roll_import_create, roll_import_run
from rollcall.rolls.models import PupilCharacteristics, RollImport, RollSnapshot
from rollcall.schools.models import RollEntry, School
from tests import factories
from tests.rolls.ctf_files import CtfPupil, ctf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock", "council")]

GOOD = (
    "upn,forename,surname,date_of_birth,admission_date,sen_status,fsm\n"
    ",Kai,Nowak,2014-01-05,2025-09-03,K,Y\n"
    ",Ava,Price,2014-02-05,,,\n"
)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def post(client: Client, school: School, content: bytes, name: str, kind: str, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(
            f"/schools/{school.urn}/rolls/upload/",
            {
                "as_of_0": "16",
                "as_of_1": "11",
                "as_of_2": "2026",
                "file": SimpleUploadedFile(name, content),
                "file_format": kind,
            },
        )


def test_an_officer_sends_a_csv_roll_and_the_task_loads_it(
    client: Client, school: School, inclusion_officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(inclusion_officer)
    assert client.get(f"/schools/{school.urn}/rolls/upload/").status_code == 200
    response = post(client, school, GOOD.encode(), "roll.csv", "csv", django_capture_on_commit_callbacks)
    assert response.status_code == 302, text(response)[-3000:]
    imp = RollImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/schools/{school.urn}/rolls/imports/{imp.pk}/"
    assert imp.status == RollImport.Status.LOADED
    page = text(client.get(response["Location"]))
    assert "The roll was loaded" in page
    assert "2 pupils on roll" in page
    assert RollEntry.objects.filter(school=school, on_roll_to__isnull=True).count() == 2
    assert RollSnapshot.objects.get().source == "csv"
    progress = client.get(f"/schools/{school.urn}/rolls/imports/{imp.pk}/progress/").json()
    assert progress["finished"] is True
    assert progress["percent"] == 100
    kai = PupilCharacteristics.objects.get(child__legal_forename="Kai")
    assert (kai.sen_status, kai.fsm, kai.ehcp) == ("K", True, None)


def test_a_file_with_errors_loads_nothing_and_lists_each_line_and_field(
    client: Client, school: School, inclusion_officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(inclusion_officer)
    bad = "forename,surname,date_of_birth,fsm\nKai,Nowak,2014-01-05,maybe\nAva,,31/02/2014,\n"
    response = post(client, school, bad.encode(), "roll.csv", "csv", django_capture_on_commit_callbacks)
    imp = RollImport.objects.get()
    assert imp.status == RollImport.Status.FAILED
    assert imp.error_count == 3
    page = text(client.get(response["Location"]))
    assert "Nothing from this file was loaded" in page
    assert "fsm" in page
    assert "'maybe' is not Y or N" in page
    assert "surname" in page
    assert "is required" in page
    assert Child.objects.count() == 0
    assert RollEntry.objects.count() == 0


def test_the_form_checks_the_file_kind_and_the_date(
    client: Client, school: School, school_user: User
) -> None:
    client.force_login(school_user)
    response = client.post(
        f"/schools/{school.urn}/rolls/upload/",
        {
            "as_of_0": "16",
            "as_of_1": "11",
            "as_of_2": "2027",
            "file": SimpleUploadedFile("r.xml", b"<x/>"),
            "file_format": "csv",
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "The file is XML: choose Common Transfer File" in page
    assert "must be today or in the past" in page
    assert RollImport.objects.count() == 0


def test_another_school_and_other_teams_cannot_send_or_see_a_roll(
    school: School, admissions_officer: User, inclusion_officer: User
) -> None:
    other = factories.school_user(factories.SchoolFactory.create(), username="other.school")
    imp = roll_import_create(
        school=school,
        as_of=dt.date(2026, 11, 16),
        content=SimpleUploadedFile("r.csv", GOOD.encode()),
        original_name="r.csv",
        file_format="csv",
        uploaded_by=inclusion_officer,
        enqueue=False,
    )
    for user in (other, admissions_officer):
        client = signed_in(user)
        assert client.get(f"/schools/{school.urn}/rolls/upload/").status_code == 404
        assert client.get(f"/schools/{school.urn}/rolls/imports/{imp.pk}/").status_code == 404
        assert client.get(f"/schools/{school.urn}/rolls/imports/{imp.pk}/progress/").status_code == 404


def test_a_queued_import_shows_its_progress_and_a_second_run_does_nothing(
    school: School, inclusion_officer: User
) -> None:
    imp = roll_import_create(
        school=school,
        as_of=dt.date(2026, 11, 16),
        content=SimpleUploadedFile("r.csv", GOOD.encode()),
        original_name="r.csv",
        file_format="csv",
        uploaded_by=inclusion_officer,
        enqueue=False,
    )
    client = signed_in(inclusion_officer)
    page = text(client.get(f"/schools/{school.urn}/rolls/imports/{imp.pk}/"))
    assert "Waiting to load the roll" in page
    assert "Refresh this page" in page
    assert client.get(f"/schools/{school.urn}/rolls/imports/{imp.pk}/progress/").json()["finished"] is False
    roll_import_run(imp)
    roll_import_run(RollImport.objects.get(pk=imp.pk))
    assert RollSnapshot.objects.count() == 1
    assert RollImport.objects.get(pk=imp.pk).status == RollImport.Status.LOADED


def test_a_ctf_roll_loads_full_pupil_records(
    client: Client, inclusion_officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    school = factories.SchoolFactory.create(la_code="990", establishment_number="3001")
    file = ctf(
        [
            CtfPupil(
                "Mia",
                "Okafor",
                "2015-04-02",
                sen="E",
                fsm_open=True,
                in_care="true",
                contacts=[("Grace", "Okafor", "PAM", "01632 960001")],
            ),
            CtfPupil("Leo", "Hart", "2015-06-09", address=None, fsm_open=False),
        ]
    )
    client.force_login(inclusion_officer)
    response = post(client, school, file, "roll.xml", "ctf", django_capture_on_commit_callbacks)
    imp = RollImport.objects.get()
    assert imp.status == RollImport.Status.LOADED, imp.errors
    assert "The roll was loaded" in text(client.get(response["Location"]))
    mia = Child.objects.get(legal_forename="Mia")
    spell = RollEntry.objects.get(child=mia)
    assert (spell.school, str(spell.on_roll_from), spell.source) == (school, "2025-09-03", "roll:ctf")
    address = Address.objects.get(child=mia)
    assert (address.line_1, address.town, address.postcode, address.supplied_by_school) == (
        "12 Mill Lane",
        "Ashby",
        "AB1 2CD",
        school,
    )
    carer = Carer.objects.get(child=mia)
    assert (carer.name, carer.relationship, carer.phone, carer.parental_responsibility) == (
        "Grace Okafor",
        "PAM",
        "01632 960001",
        True,
    )
    found = PupilCharacteristics.objects.get(child=mia)
    assert (found.sen_status, found.ehcp, found.fsm, found.looked_after, found.year_group) == (
        "E",
        True,
        True,
        True,
        "5",
    )
    leo = PupilCharacteristics.objects.get(child__legal_forename="Leo")
    assert (leo.fsm, leo.sen_status) == (False, "")
    assert not Address.objects.filter(child__legal_forename="Leo").exists()


def test_a_ctf_from_another_school_is_refused(
    client: Client, inclusion_officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    school = factories.SchoolFactory.create(la_code="990", establishment_number="3001")
    client.force_login(inclusion_officer)
    post(
        client,
        school,
        ctf([CtfPupil("Mia", "Okafor", "2015-04-02")], estab="4444"),
        "r.xml",
        "ctf",
        django_capture_on_commit_callbacks,
    )
    imp = RollImport.objects.get()
    assert imp.status == RollImport.Status.FAILED
    assert imp.errors[0]["field"] == "SourceSchool"
    assert "9904444" in imp.errors[0]["message"]
    assert Child.objects.count() == 0
