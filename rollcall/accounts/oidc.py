"""Single sign-on with the council's identity provider over OpenID Connect (Authlib).

The authorization code flow with PKCE (S256), a nonce and a state, against the provider named by
``OIDC_DISCOVERY_URL`` (for Microsoft Entra ID: ``https://login.microsoftonline.com/<tenant>/v2.0``).
Authlib fetches the provider's metadata and keys, exchanges the code and checks the ID token's
signature, issuer, audience, expiry and nonce; this module only maps the verified e-mail address
in it to an existing Roll Call account. It never creates an account or grants a role: an address
with no account gets a page saying to ask the administrator, and a line in the log (with the
provider's subject identifier, never the address). Off unless the three settings are given
(docs/operations.md, docs/adr/0007-single-sign-on-and-api-tokens.md).
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from rollcall.accounts.models import User

logger = logging.getLogger(__name__)

NEXT_KEY = "rollcall_sso_next"
# The Entra ID claim that says the e-mail domain's owner verified the address ("email domain
# owner verified"); other providers say ``email_verified``.
ENTRA_VERIFIED = "xms_edov"


def single_sign_on_enabled() -> bool:
    return bool(settings.OIDC_DISCOVERY_URL)


SSO_TWO_FACTOR = "rollcall_sso_two_factor"


def provider_did_two_factor(amr: list[str]) -> bool:
    """Whether a sign-in with the council's provider counts as two-factor (docs/sign-in.md): the
    provider says so in its ``amr`` claim ("mfa"), or the council has told Roll Call its provider
    always asks for a second factor (OIDC_PROVIDER_REQUIRES_MFA, e.g. an Entra ID Conditional
    Access policy on the app). Otherwise Roll Call asks for its own code after the provider."""
    return "mfa" in amr or bool(settings.OIDC_PROVIDER_REQUIRES_MFA)


def session_passed_two_factor_at_provider(request: HttpRequest) -> bool:
    return bool(getattr(request, "session", {}).get(SSO_TWO_FACTOR))


def provider_origin() -> str:
    """The identity provider's origin (scheme, host and port of its discovery address), which the
    sign-in page's Content-Security-Policy lets its single sign-on button lead to; "" when off."""
    if not single_sign_on_enabled():
        return ""
    parts = urlsplit(settings.OIDC_DISCOVERY_URL)
    return f"{parts.scheme}://{parts.netloc}"


@cache
def _client(discovery_url: str, client_id: str, client_secret: str, scopes: str) -> DjangoOAuth2App:
    oauth = OAuth()
    client: DjangoOAuth2App = oauth.register(
        name="council",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=discovery_url,
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "default_timeout": 10},
    )
    return client


def council_client() -> DjangoOAuth2App:
    return _client(
        settings.OIDC_DISCOVERY_URL,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
    )


def verified_email(claims: dict[str, Any]) -> str | None:
    """The e-mail address in the ID token, if the provider says it is verified; else None."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    verified = claims.get("email_verified") is True or claims.get(ENTRA_VERIFIED) in (True, 1, "1", "true")
    return email.strip() if verified else None


def account_for(email: str) -> User | None:
    """The one active Roll Call account with this e-mail address, or None (none, or several)."""
    matches = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
    return matches[0] if len(matches) == 1 else None


def _refused(request: HttpRequest, template: str, status: int = 403) -> HttpResponse:
    return render(
        request, template, {"page_title": "You cannot sign in with your council account"}, status=status
    )


@login_not_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Send the person to the council's provider (a POST from the sign-in page's button)."""
    if not single_sign_on_enabled():
        return redirect("accounts:sign-in")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        request.session[NEXT_KEY] = next_url
    callback = request.build_absolute_uri(reverse("accounts:sso-callback"))
    response: HttpResponse = council_client().authorize_redirect(request, callback)
    return response


@login_not_required
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the person back here with a code; sign them in to their own account."""
    if not single_sign_on_enabled():
        return redirect("accounts:sign-in")
    try:
        token = council_client().authorize_access_token(request)
    except OAuthError as error:
        logger.warning("Single sign-on failed: %s", error.error)
        return _refused(request, "accounts/sso_failed.html", status=400)
    claims: dict[str, Any] = dict(token.get("userinfo") or {})
    subject = claims.get("sub", "")
    email = verified_email(claims)
    if email is None:
        logger.warning("Single sign-on refused: subject %s has no verified e-mail address", subject)
        return _refused(request, "accounts/sso_unverified.html")
    user = account_for(email)
    if user is None:
        logger.warning("Single sign-on refused: no Roll Call account for the e-mail of subject %s", subject)
        return _refused(request, "accounts/sso_unknown.html")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    # What the provider says about how the person proved who they are (e.g. ["pwd", "mfa"]).
    amr = [str(v) for v in claims.get("amr", []) if isinstance(v, str)]
    request.session["rollcall_sso_amr"] = amr
    if provider_did_two_factor(amr):
        request.session[SSO_TWO_FACTOR] = True
    logger.info("Single sign-on: user %s signed in with the council's provider", user.pk)
    next_url = request.session.pop(NEXT_KEY, "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(settings.LOGIN_REDIRECT_URL)
