"""manage.py issue_api_token: how a school's or council's system gets its API token."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.api.models import ApiToken

pytestmark = pytest.mark.django_db


def issue(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("issue_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_it_prints_a_token_once_that_signs_the_school_system_in(school_user: User) -> None:
    key, said = issue("school.user", "--name", "Ash MIS")

    token = ApiToken.objects.get(user=school_user)
    assert token.name == "Ash MIS"
    # The school-system scopes by default, and 90 days' life.
    assert token.scopes == ["admissions", "attendance", "new-pupils", "removals", "schema"]
    assert token.expiry is not None
    assert dt.timedelta(days=89) < token.expiry - clock.now() <= dt.timedelta(days=90)
    # Only the digest is kept: the printed secret appears nowhere in the table.
    assert key.startswith("rollcall_")
    assert key not in {token.digest, token.token_key}
    assert not ApiToken.objects.filter(digest=key).exists()
    assert "shown only now" in said
    assert client_with(key).get("/api/v1/removals/").status_code == 200


def test_scopes_and_expiry_are_as_asked(inclusion_officer: User) -> None:
    key, _ = issue(
        "inclusion.officer",
        "--allow-council-staff",
        "--name",
        "Reporting warehouse",
        "--preset",
        "council-reporting",
        "--days",
        "7",
    )
    token = ApiToken.objects.get(user=inclusion_officer)
    assert token.scopes == ["cases:read", "schema"]
    assert token.expiry is not None
    assert token.expiry - clock.now() <= dt.timedelta(days=7)
    client = client_with(key)
    assert client.get("/api/v1/cases/").status_code == 200
    assert client.get("/api/v1/removals/").status_code == 403


def test_a_second_token_needs_another_name_and_the_first_keeps_working(school_user: User) -> None:
    first, _ = issue("school.user", "--name", "Ash MIS")
    with pytest.raises(CommandError, match="already has a token called 'Ash MIS'"):
        issue("school.user", "--name", "Ash MIS")
    second, _ = issue("school.user", "--name", "Ash MIS (new server)")
    assert first != second
    assert client_with(first).get("/api/v1/removals/").status_code == 200
    assert client_with(second).get("/api/v1/removals/").status_code == 200


def test_revoke_stops_the_token_at_once(school_user: User) -> None:
    key, _ = issue("school.user", "--name", "Ash MIS")
    issue("school.user", "--revoke", "Ash MIS")
    assert client_with(key).get("/api/v1/removals/").status_code == 401
    assert not ApiToken.objects.exists()
    with pytest.raises(CommandError, match="has no token called 'Ash MIS'"):
        issue("school.user", "--revoke", "Ash MIS")


def test_it_refuses_a_council_user_unless_told_it_is_a_service_account(inclusion_officer: User) -> None:
    with pytest.raises(CommandError, match="not a school user"):
        issue("inclusion.officer", "--name", "Warehouse", "--scope", "cases:read")
    assert ApiToken.objects.count() == 0
    # A council token names what it may do: no default scopes for staff.
    with pytest.raises(CommandError, match="--preset or --scope"):
        issue("inclusion.officer", "--allow-council-staff", "--name", "Warehouse")
    key, _ = issue(
        "inclusion.officer", "--allow-council-staff", "--name", "Warehouse", "--scope", "cases:read"
    )
    assert ApiToken.objects.get(user=inclusion_officer).scopes == ["cases:read"]
    assert client_with(key).get("/api/v1/cases/").status_code == 200


def test_it_refuses_bad_requests_with_a_clear_message(school_user: User) -> None:
    with pytest.raises(CommandError, match="There is no user called 'nobody'"):
        issue("nobody", "--name", "x")
    with pytest.raises(CommandError, match="--name"):
        issue("school.user")
    with pytest.raises(CommandError, match="cases:reed is not a scope"):
        issue("school.user", "--name", "x", "--scope", "cases:reed")
    with pytest.raises(CommandError, match="from 1 to 366 days, not 400"):
        issue("school.user", "--name", "x", "--days", "400")
    school_user.is_active = False
    school_user.save()
    with pytest.raises(CommandError, match="deactivated"):
        issue("school.user", "--name", "x")
    assert ApiToken.objects.count() == 0


def test_its_help_promises_nothing_that_does_not_exist(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        call_command("issue_api_token", "--help")
    shown = " ".join(capsys.readouterr().out.split())
    # There is no two-factor step a token could skip; the help says what a token really is.
    assert "Issue a named, scoped, expiring API token" in shown
    assert "two-factor" not in shown
