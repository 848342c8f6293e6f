"""Schools (from the public schools register), their rolls, removal notices and term dates."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from rollcall.rules.removal import GROUNDS

GROUND_CHOICES = [(code, f"({code}) {g.summary}") for code, g in GROUNDS.items()]


class School(models.Model):
    """An establishment as published in the schools register (Get Information About Schools)."""

    urn = models.CharField("URN", max_length=10, unique=True)
    la_code = models.CharField("LA code", max_length=3)
    establishment_number = models.CharField(max_length=4)
    name = models.CharField(max_length=200)
    type_name = models.CharField("type of establishment", max_length=100, blank=True)
    status_name = models.CharField("establishment status", max_length=60, blank=True)
    phase = models.CharField("phase of education", max_length=60, blank=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    street = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    email = models.EmailField(blank=True, help_text="Where the council writes to the school.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["la_code", "establishment_number"], name="school_dfe_number")]

    def __str__(self) -> str:
        return self.name

    @property
    def dfe_number(self) -> str:
        """The LA code and establishment number, as in "306/2001"."""
        return f"{self.la_code}/{self.establishment_number}"

    @property
    def is_open(self) -> bool:
        return not self.status_name.lower().startswith("closed")


class RollEntry(models.Model):
    """A child on a school's admission register from one date to another."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="roll_entries")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="roll_entries")
    on_roll_from = models.DateField()
    on_roll_to = models.DateField(null=True, blank=True)
    leaving_ground = models.CharField(max_length=1, choices=GROUND_CHOICES, blank=True)
    destination_school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination_details = models.CharField(max_length=300, blank=True)
    # Where the spell came from: "" for a return or an officer, else a roll snapshot's source
    # ("roll:csv", "roll:api", "roll:ctf") that opened it.
    source = models.CharField(max_length=20, blank=True)
    # The history is read by spell, by child (audit.views), by who and when; not by school.
    history = HistoricalRecords(no_db_index=["school", "destination_school"])

    class Meta:
        verbose_name = "roll entry"
        verbose_name_plural = "roll entries"
        ordering = ["-on_roll_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "school"], condition=Q(on_roll_to__isnull=True), name="roll_one_open_entry"
            ),
        ]
        indexes = [
            # "Who is on this school's roll now" is the school portal's scope and the CME close check.
            models.Index(
                fields=["school", "child"], condition=Q(on_roll_to__isnull=True), name="roll_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} at {self.school} from {self.on_roll_from}"

    @property
    def is_current(self) -> bool:
        return self.on_roll_to is None


class RemovalNotice(models.Model):
    """A school's deletion return: a pupil removed from its roll (Pupil Registration Regs 2024, reg. 13(4))."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="removal_notices")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="removal_notices")
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    removal_date = models.DateField()
    ground = models.CharField(max_length=1, choices=GROUND_CHOICES, blank=True)
    destination_school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination_start_date = models.DateField(null=True, blank=True)
    destination_details = models.CharField(max_length=300, blank=True)
    parent_written_notice_date = models.DateField(null=True, blank=True)
    joint_enquiries_made = models.BooleanField(default=False)
    continuous_absence_school_days = models.PositiveSmallIntegerField(null=True, blank=True)
    reason_details = models.TextField(blank=True)
    # What the removal rule made of it, kept as given so the decision can be explained later.
    opens_cme_case = models.BooleanField(default=False)
    possibly_unlawful = models.BooleanField(default=False)
    concerns = models.JSONField(default=list, blank=True)
    # A school system may retry a submission; the same key never creates a second notice.
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="removal_notice_idempotent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} removed from {self.school} on {self.removal_date}"


class TermDate(models.Model):
    """A term (or half term) when the council's schools meet; gaps between terms are holidays."""

    academic_year = models.PositiveSmallIntegerField(help_text="The year the academic year starts in.")
    name = models.CharField(max_length=60)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(name="term_ends_after_start", condition=Q(end__gte=models.F("start"))),
            models.UniqueConstraint(fields=["start"], name="term_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.academic_year}/{self.academic_year + 1 - 2000}"


class ClosureDay(models.Model):
    """A day inside term when schools do not meet (INSET or an emergency closure)."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.reason}"
