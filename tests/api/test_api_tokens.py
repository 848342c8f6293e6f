"""API tokens: hashed, expiring, scoped on every endpoint, last use noted, revoked by administrators."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.api.models import ApiToken
from rollcall.api.tokens import token_issue
from rollcall.api_base import SCOPE_PRESETS, SCOPES, ApiChecks
from rollcall.policies import services as policy_services
from tests import factories
from tests.api_tokens import token_for

pytestmark = pytest.mark.django_db


def client_with(key: str, address: str = "127.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# ---- stored hashed, expiring -----------------------------------------------------------------------


def test_only_a_digest_is_stored_and_the_history_holds_no_secret(school_user: User) -> None:
    token, secret = token_issue(user=school_user, name="Ash MIS", scopes=["removals"], days=30)
    stored = ApiToken.objects.get(pk=token.pk)
    assert len(stored.digest) == 128
    assert secret not in stored.digest
    history = ApiToken.history.filter(name="Ash MIS")
    assert history.count() == 1
    assert all(secret not in str(value) for row in history.values() for value in row.values())


def test_an_expired_token_is_refused(school_user: User) -> None:
    secret = token_for(school_user)
    client = client_with(secret)
    assert client.get("/api/v1/removals/").status_code == 200
    with time_machine.travel(clock.now() + dt.timedelta(days=31)):
        answer = client.get("/api/v1/removals/")
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Invalid token."}


def test_an_old_style_plaintext_token_is_refused(school_user: User) -> None:
    # DRF's old tokens were 40 hex characters stored as they are; none is accepted now.
    answer = client_with("0123456789abcdef0123456789abcdef01234567").get("/api/v1/removals/")
    assert answer.status_code == 401


def test_the_migration_revokes_and_drops_the_old_plaintext_tokens(school_user: User) -> None:
    from importlib import import_module

    migration = import_module("rollcall.api.migrations.0002_revoke_plaintext_tokens")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer)")
        cursor.execute(
            "INSERT INTO authtoken_token (key, user_id) VALUES (%s, %s)",
            ["0123456789abcdef0123456789abcdef01234567", school_user.pk],
        )
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.revoke_plaintext_tokens(None, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    # Run again (a database that never had the old table): nothing to do, no error.
    migration.revoke_plaintext_tokens(None, editor)


# ---- scopes --------------------------------------------------------------------------------------


def test_a_school_system_token_sends_returns_but_reads_no_case(school_user: User) -> None:
    client = client_with(token_for(school_user, SCOPE_PRESETS["school-system"]))
    assert client.get("/api/v1/removals/").status_code == 200
    assert client.get("/api/v1/admissions/requests/").status_code == 200
    assert client.get("/api/v1/attendance/imports/").status_code == 200
    refused = client.get("/api/v1/cases/")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "This API token may not do this: it needs the cases:read scope."}
    assert client.get("/api/v1/exclusions/").status_code == 403


def test_a_reading_token_cannot_write(head_of_service: User) -> None:
    policy = policy_services.policy_create(
        title="Children unable to attend school because of health needs",
        owner=head_of_service,
        actor=head_of_service,
        local_offer_url="https://localoffer.northmoor.example/health-needs",
    )
    client = client_with(token_for(head_of_service, ["cases:read", "policies:read"]))
    assert client.get("/api/v1/cases/").status_code == 200
    assert client.get(f"/api/v1/policies/{policy.pk}/").status_code == 200
    changed = client.patch(f"/api/v1/policies/{policy.pk}/", {"title": "Changed"}, format="json")
    assert changed.status_code == 403
    assert changed.json() == {"detail": "This API token may not do this: it needs the policies:write scope."}
    policy.refresh_from_db()
    assert policy.title.startswith("Children unable")


def test_scopes_never_grant_what_the_user_may_not_do(inclusion_officer: User) -> None:
    # Every scope, but an Inclusion officer is not a school: the view's own check still refuses.
    client = client_with(token_for(inclusion_officer))
    answer = client.post("/api/v1/removals/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert answer.status_code == 403
    assert "Only a school user" in answer.json()["detail"]


def test_a_signed_in_session_has_no_scope_limit(inclusion_officer: User) -> None:
    client = APIClient()
    client.force_login(inclusion_officer)
    assert client.get("/api/v1/cases/").status_code == 200


def _api_views() -> list[tuple[str, type]]:
    found: list[tuple[str, type]] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
                continue
            view_class = getattr(entry.callback, "cls", None) or getattr(entry.callback, "view_class", None)
            route = prefix + str(entry.pattern)
            if view_class is not None and "api/" in route:
                found.append((route, view_class))

    walk(get_resolver().url_patterns, "/")
    return found


def test_every_api_route_names_a_known_scope_for_each_method_it_answers() -> None:
    views = _api_views()
    assert len(views) >= 17  # the routes of /api/ and the deprecated admissions aliases
    # A partner council's signed message takes no token at all (its Ed25519 signature is the
    # proof: tests/transfers/), so no token scope applies to it.
    signed = [
        route for route, view_class in views if getattr(view_class, "authentication_classes", None) == ()
    ]
    assert signed == ["/api/v1/transfers/messages/"], signed
    for route, view_class in views:
        if route in signed:
            continue
        assert issubclass(view_class, ApiChecks), f"{route} is not built on ApiChecks"
        answered = {
            m.upper()
            for m in view_class.http_method_names
            if m not in {"options", "head"} and hasattr(view_class, m)
        }
        assert answered, route
        assert set(view_class.api_scopes) == answered, route
        for scopes in view_class.api_scopes.values():
            assert scopes, route
            assert set(scopes) <= set(SCOPES), route


def test_every_preset_is_made_of_known_scopes() -> None:
    for scopes in SCOPE_PRESETS.values():
        assert set(scopes) <= set(SCOPES)
    assert set(SCOPE_PRESETS["school-system"]) == {
        "removals",
        "new-pupils",
        "attendance",
        "admissions",
        "schema",
    }


# ---- last used -------------------------------------------------------------------------------------


def test_the_time_and_address_of_last_use_are_kept(school_user: User) -> None:
    token, secret = token_issue(user=school_user, name="Ash MIS", scopes=["removals"], days=30)
    assert token.last_used_at is None
    client_with(secret, address="192.0.2.10").get("/api/v1/removals/")
    used = ApiToken.objects.get(pk=token.pk)
    assert used.last_used_address == "192.0.2.10"
    assert used.last_used_at is not None
    assert abs(used.last_used_at - clock.now()) < dt.timedelta(minutes=1)
    client_with(secret, address="198.51.100.7").get("/api/v1/removals/")
    assert ApiToken.objects.get(pk=token.pk).last_used_address == "198.51.100.7"


# ---- the administrators' page ------------------------------------------------------------------------


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_administrators_see_every_token_and_revoke_one(school_user: User) -> None:
    admin = factories.administrator(username="admin.person", first_name="Ada", last_name="Admin")
    token, secret = token_issue(user=school_user, name="Ash MIS", scopes=["removals", "attendance"], days=30)
    client_with(secret, address="192.0.2.10").get("/api/v1/removals/")
    page = signed_in(admin).get("/api-tokens/")
    html = page.content.decode()
    assert page.status_code == 200
    for shown in ("Ash MIS", school_user.username, "removals", "attendance", "192.0.2.10", "Revoke"):
        assert shown in html
    assert secret not in html

    web = signed_in(admin)
    answer = web.post("/api-tokens/revoke/", {"token": token.digest}, follow=True)
    assert "is revoked: it no longer works" in answer.content.decode()
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert client_with(secret).get("/api/v1/removals/").status_code == 401
    # Audited: who revoked it, shown on the page.
    revoked = ApiToken.history.filter(name="Ash MIS", history_type="-").get()
    assert revoked.history_user == admin
    assert "Revoked or expired" in web.get("/api-tokens/").content.decode()


def test_only_administrators_may_see_or_revoke_tokens(school_user: User, head_of_service: User) -> None:
    token, secret = token_issue(user=school_user, name="Ash MIS", scopes=["removals"], days=30)
    for user in (head_of_service, school_user):
        assert signed_in(user).get("/api-tokens/").status_code == 403
        assert signed_in(user).post("/api-tokens/revoke/", {"token": token.digest}).status_code == 403
    assert client_with(secret).get("/api/v1/removals/").status_code == 200


def test_the_page_needs_sign_in() -> None:
    answer = Client().get("/api-tokens/")
    assert answer.status_code == 302
    assert "/accounts/sign-in/" in answer["Location"]
