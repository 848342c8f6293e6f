"""Who may report illness, use the SEN panel and read health details (docs/health-needs.md)."""

from __future__ import annotations

from rollcall.accounts.models import Team, User
from rollcall.casework.access import case_role
from rollcall.casework.models import Case


def _in_teams(user: User, *kinds: str) -> bool:
    return not user.team_kinds.isdisjoint(kinds)


def can_report(user: User) -> bool:
    return user.is_school_user or user.is_head_of_service or _in_teams(user, Team.Kind.ACCESS)


def can_use_sen_panel(user: User) -> bool:
    return not user.is_school_user and (
        user.is_head_of_service or _in_teams(user, Team.Kind.SEN, Team.Kind.ACCESS)
    )


def can_see_health_details(user: User, case: Case) -> bool:
    """Medical evidence, referrals, check-in notes: the case's team and heads of service only."""
    return case.kind == "health" and case_role(user, case) is not None
