"""The admissions pages, downloads and API, and who may see them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from rollcall.accounts.models import User
from rollcall.admissions import events as admission_events
from rollcall.admissions import services
from rollcall.admissions.models import Application, PutOnRollRequest
from rollcall.audit.models import RecordView
from rollcall.casework.models import Flag
from rollcall.rules.workflow import Role
from tests import factories
from tests.admissions.helpers import TODAY, apply, case_of, offer
from tests.api_tokens import token_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def date_fields(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def application_post(school_id: int, **answers: str) -> dict[str, str]:
    data = {
        "forename": "Kacey",
        "surname": "Thornber",
        **date_fields("date_of_birth", dt.date(2014, 6, 2)),
        "upn": "",
        "postcode": "NM1 2AB",
        **date_fields("received_on", TODAY),
        "preferred_school_1": str(school_id),
        "reason_for_move": "Moved from another county",
        "current_school": "",
    }
    for code in (
        "exclusions",
        "school_history",
        "house_moves",
        "low_attendance",
        "social_care",
        "youth_offending",
        "county_lines",
        "sen",
    ):
        data[code] = answers.get(code, "no")
        data[f"{code}_evidence"] = "Police report" if answers.get(code) == "yes" else ""
    return data


# ---- recording an application --------------------------------------------------------------


def test_an_officer_records_an_application_and_sees_the_vulnerable_flag_with_the_reason(
    client, admissions_officer, school
):
    c = signed_in(client, admissions_officer)
    assert c.get(reverse("admissions:application_new")).status_code == 200

    response = c.post(reverse("admissions:application_new"), application_post(school.pk, county_lines="yes"))

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admissions:application", args=[application.pk])
    page = c.get(response["Location"]).content.decode()
    assert "Vulnerable applicant: High risk. risks around county lines" in page
    assert Flag.objects.filter(child=application.child, code="vulnerable_applicant").exists()
    assert RecordView.objects.filter(user=admissions_officer, child=application.child).exists()


def test_a_yes_without_evidence_is_shown_in_the_error_summary(client, admissions_officer, school):
    data = application_post(school.pk, county_lines="yes")
    data["county_lines_evidence"] = ""
    response = signed_in(client, admissions_officer).post(reverse("admissions:application_new"), data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not Application.objects.exists()


def test_an_unanswered_question_must_be_answered_or_marked_not_known(client, admissions_officer, school):
    data = application_post(school.pk)
    del data["sen"]
    response = signed_in(client, admissions_officer).post(reverse("admissions:application_new"), data)
    assert "choose &#x27;Not known&#x27; if you do not know" in response.content.decode()


@pytest.mark.parametrize("who", ["inclusion_officer", "school_user"])
def test_people_outside_admissions_cannot_reach_the_admissions_pages(client, who, request, school):
    user = request.getfixturevalue(who)
    c = signed_in(client, user)
    for name in (
        "admissions:checkoff",
        "admissions:application_new",
        "admissions:fair_access",
        "admissions:waiting",
    ):
        assert c.get(reverse(name)).status_code == 403


def test_an_administrator_can_see_the_list_but_not_record_an_application(client, school):
    c = signed_in(client, factories.administrator())
    assert c.get(reverse("admissions:checkoff")).status_code == 200
    assert c.get(reverse("admissions:application_new")).status_code == 403


# ---- the offer, the request and the letter ---------------------------------------------------------


def test_the_offer_form_sends_the_request_and_the_printable_pages_show_the_due_date(
    client, admissions_officer, school, school_user
):
    application = apply(admissions_officer, school)
    c = signed_in(client, admissions_officer)
    data = {
        "school": str(school.pk),
        **date_fields("decision_date", TODAY),
        **date_fields("offered_on", TODAY),
    }
    response = c.post(reverse("admissions:offer_new", args=[application.pk]), data)
    assert response.status_code == 302
    request = PutOnRollRequest.objects.get()
    request_page = c.get(reverse("admissions:request_print", args=[request.pk])).content.decode()
    assert "Confirm by: 30 November 2026" in request_page
    letter = c.get(reverse("admissions:letter_print", args=[request.pk])).content.decode()
    assert "Dear parent or carer" in letter


# ---- the check-off list -------------------------------------------------------------------------------


def test_the_checkoff_list_shows_counts_and_the_vulnerable_applicants_awaiting_confirmation(
    client, admissions_officer, school, school_user
):
    waiting = offer(admissions_officer, school, surname="Waiting")
    done = offer(admissions_officer, school, surname="Done")
    services.request_answer(
        request=done, actor=school_user, on_roll=True, on_roll_from=TODAY, attended_from=TODAY
    )
    offer(admissions_officer, school, vulnerable=False, surname="Notflagged")

    response = signed_in(client, admissions_officer).get(reverse("admissions:checkoff"))

    assert response.context["counts"] == {
        "waiting": 1,
        "overdue": 0,
        "not_on_roll": 0,
        "checked_off": 1,
        "referred": 0,
    }
    assert [row.request.pk for row in response.context["rows"]] == [waiting.pk]
    html = response.content.decode()
    assert "Notflagged" not in html

    checked = signed_in(client, admissions_officer).get(
        reverse("admissions:checkoff"), {"status": "checked_off"}
    )
    assert [row.request.pk for row in checked.context["rows"]] == [done.pk]
    assert "Checked off" in checked.content.decode()


def test_the_checkoff_list_filters_by_school_and_sorts_by_child(client, admissions_officer, school):
    other = factories.SchoolFactory.create(name="Beckside Primary")
    a = offer(admissions_officer, school, surname="Zed")
    b = offer(admissions_officer, other, surname="Able")
    c = signed_in(client, admissions_officer)

    by_school = c.get(reverse("admissions:checkoff"), {"school": str(other.pk)})
    assert [r.request.pk for r in by_school.context["rows"]] == [b.pk]
    by_child = c.get(reverse("admissions:checkoff"), {"sort": "child"})
    assert [r.request.pk for r in by_child.context["rows"]] == [b.pk, a.pk]
    by_child_desc = c.get(reverse("admissions:checkoff"), {"sort": "child", "order": "desc"})
    assert [r.request.pk for r in by_child_desc.context["rows"]] == [a.pk, b.pk]


def test_the_checkoff_list_uses_a_fixed_number_of_queries(
    client, admissions_officer, school, django_assert_max_num_queries
):
    for i in range(5):
        offer(admissions_officer, school, surname=f"Child{i}")
    c = signed_in(client, admissions_officer)
    c.get(reverse("admissions:checkoff"))
    with django_assert_max_num_queries(14):
        c.get(reverse("admissions:checkoff"))
    for i in range(5, 15):
        offer(admissions_officer, school, surname=f"Child{i}")
    with django_assert_max_num_queries(14):
        c.get(reverse("admissions:checkoff"))


def test_the_csv_and_xlsx_downloads_hold_the_same_rows_as_the_page(client, admissions_officer, school):
    offer(admissions_officer, school, surname="Ashworth")
    c = signed_in(client, admissions_officer)

    rows = list(csv.reader(io.StringIO(c.get(reverse("admissions:checkoff_csv")).content.decode())))
    assert rows[0][:3] == ["Child", "Date of birth", "School"]
    assert len(rows) == 2
    assert "Ashworth" in rows[1][0]
    assert rows[1][4] == "2026-11-30"

    book = openpyxl.load_workbook(io.BytesIO(c.get(reverse("admissions:checkoff_xlsx")).content))
    sheet = book.active
    assert sheet is not None
    assert sheet.cell(1, 6).value == "Days waiting (school days)"
    assert "Ashworth" in str(sheet.cell(2, 1).value)
    assert sheet.max_row == 2


def test_downloads_have_the_same_permissions_as_the_page(client, inclusion_officer, school_user):
    for user in (inclusion_officer, school_user):
        c = signed_in(client, user)
        assert c.get(reverse("admissions:checkoff_csv")).status_code == 403
        assert c.get(reverse("admissions:checkoff_xlsx")).status_code == 403


# ---- the school's pages ---------------------------------------------------------------------------------


def test_a_school_user_sees_only_their_own_schools_requests(client, admissions_officer, school, school_user):
    ours = offer(admissions_officer, school, surname="Ours")
    other_school = factories.SchoolFactory.create(name="Other High")
    theirs = offer(admissions_officer, other_school, surname="Theirs")
    c = signed_in(client, school_user)

    html = c.get(reverse("admissions:school_list")).content.decode()
    assert "Ours" in html
    assert "Theirs" not in html
    assert c.get(reverse("admissions:school_request", args=[ours.pk])).status_code == 200
    assert c.get(reverse("admissions:school_request", args=[theirs.pk])).status_code == 404
    assert c.get(reverse("admissions:request_print", args=[theirs.pk])).status_code == 404
    assert c.get(reverse("admissions:letter_print", args=[ours.pk])).status_code == 403


def test_a_school_user_confirms_on_roll_on_the_portal(client, admissions_officer, school, school_user):
    request = offer(admissions_officer, school)
    data = {
        "on_roll": "yes",
        **date_fields("on_roll_from", TODAY),
        **date_fields("attended_from", TODAY),
        "reason": "",
        "version": request.version,
    }
    response = signed_in(client, school_user).post(
        reverse("admissions:school_request", args=[request.pk]), data
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status_label == "Checked off"
    assert request.answered_by == school_user


def test_saying_not_on_roll_needs_a_reason(client, admissions_officer, school, school_user):
    request = offer(admissions_officer, school)
    response = signed_in(client, school_user).post(
        reverse("admissions:school_request", args=[request.pk]), {"on_roll": "no", "reason": ""}
    )
    assert "Say why the child is not on roll" in response.content.decode()


def test_council_staff_cannot_use_the_school_pages(client, admissions_officer, school):
    request = offer(admissions_officer, school)
    c = signed_in(client, admissions_officer)
    assert c.get(reverse("admissions:school_list")).status_code == 403
    assert c.get(reverse("admissions:school_request", args=[request.pk])).status_code == 403


# ---- the API -------------------------------------------------------------------------------------


def token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def test_a_school_confirms_through_the_api(admissions_officer, school, school_user):
    request = offer(admissions_officer, school)
    api = token_client(school_user)

    listed = api.get(reverse("api:admissions-requests"))
    assert [r["id"] for r in listed.json()] == [request.pk]

    response = api.post(
        reverse("api:admissions-request-confirm", args=[request.pk]),
        {"on_roll": True, "on_roll_from": "2026-11-16", "attended_from": "2026-11-16"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "Checked off"
    assert case_of(request).status == "closed"


def test_the_first_api_address_still_answers_as_a_deprecated_alias(admissions_officer, school, school_user):
    request = offer(admissions_officer, school)
    api = token_client(school_user)
    assert reverse("admissions:api_requests") == "/admissions/api/v1/requests/"
    old = api.get(reverse("admissions:api_requests"))
    new = api.get(reverse("api:admissions-requests"))
    assert old.status_code == new.status_code == 200
    assert old.json() == new.json() != []
    response = api.post(
        reverse("admissions:api_request_confirm", args=[request.pk]),
        {"on_roll": True, "on_roll_from": "2026-11-16", "attended_from": "2026-11-16"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert case_of(request).status == "closed"


def test_the_api_refuses_another_schools_request_and_anonymous_callers(admissions_officer, school):
    request = offer(admissions_officer, school)
    other = factories.school_user(factories.SchoolFactory.create())
    url = reverse("api:admissions-request-confirm", args=[request.pk])
    assert token_client(other).post(url, {"on_roll": False, "reason": "x"}, format="json").status_code == 404
    assert APIClient().post(url, {"on_roll": False, "reason": "x"}, format="json").status_code == 401
    assert token_client(admissions_officer).post(url, {"on_roll": False}, format="json").status_code == 403


def test_the_api_explains_a_refusal(admissions_officer, school, school_user):
    request = offer(admissions_officer, school)
    response = token_client(school_user).post(
        reverse("api:admissions-request-confirm", args=[request.pk]), {"on_roll": True}, format="json"
    )
    assert response.status_code == 400
    assert "on roll from" in str(response.json())


# ---- need to know: CME notes ------------------------------------------------------------------------


def test_an_admissions_officer_cannot_open_the_cme_case_they_referred(client, admissions_officer, school):
    request = offer(admissions_officer, school)
    cme = services.refer_cme(request=request, today=dt.date(2026, 12, 15))
    c = signed_in(client, admissions_officer)
    assert c.get(reverse("casework:case", args=[cme.pk])).status_code == 404
    page = c.get(reverse("admissions:application", args=[request.application_id])).content.decode()
    assert "Referred as CME" in page


# ---- panels and reports ---------------------------------------------------------------------------


def test_the_admission_case_page_shows_the_admissions_panel(client, admissions_officer, school, settings):
    settings.CASE_PANELS = {"admission": "rollcall.admissions.panels.admission_panel"}
    request = offer(admissions_officer, school)
    html = (
        signed_in(client, admissions_officer)
        .get(reverse("casework:case", args=[request.case_id]))
        .content.decode()
    )
    assert "Vulnerable applicant: High risk" in html
    assert "confirm by 30 Nov 2026" in html


def test_the_fair_access_pages_record_a_referral_and_report_it(client, admissions_officer, school):
    c = signed_in(client, admissions_officer)
    data = {
        "forename": "Rio",
        "surname": "Hart",
        **date_fields("date_of_birth", dt.date(2012, 1, 5)),
        "upn": "",
        "category": "homeless",
        "reason": "Temporary accommodation",
        "schools_considered": [str(school.pk)],
        **date_fields("taken_into_protocol_on", TODAY),
        "panel_date_0": "",
        "panel_date_1": "",
        "panel_date_2": "",
    }
    response = c.post(reverse("admissions:fair_access_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report = c.get(reverse("admissions:fair_access"))
    assert "Referred to the panel" in report.content.decode()
    assert report.context["rows"][0]["days_open"] == 0
    xlsx = openpyxl.load_workbook(
        io.BytesIO(c.get(reverse("admissions:fair_access"), {"format": "xlsx"}).content)
    )
    assert xlsx.active is not None
    assert xlsx.active.cell(2, 2).value == "Homeless"


def test_the_waiting_and_deferred_reports_list_their_children(client, admissions_officer, school):
    child = factories.ChildFactory.create(legal_surname="Waitingchild", date_of_birth=dt.date(2015, 1, 1))
    services.waiting_open(child=child, actor=admissions_officer)
    c = signed_in(client, admissions_officer)
    assert "Waitingchild" in c.get(reverse("admissions:waiting")).content.decode()
    book = openpyxl.load_workbook(
        io.BytesIO(c.get(reverse("admissions:waiting"), {"format": "xlsx"}).content)
    )
    assert book.active is not None
    assert "Waitingchild" in str(book.active.cell(2, 2).value)

    data = {
        "forename": "Dee",
        "surname": "Ferred",
        **date_fields("date_of_birth", dt.date(2022, 1, 1)),
        "school": str(school.pk),
        **date_fields("due_to_start", dt.date(2027, 1, 4)),
    }
    assert c.post(reverse("admissions:deferred"), data).status_code == 302
    assert "Ferred" in c.get(reverse("admissions:deferred")).content.decode()
    book = openpyxl.load_workbook(
        io.BytesIO(c.get(reverse("admissions:deferred"), {"format": "xlsx"}).content)
    )
    assert book.active is not None
    assert book.active.max_row == 2


def test_the_checkoff_list_filters_by_team_and_by_owner(client, admissions_officer, school):
    from rollcall.accounts.models import Team

    mine = offer(admissions_officer, school, surname="Mine")
    colleague = factories.staff(Role.OFFICER, Team.Kind.ADMISSIONS, username="colleague")
    theirs = offer(colleague, school, surname="Theirs")
    c = signed_in(client, admissions_officer)
    admissions = Team.objects.get(kind=Team.Kind.ADMISSIONS)
    inclusion = Team.objects.get(kind=Team.Kind.INCLUSION)

    by_team = c.get(reverse("admissions:checkoff"), {"team": str(admissions.pk), "sort": "child"})
    assert [r.request.pk for r in by_team.context["rows"]] == [mine.pk, theirs.pk]
    assert c.get(reverse("admissions:checkoff"), {"team": str(inclusion.pk)}).context["rows"] == []
    by_owner = c.get(reverse("admissions:checkoff"), {"owner": "mine"})
    assert [r.request.pk for r in by_owner.context["rows"]] == [mine.pk]


def test_the_fair_access_and_waiting_case_pages_show_their_panels(
    client, admissions_officer, school, settings
):
    settings.CASE_PANELS = {
        "fair_access": "rollcall.admissions.panels.fair_access_panel",
        "waiting": "rollcall.admissions.panels.waiting_panel",
    }
    referral = services.fair_access_refer(
        actor=admissions_officer,
        child=factories.ChildFactory.create(),
        category="kinship",
        reason="Placed with an aunt",
        schools_considered=[school],
        taken_into_protocol_on=TODAY,
    )
    application = apply(admissions_officer, school, vulnerable=False, surname="Waits")
    waiting = services.waiting_open(child=application.child, actor=admissions_officer)
    c = signed_in(client, admissions_officer)
    fa_html = c.get(reverse("casework:case", args=[case_of(referral).pk])).content.decode()
    assert "In formal kinship care" in fa_html
    assert "14 December 2026" in fa_html
    waiting_html = c.get(reverse("casework:case", args=[waiting.pk])).content.decode()
    assert "Application received 16 Nov 2026" in waiting_html


def test_the_timeline_words_read_every_admissions_event():
    from rollcall.casework.events import event_text
    from rollcall.casework.models import Event

    def words(verb: str, **payload: object) -> str:
        return event_text(Event(verb=verb, payload=payload))

    assert words(admission_events.OFFER_RECORDED, school="Moorside", answer_due="2026-11-30") == (
        "Place offered at Moorside; school asked to confirm by 2026-11-30"
    )
    assert words(admission_events.SCHOOL_ANSWERED, school="Moorside", on_roll=False, reason="Moved") == (
        "Moorside said not on roll: Moved"
    )
    assert words(admission_events.REFERRED_CME) == "Place at ? not taken up: referred to Inclusion as CME (?)"
    verbs = [v for k, v in vars(admission_events).items() if k.isupper() and isinstance(v, str) and "." in v]
    assert all(words(verb) != verb for verb in verbs), "every admissions event has words"
