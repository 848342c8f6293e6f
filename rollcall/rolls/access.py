"""Who may load a school's roll (docs/rolls.md): the pages, the API and the command's callers alike."""

from __future__ import annotations

from rollcall.accounts.models import Team, User
from rollcall.rules.workflow import Role
from rollcall.schools.models import School

# The council team that follows up children who drop off every roll loads rolls for any school.
LOADING_TEAMS = frozenset({Team.Kind.INCLUSION})
LOADING_ROLES = (Role.OFFICER, Role.MANAGER)


def can_load_roll(user: User, school: School) -> bool:
    """A school's own users; the Inclusion team's officers and managers and administrators for any."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_school_user:
        own = user.school
        return own is not None and own.pk == school.pk
    return user.is_administrator or not user.team_kinds_as(*LOADING_ROLES).isdisjoint(LOADING_TEAMS)


def can_see_roll_history(user: User, school: School) -> bool:
    """Those who may load the roll, and heads of service: a school's roll over time, with the names
    of the pupils whose deletion returns are missing."""
    return can_load_roll(user, school) or (user.is_active and user.is_head_of_service)
