"""Signing in through the real pages, step by step, for the sign-in tests."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rollcall.accounts.models import User
from tests.two_factor import authenticator_for, code_for

PASSWORD = "correct-horse-battery"  # tests/factories.py UserFactory


def password_step(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/accounts/sign-in/", {"username": username, "password": password}, **extra)


def sign_in_fully(client: Client, user: User) -> None:
    """Password, then the code page with the user's authenticator app."""
    device = authenticator_for(user)
    password_step(client, user.username)
    answer = client.post("/accounts/two-factor/code/", {"code": code_for(device), "next": "/"})
    assert answer.status_code == 302, answer.content[:500]
