"""Sign in, sign out and the home page that sends each person to their own work."""

from typing import Any

from csp.decorators import csp_update
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.decorators import method_decorator

from rollcall.accounts import oidc
from rollcall.accounts.forms import SignInForm


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True
    extra_context = {"page_title": "Sign in"}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(request, *args, **kwargs)
        provider = oidc.provider_origin()
        if provider:
            # "Sign in with your council account" posts here and is redirected to the provider:
            # the page's Content-Security-Policy form-action must allow that one origin.
            response = csp_update({"form-action": [provider]})(lambda _request: response)(request)
        return response


class SignOutView(auth_views.LogoutView):
    pass


def home(request: HttpRequest) -> HttpResponse:
    """School users go to their school's page; reports readers (directors, committee members)
    to the dashboard; council staff to their caseload."""
    if request.user.is_school_user:  # type: ignore[union-attr]
        return redirect("schools:portal")
    if request.user.is_report_reader and not request.user.team_ids:  # type: ignore[union-attr]
        return redirect("reports:dashboard")
    return redirect("casework:caseload")
