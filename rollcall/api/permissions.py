"""Who may call which API endpoint.

What each user may read comes from the same policies as the pages (rollcall/casework/access.py,
rollcall/people/access.py, rollcall/schools/access.py), so the API never shows what the
screens would not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission

from rollcall.accounts.models import User

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


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
