"""Throttling: every API call counts against its address and its token (or signed-in user);
over the rate the answer is 429 with Retry-After."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from rollcall.accounts.models import User
from tests.api_tokens import token_for

pytestmark = pytest.mark.django_db

# Every route under /api/, with one GET (405 for a route that only takes POST or PUT: still counted).
ROUTES = [
    "/api/schema/",
    "/api/v1/removals/",
    "/api/v1/new-pupils/",
    "/api/v1/attendance-returns/",
    "/api/v1/returns/",
    "/api/v1/schools/100000/roll/",
    "/api/v1/cases/",
    "/api/v1/cases/1/",
    "/api/v1/children/1/",
    "/api/v1/attendance/imports/",
    "/api/v1/attendance/imports/1/",
    "/api/v1/admissions/requests/",
    "/api/v1/admissions/requests/1/confirm/",
    "/api/v1/policies/1/",
    "/api/v1/exclusions/",
    "/api/v1/exclusions/1/steps/",
    "/api/v1/exclusions/penalty-considerations/",
    "/api/v1/exclusions/penalty-considerations/1/decision/",
    "/admissions/api/v1/requests/",
]


@pytest.fixture(autouse=True)
def fresh_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def client_with(key: str, address: str = "192.0.2.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def assert_throttled(answer: object) -> None:
    assert answer.status_code == 429  # type: ignore[attr-defined]
    wait = int(answer["Retry-After"])  # type: ignore[index]
    assert 0 < wait <= 60
    assert answer.json()["detail"].startswith("Request was throttled.")  # type: ignore[attr-defined]


@override_settings(API_THROTTLE_RATES={"address": "1000/minute", "token": "3/minute"})
def test_a_token_over_its_rate_gets_429_with_retry_after(school_user: User) -> None:
    client = client_with(token_for(school_user))
    for _ in range(3):
        assert client.get("/api/v1/removals/").status_code == 200
    assert_throttled(client.get("/api/v1/removals/"))
    # Another token of the same school, from the same address, has its own count.
    assert client_with(token_for(school_user)).get("/api/v1/removals/").status_code == 200


@override_settings(API_THROTTLE_RATES={"address": "1000/minute", "token": "2/minute"})
def test_a_signed_in_user_without_a_token_is_counted_too(inclusion_officer: User) -> None:
    client = APIClient()
    client.force_login(inclusion_officer)
    assert client.get("/api/v1/cases/").status_code == 200
    assert client.get("/api/v1/cases/").status_code == 200
    assert_throttled(client.get("/api/v1/cases/"))


@override_settings(API_THROTTLE_RATES={"address": "3/minute", "token": "1000/minute"})
def test_an_address_over_its_rate_gets_429_whatever_token_it_uses(school_user: User) -> None:
    for _ in range(3):
        assert client_with(token_for(school_user)).get("/api/v1/removals/").status_code == 200
    assert_throttled(client_with(token_for(school_user)).get("/api/v1/removals/"))
    # Another address is counted apart.
    assert (
        client_with(token_for(school_user), address="192.0.2.2").get("/api/v1/removals/").status_code == 200
    )


@override_settings(API_THROTTLE_RATES={"address": "2/minute", "token": "1000/minute"})
def test_wrong_tokens_and_no_token_count_against_the_address() -> None:
    assert client_with("rollcall_guess1").get("/api/v1/cases/").status_code == 401
    assert APIClient(REMOTE_ADDR="192.0.2.1").get("/api/v1/cases/").status_code == 401
    assert_throttled(client_with("rollcall_guess2").get("/api/v1/cases/"))


@override_settings(API_THROTTLE_RATES={"address": "1000/minute", "token": "1/minute"})
@pytest.mark.parametrize("route", ROUTES)
def test_every_endpoint_is_throttled(route: str, school_user: User) -> None:
    client = client_with(token_for(school_user))
    first = client.get(route, HTTP_ACCEPT="application/json")
    assert first.status_code != 429
    assert_throttled(client.get(route, HTTP_ACCEPT="application/json"))


@override_settings(API_THROTTLE_RATES={"address": "1/minute", "token": "1000/minute"})
def test_behind_one_proxy_the_forwarded_address_is_counted(school_user: User) -> None:
    key = token_for(school_user)
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}):
        check_forwarded(key)


def check_forwarded(key: str) -> None:
    proxied = APIClient(REMOTE_ADDR="127.0.0.1")
    proxied.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert proxied.get("/api/v1/removals/", HTTP_X_FORWARDED_FOR="192.0.2.7").status_code == 200
    assert proxied.get("/api/v1/removals/", HTTP_X_FORWARDED_FOR="192.0.2.8").status_code == 200
    assert_throttled(proxied.get("/api/v1/removals/", HTTP_X_FORWARDED_FOR="192.0.2.7"))
