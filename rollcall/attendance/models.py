"""Attendance marks as schools record them, and the imports that brought them.

Marks are stored the way the Common Transfer File carries them: one string of session codes per
pupil per school per academic year (rollcall/rules/attendance.py defines the positions and the
one-character codes), not one row per mark. A year of a council's marks is then one row per
pupil, and every rule reads one string.
"""

from __future__ import annotations

from django.db import models


class AttendanceImport(models.Model):
    """One file of marks sent by a school or the council, and what became of it."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV (one row per session)"
        CTF = "ctf", "Common Transfer File (XML)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        FAILED = "failed", "Not imported: the file has errors"
        IMPORTED = "imported", "Imported"
        UNCHANGED = "unchanged", "Already imported: nothing changed"

    format = models.CharField(max_length=3, choices=Format.choices)
    file = models.FileField(upload_to="attendance/")
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendance_imports",
        help_text="The school that sent it; empty for a council-wide file.",
    )
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveBigIntegerField(
        default=0, help_text="An estimate from the file's size until the file has been read."
    )
    rows_read = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(
        null=True, blank=True, help_text="When the running import last said how far it had read."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # [{"line": 12, "field": "code", "message": "..."}], at most MAX_ERRORS; error_count is the total.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    # pupils, marks_added, marks_replaced, marks_unchanged, replaced_imports, prompts
    summary = models.JSONField(default=dict, blank=True)

    MAX_ERRORS = 500

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class PupilMarks(models.Model):
    """A pupil's attendance record at one school for one academic year, and what the rules found."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="attendance")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="attendance")
    academic_year = models.PositiveSmallIntegerField(help_text="The year the academic year starts in.")
    marks = models.TextField(
        help_text="One character per session from 1 September (see rules/attendance.py)."
    )
    last_import = models.ForeignKey(
        AttendanceImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField()

    # What the rules found when the record was last evaluated (for lists and flags).
    evaluated_as_of = models.DateField(null=True, blank=True)
    possible_sessions = models.PositiveIntegerField(default=0)
    absent_sessions = models.PositiveIntegerField(default=0)
    unauthorised_sessions = models.PositiveIntegerField(default=0)
    illness_days = models.PositiveIntegerField(default=0)
    unexplained_streak = models.PositiveIntegerField(default=0)
    ground_i_streak = models.PositiveIntegerField(default=0)
    unmarked_days = models.PositiveIntegerField(default=0)
    persistent = models.BooleanField(default=False)
    severe = models.BooleanField(default=False)
    # The days the returns' thresholds were first reached this year at this school (own marks):
    # what the attendance return and the sickness return are owed for (returns completeness).
    tenth_unexplained_day = models.DateField(
        null=True,
        blank=True,
        verbose_name="10th school day absent without a reason",
        help_text="The day the pupil first reached 10 continuous school days coded G, N, O or U this year.",
    )
    fifteenth_illness_day = models.DateField(
        null=True,
        blank=True,
        verbose_name="15th school day of illness",
        help_text="The day of the pupil's 15th school day coded I this year (the council's threshold).",
    )

    class Meta:
        verbose_name = "attendance record"
        constraints = [
            models.UniqueConstraint(
                fields=["child", "school", "academic_year"], name="one_record_per_pupil_school_year"
            )
        ]
        indexes = [
            models.Index(fields=["school", "academic_year"], name="marks_school_year"),
            # Returns completeness reads the records whose day fell in a period: a few in a
            # hundred, so partial indexes, not a read of every pupil's marks.
            models.Index(
                fields=["tenth_unexplained_day"],
                condition=models.Q(tenth_unexplained_day__isnull=False),
                name="marks_tenth_unexplained_day",
            ),
            models.Index(
                fields=["fifteenth_illness_day"],
                condition=models.Q(fifteenth_illness_day__isnull=False),
                name="marks_fifteenth_illness_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance of child {self.child_id} at school {self.school_id}, {self.academic_year}/{self.academic_year + 1 - 2000}"
