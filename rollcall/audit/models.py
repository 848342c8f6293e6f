"""Who looked at which child's record. Changes are recorded by django-simple-history."""

from __future__ import annotations

from django.db import models


class RecordView(models.Model):
    """One view of a child's record (UK GDPR: access on a need-to-know basis, every view logged)."""

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    what = models.CharField(max_length=100, help_text="The page or API resource viewed.")
    path = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["child", "-at"], name="recordview_child"),
            models.Index(fields=["user", "-at"], name="recordview_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} viewed {self.child} at {self.at:%Y-%m-%d %H:%M}"
