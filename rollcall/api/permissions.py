"""Who may call which API endpoint, and which removal notices each user may read.

Cases and children use the same policies as the pages (rollcall/casework/policies.py and
rollcall/people/policies.py), so the API never shows what the screens would not. Removal notices
have no page-level policy yet; :func:`removal_notices_visible_to` is that policy for the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from rest_framework.permissions import SAFE_METHODS, BasePermission

from rollcall.accounts.models import Team, User
from rollcall.schools.models import RemovalNotice

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


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


class IsSchoolUserToWrite(BasePermission):
    """Reading is for any signed-in user (the queryset scopes it); sending is for school users.

    A removal notice is a school's deletion return (Pupil Registration Regulations 2024,
    reg. 13(4)): the school it comes from is the user's own school, so council staff cannot send one.
    """

    message = "Only a school user can send a removal notice: council staff cannot send one for a school."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        return isinstance(user, User) and user.is_school_user
