"""Messages to people: the in-app inbox, with the e-mail copy sent by a background task."""

from __future__ import annotations

from django.db import models


class Message(models.Model):
    """One message to one user. ``key`` makes every send idempotent: a rerun sends nothing new."""

    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True, help_text="Where in Roll Call the message points.")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    key = models.CharField(max_length=150, unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="message_inbox")]

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient}"


class Dispatch(models.Model):
    """One message to a carer or a school sent through GOV.UK Notify (or written to the outbox
    folder when no API key is set), with what Notify last said about its delivery.

    ``reference`` is what Notify is given to quote back: a random identifier, never a name.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "Text message"
        LETTER = "letter", "Letter"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        SENDING = "sending", "Sent to GOV.UK Notify"
        WRITTEN = "written", "Written to the outbox folder (no Notify key)"
        DELIVERED = "delivered", "Delivered"
        TEMPORARY_FAILURE = "temporary-failure", "Not delivered: inbox full or phone off"
        PERMANENT_FAILURE = "permanent-failure", "Not delivered: address or number not in use"
        TECHNICAL_FAILURE = "technical-failure", "Not delivered: GOV.UK Notify had a technical problem"
        RETURNED = "returned", "Letter returned"
        REFUSED = "refused", "Refused by GOV.UK Notify"

    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=50, help_text="Which message, e.g. carer_contact.")
    child = models.ForeignKey(
        "people.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    carer = models.ForeignKey(
        "people.Carer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to = models.CharField(max_length=320, blank=True, help_text="The e-mail address or phone number.")
    personalisation = models.JSONField(default=dict, blank=True)
    letter_pdf = models.BinaryField(null=True, blank=True)
    reference = models.CharField(max_length=40, unique=True)
    key = models.CharField(max_length=150, unique=True)
    notify_id = models.CharField(max_length=40, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    status_detail = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "dispatches"

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.kind} ({self.get_status_display()})"

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES


FAILED_STATUSES = frozenset(
    {Dispatch.Status.PERMANENT_FAILURE, Dispatch.Status.RETURNED, Dispatch.Status.REFUSED}
)
