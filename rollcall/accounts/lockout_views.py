"""The administrators' page of locked sign-ins, and unlocking one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rollcall.accounts import lockout
from rollcall.accounts.access import can_unlock_sign_ins, signed_in_user
from rollcall.accounts.models import SignInUnlock


class UnlockForm(forms.Form):
    kind = forms.ChoiceField(choices=[("username", "Username"), ("address", "Address")])
    value = forms.CharField(max_length=255)


@require_http_methods(["GET", "POST"])
def lockouts(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_unlock_sign_ins(user):
        raise PermissionDenied
    if request.method == "POST":
        form = UnlockForm(request.POST)
        if form.is_valid():
            value = form.cleaned_data["value"]
            if form.cleaned_data["kind"] == "username":
                lockout.unlock(user, username=value)
                messages.success(request, f"{value} can sign in again.")
            else:
                lockout.unlock(user, ip_address=value)
                messages.success(request, f"Sign-ins from {value} are allowed again.")
        return redirect("accounts:lockouts")
    return render(
        request,
        "accounts/lockouts.html",
        {
            "page_title": "Locked sign-ins",
            "locks": lockout.current_lockouts(),
            "unlocks": SignInUnlock.objects.select_related("unlocked_by")[:50],
        },
    )
