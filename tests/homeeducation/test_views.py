"""Home-education pages and who may see them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.audit.models import RecordView
from rollcall.casework.models import Case
from rollcall.homeeducation import services
from rollcall.homeeducation.models import EHEContact, EHERecord, SAONotice
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ehe_council", "frozen_clock")]


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def a_record(officer: User) -> EHERecord:
    child = factories.ChildFactory.create(legal_forename="Tomas", legal_surname="Reyes")
    return services.record_open(child=child, actor=officer)


def test_an_officer_registers_a_child_on_the_form(client: Client, ehe_officer: User) -> None:
    response = signed_in(client, ehe_officer).post(
        reverse("homeeducation:new"),
        {
            "first_name": "Ada",
            "last_name": "Byrne",
            "date_of_birth_0": "3",
            "date_of_birth_1": "4",
            "date_of_birth_2": "2015",
            "parents": "Nia Byrne, 2 Church Row",
            "educated_by": "Parents",
            "hours_per_week": "18",
            "where": "At home",
        },
    )
    record = EHERecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:case", args=[record.case_id])
    assert (record.child.legal_forename, record.parents, record.case.owner) == (
        "Ada",
        "Nia Byrne, 2 Church Row",
        ehe_officer,
    )


def test_the_register_form_names_what_is_missing(client: Client, ehe_officer: User) -> None:
    response = signed_in(client, ehe_officer).post(reverse("homeeducation:new"), {"last_name": "Byrne"})
    assert response.status_code == 200
    assert "Enter the pupil&#x27;s first name" in response.content.decode()
    assert not EHERecord.objects.exists()


def test_other_teams_and_schools_cannot_register_or_list(
    client: Client, inclusion_officer: User, school_user: User
) -> None:
    for user in (inclusion_officer, school_user):
        signed_in(client, user)
        assert client.get(reverse("homeeducation:new")).status_code == 403
        assert client.get(reverse("homeeducation:list")).status_code == 403


def test_the_list_shows_records_filters_them_and_logs_each_child_shown(
    client: Client, ehe_officer: User
) -> None:
    record = a_record(ehe_officer)
    response = signed_in(client, ehe_officer).get(reverse("homeeducation:list"))
    assert "Tomas Reyes" in response.content.decode()
    assert RecordView.objects.filter(user=ehe_officer, child=record.child).exists()
    filtered = client.get(reverse("homeeducation:list"), {"status": "suitable"})
    assert "Tomas Reyes" not in filtered.content.decode()


def test_the_case_page_shows_the_record_and_an_officer_records_the_first_contact(
    client: Client, ehe_officer: User
) -> None:
    record = a_record(ehe_officer)
    signed_in(client, ehe_officer)
    page = client.get(reverse("casework:case", args=[record.case_id])).content.decode()
    assert "Home education" in page
    assert reverse("homeeducation:contact-new", args=[record.pk]) in page
    response = client.post(
        reverse("homeeducation:contact-new", args=[record.pk]),
        {"made_on_0": "16", "made_on_1": "11", "made_on_2": "2026", "method": "phone", "with_whom": "Father"},
    )
    assert response.status_code == 302
    assert EHEContact.objects.get().with_whom == "Father"
    record.case.refresh_from_db()
    assert record.case.status == "enquiries"


def test_another_teams_officer_cannot_open_a_records_forms(
    client: Client, ehe_officer: User, inclusion_officer: User
) -> None:
    record = a_record(ehe_officer)
    response = signed_in(client, inclusion_officer).get(
        reverse("homeeducation:contact-new", args=[record.pk])
    )
    assert response.status_code == 404


def test_a_served_notice_has_a_printable_letter_and_a_pdf(client: Client, ehe_officer: User) -> None:
    record = a_record(ehe_officer)
    services.contact_record(record=record, actor=ehe_officer, made_on=dt.date(2026, 11, 16), method="phone")
    services.suitability_judge(
        record=record, actor=ehe_officer, judgement="no_information", reasons="No reply"
    )
    signed_in(client, ehe_officer)
    response = client.post(
        reverse("homeeducation:notice-new", args=[record.pk, "preliminary_notice"]),
        {
            "served_on_0": "16",
            "served_on_1": "11",
            "served_on_2": "2026",
            "method": "hand",
            "reason": "We have had no reply to our letters.",
        },
    )
    notice = SAONotice.objects.get()
    assert response["Location"] == reverse("homeeducation:letter", args=[notice.pk])
    letter = client.get(response["Location"]).content.decode()
    assert "30 November 2026" in letter
    assert "We have had no reply to our letters." in letter
    pdf = client.get(reverse("homeeducation:letter-pdf", args=[notice.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    school = Client()
    school.force_login(factories.school_user())
    for name in ("homeeducation:letter", "homeeducation:letter-pdf"):
        assert school.get(reverse(name, args=[notice.pk])).status_code in {403, 404}
    order = Case.objects.get(kind="sao")
    assert (
        reverse("homeeducation:letter", args=[notice.pk])
        in client.get(reverse("casework:case", args=[order.pk])).content.decode()
    )


def test_an_unknown_step_is_not_found(client: Client, ehe_officer: User) -> None:
    record = a_record(ehe_officer)
    response = signed_in(client, ehe_officer).get(
        reverse("homeeducation:notice-new", args=[record.pk, "summons"])
    )
    assert response.status_code == 404


def test_a_served_letter_is_posted_through_notify_once_as_the_same_pdf(
    client: Client,
    ehe_officer: User,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from rollcall.notify.models import Dispatch

    settings.NOTIFY_API_KEY = ""  # no key: the letter is written to the outbox folder
    settings.NOTIFY_OUTBOX_DIR = str(tmp_path)
    record = a_record(ehe_officer)
    services.contact_record(record=record, actor=ehe_officer, made_on=dt.date(2026, 11, 16), method="phone")
    services.suitability_judge(
        record=record, actor=ehe_officer, judgement="no_information", reasons="No reply"
    )
    signed_in(client, ehe_officer).post(
        reverse("homeeducation:notice-new", args=[record.pk, "preliminary_notice"]),
        {
            "served_on_0": "16",
            "served_on_1": "11",
            "served_on_2": "2026",
            "method": "post",
            "reason": "No reply.",
        },
    )
    notice = SAONotice.objects.get()
    post = reverse("homeeducation:letter-post", args=[notice.pk])
    assert (
        "Send by post through GOV.UK Notify"
        in client.get(reverse("homeeducation:letter", args=[notice.pk])).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(post).status_code == 302
        assert client.post(post).status_code == 302

    dispatch = Dispatch.objects.get()
    assert (dispatch.channel, dispatch.status) == ("letter", "written")
    [written] = list(tmp_path.iterdir())
    assert written.read_bytes().startswith(b"%PDF")
    assert client.get(post).status_code == 405
