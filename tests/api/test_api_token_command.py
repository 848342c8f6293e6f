"""manage.py issue_api_token: how a school's system gets its API token."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rollcall.accounts.models import User

pytestmark = pytest.mark.django_db


def issue(*args: str) -> str:
    out = StringIO()
    call_command("issue_api_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_it_prints_a_token_that_signs_the_school_user_in_to_the_api(school_user: User) -> None:
    key = issue("school.user")

    assert Token.objects.get(user=school_user).key == key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/removals/").status_code == 200


def test_running_it_again_prints_the_same_token(school_user: User) -> None:
    assert issue("school.user") == issue("school.user")
    assert Token.objects.count() == 1


def test_rotate_replaces_the_token_and_the_old_one_stops_working(school_user: User) -> None:
    old = issue("school.user")
    new = issue("school.user", "--rotate")

    assert new != old
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/v1/removals/").status_code == 401


def test_it_refuses_a_council_user_unless_told_it_is_a_service_account(inclusion_officer: User) -> None:
    with pytest.raises(CommandError, match="not a school user"):
        issue("inclusion.officer")
    assert Token.objects.count() == 0

    assert (
        issue("inclusion.officer", "--allow-council-staff") == Token.objects.get(user=inclusion_officer).key
    )


def test_it_refuses_an_unknown_or_deactivated_user(school_user: User) -> None:
    with pytest.raises(CommandError, match="There is no user called 'nobody'"):
        issue("nobody")
    school_user.is_active = False
    school_user.save()
    with pytest.raises(CommandError, match="deactivated"):
        issue("school.user")
