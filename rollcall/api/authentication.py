"""Knox's ``Authorization: Token …`` check, noting when and from where each token was last used.

Expired tokens are refused (and deleted) by knox; a deactivated user's tokens are refused. A module
of its own, importing nothing of DRF's views: DRF loads this class (``DEFAULT_AUTHENTICATION_CLASSES``)
while its ``APIView`` is being defined.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from knox.auth import TokenAuthentication
from rest_framework.request import Request

from rollcall import clock
from rollcall.api_throttling import client_address

# A token's last use is written at most this often, so a busy system costs no write per call.
LAST_USED_EVERY = dt.timedelta(minutes=1)


def _address_or_none(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


class ScopedTokenAuthentication(TokenAuthentication):  # type: ignore[misc]  # knox is untyped
    """Knox's token check, noting when and from where each token was last used."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result: tuple[Any, Any] | None = super().authenticate(request)
        if result is not None:
            from rollcall.api.models import ApiToken

            token = result[1]
            now = clock.now()
            address = _address_or_none(client_address(request))
            if (
                token.last_used_at is None
                or now - token.last_used_at >= LAST_USED_EVERY
                or token.last_used_address != address
            ):
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_address=address)
                token.last_used_at, token.last_used_address = now, address
        return result
