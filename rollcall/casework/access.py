"""Who may see and do what to a case or a child: one policy for pages, lists, the API and exports alike.

The need-to-know matrix is in docs/access.md. In short: a case belongs to its team; members of
that team (officers and managers) see and work it; heads of service and administrators see every
case; school users see no cases at all (a school tells the council, it does not read case notes).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from rollcall.accounts.models import User
from rollcall.casework.models import Case
from rollcall.people.models import Child
from rollcall.rules.workflow import Role
from rollcall.schools.models import RemovalNotice, RollEntry

VIEW = "view"
EDIT = "edit"


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case this user may see: the queryset behind lists, counts and downloads."""
    cases = Case.objects.all()
    if not user.is_authenticated or user.is_school_user:
        return cases.none()
    if user.is_administrator or user.is_head_of_service:
        return cases
    return cases.filter(team_id__in=user.team_ids)


def case_role(user: User, case: Case) -> Role | None:
    """The role in which this user acts on this case, or None if they may not act on it."""
    if user.is_school_user:
        return None
    return user.best_role_in(case.team_id)


def can_view_case(user: User, case: Case) -> bool:
    if not user.is_authenticated or user.is_school_user:
        return False
    return user.is_administrator or user.is_head_of_service or case.team_id in user.team_ids


def can_edit_case(user: User, case: Case) -> bool:
    """Work on a case (notes, enquiries, tasks, moves) is for its team and heads of service.

    Administrators can see a case for audit, but do not do casework.
    """
    return case_role(user, case) is not None


def get_case_for_user(user: User, case_id: int, action: str = VIEW) -> Case:
    """Fetch a case the user may see (404 otherwise, so its existence is not disclosed)."""
    try:
        case = Case.objects.select_related("child", "team", "owner").get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404("No such case") from None
    if not can_view_case(user, case):
        raise Http404("No such case")
    if action == EDIT and not can_edit_case(user, case):
        raise PermissionDenied("You cannot change this case.")
    return case


# ---- children ------------------------------------------------------------------------------------
# Heads of service and administrators: every child. Council officers and managers: children with a
# case (open or closed) owned by one of their teams. School users: children who are or were on their
# school's roll, or whom the school notified; never another school's pupils, never case notes.


def children_visible_to(user: User) -> QuerySet[Child]:
    """The children this user may see: used by search, pages and the API alike."""
    children = Child.objects.all()
    if user.is_administrator or user.is_head_of_service:
        return children
    school = user.school
    if school is not None:
        on_roll = RollEntry.objects.filter(child=OuterRef("pk"), school=school)
        notified = RemovalNotice.objects.filter(child=OuterRef("pk"), school=school)
        return children.filter(Q(Exists(on_roll)) | Q(Exists(notified)))
    team_case = Case.objects.filter(child=OuterRef("pk"), team_id__in=user.team_ids)
    return children.filter(Exists(team_case))


def get_child_for_user(user: User, child_id: int) -> Child:
    """Fetch a child the user may see, or 404 (without saying whether the child exists)."""
    child = children_visible_to(user).filter(pk=child_id).first()
    if child is None:
        raise Http404("No such child")
    return child
