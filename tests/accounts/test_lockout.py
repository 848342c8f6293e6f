"""Throttling and lockout (django-axes): per username and per address, the GOV.UK page a
locked-out person sees, the wait, and the administrators' unlock page with its record."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client

from rollcall import clock
from rollcall.accounts.models import SignInUnlock, Team, User
from tests import factories
from tests.accounts.helpers import PASSWORD, password_step

pytestmark = pytest.mark.django_db


def _fail(client: Client, username: str, times: int, address: str = "192.0.2.10") -> list[int]:
    """Wrong passwords; the statuses answered (the one that reaches the limit is already 429)."""
    return [
        password_step(client, username, "not-the-password", REMOTE_ADDR=address).status_code
        for _ in range(times)
    ]


def test_five_wrong_passwords_lock_the_username_from_any_address_with_a_clear_message(
    inclusion_officer: User,
) -> None:
    client = Client()
    assert _fail(client, "inclusion.officer", 5) == [200, 200, 200, 200, 429]
    # Even the right password is refused now, and from another address too.
    locked = password_step(Client(), "inclusion.officer", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Signing in is locked" in body
    assert "govuk-error-summary" in body
    assert "Try again in 30 minutes, or ask your Roll Call administrator to unlock it now" in body
    assert "_auth_user_id" not in Client().session


def test_four_wrong_passwords_do_not_lock_and_a_right_one_clears_them(inclusion_officer: User) -> None:
    client = Client()
    wrong = password_step(client, "inclusion.officer", "not-the-password", REMOTE_ADDR="192.0.2.10")
    assert "Enter a correct username and password" in wrong.content.decode()
    assert _fail(client, "inclusion.officer", 3) == [200, 200, 200]
    assert password_step(client, "inclusion.officer", REMOTE_ADDR="192.0.2.10").status_code == 302
    assert not AccessAttempt.objects.filter(username="inclusion.officer").exists()


def test_wrong_passwords_for_many_usernames_from_one_address_lock_that_address(
    inclusion_officer: User, teams: dict[str, Team]
) -> None:
    for n in range(5):
        _fail(Client(), f"guess{n}", 1, address="203.0.113.66")
    blocked = password_step(Client(), "inclusion.officer", PASSWORD, REMOTE_ADDR="203.0.113.66")
    assert blocked.status_code == 429
    # The officer signs in from their own address.
    assert password_step(Client(), "inclusion.officer", PASSWORD, REMOTE_ADDR="192.0.2.99").status_code == 302


def test_a_lockout_ends_by_itself_after_the_cool_off(inclusion_officer: User) -> None:
    _fail(Client(), "inclusion.officer", 5)
    with time_machine.travel(clock.now() + dt.timedelta(minutes=31)):
        assert password_step(Client(), "inclusion.officer", REMOTE_ADDR="192.0.2.10").status_code == 302


def test_an_administrator_sees_the_lockouts_and_unlocks_one_and_it_is_recorded(
    inclusion_officer: User, client: Client
) -> None:
    admin = factories.administrator(username="council.admin")
    _fail(Client(), "inclusion.officer", 5, address="192.0.2.10")
    client.force_login(admin)
    page = client.get("/accounts/locked/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Username <strong>inclusion.officer</strong>" in html
    assert "Address <code>192.0.2.10</code>" in html

    done = client.post("/accounts/locked/", {"kind": "username", "value": "inclusion.officer"}, follow=True)
    assert "inclusion.officer can sign in again." in done.content.decode()
    record = SignInUnlock.objects.get()
    assert (record.unlocked_by, record.username, record.failures_cleared) == (admin, "inclusion.officer", 5)
    assert "council.admin" in done.content.decode()
    # The address's count went with the username's attempts (they were the same attempts).
    assert password_step(Client(), "inclusion.officer", REMOTE_ADDR="192.0.2.10").status_code == 302


def test_an_address_can_be_unlocked_on_its_own(inclusion_officer: User, client: Client) -> None:
    admin = factories.administrator(username="council.admin")
    for n in range(5):
        _fail(Client(), f"guess{n}", 1, address="203.0.113.66")
    client.force_login(admin)
    assert "Address <code>203.0.113.66</code>" in client.get("/accounts/locked/").content.decode()
    client.post("/accounts/locked/", {"kind": "address", "value": "203.0.113.66"})
    assert SignInUnlock.objects.get().ip_address == "203.0.113.66"
    assert password_step(Client(), "inclusion.officer", REMOTE_ADDR="203.0.113.66").status_code == 302


def test_only_administrators_reach_the_unlock_page(inclusion_manager: User, client: Client) -> None:
    client.force_login(inclusion_manager)
    assert client.get("/accounts/locked/").status_code == 403
    assert client.post("/accounts/locked/", {"kind": "username", "value": "x"}).status_code == 403
    assert not SignInUnlock.objects.exists()
