"""``{% council_sign_in %}``: the "Sign in with your council account" button, only when single
sign-on is set up (rollcall/accounts/oidc.py)."""

from __future__ import annotations

from typing import Any

from django import template

from rollcall.accounts.oidc import single_sign_on_enabled

register = template.Library()


@register.inclusion_tag("accounts/includes/council_sign_in.html", takes_context=True)
def council_sign_in(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    return {
        "enabled": single_sign_on_enabled(),
        "next": context.get("next", ""),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
