"""Sessions end with the browser and after 30 minutes without a request (idle timeout)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from rollcall.accounts.models import User
from tests.accounts.helpers import sign_in_fully

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)


def test_the_session_cookie_ends_with_the_browser(inclusion_officer: User) -> None:
    client = Client()
    sign_in_fully(client, inclusion_officer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"]


def test_a_session_survives_use_but_ends_after_30_idle_minutes(inclusion_officer: User) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_fully(client, inclusion_officer)
        # Used every 20 minutes for two hours: still signed in.
        for _ in range(6):
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get("/cases/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        answer = client.get("/cases/")
        # (A minute's slack: the expiry is pushed on at most once a minute.)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/sign-in/")


def test_requests_within_a_minute_do_not_write_the_session_again(inclusion_officer: User) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_fully(client, inclusion_officer)
        client.get("/cases/")
        expiry = Session.objects.get().expire_date
        traveller.shift(dt.timedelta(seconds=30))
        client.get("/cases/")
        assert Session.objects.get().expire_date == expiry
        traveller.shift(dt.timedelta(seconds=31))
        client.get("/cases/")
        assert Session.objects.get().expire_date == expiry + dt.timedelta(seconds=61)


@override_settings(SESSION_COOKIE_AGE=10 * 60)
def test_the_idle_time_comes_from_the_setting(inclusion_officer: User) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_fully(client, inclusion_officer)
        traveller.shift(dt.timedelta(minutes=11))
        assert client.get("/cases/").status_code == 302


def test_the_setting_is_thirty_minutes_by_default() -> None:
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
