"""The service's own error pages: GOV.UK pages, never Django's plain ones or a traceback."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from rollcall.accounts.models import User


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_server_error_page_needs_no_database_no_user_and_shows_no_detail() -> None:
    # Django renders it with no request context, e.g. when PostgreSQL is down.
    response = server_error(RequestFactory().get("/cases/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    assert "govuk-template" in page
    assert "Traceback" not in page


@pytest.mark.django_db
def test_a_missing_page_is_the_govuk_page_not_found(inclusion_officer: User) -> None:
    response = signed_in(inclusion_officer).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_a_refused_page_says_so_in_plain_english(school_user: User) -> None:
    response = signed_in(school_user).get("/audit/")
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


@pytest.mark.django_db
def test_an_anonymous_missing_page_is_also_the_govuk_page() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
