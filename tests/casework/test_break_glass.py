"""Break the glass (ADR 0008): an officer outside a child's teams opens the record only after
giving a reason, for BREAK_GLASS_MINUTES; each view is logged with the reason, the owning team's
managers are told (no personal facts), and administrators and those managers see a report."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import Team, User
from rollcall.audit.models import RecordView
from rollcall.casework.models import BreakGlass, Case
from rollcall.casework.services import case_open
from rollcall.notify.models import Message
from rollcall.rules.workflow import Role
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]

REASON = "Police asking about the childs safety tonight; Inclusion cannot be reached."


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def inclusion_case() -> Case:
    child = factories.ChildFactory.create(legal_forename="Ffion", legal_surname="Breakwater")
    factories.AddressFactory.create(child=child)
    return case_open(child=child, kind="cme", team=Team.objects.get(kind="inclusion"), source="test")


@pytest.fixture
def outsider(teams: dict[str, Team]) -> User:
    """An officer of the SEN team: no case about the child."""
    return factories.staff(Role.OFFICER, Team.Kind.SEN, username="sen.officer")


def child_url(case: Case) -> str:
    return reverse("children:child", args=[case.child_id])


def glass_url(case: Case) -> str:
    return reverse("children:break-glass", args=[case.child_id])


def test_an_outsider_is_asked_for_a_reason_and_the_attempt_is_logged_refused(
    outsider: User, inclusion_case: Case
) -> None:
    response = signed_in(outsider).get(child_url(inclusion_case))

    assert response.status_code == 302
    assert response["Location"] == glass_url(inclusion_case)
    assert list(RecordView.objects.values_list("user", "child", "outcome")) == [
        (outsider.pk, inclusion_case.child_id, RecordView.Outcome.REFUSED)
    ]
    form = signed_in(outsider).get(glass_url(inclusion_case))
    assert form.status_code == 200
    html = form.content.decode()
    assert "Why do you need to open this record?" in html
    assert "Breakwater" not in html  # the question does not say whose record it is
    assert not BreakGlass.objects.exists()


def test_the_question_is_the_same_for_a_child_who_does_not_exist(outsider: User) -> None:
    response = signed_in(outsider).get(reverse("children:break-glass", args=[999999]))
    assert response.status_code == 200
    refused = signed_in(outsider).post(reverse("children:break-glass", args=[999999]), {"reason": REASON})
    assert refused.status_code == 404
    assert not BreakGlass.objects.exists()
    assert not Message.objects.filter(key__startswith="break-glass:").exists()


def test_no_reason_no_access(outsider: User, inclusion_case: Case) -> None:
    response = signed_in(outsider).post(glass_url(inclusion_case), {"reason": "  "})

    assert response.status_code == 200
    assert "Enter why you need to open this record" in response.content.decode()
    assert not BreakGlass.objects.exists()
    assert signed_in(outsider).get(child_url(inclusion_case)).status_code == 302


def test_with_a_reason_the_record_opens_and_each_view_is_logged_with_it(
    outsider: User, inclusion_case: Case, inclusion_manager: User, settings
) -> None:
    settings.BREAK_GLASS_MINUTES = 30
    client = signed_in(outsider)
    response = client.post(glass_url(inclusion_case), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == child_url(inclusion_case)

    access = BreakGlass.objects.get()
    assert (access.user, access.child_id, access.reason) == (outsider, inclusion_case.child_id, REASON)
    assert access.expires_at - access.granted_at == dt.timedelta(minutes=30)

    page = client.get(child_url(inclusion_case))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Breakwater" in html
    assert "You opened this record by breaking the glass" in html
    # The cases are listed so the officer knows which team to call, but not linked to.
    assert inclusion_case.reference in html
    assert reverse("casework:case", args=[inclusion_case.pk]) not in html
    glass_views = RecordView.objects.filter(outcome=RecordView.Outcome.BREAK_GLASS)
    assert list(glass_views.values_list("user", "child", "reason")) == [
        (outsider.pk, inclusion_case.child_id, REASON)
    ]
    # The case itself stays closed to them: 404, logged as refused.
    assert client.get(reverse("casework:case", args=[inclusion_case.pk])).status_code == 404
    assert RecordView.objects.filter(
        user=outsider, what="case", outcome=RecordView.Outcome.REFUSED, child=inclusion_case.child
    ).exists()


def test_the_access_ends_after_the_set_time(
    outsider: User, inclusion_case: Case, frozen_clock, settings
) -> None:
    settings.BREAK_GLASS_MINUTES = 30
    client = signed_in(outsider)
    client.post(glass_url(inclusion_case), {"reason": REASON})
    frozen_clock.shift(dt.timedelta(minutes=29))
    assert client.get(child_url(inclusion_case)).status_code == 200
    frozen_clock.shift(dt.timedelta(minutes=2))
    response = client.get(child_url(inclusion_case))
    assert response.status_code == 302
    assert response["Location"] == glass_url(inclusion_case)


def test_the_owning_teams_managers_are_told_without_personal_facts(
    outsider: User,
    inclusion_case: Case,
    inclusion_manager: User,
    inclusion_officer: User,
    django_capture_on_commit_callbacks,
) -> None:
    other_manager = factories.staff(Role.MANAGER, Team.Kind.ADMISSIONS, username="admissions.manager")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(outsider).post(glass_url(inclusion_case), {"reason": REASON})

    told = Message.objects.filter(key__startswith="break-glass:")
    assert [m.recipient for m in told] == [inclusion_manager]
    message = told.get()
    access = BreakGlass.objects.get()
    assert message.subject == "A break-the-glass access to review"
    assert message.url == reverse("children:break-glass-report") + f"#access-{access.pk}"
    child = inclusion_case.child
    for fact in (child.legal_forename, child.legal_surname, str(child.pk), REASON, outsider.username):
        assert fact not in message.subject + message.body
    # The e-mail copy (sent by the notify task) carries no personal facts either.
    sent = [m for m in mail.outbox if m.to == [inclusion_manager.email]]
    assert len(sent) == 1
    for fact in (child.legal_forename, child.legal_surname, REASON, outsider.username):
        assert fact not in f"{sent[0].subject}{sent[0].body}"
    assert f"/children/{child.pk}" not in sent[0].body
    assert not told.filter(recipient__in=[other_manager, inclusion_officer]).exists()


def test_the_managers_of_a_closed_cases_team_are_told_when_no_case_is_open(
    outsider: User, inclusion_manager: User
) -> None:
    child = factories.ChildFactory.create()
    case = case_open(child=child, kind="cme", team=Team.objects.get(kind="inclusion"), source="test")
    Case.objects.filter(pk=case.pk).update(
        closed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), status="closed", outcome="found"
    )
    signed_in(outsider).post(reverse("children:break-glass", args=[child.pk]), {"reason": REASON})
    told = Message.objects.filter(key__startswith="break-glass:")
    assert [m.recipient for m in told] == [inclusion_manager]


def test_who_may_break_the_glass(
    school_user: User, inclusion_case: Case, head_of_service: User, inclusion_officer: User
) -> None:
    # A school user gets the same 404 as ever; no question is offered.
    assert signed_in(school_user).get(child_url(inclusion_case)).status_code == 404
    assert signed_in(school_user).get(glass_url(inclusion_case)).status_code == 404
    reader = factories.staff(Role.READER, Team.Kind.HEADS, username="reader")
    assert signed_in(reader).get(child_url(inclusion_case)).status_code == 404
    assert signed_in(reader).post(glass_url(inclusion_case), {"reason": REASON}).status_code == 404
    # Those who already see the child go straight to the record.
    for user in (head_of_service, inclusion_officer):
        response = signed_in(user).get(glass_url(inclusion_case))
        assert response.status_code == 302
        assert response["Location"] == child_url(inclusion_case)
    assert not BreakGlass.objects.exists()


def test_a_child_with_no_case_cannot_be_opened_this_way(outsider: User) -> None:
    child = factories.ChildFactory.create()
    response = signed_in(outsider).post(reverse("children:break-glass", args=[child.pk]), {"reason": REASON})
    assert response.status_code == 404
    assert not BreakGlass.objects.exists()


def test_the_report_lists_every_access_for_administrators_with_a_csv(
    outsider: User, inclusion_case: Case, inclusion_manager: User
) -> None:
    signed_in(outsider).post(glass_url(inclusion_case), {"reason": "=HYPERLINK(1) " + REASON})
    access = BreakGlass.objects.get()
    admin = factories.administrator(username="admin")

    page = signed_in(admin).get(reverse("children:break-glass-report"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="access-{access.pk}"' in html
    assert "sen.officer" in html
    assert f">{inclusion_case.child_id}<" in html
    assert REASON in html

    download = signed_in(admin).get(reverse("children:break-glass-csv"))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["Access", "When", "Who", "Username", "Child id", "Reason", "Until"]
    assert len(rows) == 2
    assert rows[1][0] == str(access.pk)
    assert rows[1][1] == "2026-11-16T10:00+00:00"
    assert rows[1][3] == "sen.officer"
    assert rows[1][4] == str(inclusion_case.child_id)
    assert rows[1][5] == "'=HYPERLINK(1) " + REASON  # a formula is never run by a spreadsheet

    # The owning team's manager reviews it too; another team's manager and officers do not.
    assert (
        signed_in(inclusion_manager)
        .get(reverse("children:break-glass-report"))
        .context["page_obj"]
        .paginator.count
        == 1
    )
    other_manager = factories.staff(Role.MANAGER, Team.Kind.ADMISSIONS, username="admissions.manager")
    assert (
        signed_in(other_manager)
        .get(reverse("children:break-glass-report"))
        .context["page_obj"]
        .paginator.count
        == 0
    )
    assert signed_in(outsider).get(reverse("children:break-glass-report")).status_code == 403
    assert signed_in(outsider).get(reverse("children:break-glass-csv")).status_code == 403
