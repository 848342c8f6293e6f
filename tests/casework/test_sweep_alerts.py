"""Administrators are told when the sweep fails or finds breaches; the e-mails name no child."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from rollcall.accounts.models import Team, User
from rollcall.casework.services import case_open
from rollcall.casework.tasks import sweep_task
from rollcall.notify.models import Message
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


@pytest.fixture(autouse=True)
def _only_the_casework_steps(settings):
    settings.SWEEP_STEPS = []


@pytest.fixture
def sweep_and_mail(django_capture_on_commit_callbacks):
    """Run the sweep command and send the e-mail copies it leaves for after its commits."""

    def run(*args: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("rollcall_sweep", *args, stdout=StringIO())

    return run


@pytest.fixture
def admin() -> User:
    return factories.administrator(email="rollcall-admin@northmoor.example")


def breach_with_a_named_child(owner: User) -> None:
    """An open case whose owner has left: a breach that names the child."""
    child = factories.ChildFactory.create(legal_forename="Zebedee", legal_surname="Quillfeather")
    case_open(
        child=child,
        kind="cme",
        team=Team.objects.get(kind=Team.Kind.INCLUSION),
        source="referral",
        owner=owner,
    )
    User.objects.filter(pk=owner.pk).update(is_active=False)


def admin_mail() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == ["rollcall-admin@northmoor.example"]]


def test_a_sweep_with_breaches_tells_each_administrator_once_without_naming_the_child(
    admin: User, inclusion_officer: User, sweep_and_mail
) -> None:
    breach_with_a_named_child(inclusion_officer)

    sweep_and_mail()
    sweep_and_mail()

    message = Message.objects.get(recipient=admin)
    assert message.subject == "The daily sweep found 1 breach of the invariant"
    sent = admin_mail()
    assert len(sent) == 1
    text = f"{sent[0].subject}\n{sent[0].body}"
    assert "Quillfeather" not in text
    assert "Zebedee" not in text


def test_the_sweep_task_tells_administrators_too_and_keeps_no_names_in_its_result(
    admin: User, inclusion_officer: User
) -> None:
    breach_with_a_named_child(inclusion_officer)

    result = sweep_task.enqueue()

    assert result.return_value is not None
    assert result.return_value["breaches"] == 1
    assert "Quillfeather" not in str(result.return_value)
    assert Message.objects.filter(recipient=admin, subject__contains="breach").count() == 1


def test_a_sweep_without_breaches_tells_nobody(admin: User) -> None:
    call_command("rollcall_sweep", stdout=StringIO())

    assert not Message.objects.filter(recipient=admin).exists()


def test_a_failed_sweep_tells_administrators_and_still_fails(admin: User, settings, sweep_and_mail) -> None:
    settings.SWEEP_STEPS = ["tests.casework.test_sweep_alerts.broken_step"]

    with pytest.raises(RuntimeError):
        sweep_and_mail("--date", "2026-11-16")
    with pytest.raises(RuntimeError):
        sweep_and_mail("--date", "2026-11-16")

    message = Message.objects.get(recipient=admin)
    assert message.subject == "The daily sweep for 16/11/2026 failed"
    assert "RuntimeError" in message.body
    assert "rollcall_sweep --date 2026-11-16" in message.body
    assert len(admin_mail()) == 1


def broken_step(**_kwargs: object) -> dict[str, int]:
    raise RuntimeError("a step that breaks (it mentions nobody)")
