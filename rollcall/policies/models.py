"""Policies, their versions, and circulation campaigns that ask people to acknowledge them.

A policy's "current version" is its latest published version; drafts are never shown publicly.
A campaign sends one version to an audience; its recipients are materialised at send time, so
later joiners are caught by the next circulation rather than silently added to an old one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from rollcall import uploads
from rollcall.accounts.models import Team, User

MAX_FILE_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = {".pdf": uploads.PDF, ".docx": uploads.DOCX}


def validate_policy_file(value: models.fields.files.FieldFile) -> None:
    """Only PDF or Word (.docx) files of up to 10 MB, judged by their content as well as their name."""
    suffix = Path(value.name or "").suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        raise ValidationError("The file must be a PDF or a Word document (.docx)")
    problem = uploads.upload_problem(
        value, size=value.size, allowed={ALLOWED_EXTENSIONS[suffix]}, max_bytes=MAX_FILE_BYTES
    )
    if problem:
        raise ValidationError(problem)


class Policy(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="policies_owned")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    local_offer_url = models.URLField(
        "Local Offer page", blank=True, help_text="Where the public can read it on the council's website."
    )
    review_date = models.DateField(null=True, blank=True)
    audience_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    # Bumped by every change of these details: the edit form carries the version it read, and a
    # stale save is refused (rollcall/concurrency.py, docs/adr/0004-versions-no-lost-updates.md).
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    file = models.FileField(upload_to="policies/", blank=True, validators=[validate_policy_file])
    change_summary = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.policy} (version {self.number})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class CirculationCampaign(models.Model):
    class Audience(models.TextChoices):
        STAFF = "staff", "All education staff"
        SCHOOLS = "schools", "All schools"
        TEAM = "team", "One team"

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="campaigns")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField()
    sent_on = models.DateField(help_text="The day it was sent, in England (the date rules count from it).")
    acknowledge_by = models.DateField()
    recurs_every_months = models.PositiveSmallIntegerField(default=6, help_text="0 for a one-off.")
    # The date the next circulation is due (None for a one-off or once the next has been sent):
    # a column so the sweep asks "which are due?" with one indexed query.
    next_due = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    next_campaign = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="previous_campaign"
    )

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["next_due"], name="campaign_next_due", condition=Q(next_due__isnull=False))
        ]
        constraints = [
            models.CheckConstraint(
                name="campaign_team_only_for_team_audience",
                condition=Q(audience="team", team__isnull=False)
                | (~Q(audience="team") & Q(team__isnull=True)),
            )
        ]

    def __str__(self) -> str:
        return f"{self.version.policy} to {self.audience_label} on {self.sent_on:%d %b %Y}"

    @property
    def audience_label(self) -> str:
        if self.audience == self.Audience.TEAM and self.team_id:
            return str(self.team)
        return str(self.get_audience_display())

    def is_overdue(self, today: dt.date) -> bool:
        return today > self.acknowledge_by


class Recipient(models.Model):
    campaign = models.ForeignKey(CirculationCampaign, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="policy_acknowledgements")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="recipient_unique_per_campaign"),
        ]
        indexes = [
            models.Index(
                fields=["user"], name="recipient_outstanding", condition=Q(acknowledged_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.campaign_id}"
