"""Moves between councils: partner councils and their keys, transfers sent and received, and the
message ids already seen (docs/transfers.md)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from rollcall.rules.transfers import DEFAULT_TRANSFER_SETTINGS, TransferSettings
from rollcall.singletons import SettingsRow

_T = DEFAULT_TRANSFER_SETTINGS


class TransferRuleSettings(SettingsRow):
    """The council's timescales for moves to other councils. One row; defaults in DOMAIN.md."""

    acknowledge_within_school_days = models.PositiveSmallIntegerField(
        default=_T.acknowledge_within_school_days,
        help_text="School days the receiving council has to confirm before the transfer is escalated.",
    )
    letter_follow_up_school_days = models.PositiveSmallIntegerField(
        default=_T.letter_follow_up_school_days,
        help_text="School days after a transfer letter before the officer follows it up.",
    )
    message_window_seconds = models.PositiveIntegerField(
        default=_T.message_window_seconds,
        help_text="How far a council-to-council message's time may be from ours before it is refused.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "transfer settings"
        verbose_name_plural = "transfer settings"
        constraints = [models.CheckConstraint(name="transfer_settings_singleton", condition=Q(pk=1))]

    def __str__(self) -> str:
        return "Transfer timescales"

    @property
    def rules(self) -> TransferSettings:
        return TransferSettings(
            acknowledge_within_school_days=self.acknowledge_within_school_days,
            letter_follow_up_school_days=self.letter_follow_up_school_days,
            message_window_seconds=self.message_window_seconds,
        )


class PartnerCouncil(models.Model):
    """Another council running Roll Call, whose messages this council believes.

    The administrators of the two councils exchange public keys (and the address of each other's
    Roll Call) by a channel they trust; nothing is believed from a council not listed here.
    """

    la_code = models.CharField("LA code", max_length=3, unique=True)
    name = models.CharField(max_length=100)
    api_url = models.URLField(
        "address of its Roll Call", help_text="For example, https://rollcall.leicester.gov.uk"
    )
    public_key = models.CharField(
        max_length=64, help_text="Its Ed25519 public key, as its administrator's page shows it (base64)."
    )
    added_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.la_code})"


class Transfer(models.Model):
    """A child's case handed to another council: by message to a partner, or by letter and CTF."""

    class Method(models.TextChoices):
        MESSAGE = "message", "Roll Call message"
        LETTER = "letter", "Letter and lost-pupil CTF"

    class Status(models.TextChoices):
        NOT_DELIVERED = "not_delivered", "Not delivered yet"
        DELIVERED = "delivered", "Delivered, waiting for confirmation"
        LETTER_SENT = "letter_sent", "Letter sent, waiting for confirmation"
        ACKNOWLEDGED = "acknowledged", "Acknowledged by the new council"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="transfers")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    to_la_code = models.CharField("LA code of the new council", max_length=3)
    to_name = models.CharField("new council", max_length=100)
    partner = models.ForeignKey(
        PartnerCouncil, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    new_address: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    # The transfer's own id, the same in every delivery attempt and in the acknowledgement; each
    # message carrying it has a fresh message id (the replay check) and time.
    transfer_id = models.UUIDField(unique=True)
    payload: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    sent_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    sent_on = models.DateField()
    acknowledge_by = models.DateField()
    delivery_error = models.CharField(max_length=300, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            # One live transfer per case: a second needs the first withdrawn.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["not_delivered", "delivered", "letter_sent"]),
                name="one_live_transfer_per_case",
            ),
        ]
        indexes = [
            # The sweep asks "which live transfers are past their day?" every school day.
            models.Index(
                fields=["acknowledge_by"],
                condition=Q(
                    status__in=["not_delivered", "delivered", "letter_sent"], escalated_on__isnull=True
                ),
                name="transfer_awaiting_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer of case {self.case_id} to {self.to_name}"

    @property
    def is_live(self) -> bool:
        return self.status in {self.Status.NOT_DELIVERED, self.Status.DELIVERED, self.Status.LETTER_SENT}


class IncomingTransfer(models.Model):
    """A transfer another council sent this council: waiting in the caseload until accepted."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to be accepted"
        ACCEPTED = "accepted", "Accepted"

    partner = models.ForeignKey(PartnerCouncil, on_delete=models.PROTECT, related_name="incoming")
    # The sending council's transfer id: a second delivery of one transfer finds this row.
    transfer_id = models.UUIDField()
    payload: models.JSONField[dict[str, Any]] = models.JSONField()
    child_name = models.CharField(max_length=200)
    received_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    accepted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        "casework.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="incoming_transfers"
    )
    acknowledgement_id = models.UUIDField(null=True, blank=True, unique=True)
    acknowledgement_delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_error = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "transfer_id"], name="incoming_transfer_once")
        ]

    def __str__(self) -> str:
        return f"Transfer from {self.partner.name}"


class ReceivedMessage(models.Model):
    """Every message id a partner council sent that was believed: a second arrival is a replay.

    The unique constraint is the replay check; it holds across processes and databases alike.
    """

    partner = models.ForeignKey(PartnerCouncil, on_delete=models.PROTECT, related_name="+")
    message_id = models.UUIDField()
    kind = models.CharField(max_length=20)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "message_id"], name="message_once_per_partner")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"
