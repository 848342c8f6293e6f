"""Elective home education records and the school attendance order route (docs/home-education.md).

The record is the council's knowledge of a child educated at home: the parents, the education
provided (who, how many hours, where), every contact made, the evidence received and the
officer's view of suitability with reasons. Its owner and its dated follow-up are those of its
"ehe" case (casework), so reminders and escalation are the same ladder as every case.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from rollcall.rules.home_education import Step
from rollcall.singletons import SettingsRow


class EHESettings(SettingsRow):
    """The council's home-education timescales. One row; defaults from DOMAIN.md."""

    first_contact_school_days = models.PositiveSmallIntegerField(
        default=10,
        help_text="School days after the council hears by which it first contacts the family "
        "(no deadline in law; local practice, to confirm).",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=12,
        help_text="Months between suitability reviews (DfE 2019 guidance: at least annually; to confirm).",
    )
    review_reminder_days = models.PositiveSmallIntegerField(
        default=20, help_text="Days before a review is due that the owner is reminded."
    )
    informal_enquiry_school_days = models.PositiveSmallIntegerField(
        default=15,
        help_text="School days the informal enquiry letter gives the family to reply (local practice, to confirm).",
    )
    preliminary_notice_days = models.PositiveSmallIntegerField(
        default=15,
        help_text="Days, beginning with the day of service, the preliminary notice gives the parent "
        "to satisfy the council (s.437(2): not less than 15).",
    )
    choice_period_days = models.PositiveSmallIntegerField(
        default=15,
        help_text="Days, beginning with the day of service, the parent has to choose a school after "
        "the notice of intention (s.438).",
    )
    serve_order_school_days = models.PositiveSmallIntegerField(
        default=10,
        help_text="School days after the choice period ends by which the order is served (no maximum in law).",
    )
    consent_decision_school_days = models.PositiveSmallIntegerField(
        default=5, help_text="School days to decide the council's consent for a special-school placement."
    )
    notifications_per_address_per_day = models.PositiveSmallIntegerField(
        default=3,
        help_text="Parents' notifications accepted in 24 hours from one internet address, or about one "
        "home address, before the form asks them to try again later.",
    )
    confirm_notification_school_days = models.PositiveSmallIntegerField(
        default=2, help_text="School days for the team to check a parent's notification."
    )
    parent_information_days = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(1)],
        help_text="Days, beginning with the day of the request, a parent has to give the register "
        "information (s.436D; 15 in the 2022 Bill, to confirm).",
    )
    provider_information_days = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(1)],
        help_text="Days, beginning with the day of the request, an education provider has to answer "
        "(s.436E; 15 in the Bill, to confirm).",
    )
    information_reminder_days = models.PositiveSmallIntegerField(
        default=5, help_text="Days before a request for information is due that the officer is reminded."
    )
    provider_request_interval_months = models.PositiveSmallIntegerField(
        default=3,
        validators=[MaxValueValidator(12)],
        help_text="Months the council waits before asking a provider about the same child again "
        "(no more often than every 3 months: Lords amendment, to confirm).",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "home-education settings"
        verbose_name_plural = "home-education settings"
        constraints = [models.CheckConstraint(name="ehe_settings_singleton", condition=Q(pk=1))]

    def __str__(self) -> str:
        return "Home-education settings"


class EHERecord(models.Model):
    """What the council knows about one child's home education, for the life of its case."""

    class Source(models.TextChoices):
        OFFICER = "officer", "Recorded by an officer"
        CME_OUTCOME = "cme_outcome", "Child missing education case closed as home educated"
        REMOVAL = "removal", "School's removal notice: parent's written notice (ground (f))"
        PARENT = "parent", "Parent's notification"

    class Reason(models.TextChoices):
        # The categories of the DfE's elective home education collection (to confirm against
        # its current guide); the parent's main reason, where they chose to give one.
        NOT_KNOWN = "", "Not known or not given"
        PHILOSOPHICAL = "philosophical", "Philosophical or preferential reasons"
        LIFESTYLE = "lifestyle", "Lifestyle choice"
        MENTAL_HEALTH = "mental_health", "Mental health"
        PHYSICAL_HEALTH = "physical_health", "Physical health"
        DISSATISFIED = "dissatisfied", "Dissatisfaction with the school"
        SEND = "send", "Special educational needs not met"
        BULLYING = "bullying", "Bullying"
        RELIGIOUS = "religious", "Religious or cultural reasons"
        NO_PREFERENCE = "no_preference", "Did not get a preferred school"
        AVOID_EXCLUSION = "avoid_exclusion", "To avoid an exclusion"
        OTHER = "other", "Other"

    class Consent(models.TextChoices):
        NOT_NEEDED = "", "Not needed"
        SPECIAL_SCHOOL = "special_school", "Special school place arranged by the council"
        NAMED_IN_ORDER = "named_in_order", "School named in a school attendance order"

    class Decision(models.TextChoices):
        PENDING = "", "Not decided"
        GIVEN = "given", "Consent given"
        REFUSED = "refused", "Consent refused"

    class Suitability(models.TextChoices):
        NOT_JUDGED = "", "Not judged yet"
        SUITABLE = "suitable", "Suitable"
        NOT_SUITABLE = "not_suitable", "Appears not suitable"
        NO_INFORMATION = "no_information", "Not enough information"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="ehe_records")
    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, related_name="ehe_record")
    source = models.CharField(max_length=20, choices=Source.choices)
    notified_on = models.DateField(
        null=True, blank=True, help_text="The date of the parent's written notice, if there was one."
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The school the child left, if any.",
    )
    parents = models.TextField(blank=True, help_text="Names, addresses and how to reach each parent.")
    reason = models.CharField(
        max_length=20,
        choices=Reason.choices,
        blank=True,
        default="",
        help_text="The parent's main reason for home education, if they gave one (never required).",
    )
    educated_by = models.TextField(
        blank=True, help_text="Who provides the education (parents, tutors, online)."
    )
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    where = models.TextField(blank=True, help_text="Where the child is taught (home, a tutor's, online).")
    consent_needed = models.CharField(max_length=20, choices=Consent.choices, blank=True, default="")
    consent_decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    consent_reasons = models.TextField(blank=True)
    consent_decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_decided_at = models.DateTimeField(null=True, blank=True)
    first_contact_on = models.DateField(null=True, blank=True)
    suitability = models.CharField(max_length=20, choices=Suitability.choices, blank=True, default="")
    suitability_reasons = models.TextField(blank=True)
    judged_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    judged_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(
        null=True, blank=True, help_text="The next time the council looks at the education."
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["next_review_on", "pk"]
        indexes = [models.Index(fields=["next_review_on"], name="ehe_record_review")]

    def __str__(self) -> str:
        return f"Home education: {self.child}"


class EHESource(models.Model):
    """What opened or joined a record: a closed CME case or a removal notice, each once only.

    The unique columns make the sweep step that opens records from them idempotent.
    """

    record = models.ForeignKey(EHERecord, on_delete=models.CASCADE, related_name="sources")
    cme_case = models.OneToOneField(
        "casework.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_notice = models.OneToOneField(
        "schools.RemovalNotice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="ehe_source_one_of",
                condition=Q(cme_case__isnull=False, removal_notice__isnull=True)
                | Q(cme_case__isnull=True, removal_notice__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"Source of {self.record}"


class EHEContact(models.Model):
    """A contact the council made with the family (or tried to)."""

    class Method(models.TextChoices):
        LETTER = "letter", "Letter"
        EMAIL = "email", "E-mail"
        PHONE = "phone", "Phone call"
        MEETING = "meeting", "Meeting"
        VISIT = "visit", "Home visit (at the family's invitation)"

    record = models.ForeignKey(EHERecord, on_delete=models.CASCADE, related_name="contacts")
    made_on = models.DateField()
    method = models.CharField(max_length=10, choices=Method.choices)
    with_whom = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-made_on", "-pk"]

    def __str__(self) -> str:
        return f"Contact on {self.made_on} for {self.record}"


class EHEEvidence(models.Model):
    """Evidence of the education the family chose to share (there is no right of entry)."""

    class Kind(models.TextChoices):
        REPORT = "report", "Written report from the parents"
        SAMPLES = "samples", "Samples of work"
        MEETING = "meeting", "Seen at a meeting"
        VISIT = "visit", "Seen at a home visit"
        TUTOR = "tutor", "Information from a tutor or provider"
        OTHER = "other", "Other"

    record = models.ForeignKey(EHERecord, on_delete=models.CASCADE, related_name="evidence")
    received_on = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField()
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"Evidence of {self.received_on} for {self.record}"


STEP_CHOICES = [
    (Step.INFORMAL_ENQUIRY.value, "Informal enquiry"),
    (Step.PRELIMINARY_NOTICE.value, "Preliminary notice (s.437(1))"),
    (Step.NOTICE_OF_INTENTION.value, "Notice of intention (s.438)"),
    (Step.ORDER.value, "School attendance order (s.437(3))"),
    (Step.AMENDMENT.value, "Amended school attendance order (s.440)"),
]


class SAONotice(models.Model):
    """A letter or notice served on the attendance order route, kept as it was sent."""

    class Method(models.TextChoices):
        HAND = "hand", "By hand"
        POST = "post", "By post"
        EMAIL = "email", "By e-mail (with the parent's agreement)"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="sao_notices")
    record = models.ForeignKey(EHERecord, on_delete=models.PROTECT, related_name="notices")
    step = models.CharField(max_length=30, choices=STEP_CHOICES)
    served_on = models.DateField()
    method = models.CharField(max_length=10, choices=Method.choices)
    period_end = models.DateField(
        help_text="The last day of the period the notice gives, or the deadline it sets."
    )
    reason = models.TextField(help_text="Why it appears the education is not suitable, or what is asked.")
    schools_named = models.TextField(blank=True, help_text="The school named, and any alternatives.")
    letter_html = models.TextField(help_text="The letter exactly as it was served.")
    served_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["served_on", "pk"]
        constraints = [
            # An order may be amended more than once (each time the parents obtain a place).
            models.UniqueConstraint(
                fields=["case", "step"], name="one_notice_per_step", condition=~Q(step="amendment")
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} served {self.served_on}"


class ParentNotification(models.Model):
    """A parent's own notification that a child is home educated, from the public form.

    A claim to confirm (STYLE.md rule 14): it changes no child's record until an officer of the
    Elective Home Education team has checked it and confirmed it, which registers the child. The
    parent is answered with the reference only, never with anything the council holds.
    """

    class Status(models.TextChoices):
        TO_CONFIRM = "to_confirm", "To confirm"
        CONFIRMED = "confirmed", "Confirmed by an officer"
        REFUSED = "refused", "Refused by an officer"

    received_at = models.DateTimeField()
    child_forename = models.CharField("child's first name", max_length=100)
    child_surname = models.CharField("child's last name", max_length=100)
    child_date_of_birth = models.DateField()
    address_line_1 = models.CharField(max_length=200)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10)
    school_name = models.CharField(
        max_length=200, blank=True, help_text="The school the child attends or left."
    )
    home_educating_from = models.DateField(null=True, blank=True)
    parent_name = models.CharField(max_length=200)
    parent_email = models.EmailField(blank=True)
    parent_phone = models.CharField(max_length=30, blank=True)
    education = models.TextField(blank=True, help_text="The education, as the parent describes it.")
    # A keyed hash of the sender's internet address (never the address itself), for the throttle.
    sender_key = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.TO_CONFIRM)
    confirm_by = models.DateField()
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    record = models.ForeignKey(EHERecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["confirm_by", "pk"]
        indexes = [
            models.Index(fields=["sender_key", "received_at"], name="ehe_notification_sender"),
            models.Index(fields=["postcode", "received_at"], name="ehe_notification_home"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"EHN-{self.pk:06d}"


class LetterTemplate(models.Model):
    """The text of one kind of letter on the attendance order route, as administrators edit it.

    Plain text with named placeholders (rollcall/homeeducation/letters.py), never template code.
    The address, date and sign-off around it are the same for every letter. A served letter is
    kept as it was served (SAONotice.letter_html): editing a template changes later letters only.
    """

    kind = models.CharField(max_length=30, choices=STEP_CHOICES, unique=True)
    heading = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Paragraphs separated by a blank line; '## ' starts a heading; **bold**; {placeholders}."
    )
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"Letter template: {self.get_kind_display()}"


class PartTimeArrangement(models.Model):
    """A child registered at a school but educated elsewhere for part of the time (s.436B(b)):
    flexi-schooling, a part-time timetable or off-site alternative provision the school arranged
    or agreed. Entered by the EHE team or by the school; puts the child on the register while in
    force and while the child is on that school's roll."""

    class Kind(models.TextChoices):
        FLEXI = "flexi", "Flexi-schooling (educated by the parents part of the week)"
        PART_TIME = "part_time", "Part-time timetable"
        ALTERNATIVE = "alternative", "Alternative provision off the school site"
        OTHER = "other", "Other education elsewhere"

    class ProviderType(models.TextChoices):
        PARENTS = "parents", "The parents"
        TUTOR = "tutor", "A tutor"
        ALTERNATIVE = "alternative", "An alternative provision provider"
        ONLINE = "online", "An online school or course"
        OTHER = "other", "Other"

    class EnteredBy(models.TextChoices):
        OFFICER = "officer", "The council"
        SCHOOL = "school", "The school"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="part_time_arrangements")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sessions_elsewhere = models.PositiveSmallIntegerField(
        "sessions a week educated elsewhere",
        help_text="A session is a morning or an afternoon: a school week has 10.",
    )
    provider = models.CharField(
        "who educates the child elsewhere", max_length=200, help_text="The parents, or the provider's name."
    )
    provider_type = models.CharField(max_length=20, choices=ProviderType.choices)
    provider_address = models.TextField(
        "where the child is taught elsewhere",
        blank=True,
        help_text="The provider's address, the address where taught, or a website or e-mail if online.",
    )
    parents = models.TextField(blank=True, help_text="Each parent's name and home address.")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    entered_by_kind = models.CharField(max_length=10, choices=EnteredBy.choices)
    entered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["school", "ends_on"], name="ehe_parttime_school")]
        constraints = [
            models.CheckConstraint(
                name="ehe_parttime_sessions",
                condition=Q(sessions_elsewhere__gte=1, sessions_elsewhere__lte=10),
            ),
            models.CheckConstraint(
                name="ehe_parttime_dates",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"Part-time arrangement for {self.child} at {self.school}"

    @property
    def reference(self) -> str:
        return f"PTA-{self.pk:06d}"


class InformationRequest(models.Model):
    """The council asks a parent (s.436D) or an education provider (s.436E) for the register
    information about a child: due by the rules, reminded and listed overdue by the sweep, and
    the answer recorded."""

    class Recipient(models.TextChoices):
        PARENT = "parent", "A parent (s.436D)"
        PROVIDER = "provider", "An education provider (s.436E)"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="information_requests")
    record = models.ForeignKey(
        EHERecord, on_delete=models.PROTECT, null=True, blank=True, related_name="information_requests"
    )
    arrangement = models.ForeignKey(
        PartTimeArrangement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="information_requests",
    )
    recipient = models.CharField(max_length=10, choices=Recipient.choices)
    addressed_to = models.CharField(max_length=200, help_text="The parent's or the provider's name.")
    asked_for = models.TextField(help_text="What the council asked for.")
    sent_on = models.DateField()
    due_on = models.DateField()
    answered_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answer_recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["answered_on", "due_on"], name="ehe_request_due")]
        constraints = [
            models.CheckConstraint(
                name="ehe_request_about_one",
                condition=Q(record__isnull=False, arrangement__isnull=True)
                | Q(record__isnull=True, arrangement__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"Request {self.reference} to {self.addressed_to}"

    @property
    def reference(self) -> str:
        return f"RQ-{self.pk:06d}"
