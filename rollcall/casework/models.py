"""Cases, their tasks, notes, enquiries, flags, escalations and events (the timeline)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from rollcall.rules.escalation import Ladder, Level
from rollcall.rules.workflow import WORKFLOWS, Workflow
from rollcall.singletons import SettingsRow

KIND_CHOICES = [(kind, wf.label) for kind, wf in WORKFLOWS.items()]
LEVEL_CHOICES = [(level.value, level.label) for level in Level]


class RuleSettings(SettingsRow):
    """The council's timescales. One row; each default is the statutory or seed value (DOMAIN.md)."""

    first_enquiry_school_days = models.PositiveSmallIntegerField(
        default=1, help_text="School days from a CME referral to the first enquiry."
    )
    enquiries_complete_school_days = models.PositiveSmallIntegerField(
        default=20, help_text="School days from a CME referral by which reasonable enquiries are complete."
    )
    escalate_to_manager_after = models.PositiveSmallIntegerField(
        default=5, help_text="School days a task may be overdue before the team manager is told."
    )
    escalate_to_head_after = models.PositiveSmallIntegerField(
        default=10, help_text="School days overdue before the head of service is told."
    )
    exceptions_after = models.PositiveSmallIntegerField(
        default=20, help_text="School days overdue before the case joins the exceptions report."
    )
    challenge_removal_school_days = models.PositiveSmallIntegerField(
        default=5, help_text="School days to challenge a school about a possibly unlawful removal."
    )
    continuous_absence_for_ground_i = models.PositiveSmallIntegerField(
        default=20, help_text="Continuous school days of absence ground (i) needs (reg. 9(1)(i))."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "rule settings"
        verbose_name_plural = "rule settings"
        constraints = [models.CheckConstraint(name="rule_settings_singleton", condition=Q(pk=1))]

    def __str__(self) -> str:
        return "Council timescales"

    @property
    def ladder(self) -> Ladder:
        return Ladder(
            manager_after=self.escalate_to_manager_after,
            head_after=self.escalate_to_head_after,
            exceptions_after=self.exceptions_after,
        )


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(closed_at__isnull=True)

    def closed(self) -> CaseQuerySet:
        return self.filter(closed_at__isnull=False)


class Case(models.Model):
    """A piece of council work about one child, owned by a team and a named officer."""

    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="cases")
    owner = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="owned_cases"
    )
    status = models.CharField(max_length=30)
    source = models.CharField(
        max_length=100, help_text="How the council heard: a removal notice, a referral…"
    )
    summary = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    opened_on = models.DateField(help_text="The date in England the case opened: day 0 of its deadlines.")
    # The next thing to do and when: copied from the earliest open task on every write so the
    # caseload and the sweep can sort and filter on an indexed column.
    next_action = models.CharField(max_length=200, blank=True)
    next_action_due = models.DateField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES, default=Level.OFFICER)
    # The day the sweep must look at this case again to escalate it; the sweep asks only
    # "which open cases have next_escalation_on <= today?" (see the partial index below).
    next_escalation_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=40, blank=True)
    outcome_details = models.JSONField(default=dict, blank=True)
    removal_notice = models.ForeignKey(
        "schools.RemovalNotice", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    # The version a form or API client read (rollcall/concurrency.py): every write claims the next.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["next_action_due", "pk"]
        constraints = [
            # The one invariant (DESIGN.md): an open case always has a named officer and a date.
            models.CheckConstraint(
                name="open_case_has_owner_and_due_date",
                condition=Q(closed_at__isnull=False) | Q(owner__isnull=False, next_action_due__isnull=False),
            ),
            # A closed case says how it ended (the workflow demands an outcome for every closing
            # move); the invariant counts a case closed without one as no case at all.
            models.CheckConstraint(
                name="closed_case_has_outcome",
                condition=Q(closed_at__isnull=True) | ~Q(outcome=""),
            ),
            # A child has at most one open case of each kind: new facts join the open case.
            models.UniqueConstraint(
                fields=["child", "kind"], condition=Q(closed_at__isnull=True), name="one_open_case_per_kind"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_escalation_on"], condition=Q(closed_at__isnull=True), name="case_escalation_due"
            ),
            models.Index(
                fields=["team", "next_action_due"], condition=Q(closed_at__isnull=True), name="case_team_due"
            ),
            models.Index(
                fields=["owner", "next_action_due"],
                condition=Q(closed_at__isnull=True),
                name="case_owner_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.child}"

    @property
    def workflow(self) -> Workflow:
        return WORKFLOWS[self.kind]

    @property
    def reference(self) -> str:
        return f"{self.kind.upper()}-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def status_label(self) -> str:
        return self.workflow.statuses.get(self.status, self.status)

    @property
    def outcome_label(self) -> str:
        outcome = self.workflow.outcomes.get(self.outcome)
        return outcome.label if outcome else ""

    @property
    def level(self) -> Level:
        return Level(self.escalation_level)


class Task(models.Model):
    """A dated piece of work on a case, assigned to one person."""

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(max_length=40, help_text="What kind of task: first_enquiry, review…")
    title = models.CharField(max_length=200)
    due = models.DateField()
    assignee = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="tasks")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True)
    # Tasks the rules or the sweep create carry a key (e.g. "review:42:1") so a second run of
    # the same step finds the task already there instead of making another.
    # The version a form or API client read (rollcall/concurrency.py): every write claims the next.
    version = models.PositiveIntegerField(default=1, editable=False)
    key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        indexes = [
            models.Index(fields=["due"], condition=Q(status="open"), name="task_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (due {self.due})"


class Note(models.Model):
    """A case note. Visible only to the case's team and those above it (docs/access.md)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Note on {self.case.reference} by {self.author}"


class Enquiry(models.Model):
    """One of the reasonable enquiries the CME guidance expects, with its result."""

    class Party(models.TextChoices):
        LAST_SCHOOL = "last_school", "The last school"
        CARERS = "carers", "Parents, carers and relatives"
        COUNCIL_SERVICES = (
            "council_services",
            "Other council services (housing, social care, council tax, youth justice)",
        )
        HEALTH = "health", "Health (GP, health visitor, school nurse)"
        POLICE = "police", "Police"
        NEIGHBOURING_COUNCILS = "neighbouring_councils", "Neighbouring councils"
        LOST_PUPILS = "lost_pupils", "The Lost Pupils Database"
        RECEIVING_AUTHORITY = "receiving_authority", "The receiving authority (child left the area)"
        OTHER = "other", "Other"

    class Result(models.TextChoices):
        LOCATED = "located", "Child located"
        INFORMATION = "information", "Useful information, child not yet located"
        NOTHING = "nothing", "Nothing known"
        NO_REPLY = "no_reply", "No reply yet"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="enquiries")
    party = models.CharField(max_length=30, choices=Party.choices)
    made_on = models.DateField()
    result = models.CharField(max_length=20, choices=Result.choices)
    details = models.TextField(blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["made_on", "pk"]
        verbose_name_plural = "enquiries"

    def __str__(self) -> str:
        return f"{self.get_party_display()} on {self.made_on}"


class Flag(models.Model):
    """A warning shown on the child everywhere: a possible unlawful removal, a CME risk."""

    class Code(models.TextChoices):
        POSSIBLY_UNLAWFUL_REMOVAL = "possibly_unlawful_removal", "Possibly unlawful removal from roll"
        MISSING_EDUCATION = "missing_education", "Child missing education"
        EXCEPTION = "exception", "On the exceptions report"
        VULNERABLE_APPLICANT = "vulnerable_applicant", "Vulnerable applicant"
        PERSISTENT_ABSENCE = "persistent_absence", "Persistent absence (10% or more of sessions missed)"
        SEVERE_ABSENCE = "severe_absence", "Severe absence (50% or more of sessions missed)"

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="flags")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="flags")
    code = models.CharField(max_length=40, choices=Code.choices)
    details = models.TextField(blank=True)
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "code"], condition=Q(cleared_at__isnull=True), name="flag_once_per_case"
            ),
            # A child-level flag (no case: persistent or severe absence) is raised once until cleared.
            models.UniqueConstraint(
                fields=["child", "code"],
                condition=Q(case__isnull=True, cleared_at__isnull=True),
                name="child_flag_once",
            ),
        ]

    def __str__(self) -> str:
        return self.get_code_display()


class Escalation(models.Model):
    """A case reaching a rung of its escalation ladder; unique so the sweep cannot repeat one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES)
    reached_on = models.DateField()
    overdue_since = models.DateField(help_text="The due date of the overdue work that caused it.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-reached_on", "-level"]
        constraints = [
            models.UniqueConstraint(fields=["case", "level", "overdue_since"], name="escalation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} to {Level(self.level).label} on {self.reached_on}"


class Event(models.Model):
    """Something that happened to a child: the timeline, the audit trail and the outbox in one.

    ``verb`` is a stable code and ``payload`` its typed facts; the words shown on the timeline are
    rendered from them (casework/events.py), so wording can change without migrating data.
    """

    # Found by child through event_child_timeline, which leads with it: no index of its own.
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="events", db_index=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=50)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    payload: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["child", "-at"], name="event_child_timeline")]

    def __str__(self) -> str:
        return f"{self.verb} on {self.at:%Y-%m-%d}"


class SweepRun(models.Model):
    """One run of the daily sweep: what it did, and every breach of the invariant it found."""

    as_of = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict)
    breaches = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Sweep as of {self.as_of}"


