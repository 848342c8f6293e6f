"""Signing in to the API: tokens, sessions, and what an unauthenticated caller gets."""

from __future__ import annotations

import pytest
import yaml
from django.urls import resolve
from rest_framework.test import APIClient

from rollcall.accounts.models import User

API_PATHS = [
    "/api/schema/",
    "/api/v1/removals/",
    "/api/v1/cases/",
    "/api/v1/cases/1/",
    "/api/v1/children/1/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", API_PATHS)
def test_an_unauthenticated_call_gets_a_json_401_not_a_sign_in_redirect(path: str) -> None:
    response = APIClient().get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_an_unauthenticated_post_of_a_removal_gets_a_json_401() -> None:
    response = APIClient().post("/api/v1/removals/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.django_db
def test_a_wrong_token_is_refused_with_a_json_401() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


@pytest.mark.parametrize("path", API_PATHS)
def test_every_api_view_is_exempt_from_the_sign_in_redirect(path: str) -> None:
    # LoginRequiredMiddleware cannot see API tokens; DRF's IsAuthenticated checks instead.
    assert resolve(path).func.login_required is False  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_school_user_authenticates_with_a_token(school_user: User, token_client) -> None:
    response = token_client(school_user).get("/api/v1/removals/")
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.django_db
def test_a_deactivated_users_token_stops_working(school_user: User, token_client) -> None:
    client = token_client(school_user)
    school_user.is_active = False
    school_user.save()
    assert client.get("/api/v1/removals/").status_code == 401


@pytest.mark.django_db
def test_a_signed_in_browser_session_may_read_the_api(inclusion_officer: User) -> None:
    client = APIClient()
    client.force_login(inclusion_officer)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.django_db
def test_the_schema_is_openapi_3_with_every_endpoint(inclusion_officer: User, token_client) -> None:
    response = token_client(inclusion_officer).get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Roll Call API"
    assert set(schema["paths"]) == {
        "/api/v1/removals/",
        "/api/v1/new-pupils/",
        "/api/v1/attendance-returns/",
        "/api/v1/returns/",
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/children/{id}/",
        "/api/v1/attendance/imports/",
        "/api/v1/attendance/imports/{id}/",
        # The school's answer to a "put on roll" request lives with the admissions app.
        "/api/v1/admissions/requests/",
        "/api/v1/admissions/requests/{id}/confirm/",
        "/api/v1/policies/{id}/",
        # A school's whole roll (issue 12).
        "/api/v1/schools/{urn}/roll/",
        # Exclusion notifications and penalty-notice decisions (the exclusions app).
        "/api/v1/exclusions/",
        "/api/v1/exclusions/{id}/steps/",
        "/api/v1/exclusions/penalty-considerations/",
        "/api/v1/exclusions/penalty-considerations/{id}/decision/",
        # Signed messages from partner councils (the transfers app, issue 17).
        "/api/v1/transfers/messages/",
        # Home-education records and parents' notifications (issue 15).
        "/api/v1/home-education/records/",
        "/api/v1/home-education/records/{id}/",
        "/api/v1/home-education/notifications/",
    }
    post = schema["paths"]["/api/v1/removals/"]["post"]
    header = next(p for p in post["parameters"] if p["in"] == "header")
    assert header == {**header, "name": "Idempotency-Key", "required": True}
    assert {"201", "202", "200", "400", "403"} <= set(post["responses"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_the_schema_is_also_served_as_json(inclusion_officer: User, token_client) -> None:
    response = token_client(inclusion_officer).get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_the_schema_validates_against_the_openapi_specification(tmp_path) -> None:
    from django.core.management import call_command

    # --fail-on-warn: a view drf-spectacular cannot describe fails here, not in a client's build.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    assert "/api/v1/removals/" in schema["paths"]
