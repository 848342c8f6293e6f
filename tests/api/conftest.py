"""API fixtures: clients that authenticate the way school and council systems do."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rollcall.accounts.models import User


@pytest.fixture
def token_client() -> Callable[[User], APIClient]:
    """Return a client that sends ``Authorization: Token <key>`` for the given user."""

    def make(user: User) -> APIClient:
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
