"""Who may see which child (docs/access.md). Every view of a child's record is logged.

- Heads of service and administrators: every child.
- Council officers and managers: children with a case (open or closed) owned by one of their teams.
- School users: children who are or were on their school's roll, or whom the school notified;
  never another school's pupils, never case notes.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from rollcall.accounts.models import User
from rollcall.casework.models import Case
from rollcall.people.models import Child
from rollcall.schools.models import RemovalNotice, RollEntry


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
