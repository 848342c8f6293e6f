"""Who may read the returns schools send and decide claims to confirm (docs/access.md)."""

from __future__ import annotations

from django.db.models import QuerySet

from rollcall.accounts.models import Team, User
from rollcall.returns.models import SchoolReturn
from rollcall.schools.models import RemovalNotice


def can_read_all_removal_notices(user: User) -> bool:
    """Heads of service, administrators and the Inclusion team (who act on removals) read every notice."""
    if user.is_school_user:
        return False
    if user.is_administrator or user.is_head_of_service:
        return True
    return Team.objects.filter(kind=Team.Kind.INCLUSION, pk__in=user.team_ids).exists()


def removal_notices_visible_to(user: User) -> QuerySet[RemovalNotice]:
    """The removal notices this user may read: a school its own, the council's removal staff all."""
    notices = RemovalNotice.objects.all()
    school = user.school
    if school is not None:
        return notices.filter(school=school)
    if can_read_all_removal_notices(user):
        return notices
    return notices.none()


def can_decide_claim(user: User, claim: SchoolReturn) -> bool:
    """The owning team's officers and managers, and heads of service, confirm or refuse a claim."""
    if user.is_school_user or not user.is_active:
        return False
    return user.is_head_of_service or (claim.team_id is not None and claim.team_id in user.team_ids)


def can_watch_returns(user: User) -> bool:
    """Administrators (and heads of service) see bursts of returns and every refused claim."""
    return user.is_active and not user.is_school_user and (user.is_administrator or user.is_head_of_service)
