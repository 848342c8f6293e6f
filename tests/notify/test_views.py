"""The in-app inbox: your own messages, unread first; opening one marks it read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.notify.models import Message
from tests import factories

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def message(recipient: User, subject: str, *, minutes: int = 0, read: bool = False, url: str = "") -> Message:
    return Message.objects.create(
        recipient=recipient,
        subject=subject,
        body=f"Body of {subject}",
        url=url,
        created_at=WHEN + dt.timedelta(minutes=minutes),
        read_at=WHEN if read else None,
        key=f"test:{subject}:{recipient.pk}",
    )


@pytest.fixture
def officer() -> User:
    return factories.staff(username="inbox.officer")


def test_the_inbox_shows_unread_messages_first_and_in_bold(officer: User) -> None:
    old_unread = message(officer, "Old unread", minutes=0)
    new_read = message(officer, "New but read", minutes=30, read=True)
    new_unread = message(officer, "New unread", minutes=20)
    response = signed_in(officer).get(reverse("notify:inbox"))
    assert list(response.context["page_obj"]) == [new_unread, old_unread, new_read]
    page = response.content.decode()
    assert f'<strong><a class="govuk-link" href="{reverse("notify:message", args=[new_unread.pk])}">' in page
    assert (
        f'<strong><a class="govuk-link" href="{reverse("notify:message", args=[new_read.pk])}">' not in page
    )
    assert "2 unread messages" in page


def test_the_inbox_shows_only_my_messages(officer: User) -> None:
    someone_else = factories.staff(username="someone.else")
    message(someone_else, "Not for you")
    response = signed_in(officer).get(reverse("notify:inbox"))
    assert "Not for you" not in response.content.decode()
    assert "You have no messages" in response.content.decode()


def test_opening_a_message_marks_it_read_and_shows_it(officer: User) -> None:
    mine = message(officer, "Case opened", url="/cases/7/")
    response = signed_in(officer).get(reverse("notify:message", args=[mine.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Case opened" in page
    assert "Body of Case opened" in page
    assert 'href="/cases/7/"' in page
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_link_that_leaves_roll_call_is_not_shown(officer: User) -> None:
    mine = message(officer, "Odd", url="https://example.invalid/")
    page = signed_in(officer).get(reverse("notify:message", args=[mine.pk])).content.decode()
    assert "example.invalid" not in page


def test_nobody_else_may_open_a_message(officer: User) -> None:
    mine = message(officer, "Private")
    other = factories.staff(username="nosy.officer")
    response = signed_in(other).get(reverse("notify:message", args=[mine.pk]))
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


def test_the_inbox_costs_the_same_for_many_messages(officer: User, django_assert_max_num_queries) -> None:
    for i in range(70):
        message(officer, f"Message {i}", minutes=i, read=i % 2 == 0)
    client = signed_in(officer)
    # +1: the session's two-factor device (django-otp's middleware, docs/sign-in.md)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("notify:inbox"))
    assert len(response.context["page_obj"]) == 50
    assert response.context["unread"] == 35
