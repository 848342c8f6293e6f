"""Two checks on every page, after ``LoginRequiredMiddleware``:

1. a signed-in person whose role must use two-factor (``TWO_FACTOR_REQUIRED_ROLES``) and has not
   passed it in this session is sent to enter their code, or to set up an app when they have none;
   nothing else is reachable until then (the API answers 403);
2. a bulk download named in ``REAUTHENTICATE_BEFORE`` asks for the password (and code) again when
   the person last gave it more than ``REAUTHENTICATE_AFTER_MINUTES`` ago, then continues to it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from rollcall.accounts import oidc, two_factor
from rollcall.accounts.models import User

# Pages a person part-way through signing in may still reach.
_ALWAYS_OPEN = {"accounts:sign-out"}


@cache
def _downloads() -> dict[str, list[tuple[str, str] | None]]:
    """REAUTHENTICATE_BEFORE as {view name: [None (always) or (field, value)]}."""
    found: dict[str, list[tuple[str, str] | None]] = {}
    for entry in settings.REAUTHENTICATE_BEFORE:
        name, _, query = entry.partition("?")
        condition = tuple(query.split("=", 1)) if query else None
        found.setdefault(name, []).append(condition)  # type: ignore[arg-type]
    return found


def is_bulk_download(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is None:
        return False
    conditions = _downloads().get(match.view_name, [])
    return any(c is None or request.GET.get(c[0]) == c[1] for c in conditions)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if getattr(view_func, "two_factor_exempt", False) or view_name in _ALWAYS_OPEN:
            return None
        signed_in: User = user
        # OTPMiddleware gave every user is_verified(): True once this session passed two-factor.
        passed = getattr(user, "is_verified", lambda: False)() or oidc.session_passed_two_factor_at_provider(
            request
        )
        if not passed and two_factor.must_use_two_factor(signed_in):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Finish signing in with your two-factor code first."}, status=403
                )
            admin = match is not None and match.app_name == "admin"
            if not getattr(view_func, "login_required", True) and not admin:
                return None  # public pages: the sign-in page, health checks (not Django admin's)
            step = (
                "accounts:two-factor-verify"
                if two_factor.has_two_factor(signed_in)
                else "accounts:two-factor-enrol"
            )
            return redirect(f"{reverse(step)}?{urlencode({'next': _wanted(request)})}")
        if is_bulk_download(request) and not two_factor.identity_confirmed_within(
            request, settings.REAUTHENTICATE_AFTER_MINUTES
        ):
            return redirect(
                f"{reverse('accounts:confirm-identity')}?{urlencode({'next': request.get_full_path()})}"
            )
        return None


def _wanted(request: HttpRequest) -> str:
    return request.get_full_path() if request.method == "GET" else reverse("home")
