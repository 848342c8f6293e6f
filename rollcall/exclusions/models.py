"""Exclusion notifications, sixth-day provision, penalty-notice considerations and notices.

The rules are in rollcall/rules/exclusions.py and rollcall/rules/penalties.py; the settings row
here holds the council's values for them, with DOMAIN.md's defaults.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from rollcall.rules.exclusions import DEFAULT_BUDGET_ADJUSTMENT
from rollcall.rules.exclusions import ExclusionSettings as ExclusionRules
from rollcall.rules.penalties import PenaltySettings
from rollcall.singletons import SettingsRow

_E = ExclusionRules()
_P = PenaltySettings()


class EnforcementSettings(SettingsRow):
    """The council's exclusion timescales and penalty-notice settings. One row."""

    board_meeting_days = models.PositiveSmallIntegerField(
        default=_E.board_meeting_days,
        help_text="School days for the board to meet (permanent, over 15 days, exam).",
    )
    board_on_request_days = models.PositiveSmallIntegerField(
        default=_E.board_on_request_days,
        help_text="School days for the board to meet on request (6 to 15 days).",
    )
    sixth_day = models.PositiveSmallIntegerField(
        default=_E.sixth_day,
        help_text="The school day of exclusion from which full-time education is arranged.",
    )
    reminder_days = models.PositiveSmallIntegerField(
        default=_E.reminder_days,
        help_text="School days before the board's deadline that the school is reminded.",
    )
    # The review route (2012 Regulations; the guidance's edition is to confirm, so each is a setting).
    review_application_days = models.PositiveSmallIntegerField(
        default=_E.review_application_days,
        help_text="School days for the parents to apply for an independent review, from the board's notice.",
    )
    review_panel_days = models.PositiveSmallIntegerField(
        default=_E.review_panel_days,
        help_text="School days for the review panel to meet, from the application.",
    )
    reconsideration_days = models.PositiveSmallIntegerField(
        default=_E.reconsideration_days,
        help_text="School days for the board to reconsider, from the panel's decision.",
    )
    post_working_days = models.PositiveSmallIntegerField(
        default=_E.post_working_days,
        help_text="Working days after first-class posting that a notice counts as given.",
    )
    budget_adjustment = models.PositiveIntegerField(
        default=DEFAULT_BUDGET_ADJUSTMENT,
        validators=[MinValueValidator(1)],
        help_text=(
            "Pounds adjusted from the school's budget when a review panel quashes a permanent "
            "exclusion and the board, reconsidering, does not reinstate (£4,000: to confirm)."
        ),
    )
    threshold_sessions = models.PositiveSmallIntegerField(
        default=_P.threshold_sessions,
        help_text="Unauthorised sessions in the window that call for a consideration.",
    )
    window_weeks = models.PositiveSmallIntegerField(
        default=_P.window_weeks, help_text="School weeks in the rolling window."
    )
    reduced_amount = models.PositiveSmallIntegerField(
        default=_P.reduced_amount, help_text="Pounds, first notice, paid early."
    )
    full_amount = models.PositiveSmallIntegerField(default=_P.full_amount, help_text="Pounds, first notice.")
    reduced_days = models.PositiveSmallIntegerField(
        default=_P.reduced_days, help_text="Days to pay the reduced amount."
    )
    full_days = models.PositiveSmallIntegerField(default=_P.full_days, help_text="Days to pay in full.")
    repeat_amount = models.PositiveSmallIntegerField(
        default=_P.repeat_amount, help_text="Pounds, second notice."
    )
    lookback_years = models.PositiveSmallIntegerField(
        default=_P.lookback_years, help_text="Years a notice counts for."
    )
    max_notices = models.PositiveSmallIntegerField(
        default=_P.max_notices, help_text="Notices allowed in the look-back."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "exclusions and enforcement settings"
        verbose_name_plural = "exclusions and enforcement settings"
        constraints = [models.CheckConstraint(name="enforcement_settings_singleton", condition=Q(pk=1))]

    def __str__(self) -> str:
        return "Exclusions and enforcement settings"

    def exclusion_rules(self) -> ExclusionRules:
        return ExclusionRules(
            board_meeting_days=self.board_meeting_days,
            board_on_request_days=self.board_on_request_days,
            sixth_day=self.sixth_day,
            reminder_days=self.reminder_days,
            review_application_days=self.review_application_days,
            review_panel_days=self.review_panel_days,
            reconsideration_days=self.reconsideration_days,
            post_working_days=self.post_working_days,
        )

    def penalty_rules(self) -> PenaltySettings:
        return PenaltySettings(
            threshold_sessions=self.threshold_sessions,
            window_weeks=self.window_weeks,
            reduced_amount=self.reduced_amount,
            full_amount=self.full_amount,
            reduced_days=self.reduced_days,
            full_days=self.full_days,
            repeat_amount=self.repeat_amount,
            lookback_years=self.lookback_years,
            max_notices=self.max_notices,
        )


class Exclusion(models.Model):
    """A school's notification of a suspension or a permanent exclusion, and its deadlines."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "Suspension"
        PERMANENT = "permanent", "Permanent exclusion"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="exclusions")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="exclusions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    first_day = models.DateField()
    days = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="School days; a lunchtime is 0.5."
    )
    reason = models.TextField()
    misses_exam = models.BooleanField(
        default=False, help_text="Means missing a public exam or national test."
    )
    received_at = models.DateTimeField()
    sent_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    school_return = models.OneToOneField(
        "returns.SchoolReturn", on_delete=models.PROTECT, null=True, blank=True, related_name="exclusion"
    )
    # Worked out from the rules when the notification was recorded.
    term_days = models.DecimalField(
        max_digits=5, decimal_places=1, default=0, help_text="Suspension days this term, this one included."
    )
    told_without_delay = models.BooleanField(default=False)
    board_due = models.DateField(null=True, blank=True)
    board_must_meet = models.BooleanField(default=False)
    sixth_day = models.DateField(null=True, blank=True)
    school_arranges_sixth_day = models.BooleanField(default=False)
    # What happened.
    board_met_on = models.DateField(null=True, blank=True)
    board_decision = models.CharField(max_length=200, blank=True)
    provision_from = models.DateField(null=True, blank=True)
    provision_by = models.CharField(max_length=200, blank=True)
    case = models.ForeignKey(
        "casework.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="exclusions"
    )
    # The review route: what it waits for next and its last day (rules.exclusions.review_next),
    # kept with each recorded step so the sweep's reminders are one query.
    review_next = models.CharField(max_length=20, blank=True)
    review_due = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-first_day", "-pk"]
        indexes = [models.Index(fields=["child", "first_day"], name="exclusion_child_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.first_day:%d/%m/%Y}"


class Consideration(models.Model):
    """A pupil reached the penalty-notice threshold in a term: one consideration, one decision."""

    class Decision(models.TextChoices):
        # The same values as rollcall.rules.penalties.Decision.
        NOTICE_TO_IMPROVE = "notice_to_improve", "Notice to improve"
        PENALTY_NOTICE = "penalty_notice", "Penalty notice"
        OTHER_SUPPORT = "other_support", "Other support"
        NO_ACTION = "no_action", "No action"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="penalty_considerations")
    academic_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=6)
    reached_on = models.DateField(help_text="The first day the window held the threshold.")
    sessions = models.PositiveSmallIntegerField(help_text="Unauthorised sessions in the window that day.")
    window_start = models.DateField()
    schools = models.JSONField(default=list, help_text="The schools whose marks were counted.")
    created_at = models.DateTimeField()
    requested_by_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A school's request for a notice through its portal (the council still decides). A
    # consideration opened by a request, not the threshold, has reached_on and window_start the
    # day the school asked and sessions the school's own count.
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    school_request = models.TextField(
        blank=True, help_text="What the school says: the absence and the support it has offered."
    )
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reached_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "academic_year", "term"], name="one_consideration_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"Penalty-notice consideration, {self.term} {self.academic_year}"


class PenaltyNotice(models.Model):
    """A penalty notice to one parent for one child (2007 Regulations reg. 20: a copy of each)."""

    consideration = models.ForeignKey(Consideration, on_delete=models.PROTECT, related_name="notices")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="penalty_notices")
    parent_name = models.CharField(max_length=200)
    issued_on = models.DateField()
    received_on = models.DateField()
    number = models.PositiveSmallIntegerField(help_text="1 or 2: its place in the look-back period.")
    reduced_amount = models.PositiveSmallIntegerField(null=True, blank=True)
    reduced_by = models.DateField(null=True, blank=True)
    amount = models.PositiveSmallIntegerField()
    pay_by = models.DateField()
    paid_on = models.DateField(null=True, blank=True)
    paid_amount = models.PositiveSmallIntegerField(default=0)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    issued_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"Penalty notice of {self.issued_on:%d/%m/%Y} to {self.parent_name}"


class ExclusionStep(models.Model):
    """One recorded step of an exclusion's route: the board, the review application, the panel,
    the reconsideration (rollcall.rules.exclusions.ReviewStep), in the order the rules allow."""

    class Step(models.TextChoices):
        BOARD = "board", "Governing board met"
        APPLIED = "applied", "Parents applied for an independent review"
        NO_REVIEW = "no_review", "Parents confirmed they will not apply for a review"
        PANEL = "panel", "Independent review panel met"
        RECONSIDERED = "reconsidered", "Governing board reconsidered"

    class Outcome(models.TextChoices):
        # The same values and labels as rollcall.rules.exclusions.ReviewOutcome.
        REINSTATED = "reinstated", "Reinstated"
        UPHELD = "upheld", "Upheld"
        RECONSIDERATION_RECOMMENDED = "reconsideration_recommended", "Reconsideration recommended"
        QUASHED = "quashed", "Quashed and reconsideration directed"

    exclusion = models.ForeignKey(Exclusion, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(max_length=20, choices=Step.choices)
    on = models.DateField()
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    notice_sent_on = models.DateField(
        null=True, blank=True, help_text="The board's decision sent to the parents."
    )
    notice_by_post = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} on {self.on:%d/%m/%Y}"


class BudgetAdjustment(models.Model):
    """The budget adjustment after an independent review panel quashed a permanent exclusion and
    the governing board, reconsidering, did not reinstate (rollcall.rules.exclusions.
    budget_adjustment). Recorded with the reconsideration, in its transaction, once per exclusion;
    the amount is the council's setting on that day."""

    exclusion = models.OneToOneField(Exclusion, on_delete=models.PROTECT, related_name="budget_adjustment")
    step = models.OneToOneField(
        ExclusionStep,
        on_delete=models.PROTECT,
        related_name="budget_adjustment",
        help_text="The reconsideration.",
    )
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="budget_adjustments")
    amount = models.PositiveIntegerField(help_text="Pounds.")
    on = models.DateField(help_text="The day the board reconsidered.")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["on"], name="budget_adjustment_on")]

    def __str__(self) -> str:
        return f"Budget adjustment of £{self.amount:,} on {self.on:%d/%m/%Y}"


