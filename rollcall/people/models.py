"""Children, their carers and addresses: the people every case is about."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least, Upper
from simple_history.models import HistoricalRecords

from rollcall.rules.upn import upn_errors


def validate_upn(value: str) -> None:
    """Reject a UPN whose shape or check letter is wrong (DfE Common Basic Data Set)."""
    errors = upn_errors(value)
    if errors:
        raise ValidationError(errors[0], code="invalid_upn")


class Child(models.Model):
    """A child the council knows about. Names as the child is legally known and prefers."""

    class Gender(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        OTHER = "X", "Other"
        NOT_KNOWN = "U", "Not known"

    legal_forename = models.CharField("legal first name", max_length=100)
    legal_surname = models.CharField("legal last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=1, choices=Gender.choices, default=Gender.NOT_KNOWN)
    upn = models.CharField(
        "UPN", max_length=13, unique=True, null=True, blank=True, validators=[validate_upn]
    )
    # The consistent child identifier (Children Act 2004 s.16LC, not yet commenced): kept
    # nullable beside the UPN so it can be filled when it arrives.
    consistent_identifier = models.CharField(max_length=40, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when an officer merged this record into another (casework/merging.py): everything that
    # pointed here moved to that child, this row stays so old links redirect and undo can restore it.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="absorbed_records"
    )
    # The history is read by child (``id``), by who changed it and by date (casework.school_view,
    # audit.views): the indexes a unique or foreign key would give its copies are never used, and
    # each costs every new child an index write (100,000 on a county's first rolls).
    history = HistoricalRecords(no_db_index=["upn", "consistent_identifier", "merged_into"])

    class Meta:
        verbose_name_plural = "children"
        indexes = [
            # Matching looks children up by surname (ignoring case) and date of birth when there
            # is no UPN; an index on the upper-cased surname serves that lookup on PostgreSQL.
            models.Index(Upper("legal_surname"), F("date_of_birth"), name="child_surname_dob"),
            # Searches by date of birth read people.birthday_lookup's indexes, which lead with it.
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.legal_forename} {self.legal_surname}"

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.legal_forename


class Address(models.Model):
    """Where a child lived from one date to another; the open one is the current address."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField("address line 1", max_length=200)
    line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100)
    postcode = models.CharField(max_length=10)
    moved_in = models.DateField(null=True, blank=True)
    moved_out = models.DateField(null=True, blank=True)
    # The school that sent this, when a school did (a return about a new pupil): what a school is
    # shown of a child is only what it supplied itself (casework/school_view.py, docs/access.md).
    supplied_by_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-moved_in"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(moved_out__isnull=True), name="address_one_current_per_child"
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in [self.line_1, self.line_2, self.town, self.postcode] if p)


class Carer(models.Model):
    """A parent or carer, with the contact details officers use for enquiries."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="carers")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=50)
    parental_responsibility = models.BooleanField(default=True)

    class ContactBy(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "Text message"
        LETTER = "letter", "Letter"

    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    # How the carer asked to be contacted; letters go to the child's current address.
    contact_by = models.CharField(
        "how they want to be contacted", max_length=10, choices=ContactBy.choices, blank=True
    )
    # The language they asked for, noted for the officer (messages are sent in English).
    language = models.CharField("language they asked for", max_length=50, blank=True)
    # The school that sent this, when a school did (a return about a new pupil): what a school is
    # shown of a child is only what it supplied itself (casework/school_view.py, docs/access.md).
    supplied_by_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class PossibleDuplicate(models.Model):
    """Two child records that may be one child. Shown to an officer; never merged silently."""

    class Status(models.TextChoices):
        OPEN = "open", "To review"
        NOT_DUPLICATE = "not_duplicate", "Not the same child"
        SAME_CHILD = "same_child", "Same child"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "other"], name="possible_duplicate_pair"),
            # One row per pair whichever way round it was found, so a pair an officer called "not
            # the same child" can never be offered again as (other, child).
            models.UniqueConstraint(
                Least("child", "other"), Greatest("child", "other"), name="possible_duplicate_pair_any_order"
            ),
            models.CheckConstraint(condition=~Q(child=F("other")), name="possible_duplicate_two_children"),
        ]

    def __str__(self) -> str:
        return f"{self.child} may be {self.other}"
