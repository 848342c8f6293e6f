"""Background work for messages: the e-mail copy of inbox messages."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task

from rollcall import clock
from rollcall.notify.models import Message


@task()
def email_messages(keys: list[str]) -> int:
    """E-mail each message not yet e-mailed. Claims each with a conditional update first, so
    two workers (or a retry after a crash) never send the same message twice."""
    sent = 0
    for message in Message.objects.filter(key__in=keys, emailed_at__isnull=True).select_related("recipient"):
        if not message.recipient.email:
            continue
        claimed = Message.objects.filter(pk=message.pk, emailed_at__isnull=True).update(
            emailed_at=clock.now()
        )
        if not claimed:
            continue
        body = message.body
        if message.url:
            body += f"\n\nOpen Roll Call: {settings.SITE_URL.rstrip('/')}{message.url}"
        EmailMessage(subject=f"Roll Call: {message.subject}", body=body, to=[message.recipient.email]).send()
        sent += 1
    return sent
