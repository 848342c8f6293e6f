"""Ombudsman complaints, the council's action plan for each, and the dated updates on every action.

- A :class:`Complaint` is one ombudsman decision: reference, date, summary, findings and the
  recommendations the council must act on.
- An :class:`Action` is one line of the plan: what will happen, the owner's title as the plan
  writes it (and the Roll Call user who answers for it), due date, the feature or policy that
  delivers it. Its ``status`` and ``rag`` are denormalised from its latest update, so lists and
  the sweep read a column; they are only ever written by ``services._action_refresh``.
- An :class:`ActionUpdate` is append-only: each change of status, rating or outcome is a new row,
  dated and signed. Nothing is overwritten, so the progress "as of" any past date can be read back
  (``selectors.progress``).
- :class:`Evidence` is a file or a link attached to an action (optionally to one update).

Action plans hold no child's personal data (they are about services, not children).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from rollcall import clock, uploads
from rollcall.accounts.models import Team, User
from rollcall.formats import long_date
from rollcall.policies.models import Policy
from rollcall.rules import actionplans as rules
from rollcall.singletons import SettingsRow

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = {
    ".pdf": uploads.PDF,
    ".docx": uploads.DOCX,
    ".xlsx": uploads.XLSX,
    ".png": uploads.PNG,
    ".jpg": uploads.JPEG,
    ".jpeg": uploads.JPEG,
}


def evidence_file_problem(name: str, size: int | None, content: Any = None) -> str:
    """What is wrong with a file offered as evidence ("" if nothing): PDF, Word, Excel or an image
    (PNG, JPEG) of up to 10 MB, what a committee member can open, and (given its ``content``)
    really that kind of file whatever its name says."""
    suffix = Path(name).suffix.lower()
    if suffix not in EVIDENCE_EXTENSIONS:
        return "The file must be a PDF, a Word (.docx) or Excel (.xlsx) file, or a PNG or JPEG image"
    if content is None:
        return "The file must be smaller than 10 MB" if size is not None and size > MAX_EVIDENCE_BYTES else ""
    return uploads.upload_problem(
        content, size=size, allowed={EVIDENCE_EXTENSIONS[suffix]}, max_bytes=MAX_EVIDENCE_BYTES
    )


def validate_evidence_file(value: models.fields.files.FieldFile) -> None:
    problem = evidence_file_problem(value.name or "", value.size, value)
    if problem:
        raise ValidationError(problem)


class Status(models.TextChoices):
    COMPLETE = rules.COMPLETE, "Complete"
    IN_PROGRESS = rules.IN_PROGRESS, "In progress"
    NOT_STARTED = rules.NOT_STARTED, "Not started"
    NOT_STATED = rules.NOT_STATED, "Not stated"


class Rag(models.TextChoices):
    RED = rules.RED, "Red"
    AMBER = rules.AMBER, "Amber"
    GREEN = rules.GREEN, "Green"
    NOT_RATED = rules.NOT_RATED, "Not rated"


class ActionPlanSettings(SettingsRow):
    """The council's action-plan settings. One row."""

    escalate_after_school_days = models.PositiveSmallIntegerField(
        default=10,
        help_text="School days after an action's due date, still not complete, before the heads of "
        "service are told.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "action-plan settings"
        verbose_name_plural = "action-plan settings"
        constraints = [models.CheckConstraint(name="actionplan_settings_singleton", condition=Q(pk=1))]

    def __str__(self) -> str:
        return "Action-plan settings"


class Complaint(models.Model):
    reference = models.CharField(
        "Ombudsman reference",
        max_length=40,
        unique=True,
        help_text="As the ombudsman writes it, e.g. 22 014 644.",
    )
    title = models.CharField(
        max_length=200, help_text="The plan's title, e.g. Action plan following LGO decision."
    )
    ombudsman = models.CharField(max_length=100, default="Local Government and Social Care Ombudsman")
    decision_on = models.DateField("Date of decision", null=True, blank=True)
    summary = models.TextField(blank=True)
    findings = models.TextField(blank=True, help_text="One finding a line.")
    recommendations = models.TextField(blank=True, help_text="One recommendation a line.")
    approved_by = models.TextField(blank=True, help_text="Who approved the plan, as the plan says.")
    # Honest provenance: the demo council adopts two real councils' public plans; the name of the
    # council each plan came from stays on the record and on every page and report.
    council_named_in_source = models.CharField(max_length=100, blank=True)
    source_document = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def is_transcribed(self) -> bool:
        """Loaded from a source document, so gaps are the source's ("not given in the source plan")."""
        return bool(self.source_document)

    @property
    def finding_lines(self) -> list[str]:
        return [line.strip() for line in self.findings.splitlines() if line.strip()]

    @property
    def recommendation_lines(self) -> list[str]:
        return [line.strip() for line in self.recommendations.splitlines() if line.strip()]


class Action(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField(help_text="Its place in the plan, from 1.")
    description = models.TextField("What will happen")
    owner_title = models.CharField(
        "Owner",
        max_length=200,
        help_text="The owner's role as the plan writes it, e.g. Head of Access to Education.",
    )
    responsible = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actionplan_actions",
        help_text="The Roll Call user who answers for it: reminded when it is overdue.",
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_on = models.DateField("Due date", null=True, blank=True)
    time_frame_as_written = models.CharField(max_length=300, blank=True)
    status_as_written = models.CharField(max_length=300, blank=True)
    risk_rating_as_written = models.CharField(max_length=100, blank=True)
    transcription_note = models.TextField(
        blank=True, help_text="How the source text was read, where it was not plain (transcribed plans only)."
    )
    feature = models.CharField(
        "Delivered by (Roll Call feature)", max_length=40, blank=True, help_text="A key of features.FEATURES."
    )
    policy = models.ForeignKey(
        Policy, on_delete=models.SET_NULL, null=True, blank=True, related_name="actionplan_actions"
    )
    tracked_from = models.DateField(
        help_text="The day Roll Call started tracking it: progress before this day does not count it."
    )
    # Denormalised from the latest update (services._action_refresh); never set anywhere else.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    rag = models.CharField("RAG rating", max_length=10, choices=Rag.choices, blank=True, default="")
    # The sweep's claims: which due date the owner was reminded of / the heads were told of. A new
    # due date makes both stale, so a moved deadline is reminded and escalated afresh.
    reminded_for = models.DateField(null=True, blank=True)
    escalated_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The version a form or API client read (rollcall/concurrency.py): every write claims the next.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["reminded_for", "escalated_for"])

    class Meta:
        ordering = ["complaint", "number"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "number"], name="actionplan_action_unique_number"),
        ]
        indexes = [
            # The overdue list and the sweep ask "due before today and not complete?".
            models.Index(fields=["due_on"], name="actionplan_open_due", condition=~Q(status="complete")),
        ]

    def __str__(self) -> str:
        return f"Action {self.number} of {self.complaint.reference}"

    def is_overdue(self, today: dt.date) -> bool:
        return rules.is_overdue(due_on=self.due_on, status=self.status, today=today)


