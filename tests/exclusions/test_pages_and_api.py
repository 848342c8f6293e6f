"""The pages and the API: a school notifies, officers read and decide, each read logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from rollcall.accounts.models import User
from rollcall.audit.models import RecordView
from rollcall.exclusions.models import Consideration, Exclusion, ExclusionStep
from rollcall.people.models import Child
from rollcall.returns.models import SchoolReturn
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enforcement_council", "frozen_clock")]


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(child: Child, **overrides: str) -> dict[str, str]:
    data = {
        "kind": "permanent",
        "first_day_0": "16",
        "first_day_1": "11",
        "first_day_2": "2026",
        "days": "",
        "reason": "Serious assault",
        "first_name": child.legal_forename,
        "last_name": child.legal_surname,
        "date_of_birth_0": str(child.date_of_birth.day),
        "date_of_birth_1": str(child.date_of_birth.month),
        "date_of_birth_2": str(child.date_of_birth.year),
        "upn": child.upn or "",
    }
    data.update(overrides)
    return data


def test_a_school_notifies_through_its_portal_and_sees_the_deadlines(
    school_user: User, pupil_on_roll: Child
) -> None:
    client = _signed_in(school_user)
    assert client.get("/exclusions/new/").status_code == 200
    response = client.post("/exclusions/new/", _form(pupil_on_roll))
    exclusion = Exclusion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exclusions/{exclusion.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "23 November 2026" in page
    assert RecordView.objects.filter(user=school_user, child=pupil_on_roll, what="exclusion").exists()


def test_the_form_says_what_is_wrong(school_user: User, pupil_on_roll: Child) -> None:
    response = _signed_in(school_user).post("/exclusions/new/", _form(pupil_on_roll, kind="suspension"))
    assert response.status_code == 200
    assert "Enter how many school days the suspension lasts" in response.content.decode()
    assert not SchoolReturn.objects.exists()


def test_council_staff_cannot_notify_and_other_teams_cannot_read(inclusion_officer: User) -> None:
    client = _signed_in(inclusion_officer)
    assert client.get("/exclusions/new/").status_code == 403
    assert client.get("/exclusions/").status_code == 403
    assert client.get("/exclusions/penalty-notices/").status_code == 403


def test_another_school_cannot_open_an_exclusion(school_user: User, pupil_on_roll: Child) -> None:
    _signed_in(school_user).post("/exclusions/new/", _form(pupil_on_roll))
    exclusion = Exclusion.objects.get()
    assert _signed_in(factories.school_user()).get(f"/exclusions/{exclusion.pk}/").status_code == 404


def test_an_officer_records_provision_on_the_page(
    access_officer: User, school_user: User, pupil_on_roll: Child
) -> None:
    _signed_in(school_user).post("/exclusions/new/", _form(pupil_on_roll))
    exclusion = Exclusion.objects.get()
    client = _signed_in(access_officer)
    assert "Exclusions" in client.get("/exclusions/").content.decode()
    response = client.post(
        f"/exclusions/{exclusion.pk}/",
        {
            "provision-provision_from_0": "23",
            "provision-provision_from_1": "11",
            "provision-provision_from_2": "2026",
            "provision-provider": "Northmoor PRU",
        },
    )
    assert response.status_code == 302
    exclusion.refresh_from_db()
    assert exclusion.provision_by == "Northmoor PRU"


def test_an_officer_records_a_notice_to_improve(access_officer: User) -> None:
    child = factories.ChildFactory.create()
    consideration = Consideration.objects.create(
        child=child,
        academic_year=2026,
        term="autumn",
        reached_on=dt.date(2026, 11, 13),
        sessions=10,
        window_start=dt.date(2026, 9, 2),
        created_at=dt.datetime(2026, 11, 16, 2, tzinfo=dt.UTC),
    )
    client = _signed_in(access_officer)
    assert child.full_name in client.get("/exclusions/penalty-notices/").content.decode()
    page = client.get(f"/exclusions/penalty-notices/{consideration.pk}/")
    assert page.status_code == 200
    assert RecordView.objects.filter(user=access_officer, child=child).exists()
    refused = client.post(
        f"/exclusions/penalty-notices/{consideration.pk}/",
        {"action": "decision", "decision-decision": "no_action"},
    )
    assert "Give the reason for taking no action" in refused.content.decode()
    response = client.post(
        f"/exclusions/penalty-notices/{consideration.pk}/",
        {"action": "decision", "decision-decision": "notice_to_improve", "decision-reason": ""},
    )
    assert response.status_code == 302
    consideration.refresh_from_db()
    assert consideration.decision == "notice_to_improve"


# ---- the API ------------------------------------------------------------------------------------


def _body(child: Child, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "pupil": {
            "forename": child.legal_forename,
            "surname": child.legal_surname,
            "date_of_birth": child.date_of_birth.isoformat(),
            "upn": child.upn or "",
        },
        "kind": "suspension",
        "first_day": "2026-11-16",
        "days": "2.5",
        "reason": "Fighting",
    }
    body.update(overrides)
    return body


def test_a_school_system_notifies_through_the_api(
    school_user: User, pupil_on_roll: Child, token_client: Callable[[User], APIClient]
) -> None:
    client = token_client(school_user)
    response = client.post(
        "/api/v1/exclusions/", _body(pupil_on_roll), format="json", HTTP_IDEMPOTENCY_KEY="a1"
    )
    assert response.status_code == 201
    assert response.json()["exclusion"]["term_days"] == "2.5"
    again = client.post("/api/v1/exclusions/", _body(pupil_on_roll), format="json", HTTP_IDEMPOTENCY_KEY="a1")
    assert again.status_code == 200
    assert Exclusion.objects.count() == 1
    listed = client.get("/api/v1/exclusions/").json()
    assert [row["id"] for row in listed["results"]] == [Exclusion.objects.get().pk]


def test_a_notification_about_someone_elses_pupil_is_held_and_says_nothing_back(
    school_user: User, token_client: Callable[[User], APIClient]
) -> None:
    child = factories.ChildFactory.create()
    response = token_client(school_user).post(
        "/api/v1/exclusions/", _body(child), format="json", HTTP_IDEMPOTENCY_KEY="b"
    )
    assert response.status_code == 202
    assert response.json()["exclusion"] is None
    assert not Exclusion.objects.exists()


def test_api_errors_are_keyed_by_field(
    school_user: User, pupil_on_roll: Child, token_client: Callable[[User], APIClient]
) -> None:
    response = token_client(school_user).post(
        "/api/v1/exclusions/", _body(pupil_on_roll, days=None), format="json", HTTP_IDEMPOTENCY_KEY="c"
    )
    assert response.status_code == 400
    assert response.json() == {"days": ["Enter how many school days the suspension lasts"]}


def test_an_officer_decides_through_the_api(
    access_officer: User, token_client: Callable[[User], APIClient]
) -> None:
    consideration = Consideration.objects.create(
        child=factories.ChildFactory.create(),
        academic_year=2026,
        term="autumn",
        reached_on=dt.date(2026, 11, 13),
        sessions=11,
        window_start=dt.date(2026, 9, 2),
        created_at=dt.datetime(2026, 11, 16, 2, tzinfo=dt.UTC),
    )
    client = token_client(access_officer)
    assert client.get("/api/v1/exclusions/penalty-considerations/").json()["results"][0]["sessions"] == 11
    url = f"/api/v1/exclusions/penalty-considerations/{consideration.pk}/decision/"
    assert client.post(url, {"decision": "no_action"}, format="json").status_code == 400
    response = client.post(url, {"decision": "other_support", "reason": "Early help"}, format="json")
    assert response.status_code == 200
    assert response.json()["decision"] == "other_support"


def test_a_school_cannot_decide_through_the_api(
    school_user: User, token_client: Callable[[User], APIClient]
) -> None:
    assert token_client(school_user).get("/api/v1/exclusions/penalty-considerations/").status_code == 403


def test_the_case_page_shows_the_exclusion_and_its_sixth_day(
    access_officer: User, school_user: User, pupil_on_roll: Child
) -> None:
    _signed_in(school_user).post("/exclusions/new/", _form(pupil_on_roll))
    exclusion = Exclusion.objects.get()
    assert exclusion.case is not None
    page = _signed_in(access_officer).get(f"/cases/{exclusion.case.pk}/").content.decode()
    assert "Permanent exclusion" in page
    assert "Due 23 November 2026" in page
    assert f"/exclusions/{exclusion.pk}/" in page


def test_the_school_records_the_boards_meeting_on_the_page_and_sees_what_comes_next(
    school_user: User, pupil_on_roll: Child
) -> None:
    client = _signed_in(school_user)
    client.post("/exclusions/new/", _form(pupil_on_roll))
    exclusion = Exclusion.objects.get()
    step = {
        "step-step": "board",
        "step-on_0": "16",
        "step-on_1": "11",
        "step-on_2": "2026",
        "step-outcome": "",
        "step-note": "",
    }
    refused = client.post(f"/exclusions/{exclusion.pk}/", step)
    assert "Select the meeting&#x27;s outcome" in refused.content.decode()
    assert not ExclusionStep.objects.exists()
    response = client.post(f"/exclusions/{exclusion.pk}/", {**step, "step-outcome": "upheld"})
    assert response.status_code == 302
    page = client.get(f"/exclusions/{exclusion.pk}/").content.decode()
    assert "Next: parents applied for an independent review, by 7 December 2026" in page
    assert "Governing board met" in page


def test_an_officer_records_prosecution_steps_on_the_consideration_page(access_officer: User) -> None:
    consideration = Consideration.objects.create(
        child=factories.ChildFactory.create(),
        academic_year=2026,
        term="autumn",
        reached_on=dt.date(2026, 11, 13),
        sessions=10,
        window_start=dt.date(2026, 9, 2),
        created_at=dt.datetime(2026, 11, 16, 2, tzinfo=dt.UTC),
        decision="penalty_notice",
    )
    client = _signed_in(access_officer)
    url = f"/exclusions/penalty-notices/{consideration.pk}/"
    assert "Record a prosecution step" in client.get(url).content.decode()
    step = {
        "action": "prosecution",
        "prosecution-on_0": "10",
        "prosecution-on_1": "11",
        "prosecution-on_2": "2026",
    }
    out_of_order = client.post(url, {**step, "prosecution-step": "hearing"})
    assert "Court date cannot come next" in out_of_order.content.decode()
    assert client.post(url, {**step, "prosecution-step": "referred"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Referred for prosecution" in page
    assert "10 November 2026" in page
    assert consideration.prosecution_steps.get().recorded_by == access_officer


def test_a_school_system_records_the_boards_meeting_through_the_api(
    school_user: User, pupil_on_roll: Child, token_client: Callable[[User], APIClient]
) -> None:
    client = token_client(school_user)
    created = client.post(
        "/api/v1/exclusions/",
        _body(pupil_on_roll, kind="permanent", days=None),
        format="json",
        HTTP_IDEMPOTENCY_KEY="p1",
    )
    pk = created.json()["exclusion"]["id"]
    url = f"/api/v1/exclusions/{pk}/steps/"
    wrong = client.post(url, {"step": "panel", "on": "2026-11-16", "outcome": "upheld"}, format="json")
    assert wrong.status_code == 400
    assert "next step" in wrong.json()["detail"]
    response = client.post(
        url,
        {"step": "board", "on": "2026-11-16", "outcome": "upheld", "notice_sent_on": "2026-11-16"},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["review_next"], response.json()["review_due"]) == ("applied", "2026-12-07")
    other = token_client(factories.school_user())
    assert other.post(url, {"step": "applied", "on": "2026-11-16"}, format="json").status_code == 404


def test_a_short_suspension_offers_no_board_step(school_user: User, pupil_on_roll: Child) -> None:
    client = _signed_in(school_user)
    client.post("/exclusions/new/", _form(pupil_on_roll, kind="suspension", days="3"))
    exclusion = Exclusion.objects.get()
    assert exclusion.board_due is None
    page = client.get(f"/exclusions/{exclusion.pk}/").content.decode()
    assert "Record the step" not in page
    refused = client.post(f"/exclusions/{exclusion.pk}/", {"step-step": "board"})
    assert refused.status_code == 403
