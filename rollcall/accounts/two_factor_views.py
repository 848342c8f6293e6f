"""Two-factor pages: enrol an authenticator app, enter a code after the password, see recovery
codes once, make new ones, and confirm who you are before a bulk download."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from rollcall.accounts import two_factor
from rollcall.accounts.access import signed_in_user
from rollcall.accounts.two_factor_forms import CodeForm, ConfirmIdentityForm, EnrolForm

V = TypeVar("V", bound=Callable[..., HttpResponse])


def two_factor_exempt(view: V) -> V:
    """Reachable by a signed-in person who has not passed two-factor yet (the pages that let
    them pass it)."""
    view.two_factor_exempt = True  # type: ignore[attr-defined]
    return view


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: the page first asked for, when it is one of ours."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), then enter its first code."""
    user = signed_in_user(request)
    device = two_factor.pending_authenticator(user)
    form = EnrolForm(request.POST or None)
    if form.is_valid():
        try:
            codes = two_factor.confirm_enrolment(request, user, device, form.cleaned_data["code"])
        except two_factor.CodeRefused as refused:
            form.add_error("code", refused.message)
            codes = None
        if codes is not None:
            return render(
                request,
                "accounts/two_factor/recovery_codes.html",
                {"page_title": "Your recovery codes", "codes": codes, "next": _next(request), "new": True},
            )
        elif not form.errors:
            form.add_error("code", "Enter the code your authenticator app shows now")
    return render(
        request,
        "accounts/two_factor/enrol.html",
        {
            "page_title": _title("Set up two-factor authentication", form),
            "form": form,
            "qr_code": two_factor.qr_code_data_uri(device),
            "secret": two_factor.secret_for_typing(device),
            "next": _next(request),
            "replacing": two_factor.has_two_factor(user),
        },
    )


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in."""
    user = signed_in_user(request)
    if not two_factor.has_two_factor(user):
        return redirect(f"{reverse('accounts:two-factor-enrol')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None, user=user)
    if form.is_valid():
        two_factor.verify(request, form.device)
        return redirect(_next(request))
    return render(
        request,
        "accounts/two_factor/verify.html",
        {"page_title": _title("Enter your code", form), "form": form, "next": _next(request)},
    )


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """Your two-factor settings: the app in use, recovery codes left, and new codes."""
    user = signed_in_user(request)
    if request.method == "POST":
        codes = two_factor.new_recovery_codes(user)
        return render(
            request,
            "accounts/two_factor/recovery_codes.html",
            {
                "page_title": "Your new recovery codes",
                "codes": codes,
                "next": reverse("accounts:two-factor"),
                "new": False,
            },
        )
    return render(
        request,
        "accounts/two_factor/manage.html",
        {
            "page_title": "Two-factor authentication",
            "device": two_factor.authenticator(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "required": two_factor.must_use_two_factor(user),
        },
    )


@require_http_methods(["GET", "POST"])
def confirm_identity(request: HttpRequest) -> HttpResponse:
    """Before a bulk download: the password (and code) again, then on to the download."""
    user = signed_in_user(request)
    form = ConfirmIdentityForm(request.POST or None, request=request, user=user)
    if form.is_valid():
        if form.device is not None:
            two_factor.verify(request, form.device)
        else:
            two_factor.note_identity_confirmed(request)
        return redirect(_next(request))
    return render(
        request,
        "accounts/two_factor/confirm_identity.html",
        {
            "page_title": _title("Confirm it is you", form),
            "form": form,
            "next": _next(request),
            "minutes": settings.REAUTHENTICATE_AFTER_MINUTES,
        },
    )


def _title(title: str, form: Any) -> str:
    return f"Error: {title}" if form.is_bound and form.errors else title
