"""Action-plan pages: who sees what, adding updates and evidence, and fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.actionplans import services
from rollcall.actionplans.models import Action, Complaint, Evidence

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages(action: Action) -> dict[str, str]:
    return {
        "list": reverse("actionplans:list"),
        "complaint": reverse("actionplans:complaint", args=[action.complaint_id]),
        "action": reverse("actionplans:action", args=[action.pk]),
        "overdue": reverse("actionplans:overdue"),
        "scrutiny": reverse("actionplans:scrutiny"),
        "pdf": reverse("actionplans:scrutiny-pdf"),
        "xlsx": reverse("actionplans:scrutiny-xlsx"),
        "complaint-new": reverse("actionplans:complaint-new"),
        "action-new": reverse("actionplans:action-new", args=[action.complaint_id]),
        "action-edit": reverse("actionplans:action-edit", args=[action.pk]),
        "complaint-edit": reverse("actionplans:complaint-edit", args=[action.complaint_id]),
        "update-add": reverse("actionplans:update-add", args=[action.pk]),
        "evidence-add": reverse("actionplans:evidence-add", args=[action.pk]),
    }


READ = ("list", "complaint", "action", "overdue")
REPORTS = ("scrutiny", "xlsx")  # the PDF is checked once in test_exports (WeasyPrint is slow)
MANAGE = ("complaint-new", "action-new", "action-edit", "complaint-edit")
UPDATE = ("update-add", "evidence-add")


def _codes(user: User, action: Action, names: tuple[str, ...]) -> set[int]:
    client = _client(user)
    pages = _pages(action)
    return {client.get(pages[name]).status_code for name in names}


def test_a_school_user_sees_nothing_here(action: Action, school_user: User) -> None:
    assert _codes(school_user, action, READ + REPORTS + MANAGE + UPDATE) == {403}


def test_a_report_reader_sees_the_scrutiny_view_and_downloads_only(action: Action, reader: User) -> None:
    assert _codes(reader, action, REPORTS) == {200}
    assert _codes(reader, action, READ + MANAGE + UPDATE) == {403}
    html = _client(reader).get(reverse("actionplans:scrutiny")).content.decode()
    assert reverse("actionplans:action", args=[action.pk]) not in html  # no links to pages they cannot open


def test_an_officer_reads_everything_but_changes_nothing_they_are_not_responsible_for(
    action: Action, admissions_officer: User
) -> None:
    assert _codes(admissions_officer, action, READ + REPORTS) == {200}
    assert _codes(admissions_officer, action, MANAGE + UPDATE) == {403}


def test_the_officer_responsible_may_add_updates_and_evidence(
    action: Action, inclusion_officer: User
) -> None:
    assert _codes(inclusion_officer, action, UPDATE) == {200}
    assert _codes(inclusion_officer, action, MANAGE) == {403}


def test_a_manager_may_do_everything(action: Action, inclusion_manager: User) -> None:
    assert _codes(inclusion_manager, action, READ + REPORTS + MANAGE + UPDATE) == {200}


def test_an_unknown_complaint_or_action_is_not_found(action: Action, inclusion_manager: User) -> None:
    client = _client(inclusion_manager)
    assert client.get(reverse("actionplans:complaint", args=[9999])).status_code == 404
    assert client.get(reverse("actionplans:action", args=[9999])).status_code == 404


def test_recording_a_complaint_and_an_action_through_the_pages(head_of_service: User) -> None:
    client = _client(head_of_service)
    response = client.post(
        reverse("actionplans:complaint-new"),
        {
            "reference": "26 000 123",
            "title": "Action plan after the decision",
            "decision_on_0": "2",
            "decision_on_1": "3",
            "decision_on_2": "2026",
            "recommendations": "Apologise.\nReport to scrutiny.",
        },
    )
    complaint = Complaint.objects.get(reference="26 000 123")
    assert response.status_code == 302
    assert response["Location"] == reverse("actionplans:complaint", args=[complaint.pk])
    assert complaint.decision_on == dt.date(2026, 3, 2)
    response = client.post(
        reverse("actionplans:action-new", args=[complaint.pk]),
        {
            "description": "Circulate the policy to all staff every six months.",
            "owner_title": "Head of Access to Education",
            "due_on_0": "1",
            "due_on_1": "2",
            "due_on_2": "2027",
            "feature": "policy_circulation",
        },
    )
    action = Action.objects.get(complaint=complaint)
    assert response["Location"] == reverse("actionplans:action", args=[action.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Policy circulation and acknowledgements" in page
    assert reverse("policies:list") in page


def test_missing_answers_are_shown_as_gov_uk_errors(head_of_service: User) -> None:
    response = _client(head_of_service).post(reverse("actionplans:complaint-new"), {"reference": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter the ombudsman reference" in html


def test_adding_an_update_redirects_and_shows_it_dated_and_signed(
    action: Action, inclusion_officer: User
) -> None:
    client = _client(inclusion_officer)
    response = client.post(
        reverse("actionplans:update-add", args=[action.pk]),
        {
            "status": "in_progress",
            "rag": "amber",
            "text": "Draft page with the web team.",
            "happened_on_0": "16",
            "happened_on_1": "11",
            "happened_on_2": "2026",
        },
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Draft page with the web team." in html
    assert "16 November 2026" in html
    assert f"By {inclusion_officer}" in html
    assert 'data-rag="amber">Amber<' in html  # the word, not only the colour
    action.refresh_from_db()
    assert (action.status, action.rag) == ("in_progress", "amber")


def test_a_future_update_date_is_refused(action: Action, inclusion_manager: User) -> None:
    response = _client(inclusion_manager).post(
        reverse("actionplans:update-add", args=[action.pk]),
        {
            "status": "complete",
            "rag": "",
            "text": "x",
            "happened_on_0": "1",
            "happened_on_1": "1",
            "happened_on_2": "2027",
        },
    )
    assert response.status_code == 200
    assert "must be today or in the past" in response.content.decode()


def test_evidence_files_are_served_to_signed_in_staff_only(
    action: Action,
    inclusion_officer: User,
    admissions_officer: User,
    school_user: User,
    reader: User,
    settings: object,
    tmp_path: object,
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    client = _client(inclusion_officer)
    response = client.post(
        reverse("actionplans:evidence-add", args=[action.pk]),
        {
            "title": "Screenshot of the Local Offer page",
            "file": SimpleUploadedFile("page.png", b"\x89PNG\r\n\x1a\n"),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    url = reverse("actionplans:evidence-file", args=[evidence.pk])
    assert _client(admissions_officer).get(url).status_code == 200
    assert _client(school_user).get(url).status_code == 403
    assert _client(reader).get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to sign in
    assert (
        "Screenshot of the Local Offer page"
        in client.get(reverse("actionplans:action", args=[action.pk])).content.decode()
    )


def test_evidence_of_the_wrong_kind_is_refused_with_a_message(
    action: Action, inclusion_officer: User
) -> None:
    response = _client(inclusion_officer).post(
        reverse("actionplans:evidence-add", args=[action.pk]),
        {"title": "Macro", "file": SimpleUploadedFile("book.xlsm", b"PK")},
    )
    assert response.status_code == 200
    assert "The file must be a PDF" in response.content.decode()
    assert not Evidence.objects.exists()


def _many(head_of_service: User) -> None:
    for n in range(6):
        complaint = services.complaint_record(
            facts=services.ComplaintFacts(reference=f"26 000 {n:03d}", title=f"Plan {n}"),
            actor=head_of_service,
        )
        for m in range(4):
            services.action_add(
                complaint=complaint,
                facts=services.ActionFacts(
                    description=f"Action {m}",
                    owner_title="Head",
                    due_on=dt.date(2026, 10, 1) if m % 2 else None,
                ),
                actor=head_of_service,
            )


def test_the_list_pages_make_a_fixed_number_of_queries(
    head_of_service: User, django_assert_max_num_queries: object
) -> None:
    _many(head_of_service)
    client = _client(head_of_service)
    client.get(reverse("actionplans:list"))  # warm the session
    # +1: the session's two-factor device (django-otp's middleware, docs/sign-in.md)
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        assert client.get(reverse("actionplans:list")).status_code == 200
    # +1: the session's two-factor device (django-otp's middleware, docs/sign-in.md)
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        assert client.get(reverse("actionplans:overdue")).status_code == 200
    complaint = Complaint.objects.first()
    assert complaint is not None
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert client.get(reverse("actionplans:complaint", args=[complaint.pk])).status_code == 200


def test_the_list_shows_n_of_m_complete_and_the_rag_counts(action: Action, inclusion_manager: User) -> None:
    services.action_update(
        action=action, actor=inclusion_manager, status="complete", rag="green", text="Done."
    )
    html = _client(inclusion_manager).get(reverse("actionplans:list")).content.decode()
    assert "1 of 1" in html
    assert "Green: 1" in html
