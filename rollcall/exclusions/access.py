"""Who may notify exclusions, read them and decide penalty notices (docs/exclusions.md).

One place for the pages, the API and the sweep's recipients alike.
"""

from __future__ import annotations

from django.db.models import QuerySet

from rollcall.accounts.models import Team, User
from rollcall.exclusions.models import Consideration, Exclusion
from rollcall.rules.workflow import Role

# Access to Education arranges the council's sixth-day provision (s.19) and, in Roll Call, is the
# attendance support team that considers penalty notices.
OWNING_TEAM = Team.Kind.ACCESS
DECIDING_ROLES = (Role.OFFICER, Role.MANAGER)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_notify(user: User) -> bool:
    """School users notify their own exclusions (the head's duty to tell the council)."""
    return _active(user) and user.is_school_user


def can_read_exclusions(user: User) -> bool:
    """School users (their own school's), the owning team and heads of service."""
    if not _active(user):
        return False
    return user.is_school_user or user.is_head_of_service or OWNING_TEAM in user.team_kinds


def exclusions_visible_to(user: User) -> QuerySet[Exclusion]:
    exclusions = Exclusion.objects.all()
    if not can_read_exclusions(user):
        return exclusions.none()
    school = user.school
    return exclusions.filter(school=school) if school is not None else exclusions


def can_record_provision(user: User) -> bool:
    """The owning team's officers and managers, and heads of service."""
    if not _active(user) or user.is_school_user:
        return False
    return user.is_head_of_service or OWNING_TEAM in user.team_kinds_as(*DECIDING_ROLES)


def can_record_board(user: User, exclusion: Exclusion) -> bool:
    """The excluding school, or the owning team's officers."""
    if not _active(user):
        return False
    if user.is_school_user:
        return user.school is not None and user.school.pk == exclusion.school_id
    return can_record_provision(user)


def can_decide_penalties(user: User) -> bool:
    """The owning team's officers and managers, and heads of service, decide considerations."""
    return can_record_provision(user)


def considerations_visible_to(user: User) -> QuerySet[Consideration]:
    if not can_decide_penalties(user):
        return Consideration.objects.none()
    return Consideration.objects.all()


def can_hold_support_meetings(user: User) -> bool:
    """The attendance support team (Access to Education's officers and managers) and heads of
    service hold the termly support meetings and read each school's list of absent pupils."""
    return can_record_provision(user)