class ChildMerge(models.Model):
    """Two records of one child made one: who did it, why, and exactly which rows moved.

    ``moved`` is what undo needs to put everything back (see rollcall/casework/merging.py for its
    shape): each table and field that pointed at the absorbed child with the primary keys that were
    repointed, rows closed or left behind to keep a uniqueness rule, and the child fields copied.
    The row is never deleted; an undo is recorded on it.
    """

    survivor = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    absorbed = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    merged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField()
    moved: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        constraints = [
            # A record is absorbed at most once at a time: a second merge needs the first undone.
            models.UniqueConstraint(
                fields=["absorbed"], condition=Q(undone_at__isnull=True), name="child_merge_absorbed_once"
            ),
            models.CheckConstraint(
                condition=~Q(survivor=models.F("absorbed")), name="child_merge_two_children"
            ),
        ]

    def __str__(self) -> str:
        return f"Child {self.absorbed_id} merged into child {self.survivor_id}"


class BreakGlass(models.Model):
    """A council officer's time-limited access to a child's record outside their teams' cases,
    given after they wrote a reason ("break the glass", docs/adr/0008-break-the-glass.md).

    Each view under it is logged with the reason (audit.RecordView, outcome "break-glass"); the
    managers of the teams that own the child's cases are told there is an access to review.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = "break-the-glass access"
        indexes = [models.Index(fields=["user", "child", "-expires_at"], name="breakglass_user_child")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")), name="breakglass_expires_after"
            )
        ]

    def __str__(self) -> str:
        return f"Break-the-glass access to child {self.child_id} by user {self.user_id}"
