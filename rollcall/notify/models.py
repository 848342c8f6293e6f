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