class ProsecutionStep(models.Model):
    """One recorded step of the prosecution route for a consideration
    (rollcall.rules.penalties.ProsecutionStep), in the order the rules allow."""

    class Step(models.TextChoices):
        REFERRED = "referred", "Referred for prosecution"
        ESO_CONSIDERED = "eso_considered", "Education supervision order considered"
        CASE_PREPARED = "case_prepared", "Case prepared"
        HEARING = "hearing", "Court date"
        CONVICTED = "convicted", "Convicted"
        ACQUITTED = "acquitted", "Acquitted"
        PARENTING_ORDER = "parenting_order", "Parenting order made"
        WITHDRAWN = "withdrawn", "Withdrawn"

    consideration = models.ForeignKey(
        Consideration, on_delete=models.PROTECT, related_name="prosecution_steps"
    )
    step = models.CharField(max_length=20, choices=Step.choices)
    on = models.DateField()
    fine = models.PositiveIntegerField(null=True, blank=True, help_text="Pounds; a conviction only.")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} on {self.on:%d/%m/%Y}"


class SupportMeeting(models.Model):
    """The council's termly targeting support meeting with one school (DfE, *Working together to
    improve school attendance*, 2024: three a year). Made by the sweep, one per school per term."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="support_meetings")
    academic_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=6)
    due = models.DateField(help_text="The last day of the term.")
    created_at = models.DateTimeField()
    held_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, help_text="The minutes: who came, what was agreed for the school.")
    held_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due", "school__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "term"], name="one_support_meeting_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"Attendance support meeting, {self.term} {self.academic_year}"


class SupportAction(models.Model):
    """An action agreed at a support meeting for one pupil."""

    meeting = models.ForeignKey(SupportMeeting, on_delete=models.PROTECT, related_name="actions")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="support_actions")
    action = models.TextField()
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return "Action agreed at an attendance support meeting"
