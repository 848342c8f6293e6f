"""API tokens for tests: issued through the same service as ``manage.py issue_api_token``."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from rollcall.accounts.models import User
from rollcall.api.tokens import token_issue
from rollcall.api_base import SCOPES

_names = itertools.count(1)


def token_for(user: User, scopes: Iterable[str] = tuple(SCOPES)) -> str:
    """A new token for ``user``, with every scope unless told fewer; returns the secret."""
    _token, secret = token_issue(user=user, name=f"Test system {next(_names)}", scopes=scopes, days=30)
    return secret
