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
