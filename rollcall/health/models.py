"""Health-needs casework: reports of illness, the provision referral, the named contact and
monthly check-ins, the reintegration plan, and requests to the SEN panel (docs/health-needs.md)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from rollcall.singletons import SettingsRow

YES_NO = [("yes", "Yes"), ("no", "No")]


class HealthSettings(SettingsRow):
    """The council's health-needs settings. One row."""

    threshold_school_days = models.PositiveSmallIntegerField(
        default=15,
        help_text="School days missed through illness (consecutive or cumulative) that open a case.",
    )
    provision_start_school_days = models.PositiveSmallIntegerField(
        default=5, help_text="School days after the case opens by which provision should start (to confirm)."
    )
    checkin_reminder_days = models.PositiveSmallIntegerField(
        default=5, help_text="Days before a monthly check-in is due that the named contact is reminded."
    )
    provision_name = models.CharField(
        max_length=100, default="Springboard", help_text="The medical-needs provision's name."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "health-needs settings"
        verbose_name_plural = "health-needs settings"
        constraints = [models.CheckConstraint(name="health_settings_singleton", condition=Q(pk=1))]

    def __str__(self) -> str:
        return "Health-needs settings"


class HealthReport(models.Model):
    """A school's or an officer's report that a child is absent through illness."""

    class Pattern(models.TextChoices):
        CONSECUTIVE = "consecutive", "Consecutive days"
        CUMULATIVE = "cumulative", "Cumulative (on and off)"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="health_reports")
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="health_reports"
    )
    case = models.ForeignKey(
        "casework.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="health_reports"
    )
    reported_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()
    first_day_absent = models.DateField()
    days_so_far = models.PositiveSmallIntegerField(help_text="School days missed so far this school year.")
    expected_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="School days the child is expected to miss in all, if known."
    )
    pattern = models.CharField(max_length=20, choices=Pattern.choices)
    medical_evidence = models.CharField(max_length=3, choices=YES_NO)
    evidence_from = models.CharField(max_length=200, blank=True)
    evidence_date = models.DateField(null=True, blank=True)
    details = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at", "-pk"]

    def __str__(self) -> str:
        return f"Health report for {self.child} ({self.days_so_far} days)"


class ProvisionReferral(models.Model):
    """The referral to the medical-needs provision (Springboard in Croydon)."""

    class Kind(models.TextChoices):
        HOME = "home", "One-to-one teaching at home"
        ONLINE = "online", "Online teaching"
        HOSPITAL = "hospital", "Hospital school"
        SMALL_GROUP = "small_group", "Small group at the provision"
        OTHER = "other", "Other"

    class Sen(models.TextChoices):
        NONE = "none", "No special educational needs"
        SUPPORT = "sen_support", "SEN support"
        EHCP = "ehcp", "Education, health and care plan"
        ASSESSMENT = "assessment", "EHC needs assessment requested"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="referrals")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provision_name = models.CharField(max_length=100)
    medical_evidence = models.CharField(max_length=3, choices=YES_NO)
    evidence_from = models.CharField(max_length=200, blank=True)
    evidence_date = models.DateField(null=True, blank=True)
    health_needs = models.TextField(help_text="The child's health needs, as far as they affect education.")
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    kind_details = models.CharField(max_length=200, blank=True)
    sen_status = models.CharField(max_length=20, choices=Sen.choices)
    consent = models.CharField(max_length=3, choices=YES_NO)
    consent_date = models.DateField(null=True, blank=True)
    sent_at = models.DateTimeField()
    made_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"Referral to {self.provision_name} for {self.child}"


class NamedContact(models.Model):
    """The council officer the family checks in with; ``to`` is empty while they are current."""

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="named_contacts")
    officer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-since", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(until__isnull=True), name="one_current_named_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} for {self.case}"


class CheckIn(models.Model):
    """A monthly check-in with the family: due, then done. Missed = past due and not done."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        VISIT = "visit", "Home visit"
        VIDEO = "video", "Video call"
        EMAIL = "email", "E-mail"
        SCHOOL = "school", "In person at school"

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="checkins")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    spoken_to = models.CharField(max_length=200, blank=True)
    situation = models.TextField(
        blank=True, help_text="How the child is and what education they are getting."
    )
    hours_received = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    actions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "due_on"], name="one_checkin_per_case_day")]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="checkin_open_due")
        ]

    def __str__(self) -> str:
        return f"Check-in due {self.due_on} on {self.case}"


class ReintegrationPlan(models.Model):
    """The plan for the child's return to school, agreed with the school and family."""

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="reintegration_plans")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    target_return_date = models.DateField()
    school_agreed = models.CharField(max_length=3, choices=YES_NO)
    school_agreed_on = models.DateField(null=True, blank=True)
    plan = models.TextField()
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"Reintegration plan for {self.case}"


class SenPanelRequest(models.Model):
    """A request to the SEN statutory assessment group (SAG) panel, as the SEN officer records it."""

    class Attending(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_KNOWN = "not_known", "Not known"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="sen_panel_requests")
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    panel_date = models.DateField()
    attending_school = models.CharField(max_length=10, choices=Attending.choices)
    details = models.TextField(blank=True)
    access_told_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        "casework.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="sen_panel_requests"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["panel_date", "pk"]

    def __str__(self) -> str:
        return f"SEN panel {self.panel_date}: {self.child}"
