"""Issuing, using and revoking API tokens (django-rest-knox, extended by ``api.ApiToken``).

- :func:`token_issue` makes a named, scoped, expiring token and returns the secret once; only its
  digest is kept.
- ``rollcall.api.authentication.ScopedTokenAuthentication`` checks ``Authorization: Token …``.
- :func:`token_revoke` deletes a token at once; its history keeps who revoked it for the audit page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from knox.models import get_digest_token
from knox.settings import CONSTANTS

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.api.models import ApiToken
from rollcall.api_base import SCOPES

logger = logging.getLogger(__name__)


class TokenError(ValueError):
    """A token that cannot be issued as asked; the message says why, for a person to read."""


def token_issue(
    *,
    user: User,
    name: str,
    scopes: Iterable[str],
    days: int | None = None,
    issued_by: User | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``'s system; returns the record and the secret (shown only once)."""
    name = name.strip()
    if not name:
        raise TokenError("Give the token a name that says which system uses it.")
    wanted = sorted(set(scopes))
    if not wanted:
        raise TokenError("Give the token at least one scope.")
    unknown = [scope for scope in wanted if scope not in SCOPES]
    if unknown:
        raise TokenError(f"{', '.join(unknown)} is not a scope. The scopes are: {', '.join(SCOPES)}.")
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise TokenError(f"A token lasts from 1 to {settings.API_TOKEN_MAX_DAYS} days, not {days}.")
    if not user.is_active:
        raise TokenError(f"{user.username} is deactivated; reactivate the account before issuing a token.")
    if ApiToken.objects.filter(user=user, name=name).exists():
        raise TokenError(
            f"{user.username} already has a token called {name!r}: revoke it first, or use another name."
        )
    with transaction.atomic():
        digest, secret = get_digest_token()  # knox: a random secret and its SHA-512 digest
        token = ApiToken.objects.create(
            digest=digest,
            token_key=secret[: CONSTANTS.TOKEN_KEY_LENGTH],
            user=user,
            expiry=clock.now() + dt.timedelta(days=days),
            name=name,
            scopes=wanted,
            issued_by=issued_by,
        )
    logger.info("API token %s issued to user %s with scopes %s", token.token_key, user.pk, ",".join(wanted))
    return token, secret


def token_revoke(token: ApiToken, *, by: User | None) -> None:
    """Stop a token working at once. The history row records who revoked it."""
    token._history_user = by  # type: ignore[attr-defined]  # django-simple-history's hook
    logger.info("API token %s of user %s revoked by user %s", token.token_key, token.user_id, by and by.pk)
    token.delete()


def tokens_revoke_for(user: User, *, by: User | None) -> int:
    """Revoke every token of one user (e.g. when they leave); returns how many."""
    tokens = list(ApiToken.objects.filter(user=user))
    for token in tokens:
        token_revoke(token, by=by)
    return len(tokens)
