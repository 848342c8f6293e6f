"""In-year applications, the vulnerability assessment, offers, put-on-roll requests, Fair Access
referrals and deferred places (seed 002). The tracked work itself lives in casework cases of the
kinds "admission", "fair_access" and "waiting"; these models hold the admissions facts."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from rollcall.rules.admissions import AdmissionTimescales
from rollcall.rules.vulnerability import CHARACTERISTICS, Answer, Rating
from rollcall.singletons import SettingsRow

ANSWER_CHOICES = [(Answer.YES.value, "Yes"), (Answer.NO.value, "No"), (Answer.NOT_KNOWN.value, "Not known")]
RATING_CHOICES = [(r.value, r.value.capitalize()) for r in Rating]
CHARACTERISTIC_CHOICES = [(c.code, c.question) for c in CHARACTERISTICS]


DEFAULT_SCHOOL_REQUEST = """Please put {{ child }} (born {{ date_of_birth }}) on the roll of {{ school }}.

The council offered {{ child }} a place at {{ school }} on {{ offered_on }} (decision date {{ decision_date }}).

Please confirm by {{ answer_due }} ({{ answer_window }} school days) that the child is on roll and the date from which, or tell us why not. If we do not hear from you by then we will contact you and the family; a child who has not started school is referred to the Inclusion service as a child missing education."""

DEFAULT_PARENT_LETTER = """Dear parent or carer of {{ child }},

We are pleased to offer {{ child }} a place at {{ school }}. The decision was made on {{ decision_date }}.

Please contact the school to arrange a start date. We have asked the school to confirm to us by {{ answer_due }} that {{ child }} is on roll. If {{ child }} has not started school by then, an admissions officer will contact you.

Yours faithfully,
The Admissions Team"""


class AdmissionSettings(SettingsRow):
    """The council's admission timescales (one row; an administrator edits it)."""

    answer_window_school_days = models.PositiveSmallIntegerField(
        default=10, help_text="School days for a school to confirm a child is on roll (seed 002: 10)."
    )
    second_window_school_days = models.PositiveSmallIntegerField(
        default=10, help_text="Further school days before a child not on roll is referred as CME."
    )
    fair_access_school_days = models.PositiveSmallIntegerField(
        default=20, help_text="School days to allocate a Fair Access place (Admissions Code 2021: 20)."
    )
    school_response_days = models.PositiveSmallIntegerField(
        default=7, help_text="Calendar days for a school to respond before a direction (Code: 7)."
    )
    waiting_review_school_days = models.PositiveSmallIntegerField(
        default=10, help_text="School days between reviews of a child waiting for a place."
    )
    school_request_template = models.TextField(
        default=DEFAULT_SCHOOL_REQUEST,
        help_text="The 'please put this child on roll' request. Placeholders: {{ child }}, {{ date_of_birth }}, "
        "{{ school }}, {{ offered_on }}, {{ decision_date }}, {{ answer_due }}, {{ answer_window }}.",
    )
    parent_letter_template = models.TextField(
        default=DEFAULT_PARENT_LETTER,
        help_text="The letter to the parent or carer. Same placeholders as the school request.",
    )

    class Meta:
        verbose_name = "admission settings"
        verbose_name_plural = "admission settings"

    def __str__(self) -> str:
        return "Admission settings"

    def timescales(self) -> AdmissionTimescales:
        return AdmissionTimescales(
            answer_window_school_days=self.answer_window_school_days,
            second_window_school_days=self.second_window_school_days,
            fair_access_school_days=self.fair_access_school_days,
            school_response_days=self.school_response_days,
            waiting_review_school_days=self.waiting_review_school_days,
        )


