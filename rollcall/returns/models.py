"""Every return a school sends, as it was sent, and what became of it.

A return about a child the council already holds changes the record only when the details agree
and the school has a reason to know the child (rollcall/rules/identity.py); otherwise it waits here
as a claim to confirm, with a date by which an officer of the owning team must look at it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class SchoolReturn(models.Model):
    """One return from a school: a removal notice, a new pupil return, an illness report (the
    sickness return) or an attendance return."""

    class Kind(models.TextChoices):
        REMOVAL = "removal", "Pupil left the roll"
        NEW_PUPIL = "new_pupil", "New pupil"
        ILLNESS_REPORT = "illness_report", "Absent through illness"
        EXCLUSION = "exclusion", "Suspension or permanent exclusion"
        ATTENDANCE = "attendance", "Absent 10 school days without a reason"

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        TO_CONFIRM = "to_confirm", "To confirm"
        CONFIRMED = "confirmed", "Confirmed by an officer"
        REFUSED = "refused", "Refused by an officer"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="returns")
    sent_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    # What the school sent, exactly (ISO dates): what the school is shown, and what an officer
    # compares with the record. Nothing the council holds is copied in here.
    sent = models.JSONField(default=dict)
    child = models.ForeignKey(
        "people.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returns",
        help_text="The child the details point to (or the record they created).",
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    reasons = models.JSONField(default=list, blank=True, help_text="Why the return waits for an officer.")
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirm_by = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    removal_notice = models.OneToOneField(
        "schools.RemovalNotice", on_delete=models.PROTECT, null=True, blank=True, related_name="school_return"
    )
    # A school system may retry a submission; the same key never records a second return.
    idempotency_key = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="school_return_idempotent",
            ),
            # A claim waiting for an officer always has a team and a date (the one invariant).
            models.CheckConstraint(
                name="claim_to_confirm_has_team_and_date",
                condition=~Q(status="to_confirm") | Q(team__isnull=False, confirm_by__isnull=False),
            ),
        ]
        indexes = [
            models.Index(
                fields=["team", "confirm_by"], condition=Q(status="to_confirm"), name="claims_to_confirm"
            ),
            models.Index(fields=["school", "received_at"], name="returns_by_school_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.school} ({self.get_status_display()})"

    @property
    def reference(self) -> str:
        return f"RTN-{self.pk:06d}"

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.TO_CONFIRM


class ReturnBurst(models.Model):
    """A day on which one school sent more returns than ``settings.RETURNS_BURST_PER_DAY``.

    Recorded once per school and day, when the day's count first passes the limit, so that the
    audit trail shows it (and who sent the return that passed it) as well as the administrators'
    list of returns to watch: a school system sending far more than usual may be misused.
    """

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    noticed_at = models.DateTimeField()
    returns_then = models.PositiveIntegerField(
        help_text="Returns from the school that day when it was noticed."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [models.UniqueConstraint(fields=["school", "day"], name="return_burst_once_a_day")]

    def __str__(self) -> str:
        return f"{self.returns_then} returns from {self.school} on {self.day:%d/%m/%Y}"
