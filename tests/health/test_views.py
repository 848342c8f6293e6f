"""Health-needs pages and who may see them (docs/health-needs.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.audit.models import RecordView
from rollcall.casework.models import Case
from rollcall.casework.services import note_add
from rollcall.health import services
from rollcall.health.models import CheckIn, HealthReport, NamedContact, ProvisionReferral, SenPanelRequest
from rollcall.notify.models import Message
from rollcall.schools.models import School
from tests import factories
from tests.health.conftest import referral_facts, report_facts

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("health_council", "frozen_clock"),
]

PANELS = override_settings(CASE_PANELS={"health": "rollcall.health.panels.case_panel"})


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def health_case(school: School, school_user: User) -> Case:
    report = services.health_report_record(
        child=factories.ChildFactory.create(legal_forename="Maya", legal_surname="Osei"),
        school=school,
        actor=school_user,
        facts=report_facts(),
    )
    assert report.case is not None
    return report.case


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


REPORT_FIELDS = {
    **date_fields("first_day_absent", dt.date(2026, 10, 19)),
    "days_so_far": "15",
    "pattern": "consecutive",
    "medical_evidence": "no",
}


# ---- reporting ------------------------------------------------------------------------------------


def test_a_school_reports_a_pupil_on_its_roll(client: Client, school: School, school_user: User) -> None:
    entry = factories.RollEntryFactory.create(school=school)
    page = signed_in(client, school_user).get(reverse("health:report-new"))
    assert page.status_code == 200
    assert entry.child.legal_surname in page.content.decode()
    response = client.post(reverse("health:report-new"), {"pupil": str(entry.child.pk), **REPORT_FIELDS})
    report = HealthReport.objects.get(child=entry.child)
    assert response["Location"] == reverse("health:report-done", args=[report.pk])
    assert report.school == school
    assert report.case is not None
    done = client.get(response["Location"]).content.decode()
    assert "Report received" in done
    assert "Not yet named" in done


def test_the_report_form_says_what_is_missing(client: Client, school: School, school_user: User) -> None:
    response = signed_in(client, school_user).post(reverse("health:report-new"), {"medical_evidence": "yes"})
    text = response.content.decode()
    for message in (
        "Choose a pupil on your roll, or enter the pupil",
        "Enter the first day absent through illness",
        "Enter the school days missed through illness so far this school year",
        "Select whether the days are consecutive or cumulative",
        "Enter who gave the medical evidence",
        "Enter the date of the medical evidence",
    ):
        assert message in text.replace("&#x27;", "'")
    assert not HealthReport.objects.exists()


def test_an_access_officer_reports_with_typed_details(client: Client, access_officer: User) -> None:
    fields = {
        "first_name": "Leo",
        "last_name": "Grant",
        **date_fields("date_of_birth", dt.date(2014, 5, 2)),
        **REPORT_FIELDS,
    }
    response = signed_in(client, access_officer).post(reverse("health:report-new"), fields)
    assert response.status_code == 302
    report = HealthReport.objects.get()
    assert report.school is None
    assert report.child.legal_surname == "Grant"


def test_other_teams_cannot_report(client: Client, inclusion_officer: User) -> None:
    assert signed_in(client, inclusion_officer).get(reverse("health:report-new")).status_code == 403


def test_another_school_cannot_see_the_report(client: Client, school: School, school_user: User) -> None:
    case = health_case(school, school_user)
    report = HealthReport.objects.get(case=case)
    other = factories.school_user(factories.SchoolFactory.create())
    assert signed_in(client, other).get(reverse("health:report-done", args=[report.pk])).status_code == 404


def test_the_school_sees_the_named_contacts_name(
    client: Client, school: School, school_user: User, access_officer: User
) -> None:
    case = health_case(school, school_user)
    services.named_contact_assign(case=case, officer=access_officer, actor=access_officer)
    report = HealthReport.objects.get(case=case)
    page = (
        signed_in(client, school_user).get(reverse("health:report-done", args=[report.pk])).content.decode()
    )
    assert "Asha Patel" in page
    assert RecordView.objects.filter(user=school_user, child=case.child).exists()


# ---- the case panel -------------------------------------------------------------------------------


@PANELS
def test_the_case_page_shows_the_health_panel_to_the_team(
    client: Client, school: School, school_user: User, access_officer: User
) -> None:
    case = health_case(school, school_user)
    page = signed_in(client, access_officer).get(reverse("casework:case", args=[case.pk])).content.decode()
    for words in (
        "Health needs",
        "Make the referral",
        "Change named contact",
        "Record a check-in",
        "Monthly check-ins",
    ):
        assert words in page


@PANELS
def test_an_administrator_sees_the_case_but_no_health_details(
    client: Client, school: School, school_user: User, access_officer: User
) -> None:
    case = health_case(school, school_user)
    services.referral_make(case=case, actor=access_officer, facts=referral_facts())
    page = (
        signed_in(client, factories.administrator())
        .get(reverse("casework:case", args=[case.pk]))
        .content.decode()
    )
    assert "Health details are seen only" in page
    assert "Dr Okafor" not in page
    assert "Printable referral" not in page


@PANELS
def test_a_head_of_service_sees_the_health_details(
    client: Client, school: School, school_user: User, access_officer: User, head_of_service: User
) -> None:
    case = health_case(school, school_user)
    services.referral_make(case=case, actor=access_officer, facts=referral_facts())
    page = signed_in(client, head_of_service).get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Printable referral" in page


# ---- referral -------------------------------------------------------------------------------------


def test_the_referral_form_validates_then_refers(
    client: Client, school: School, school_user: User, access_officer: User
) -> None:
    case = health_case(school, school_user)
    url = reverse("health:referral-new", args=[case.pk])
    signed_in(client, access_officer)
    bad = client.post(
        url, {"medical_evidence": "no", "hours_per_week": "7.55", "kind": "other", "consent": "yes"}
    )
    text = bad.content.decode().replace("&#x27;", "'")
    for message in (
        "Enter the child's health needs",
        "Hours of education a week proposed must have no more than 1 decimal place",
        "Enter the details of the other kind of provision",
        "Select the child's special educational needs status",
        "Enter the date consent was given",
    ):
        assert message in text
    good = client.post(
        url,
        {
            "medical_evidence": "no",
            "health_needs": "Anxiety after a long illness.",
            "hours_per_week": "10",
            "kind": "online",
            "sen_status": "sen_support",
            "consent": "yes",
            **date_fields("consent_date", dt.date(2026, 11, 13)),
        },
    )
    referral = ProvisionReferral.objects.get(case=case)
    assert good["Location"] == reverse("health:referral", args=[referral.pk])
    case.refresh_from_db()
    assert case.status == "referred"
    printable = client.get(good["Location"]).content.decode()
    assert "Referral to Springboard" in printable
    assert "Online teaching" in printable
    pdf = client.get(reverse("health:referral-pdf", args=[referral.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("who", ["sen", "school", "admin", "inclusion"])
def test_only_the_team_and_heads_see_the_referral(
    client: Client,
    school: School,
    school_user: User,
    access_officer: User,
    sen_officer: User,
    inclusion_officer: User,
    who: str,
) -> None:
    case = health_case(school, school_user)
    referral = services.referral_make(case=case, actor=access_officer, facts=referral_facts())
    user = {
        "sen": sen_officer,
        "school": school_user,
        "admin": factories.administrator(),
        "inclusion": inclusion_officer,
    }[who]
    signed_in(client, user)
    assert client.get(reverse("health:referral", args=[referral.pk])).status_code == 404
    assert client.get(reverse("health:referral-pdf", args=[referral.pk])).status_code == 404


# ---- named contact, check-ins, reintegration ------------------------------------------------------


def test_changing_the_named_contact_shows_the_letter(
    client: Client, school: School, school_user: User, access_officer: User, access_officer_2: User
) -> None:
    case = health_case(school, school_user)
    signed_in(client, access_officer)
    response = client.post(
        reverse("health:contact-change", args=[case.pk]), {"officer": str(access_officer_2.pk)}
    )
    contact = NamedContact.objects.get(case=case, until__isnull=True)
    assert contact.officer == access_officer_2
    letter = client.get(response["Location"]).content.decode()
    assert "Ben Cole" in letter
    assert "every month" in letter
    assert "16 December 2026" in letter


def test_the_contact_must_be_in_the_team(
    client: Client, school: School, school_user: User, access_officer: User, inclusion_officer: User
) -> None:
    case = health_case(school, school_user)
    response = signed_in(client, access_officer).post(
        reverse("health:contact-change", args=[case.pk]), {"officer": str(inclusion_officer.pk)}
    )
    assert "Choose the named contact" in response.content.decode()


def test_recording_a_check_in(
    client: Client, school: School, school_user: User, access_officer: User
) -> None:
    case = health_case(school, school_user)
    signed_in(client, access_officer)
    bad = client.post(reverse("health:checkin-new", args=[case.pk]), {})
    assert "Enter the date of the check-in" in bad.content.decode()
    response = client.post(
        reverse("health:checkin-new", args=[case.pk]),
        {
            **date_fields("done_on", dt.date(2026, 11, 16)),
            "method": "visit",
            "spoken_to": "Father",
            "situation": "Settled with online lessons.",
            "hours_received": "6",
        },
    )
    assert response.status_code == 302
    assert CheckIn.objects.get(case=case, done_on__isnull=False).method == "visit"


def test_planning_reintegration(
    client: Client, school: School, school_user: User, access_officer: User
) -> None:
    case = health_case(school, school_user)
    signed_in(client, access_officer)
    page = client.get(reverse("health:reintegration-new", args=[case.pk])).content.decode()
    assert school.urn in page
    response = client.post(
        reverse("health:reintegration-new", args=[case.pk]),
        {
            "school_urn": school.urn,
            **date_fields("target_return_date", dt.date(2027, 1, 5)),
            "school_agreed": "yes",
            **date_fields("school_agreed_on", dt.date(2026, 11, 16)),
            "plan": "Mornings first.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "reintegration"


def test_a_school_user_cannot_reach_the_officer_forms(
    client: Client, school: School, school_user: User
) -> None:
    case = health_case(school, school_user)
    signed_in(client, school_user)
    for name in ("referral-new", "contact-change", "checkin-new", "reintegration-new"):
        assert client.get(reverse(f"health:{name}", args=[case.pk])).status_code == 404


# ---- the SEN panel --------------------------------------------------------------------------------


def test_an_sen_officer_records_a_child_not_attending(
    client: Client, sen_officer: User, access_officer: User
) -> None:
    response = signed_in(client, sen_officer).post(
        reverse("health:sen-panel-new"),
        {
            "first_name": "Nia",
            "last_name": "Bello",
            **date_fields("date_of_birth", dt.date(2013, 2, 1)),
            **date_fields("panel_date", dt.date(2026, 12, 7)),
            "attending_school": "no",
        },
    )
    assert response.status_code == 302
    request = SenPanelRequest.objects.get()
    assert request.case is not None
    assert Message.objects.filter(recipient=access_officer, subject__contains="Nia Bello").exists()


def test_the_sen_form_says_what_is_missing(client: Client, sen_officer: User) -> None:
    text = signed_in(client, sen_officer).post(reverse("health:sen-panel-new"), {}).content.decode()
    assert "Enter the date of the panel" in text
    assert "Select whether the child is currently attending school" in text
    assert "Enter the pupil" in text.replace("&#x27;", "'")


def test_the_panel_lists_open_cases_without_notes(
    client: Client,
    school: School,
    school_user: User,
    sen_officer: User,
    access_officer: User,
    django_assert_max_num_queries: object,
) -> None:
    case = health_case(school, school_user)
    note_add(case=case, author=access_officer, text="Mother says the consultant letter is private")
    for _ in range(3):
        services.sen_panel_request_record(
            child=factories.ChildFactory.create(),
            actor=sen_officer,
            panel_date=dt.date(2026, 12, 7),
            attending_school="yes",
        )
    services.sen_panel_request_record(
        child=case.child, actor=sen_officer, panel_date=dt.date(2026, 12, 7), attending_school="no"
    )
    signed_in(client, sen_officer)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        page = client.get(reverse("health:sen-panel"), date_fields("panel_date", dt.date(2026, 12, 7)))
    text = page.content.decode()
    assert "Maya Osei" in text
    assert "Health needs: Access to Education, Asha Patel" in text
    assert "consultant letter" not in text


@pytest.mark.parametrize("who", ["school", "inclusion"])
def test_the_panel_is_for_sen_access_and_heads(
    client: Client, school_user: User, inclusion_officer: User, who: str
) -> None:
    user = {"school": school_user, "inclusion": inclusion_officer}[who]
    signed_in(client, user)
    assert client.get(reverse("health:sen-panel")).status_code == 403
    assert client.get(reverse("health:sen-panel-new")).status_code == 403


def test_access_officers_and_heads_see_the_panel(
    client: Client, access_officer: User, head_of_service: User
) -> None:
    assert signed_in(client, access_officer).get(reverse("health:sen-panel")).status_code == 200
    assert signed_in(client, head_of_service).get(reverse("health:sen-panel")).status_code == 200
