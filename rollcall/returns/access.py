"""Who may read the returns schools send and decide claims to confirm (docs/access.md)."""

from __future__ import annotations

from django.db.models import QuerySet

from rollcall.accounts.models import Team, User
from rollcall.returns.models import SchoolReturn
from rollcall.rules.workflow import Role
from rollcall.schools.models import RemovalNotice

# Which team checks each kind of return whose details need a council officer's look.
OWNING_TEAM = {
    SchoolReturn.Kind.REMOVAL: Team.Kind.INCLUSION,
    SchoolReturn.Kind.NEW_PUPIL: Team.Kind.INCLUSION,
    SchoolReturn.Kind.ILLNESS_REPORT: Team.Kind.ACCESS,
    SchoolReturn.Kind.EXCLUSION: Team.Kind.ACCESS,
    # 10 school days' unexplained absence is the child missing education prompt: Inclusion's.
    SchoolReturn.Kind.ATTENDANCE: Team.Kind.INCLUSION,
}
# Officers and managers of the owning team check a return (a reader in the team does not).
CHECKING_ROLES = (Role.OFFICER, Role.MANAGER)


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
    return user.is_head_of_service or claim.team_id in user.team_ids_as(*CHECKING_ROLES)


def can_check_returns(user: User) -> bool:
    """Members of a team that checks returns, and heads of service: the queue of returns to check."""
    if not user.is_authenticated or not user.is_active or user.is_school_user:
        return False
    return user.is_head_of_service or not user.team_kinds_as(*CHECKING_ROLES).isdisjoint(OWNING_TEAM.values())


def claims_visible_to(user: User) -> QuerySet[SchoolReturn]:
    """The returns waiting for this user's teams to check (every one for a head of service)."""
    claims = SchoolReturn.objects.filter(status=SchoolReturn.Status.TO_CONFIRM)
    if not can_check_returns(user):
        return claims.none()
    if user.is_head_of_service:
        return claims
    return claims.filter(team_id__in=user.team_ids_as(*CHECKING_ROLES))


def can_watch_returns(user: User) -> bool:
    """Administrators (and heads of service) see bursts of returns and every refused claim."""
    return user.is_active and not user.is_school_user and (user.is_administrator or user.is_head_of_service)


def can_see_returns_by_school(user: User) -> bool:
    """Returns completeness across schools: the teams that check returns (officers and managers of
    Inclusion and Access to Education) and heads of service; never a school."""
    return can_check_returns(user)


def can_see_own_returns_owed(user: User) -> bool:
    """A school's users see the returns their own school owes (and only theirs)."""
    return user.is_authenticated and user.is_active and user.is_school_user and user.school is not None
