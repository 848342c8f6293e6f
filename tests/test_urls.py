"""Every page needs sign-in, except an explicit allow-list (walks the whole URLconf)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Pages anyone may open without signing in.
ALLOW_ANONYMOUS = {
    "accounts:sign-in",
    # Single sign-on with the council's account: the button's POST and the provider's return.
    "accounts:sso-start",
    "accounts:sso-callback",
    # The published policies (seed 000: the policy must be public, on the Local Offer).
    "policies:published",
    "policies:published-detail",
    "policies:published-file",
    # For load balancers and monitors (rollcall/operations/views.py): no personal data.
    "operations:healthz",
    "operations:readyz",
    "operations:metrics",
    # A parent tells the council they educate their child at home (no account needed).
    "homeeducation:notify",
    # GOV.UK Notify's callbacks: no session, authenticated by Notify's bearer token instead
    # (tests/notify/test_carers.py); without it they answer 401.
    "notify:notify-delivery-status",
    "notify:notify-returned-letter",
    # A partner council's signed transfer or acknowledgement (rollcall/transfers/api.py): no user
    # signs in, the Ed25519 signature of the body proves the sender (tests/transfers/).
    "api:transfer-messages",
}
# What those answer an anonymous visitor: /readyz is 503 until a worker and a sweep have run;
# /metrics is 404 to anyone without its token or a listed address; Notify's callbacks 405 to a GET.
# The single sign-on start takes only a POST; its return, with single sign-on off, goes back to
# the sign-in page.
ANONYMOUS_STATUS = {
    "operations:readyz": {200, 503},
    "operations:metrics": {404},
    "notify:notify-delivery-status": {405},
    "notify:notify-returned-letter": {405},
    # Only POST, and only signed: a GET is refused whoever asks.
    "api:transfer-messages": {405},
    "accounts:sso-start": {405},
    "accounts:sso-callback": {302},
}


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if ns == "admin":
                continue  # Django's admin has its own sign-in page (tested below)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield prefix + str(pattern.pattern), name


def _example_path(route: str) -> str:
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(str|slug):[^>]+>", "x", route)
    route = re.sub(r"<[^>]+>", "1", route)
    return "/" + route.lstrip("^").rstrip("$").replace("\\Z", "")


ROUTES = sorted(set(_walk(get_resolver().url_patterns)))


def test_the_walk_finds_the_pages_that_matter() -> None:
    names = {name for _route, name in ROUTES}
    assert {"home", "accounts:sign-in", "casework:caseload", "casework:case"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), ROUTES)
def test_every_page_needs_sign_in(route: str, name: str) -> None:
    if "(?P" in route or "(?" in route:
        pytest.skip("a regex route (format suffix) is covered by its plain twin")
    response = Client().get(_example_path(route))
    if name in ALLOW_ANONYMOUS:
        # A page about one thing answers 404 for the made-up example, but never asks to sign in.
        expected = ANONYMOUS_STATUS.get(name, {200, 404} if "<" in route else {200})
        assert response.status_code in expected, f"{route}: {response.status_code}"
    elif route.startswith("api/") or "/api/" in route:
        assert response.status_code in {401, 403}, f"{route} answered {response.status_code}"
    else:
        assert response.status_code == 302, f"{route} answered {response.status_code}"
        assert response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.django_db
def test_the_django_admin_needs_sign_in_too() -> None:
    response = Client().get("/django-admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]
