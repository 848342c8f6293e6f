"""Two-factor sign-in on django-otp (docs/adr/0006-two-factor.md): who must use it, enrolling an
authenticator app, recovery codes, checking a code, and when a person last proved who they are.

Every check of a code is django-otp's (TOTP with replay protection and throttling, single-use
recovery codes); the QR code is drawn by segno. Nothing here does cryptography itself.
"""

from __future__ import annotations

import datetime as dt
import re

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rollcall import clock
from rollcall.accounts.idle_timeout import note_seen
from rollcall.accounts.models import User
from rollcall.rules.workflow import Role

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# The session remembers when its person last gave their password (and code): the timestamp.
CONFIRMED_AT = "rollcall_identity_confirmed_at"


def must_use_two_factor(user: User) -> bool:
    """True when one of the user's roles is in ``TWO_FACTOR_REQUIRED_ROLES``.

    A superuser counts as an administrator; a user with no membership at all counts as council
    staff (required whenever any council role is).
    """
    required = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    roles = {m.role for m in user._memberships()}  # cached on the user for the request
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR.value)
    if not roles:
        return bool(required - {Role.SCHOOL.value})
    return bool(roles & required)


def authenticator(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


@transaction.atomic
def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being enrolled: one unconfirmed device per person, kept until confirmed
    so the QR code does not change between showing it and typing the first code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The enrolment QR code as an SVG data URL: drawn here, never by an outside service."""
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4))


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for people who type it into their app."""
    secret = str(device.config_url).split("secret=", 1)[1].split("&", 1)[0]
    return " ".join(re.findall(".{1,4}", secret))


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with a new set; each works once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


class CodeRefused(Exception):
    """A code was not accepted; ``message`` says why, in words for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def confirm_enrolment(request: HttpRequest, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending authenticator with its first code: the session is then verified and
    the person gets a fresh set of recovery codes (returned once, to show once). None if wrong."""
    with transaction.atomic():
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            raise CodeRefused("You have entered too many wrong codes. Wait a minute, then try again")
        if not device.verify_token(code.strip().replace(" ", "")):
            return None
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
    _verified(request, device)
    return codes


def check_code(user: User, code: str) -> Device:
    """The device that accepts this code: the authenticator app's 6 digits, or one recovery code
    (used up). Raises CodeRefused with the reason; django-otp slows repeated wrong codes."""
    cleaned = code.strip().replace(" ", "").replace("-", "").lower()
    candidates: list[Device] = []
    app = authenticator(user)
    if app is not None and cleaned.isdigit():
        candidates.append(app)
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is not None and not cleaned.isdigit():
        candidates.append(recovery)
    for device in candidates:
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            raise CodeRefused("You have entered too many wrong codes. Wait a minute, then try again")
        accepted = verify_token(user, device.persistent_id, cleaned)
        if accepted is not None:
            return accepted
    raise CodeRefused("Enter a correct code from your authenticator app, or one of your recovery codes")


def verify(request: HttpRequest, device: Device) -> None:
    """Mark the session as having passed two-factor with this device."""
    _verified(request, device)


def _verified(request: HttpRequest, device: Device) -> None:
    otp_login(request, device)
    note_identity_confirmed(request)


def note_identity_confirmed(request: HttpRequest) -> None:
    request.session[CONFIRMED_AT] = clock.now().timestamp()


def identity_confirmed_within(request: HttpRequest, minutes: int) -> bool:
    """True when the person gave their password (and code) in the last ``minutes`` minutes."""
    at = request.session.get(CONFIRMED_AT)
    if not isinstance(at, int | float):
        return False
    return clock.now() - dt.datetime.fromtimestamp(at, tz=dt.UTC) <= dt.timedelta(minutes=minutes)


def _on_sign_in(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        note_identity_confirmed(request)
        note_seen(request)


def connect_signals() -> None:
    """Called from AccountsConfig.ready: every sign-in stamps the session's confirmed time."""
    user_logged_in.connect(_on_sign_in, dispatch_uid="rollcall.accounts.two_factor.sign_in")
