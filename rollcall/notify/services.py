"""Sending messages: an inbox entry for each person, and an e-mail copy by a background task.

Every message carries a key; sending the same key twice creates nothing new, so the sweep and
retried requests never message anyone twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from rollcall import clock
from rollcall.accounts.models import Membership, Team, User
from rollcall.notify.models import Message
from rollcall.rules.workflow import Role


def message_send(
    *,
    recipients: Iterable[User],
    subject: str,
    body: str,
    url: str = "",
    key: str,
    at: dt.datetime | None = None,
) -> int:
    """Put a message in each recipient's inbox and e-mail it after commit; returns how many were new.

    ``key`` identifies the event (e.g. ``"case-opened:42"``); each recipient's copy is keyed
    ``key:user-id``, so a repeat is skipped by the unique constraint rather than a lookup per person.
    ``at`` is when it was sent, if not now (the sweep's own instant, when it runs as of a date).
    """
    now = at or clock.now()
    users = {u.pk: u for u in recipients}
    if not users:
        return 0
    keys = {f"{key}:{pk}": pk for pk in users}
    existing = set(Message.objects.filter(key__in=keys).values_list("key", flat=True))
    new = [
        Message(recipient_id=pk, subject=subject, body=body, url=url, created_at=now, key=k)
        for k, pk in keys.items()
        if k not in existing
    ]
    Message.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        new_keys = [m.key for m in new]
        transaction.on_commit(lambda: _enqueue_email(new_keys))
    return len(new)


def _enqueue_email(keys: list[str]) -> None:
    from rollcall.notify.tasks import email_messages

    email_messages.enqueue(keys)


def team_members(team: Team | int, roles: Iterable[Role] | None = None) -> list[User]:
    """The active members of a team, optionally only those in some roles."""
    team_id = team.pk if isinstance(team, Team) else team
    memberships = Membership.objects.filter(team_id=team_id, user__is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=[r.value for r in roles])
    return list(User.objects.filter(pk__in=memberships.values("user_id")))


def heads_of_service() -> list[User]:
    return list(
        User.objects.filter(Q(memberships__role=Role.HEAD_OF_SERVICE.value), is_active=True).distinct()
    )


def message_mark_read(*, message: Message) -> None:
    """Mark one message read (idempotent)."""
    if message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=clock.now())


def messages_send_bulk(
    items: Iterable[tuple[int, str, str, str, str]], *, at: dt.datetime | None = None
) -> int:
    """Send many messages at once: ``(recipient_id, subject, body, url, key)`` each.

    For the sweep: one query to find keys already sent, one bulk insert, one e-mail task. ``at``
    is when they were sent, if not now (the sweep's own instant).
    """
    now = at or clock.now()
    rows = {key: (recipient_id, subject, body, url) for recipient_id, subject, body, url, key in items}
    if not rows:
        return 0
    existing: set[str] = set()
    keys = list(rows)
    for start in range(0, len(keys), 900):  # SQLite caps the number of query parameters
        existing.update(
            Message.objects.filter(key__in=keys[start : start + 900]).values_list("key", flat=True)
        )
    new = [
        Message(recipient_id=r, subject=s, body=b, url=u, created_at=now, key=k)
        for k, (r, s, b, u) in rows.items()
        if k not in existing
    ]
    Message.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    if new:
        new_keys = [m.key for m in new]
        transaction.on_commit(lambda: _enqueue_email(new_keys))
    return len(new)
