"""Two managers saving the same policy's details, each on their own database connection.

Both read version N and both write: exactly one wins and the other is refused (issue 11), the same
conditional UPDATE as cases (tests/casework/test_versions_race.py). Overlapping writes need
PostgreSQL (the loser waits on the winner's row lock); ordered writes run on SQLite too.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from rollcall.accounts.models import User
from rollcall.concurrency import EditConflict
from rollcall.policies import services
from rollcall.policies.models import Policy
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("council", "frozen_clock")]


def _race(head_of_service: User, *, overlap: bool) -> None:
    policy = services.policy_create(
        title="Children missing education", owner=head_of_service, actor=head_of_service
    )
    admin = factories.administrator(username="admin")
    titles = {head_of_service.pk: "Title from the head of service", admin.pk: "Title from the administrator"}
    read_version = policy.version
    both_read = threading.Barrier(2, timeout=30)
    first_done = threading.Event()
    outcomes: dict[int, str] = {}

    def save(actor: User) -> None:
        try:
            mine = Policy.objects.get(pk=policy.pk)  # each thread reads on its own connection
            both_read.wait()
            if not overlap and actor.pk == admin.pk:
                first_done.wait(timeout=30)
            services.policy_change(
                policy=mine, actor=actor, expected_version=read_version, title=titles[actor.pk]
            )
            outcomes[actor.pk] = "saved"
        except EditConflict:
            outcomes[actor.pk] = "refused"
        finally:
            first_done.set()
            connections.close_all()

    threads = [threading.Thread(target=save, args=(who,)) for who in (head_of_service, admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["refused", "saved"]
    [winner] = [pk for pk, outcome in outcomes.items() if outcome == "saved"]
    policy.refresh_from_db()
    assert policy.title == titles[winner]
    assert policy.version == read_version + 1


def test_two_connections_saving_the_same_policy_at_the_same_moment_one_wins_one_is_refused(
    head_of_service: User,
) -> None:
    if connections["default"].vendor == "sqlite":
        pytest.skip("overlapping writers need PostgreSQL or a file database (see the casework race test)")
    _race(head_of_service, overlap=True)


def test_two_connections_that_read_the_same_policy_version_cannot_both_save(head_of_service: User) -> None:
    _race(head_of_service, overlap=False)
