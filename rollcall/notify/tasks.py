"""Background work for messages: the e-mail copy of inbox messages, and messages through Notify.

The e-mail copy of an inbox message says only that there is a new message, with a link: the
subject and body (which may name a child or a health fact) stay behind sign-in (issue 13).
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from rollcall import clock
from rollcall.notify import gov
from rollcall.notify.dispatch import dispatch_send
from rollcall.notify.models import Message

logger = logging.getLogger(__name__)

#: The e-mail templates Roll Call renders: every one is checked for personal facts by
#: tests/notify/test_email_content.py.
EMAIL_SUBJECT_TEMPLATE = "notify/email/new_message_subject.txt"
EMAIL_BODY_TEMPLATE = "notify/email/new_message.txt"


def message_link(message: Message) -> str:
    """The address of the message in Roll Call's inbox (sign-in needed to read it)."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('notify:message', args=[message.pk])}"


def email_render(message: Message) -> tuple[str, str]:
    """The subject and plain-text body of the e-mail copy of one message (no personal facts)."""
    link = message_link(message)
    context = {"link": link}
    subject = " ".join(render_to_string(EMAIL_SUBJECT_TEMPLATE, context).split())
    return subject, render_to_string(EMAIL_BODY_TEMPLATE, context)


@task()
def email_messages(keys: list[str]) -> int:
    """E-mail each message not yet e-mailed. Claims each with a conditional update first, so
    two workers (or a retry after a crash) never send the same message twice. Through GOV.UK
    Notify when its key and the new-message template are set, by SMTP otherwise."""
    sent = 0
    by_notify = gov.configured() and bool(gov.template_id("new_message_email"))
    for message in Message.objects.filter(key__in=keys, emailed_at__isnull=True).select_related("recipient"):
        if not message.recipient.email:
            continue
        claimed = Message.objects.filter(pk=message.pk, emailed_at__isnull=True).update(
            emailed_at=clock.now()
        )
        if not claimed:
            continue
        subject, body = email_render(message)
        if by_notify:
            link = message_link(message)
            try:
                gov.send_email(
                    to=message.recipient.email,
                    template="new_message_email",
                    personalisation={"link": link},
                    reference=str(uuid.uuid4()),
                )
            except gov.NotifyRefused as exc:
                logger.warning(
                    "GOV.UK Notify refused the e-mail copy of message %s: %s", message.pk, exc.summary
                )
                continue
            except gov.NotifyUnavailable:
                Message.objects.filter(pk=message.pk).update(emailed_at=None)
                raise
        else:
            EmailMessage(subject=subject, body=body, to=[message.recipient.email]).send()
        sent += 1
    return sent


@task()
def send_dispatch(dispatch_id: int) -> bool:
    """Send one message to a carer or school through GOV.UK Notify (see notify/dispatch.py)."""
    try:
        return dispatch_send(dispatch_id) is not None
    except gov.NotifyUnavailable as exc:
        logger.warning(
            "GOV.UK Notify is unavailable (%s); message %s waits for the sweep", exc.status_code, dispatch_id
        )
        return False
