"""Who is signed in: the one helper every page and API view starts from."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from rollcall.accounts.models import User


def signed_in_user(request: HttpRequest | Request) -> User:
    """The signed-in person.

    Pages sit behind ``LoginRequiredMiddleware`` and API views behind DRF's ``IsAuthenticated``,
    so nobody else reaches a view; this narrows the type and refuses anyone who slips through
    (403 on a page, 401 with a JSON body on the API).
    """
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated if isinstance(request, Request) else PermissionDenied
    return user


# Which menu a signed-in person sees (rollcall.navigation): exactly one of the three is true.
def sees_school_menu(user: User) -> bool:
    """School users: their school's portal."""
    return user.is_school_user


def sees_reader_menu(user: User) -> bool:
    """Report readers in no team (directors, the management team, committee members): figures,
    never a child."""
    return not user.is_school_user and user.is_report_reader and not user.team_ids


def sees_staff_menu(user: User) -> bool:
    """Everyone else signed in: council staff, heads of service and administrators."""
    return not sees_school_menu(user) and not sees_reader_menu(user)


def can_unlock_sign_ins(user: User) -> bool:
    """Administrators see locked sign-ins and unlock them."""
    return user.is_administrator
