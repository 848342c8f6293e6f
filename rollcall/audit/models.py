"""Who looked at which child's record. Changes are recorded by django-simple-history."""

from __future__ import annotations

from django.db import models


class RecordView(models.Model):
    """One view of a child's record (UK GDPR: access on a need-to-know basis, every view logged),
    or one refused attempt to see it, or one view under a break-the-glass access (with its reason).
    """

    class Outcome(models.TextChoices):
        SHOWN = "shown", "Shown"
        REFUSED = "refused", "Refused"
        BREAK_GLASS = "break-glass", "Shown (break the glass)"

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    what = models.CharField(max_length=100, help_text="The page or API resource viewed.")
    path = models.CharField(max_length=300)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.SHOWN)
    reason = models.TextField(blank=True, help_text="The reason given to break the glass, if any.")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["child", "-at"], name="recordview_child"),
            models.Index(fields=["user", "-at"], name="recordview_user"),
        ]

    def __str__(self) -> str:
        verb = "was refused" if self.outcome == self.Outcome.REFUSED else "viewed"
        return f"{self.user} {verb} child {self.child_id} at {self.at:%Y-%m-%d %H:%M}"
