"""API throttling: every call counts against its address and its token (or signed-in user).

Rates are ``settings.API_THROTTLE_RATES`` ("600/minute"), read at each call; over a rate the answer
is 429 with ``Retry-After``. A module of its own, without DRF's views: DRF imports these classes
while its ``APIView`` is being defined (``DEFAULT_THROTTLE_CLASSES``).

Counts live in Django's default cache: the shared one that ``CACHE_URL`` names (Redis) in
production, so every web process counts against one total; each process's own memory when it is
unset. When the shared cache cannot be reached, calls are refused with 503 rather than let
through uncounted (docs/security.md).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:
    from rest_framework.views import APIView

__all__ = ["AddressRateThrottle", "CountsUnavailable", "TokenRateThrottle", "client_address"]

logger = logging.getLogger(__name__)


class CountsUnavailable(APIException):
    """The cache holding the counts cannot be reached: refuse rather than let a call through uncounted."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Roll Call cannot count API calls just now. Try again in a minute."
    default_code = "throttle_unavailable"


class _SettingsRateThrottle(SimpleRateThrottle):
    """A throttle whose rate is read from ``settings.API_THROTTLE_RATES`` at each call."""

    scope = ""

    def get_rate(self) -> str | None:
        rate: str | None = settings.API_THROTTLE_RATES.get(self.scope)
        return rate

    def allow_request(self, request: Request, view: APIView) -> bool:
        # Read the rate now, not when the class was loaded, so a change of settings takes effect.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception as failed:  # the cache's own errors (Redis down, a full disk) vary by backend
            logger.error("API throttle counts unavailable (%s): call refused", type(failed).__name__)
            raise CountsUnavailable from failed


class AddressRateThrottle(_SettingsRateThrottle):
    """Calls from one address (REMOTE_ADDR, or X-Forwarded-For past ``NUM_PROXIES`` proxies)."""

    scope = "address"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenRateThrottle(_SettingsRateThrottle):
    """Calls with one API token, or by one signed-in user without a token."""

    scope = "token"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        token_id = getattr(request.auth, "pk", None)
        if token_id is not None:
            ident = f"token-{token_id}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


def client_address(request: Request) -> str:
    """The caller's address as the throttles see it."""
    return str(AddressRateThrottle().get_ident(request))
