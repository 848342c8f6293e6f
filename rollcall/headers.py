"""Response headers every signed-in page and API answer carries (docs/security.md)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in person and on every API
    response, so a child's details are never kept by a browser's back button, a shared
    computer's disk cache or a proxy. Static files and public pages keep their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.api_prefix = "/api/"
        self.static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path.startswith(self.static_prefix):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith(self.api_prefix) or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response
