"""The administrators' API tokens page: every token, what it may do, when it was last used, and
a button that revokes it at once. Issuing, revoking and expiring are listed from the tokens'
history (django-simple-history), with who did it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.api.access import can_manage_api_tokens
from rollcall.api.models import ApiToken
from rollcall.api.tokens import token_revoke
from rollcall.api_base import SCOPES

HISTORY_SHOWN = 50
_CHANGES = {"+": "Issued", "~": "Changed", "-": "Revoked or expired"}


def _administrator(request: HttpRequest) -> None:
    if not can_manage_api_tokens(signed_in_user(request)):
        raise PermissionDenied("Only administrators manage API tokens.")


def token_list(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    now = clock.now()
    tokens = [
        {
            "token": token,
            "scopes": [(scope, SCOPES.get(scope, scope)) for scope in token.scopes],
            "expired": token.expiry is not None and token.expiry <= now,
        }
        for token in ApiToken.objects.select_related("user", "issued_by").order_by("user__username", "name")
    ]
    changes = ApiToken.history.select_related("history_user", "user")
    history = changes.order_by("-history_date")[:HISTORY_SHOWN]
    return render(
        request,
        "api/tokens.html",
        {
            "page_title": "API tokens",
            "tokens": tokens,
            "history": [(row, _CHANGES.get(row.history_type, row.history_type)) for row in history],
        },
    )


@require_POST
def token_revoke_view(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    token = ApiToken.objects.select_related("user").filter(digest=request.POST.get("token", "")).first()
    if token is None:
        messages.info(request, "That token was already revoked or has expired.")
        return redirect("api-tokens:list")
    name, owner = token.name, token.user.username
    token_revoke(token, by=signed_in_user(request))
    messages.success(request, f"The token {name} of {owner} is revoked: it no longer works.")
    return redirect("api-tokens:list")
