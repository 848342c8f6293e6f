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
    case_opened_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the return was overdue and a CME case opened (destination unknown).",
    )

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = "deletion return missing"
        verbose_name_plural = "deletion returns missing"
        indexes = [models.Index(fields=["school", "status"], name="roll_missing_by_school")]

    def __str__(self) -> str:
        return f"Deletion return missing from {self.school} (left {self.left_on})"


class RollImport(models.Model):
    """One school's roll file sent through the web page, and what became of it (a background task)."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV (one line per pupil)"
        CTF = "ctf", "Common Transfer File (XML)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Loading"
        FAILED = "failed", "Not loaded: the file has errors"
        LOADED = "loaded", "Loaded"
        UNCHANGED = "unchanged", "Already loaded: nothing changed"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="roll_imports")
    as_of = models.DateField("roll as of")
    format = models.CharField(max_length=3, choices=Format.choices)
    file = models.FileField(upload_to="rolls/")
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=60, blank=True, help_text="What the running load is doing now.")
    pupils_total = models.PositiveIntegerField(default=0)
    pupils_done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # [{"line": 12, "field": "upn", "message": "..."}], at most MAX_ERRORS; error_count is the total.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    snapshot = models.ForeignKey(
        RollSnapshot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    MAX_ERRORS = 500

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class PupilCharacteristics(models.Model):
    """The optional DfE items a school's latest roll gave for a pupil (one row per child and school)."""

    class SenStatus(models.TextChoices):
        NONE = "N", "No special educational need"
        SUPPORT = "K", "SEN support"
        EHC_PLAN = "E", "Education, health and care plan"

    # Found by child through the unique (child, school), which leads with it: no index of its own.
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="+", db_index=False)
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField("as of the roll of")
    year_group = models.CharField(max_length=2, blank=True)
    sen_status = models.CharField("SEN status", max_length=1, choices=SenStatus.choices, blank=True)
    ehcp = models.BooleanField("EHC plan", null=True)
    fsm = models.BooleanField("eligible for free school meals", null=True)
    looked_after = models.BooleanField(null=True)
    cin_cp = models.BooleanField("child in need or on a child protection plan", null=True)

    class Meta:
        verbose_name = "pupil characteristics"
        verbose_name_plural = "pupil characteristics"
        constraints = [
            models.UniqueConstraint(fields=["child", "school"], name="roll_characteristics_one_per_school")
        ]

    def __str__(self) -> str:
        return f"Characteristics of child {self.child_id} at school {self.school_id} ({self.as_of})"
