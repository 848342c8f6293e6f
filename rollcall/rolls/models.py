"""School roll snapshots, the council's setting for them, and the deletion returns they show missing.

The roll spells themselves are ``schools.RollEntry`` (child, school, on roll from, on roll to,
source): one table for every way a child comes on or off a roll.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from rollcall.singletons import SettingsRow


class RollSettings(SettingsRow):
    """The council's timescales for school rolls (one row)."""

    deletion_return_due_school_days = models.PositiveSmallIntegerField(
        default=5,
        help_text=(
            "School days a school has to send the deletion return for a pupil its roll shows gone "
            "(reg. 13(4): the return was due no later than the deletion)."
        ),
    )

    class Meta:
        verbose_name = "roll settings"
        verbose_name_plural = "roll settings"
        constraints = [models.CheckConstraint(name="roll_settings_singleton", condition=Q(pk=1))]


class RollSnapshot(models.Model):
    """One school's whole roll as it stood on a date, as loaded: what it changed, and its hash."""

    class Source(models.TextChoices):
        CSV = "csv", "CSV file"
        API = "api", "MIS connector (API)"
        CTF = "ctf", "Common Transfer File"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="roll_snapshots")
    as_of = models.DateField("roll as of")
    source = models.CharField(max_length=3, choices=Source.choices)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the date and the pupils as sent.")
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    original_name = models.CharField(max_length=255, blank=True)
    pupils = models.PositiveIntegerField(default=0)
    joiners = models.PositiveIntegerField(default=0)
    leavers = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    new_children = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0, help_text="Pupils whose details wait for an officer.")
    left_without_notice = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-as_of", "-loaded_at"]
        indexes = [models.Index(fields=["school", "-as_of"], name="roll_snapshot_latest")]

    def __str__(self) -> str:
        return f"{self.school} roll as of {self.as_of}"


class DeletionReturnMissing(models.Model):
    """A request to a school for the deletion return of a pupil its roll shows gone (reg. 13(4))."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the school"
        ANSWERED = "answered", "Deletion return received"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    roll_entry = models.OneToOneField(
        "schools.RollEntry", on_delete=models.PROTECT, related_name="deletion_return_missing"
    )
    snapshot = models.ForeignKey(RollSnapshot, on_delete=models.PROTECT, related_name="missing_returns")
    left_on = models.DateField()
    due = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = "deletion return missing"
        verbose_name_plural = "deletion returns missing"
        indexes = [models.Index(fields=["school", "status"], name="roll_missing_by_school")]

    def __str__(self) -> str:
        return f"Deletion return missing from {self.school} (left {self.left_on})"