class ActionUpdate(models.Model):
    """One dated step in an action's life: the state after it (status, RAG) and what happened.

    Append-only: rows are created by ``services.action_update`` (and ``action_add``) and never
    changed, so the timeline and every past "as of" figure stay as they were recorded.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=Status.choices)
    rag = models.CharField("RAG rating", max_length=10, choices=Rag.choices, blank=True, default="")
    text = models.TextField("Outcome or update", blank=True)
    happened_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date the update is about, if known (the source plan may not give one).",
    )
    date_as_written = models.CharField(
        max_length=100, blank=True, help_text="The date as the source wrote it (e.g. November 2021)."
    )
    # The date the update counts from for "as of" questions: happened_on, or else the day it was
    # recorded, and never before the action's tracked_from (a transcribed plan's 2021 update
    # counts from the day the plan was loaded). Stored so progress as of a date is one query.
    effective_on = models.DateField()
    recorded_at = models.DateTimeField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    transcribed = models.BooleanField(
        default=False, help_text="Copied from the source plan rather than written in Roll Call."
    )

    class Meta:
        ordering = ["action", "effective_on", "recorded_at", "pk"]
        indexes = [models.Index(fields=["action", "effective_on"], name="actionplan_update_as_of")]

    def __str__(self) -> str:
        return f"Update to {self.action_id} ({self.effective_on:%d %b %Y})"

    @property
    def date_label(self) -> str:
        """How the update's date is shown: never a date the source did not give."""
        if self.happened_on:
            return long_date(self.happened_on)
        if self.date_as_written:
            return f"{self.date_as_written} (day not given in the source plan)"
        if self.transcribed:
            return "Date not given in the source plan"
        return long_date(clock.local_date(self.recorded_at))


class Evidence(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    update = models.ForeignKey(
        ActionUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(
        upload_to="actionplans/evidence/", blank=True, validators=[validate_evidence_file]
    )
    url = models.URLField("Link", blank=True, max_length=500)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["action", "added_at", "pk"]
        verbose_name_plural = "evidence"
        constraints = [
            # Exactly one of a file or a link.
            models.CheckConstraint(
                name="actionplan_evidence_file_xor_url",
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
