"""Data protection: the retention schedule, what is left of an erased case, and the record of
every erasure run and subject access request (counts and who asked, never personal facts)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from rollcall.rules.retention import RECORD_TYPE, RECORD_TYPES, Period
from rollcall.singletons import SettingsRow


def _field_name(key: str) -> str:
    return f"{key}_{RECORD_TYPE[key].unit.value}"


class RetentionSettings(SettingsRow):
    """How long each kind of record is kept (docs/retention.md gives each default's source)."""

    closed_cases_years = models.PositiveSmallIntegerField(
        default=RECORD_TYPE["closed_cases"].default,
        validators=[MaxValueValidator(RECORD_TYPE["closed_cases"].maximum)],
    )
    attendance_marks_years = models.PositiveSmallIntegerField(
        default=RECORD_TYPE["attendance_marks"].default,
        validators=[MaxValueValidator(RECORD_TYPE["attendance_marks"].maximum)],
    )
    attendance_files_days = models.PositiveSmallIntegerField(
        default=RECORD_TYPE["attendance_files"].default,
        validators=[MaxValueValidator(RECORD_TYPE["attendance_files"].maximum)],
    )
    evidence_files_years = models.PositiveSmallIntegerField(
        default=RECORD_TYPE["evidence_files"].default,
        validators=[MaxValueValidator(RECORD_TYPE["evidence_files"].maximum)],
    )
    policy_files_years = models.PositiveSmallIntegerField(
        default=RECORD_TYPE["policy_files"].default,
        validators=[MaxValueValidator(RECORD_TYPE["policy_files"].maximum)],
    )
    messages_months = models.PositiveSmallIntegerField(
        default=RECORD_TYPE["messages"].default,
        validators=[MaxValueValidator(RECORD_TYPE["messages"].maximum)],
    )
    emails_days = models.PositiveSmallIntegerField(
        default=RECORD_TYPE["emails"].default, validators=[MaxValueValidator(RECORD_TYPE["emails"].maximum)]
    )
    record_views_years = models.PositiveSmallIntegerField(
        default=RECORD_TYPE["record_views"].default,
        validators=[MaxValueValidator(RECORD_TYPE["record_views"].maximum)],
    )
    child_records_years = models.PositiveSmallIntegerField(
        default=RECORD_TYPE["child_records"].default,
        validators=[
            MinValueValidator(RECORD_TYPE["child_records"].minimum),
            MaxValueValidator(RECORD_TYPE["child_records"].maximum),
        ],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "retention settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="retention_settings_singleton")]

    def __str__(self) -> str:
        return "Retention schedule"

    def period(self, key: str) -> Period:
        return Period(int(getattr(self, _field_name(key))), RECORD_TYPE[key].unit)

    def schedule(self) -> dict[str, Period]:
        return {t.key: self.period(t.key) for t in RECORD_TYPES}


class AnonymisedCase(models.Model):
    """What is kept of a closed case once its retention period has run: the figures the council
    reports (kind, outcome, year group, dates, team), with no link to the child or any person."""

    kind = models.CharField(max_length=20)
    outcome = models.CharField(max_length=40, blank=True)
    year_group = models.SmallIntegerField(
        null=True, blank=True, help_text="The child's year group when the case closed (0 is Reception)."
    )
    opened_on = models.DateField()
    closed_on = models.DateField()
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    anonymised_on = models.DateField()

    class Meta:
        ordering = ["closed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} case closed {self.closed_on:%Y-%m-%d} ({self.outcome})"


class Erasure(models.Model):
    """One kind of record erased or anonymised by one retention run: how many, never which."""

    run_on = models.DateField(help_text="The date the retention run was as of.")
    at = models.DateTimeField()
    record_type = models.CharField(max_length=40)
    action = models.CharField(max_length=20)
    count = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "record_type"]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.count} ({self.action}) as of {self.run_on:%Y-%m-%d}"

    @property
    def label(self) -> str:
        kind = RECORD_TYPE.get(self.record_type)
        return kind.label if kind else self.record_type


class SubjectAccessRequest(models.Model):
    """A subject access request answered for a child: who produced it and when (UK GDPR Art. 15)."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reference = models.CharField(
        max_length=60, blank=True, help_text="The council's own reference for the request, if it has one."
    )
    records = models.PositiveIntegerField(default=0, help_text="How many records the answer held.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"
