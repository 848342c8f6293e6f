"""Users, teams and what each person may do: the facts the permission policies read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from rollcall.rules.workflow import Role

if TYPE_CHECKING:
    from rollcall.schools.models import School


ROLE_CHOICES = [
    (Role.OFFICER.value, "Officer"),
    (Role.MANAGER.value, "Team manager"),
    (Role.HEAD_OF_SERVICE.value, "Head of service"),
    (Role.ADMINISTRATOR.value, "Administrator"),
    (Role.SCHOOL.value, "School user"),
    (Role.READER.value, "Reports reader (director, management team, scrutiny committee)"),
]


class Team(models.Model):
    """A council team that owns cases (Admissions, Inclusion, Access to Education, SEN, Heads)."""

    class Kind(models.TextChoices):
        ADMISSIONS = "admissions", "Admissions"
        INCLUSION = "inclusion", "Inclusion (children missing education)"
        ACCESS = "access", "Access to Education"
        SEN = "sen", "Special educational needs"
        HEADS = "heads", "Heads of Service"
        EHE = "ehe", "Elective home education"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)
    email = models.EmailField(blank=True, help_text="The team's shared mailbox, told of new cases.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: council staff in teams, or a school user scoped to one school."""

    job_title = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    # The helpers below read the prefetched memberships; list pages prefetch them once.
    def _memberships(self) -> list[Membership]:
        cached: list[Membership] | None = getattr(self, "_membership_cache", None)
        if cached is None:
            cached = list(self.memberships.select_related("team", "school"))
            self._membership_cache = cached
        return cached

    def roles_in(self, team: Team | int | None) -> set[Role]:
        """The roles this user holds in a team (by object or id)."""
        team_id = team.pk if isinstance(team, Team) else team
        return {Role(m.role) for m in self._memberships() if m.team_id == team_id}

    @property
    def team_ids(self) -> set[int]:
        return {m.team_id for m in self._memberships() if m.team_id is not None}

    @property
    def team_kinds(self) -> set[str]:
        """The kinds of team this user belongs to ("inclusion", "access"…), without a query."""
        return {m.team.kind for m in self._memberships() if m.team is not None}

    def team_ids_as(self, *roles: Role) -> set[int]:
        """The teams in which this user holds one of these roles."""
        return {m.team_id for m in self._memberships() if m.team_id is not None and Role(m.role) in roles}

    def team_kinds_as(self, *roles: Role) -> set[str]:
        """The kinds of team in which this user holds one of these roles, without a query."""
        return {m.team.kind for m in self._memberships() if m.team is not None and Role(m.role) in roles}

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or any(m.role == Role.ADMINISTRATOR for m in self._memberships())

    @property
    def is_head_of_service(self) -> bool:
        return any(m.role == Role.HEAD_OF_SERVICE for m in self._memberships())

    @property
    def is_report_reader(self) -> bool:
        """A director, management-team or scrutiny-committee member: reports, never a child."""
        return any(m.role == Role.READER for m in self._memberships())

    @property
    def school(self) -> School | None:
        """The one school a school user acts for, or None for council staff."""
        for m in self._memberships():
            if m.role == Role.SCHOOL:
                return m.school
        return None

    @property
    def is_school_user(self) -> bool:
        return self.school is not None

    @property
    def is_council_staff(self) -> bool:
        return not self.is_school_user and (bool(self.team_ids) or self.is_administrator)

    def best_role_in(self, team: Team | int | None) -> Role | None:
        """The most senior role held in the team; heads of service act in every team."""
        order = [Role.HEAD_OF_SERVICE, Role.MANAGER, Role.OFFICER]
        roles = self.roles_in(team)
        if self.is_head_of_service:
            roles.add(Role.HEAD_OF_SERVICE)
        for role in order:
            if role in roles:
                return role
        return None


class Membership(models.Model):
    """A user's role in a team, or a school user's link to their school."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(
        max_length=20,
        choices=ROLE_CHOICES,
    )

    class Meta:
        constraints = [
            # A school user belongs to exactly one school and no team; staff belong to a team.
            models.CheckConstraint(
                name="membership_school_xor_team",
                condition=(Q(role="school", school__isnull=False, team__isnull=True))
                | (~Q(role="school") & Q(school__isnull=True)),
            ),
            models.UniqueConstraint(fields=["user", "team", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        where = self.school or self.team or "the council"
        return f"{self.user}: {self.get_role_display()}, {where}"


class SignInUnlock(models.Model):
    """An administrator lifted a sign-in lockout (django-axes): who, for which username or address, when."""

    unlocked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="unlocks_made")
    username = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    failures_cleared = models.PositiveIntegerField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unlocked_by} unlocked {self.username or self.ip_address} at {self.at:%Y-%m-%d %H:%M}"