class Application(models.Model):
    """An in-year application for a school place, with its vulnerability result kept for audit."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        OFFERED = "offered", "Place offered"
        ON_ROLL = "on_roll", "On roll"
        CHECKED_OFF = "checked_off", "Checked off"
        REFERRED_CME = "referred_cme", "Referred as CME"
        WITHDRAWN = "withdrawn", "Withdrawn"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="applications")
    received_on = models.DateField()
    preferred_school_1 = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name="first preference"
    )
    preferred_school_2 = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    preferred_school_3 = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason_for_move = models.TextField()
    current_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    vulnerable = models.BooleanField(default=False)
    rating = models.CharField(max_length=10, choices=RATING_CHOICES, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        "casework.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The version a form or API client read (rollcall/concurrency.py): every write claims the next.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"Application {self.pk} for {self.child_id}"

    @property
    def preferred_schools(self) -> list[object]:
        return [s for s in (self.preferred_school_1, self.preferred_school_2, self.preferred_school_3) if s]


class VulnerabilityAnswer(models.Model):
    """One answer of the risk assessment, with its evidence."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    characteristic = models.CharField(max_length=30, choices=CHARACTERISTIC_CHOICES)
    answer = models.CharField(max_length=10, choices=ANSWER_CHOICES)
    evidence = models.TextField(blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["application", "characteristic"], name="one_answer_per_characteristic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.characteristic}: {self.answer}"


class Offer(models.Model):
    """The council's offer of a place at a school, and the decision date."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="offers")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    decision_date = models.DateField()
    offered_on = models.DateField()
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Offer at {self.school_id} on {self.offered_on}"


class PutOnRollRequest(models.Model):
    """The council asks the school to put the child on roll and confirm by ``answer_due``."""

    class Answer(models.TextChoices):
        ON_ROLL = "on_roll", "On roll"
        NOT_ON_ROLL = "not_on_roll", "Not on roll"

    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="request")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="requests")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="put_on_roll_requests"
    )
    case = models.ForeignKey(
        "casework.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_on = models.DateField()
    sent_at = models.DateTimeField()
    answer_due = models.DateField()
    second_window_ends = models.DateField()
    answer = models.CharField(max_length=20, choices=Answer.choices, blank=True)
    on_roll_from = models.DateField(null=True, blank=True)
    attended_from = models.DateField(null=True, blank=True, help_text="The child's first day in school.")
    not_on_roll_reason = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True)
    referred_cme_on = models.DateField(null=True, blank=True)
    # The version a form or API client read (rollcall/concurrency.py): every write claims the next.
    version = models.PositiveIntegerField(default=1, editable=False)
    checked_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["answer_due", "pk"]
        indexes: ClassVar = [
            # The sweep asks "which unchecked requests are due?" every day.
            models.Index(fields=["checked_off_at", "answer_due"], name="request_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Put-on-roll request {self.pk}"

    @property
    def is_checked_off(self) -> bool:
        return self.checked_off_at is not None

    @property
    def status_label(self) -> str:
        if self.referred_cme_on:
            return "Referred as CME"
        if self.checked_off_at:
            return "Checked off"
        if self.answer == self.Answer.ON_ROLL:
            return "On roll, waiting for attendance"
        if self.answer == self.Answer.NOT_ON_ROLL:
            return "Not on roll"
        if self.reminded_on:
            return "No answer, reminded"
        return "Waiting for the school"


class Contact(models.Model):
    """The officer's contact with the parent/carer or school about taking up the place."""

    class Party(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        SCHOOL = "school", "School"

    class Intent(models.TextChoices):
        YES = "yes", "Will take up the place"
        NO = "no", "Will not take up the place"
        UNKNOWN = "unknown", "Not known / no contact made"

    request = models.ForeignKey(PutOnRollRequest, on_delete=models.CASCADE, related_name="contacts")
    party = models.CharField(max_length=10, choices=Party.choices)
    made_on = models.DateField()
    intent = models.CharField(max_length=10, choices=Intent.choices)
    details = models.TextField(blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Contact with {self.party} on {self.made_on}"


class FairAccessReferral(models.Model):
    """A referral under the Fair Access Protocol (School Admissions Code 2021, 3.9-3.34)."""

    class Category(models.TextChoices):
        CIN_CP = "cin_cp", "Child in need or child protection plan (now or in the last 12 months)"
        REFUGE = "refuge", "Living in a refuge or other relevant accommodation"
        CRIMINAL_JUSTICE = "criminal_justice", "From the criminal justice system"
        ALTERNATIVE_PROVISION = (
            "ap",
            "In alternative provision needing reintegration, or permanently excluded",
        )
        SEN_NO_EHCP = "sen", "SEN without an EHC plan, disability or medical condition"
        YOUNG_CARER = "young_carer", "Young carer"
        HOMELESS = "homeless", "Homeless"
        KINSHIP = "kinship", "In formal kinship care"
        GRT_REFUGEE = "grt_refugee", "Gypsy, Roma, Traveller, refugee or asylum-seeker"
        CHALLENGING_BEHAVIOUR = "behaviour", "Refused a place for challenging behaviour and referred"
        EXCEPTIONAL = "exceptional", "No place sought because of exceptional circumstances"
        OUT_OF_EDUCATION = "out_4_weeks", "Out of education 4+ weeks, no place within reasonable distance"
        PREVIOUSLY_LOOKED_AFTER = "plac", "Previously looked-after, no prompt place"

    class Decision(models.TextChoices):
        PENDING = "", "Not decided yet"
        ALLOCATED = "allocated", "School allocated"
        NOT_ACCEPTED = "not_accepted", "Not accepted into the protocol"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="fair_access_referrals")
    case = models.ForeignKey(
        "casework.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    reason = models.TextField()
    schools_considered = models.ManyToManyField("schools.School", related_name="+", blank=True)
    panel_date = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    school_allocated = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    taken_into_protocol_on = models.DateField()
    placement_due = models.DateField()
    allocated_on = models.DateField(null=True, blank=True)
    school_response_due = models.DateField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    direction_requested_on = models.DateField(null=True, blank=True)
    admitted_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["placement_due", "pk"]

    def __str__(self) -> str:
        return f"Fair Access referral {self.pk}"

    @property
    def status_label(self) -> str:
        if self.admitted_on:
            return "Admitted"
        if self.direction_requested_on:
            return "Direction requested"
        if self.escalated_on:
            return "Escalated to head of service"
        if self.reminded_on:
            return "School reminded"
        if self.school_allocated_id:
            return "School allocated"
        return "Referred to the panel"


class DeferredPlace(models.Model):
    """A school place whose start is deferred: checked on the day the child is due to start."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="deferred_places")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    due_to_start = models.DateField()
    checked_on = models.DateField(null=True, blank=True)
    started = models.BooleanField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["due_to_start", "pk"]

    def __str__(self) -> str:
        return f"Deferred place {self.pk}"
