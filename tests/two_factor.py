"""Two-factor in tests.

``force_login`` stands for the whole sign-in in tests: it skips the password, and (patched in
tests/conftest.py) it also gives the user a confirmed authenticator app and marks the session as
having passed two-factor with it, as the code page would. Enforcement stays on: a session that
signs in through the sign-in form (``sign_in_with_password``) must still enter a code, and the
tests in tests/accounts/ prove it.
"""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from rollcall.accounts.models import User

TEST_AUTHENTICATOR = "Test authenticator app"


def authenticator_for(user: User) -> TOTPDevice:
    """The user's confirmed authenticator app (made for the test when they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TEST_AUTHENTICATOR, confirmed=True)
    return device


def code_for(device: TOTPDevice, *, wait: bool = True) -> str:
    """The code an authenticator app shows now for this device, never one already used.

    django-otp refuses a code from a time step it has accepted before (replay); when now's step is
    used up, the next step's code is accepted within its tolerance, and past that this waits.
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    totp.time = now
    step = totp.t()
    wanted = max(step, device.last_t + 1)
    if wanted > step + device.tolerance:
        if not wait:
            raise AssertionError("no unused code until the next time step")
        time.sleep((wanted - device.tolerance) * device.step + device.t0 - now + 0.5)
        return code_for(device, wait=False)
    totp.time = now + (wanted - step) * device.step
    return f"{totp.token():0{device.digits}d}"


def mark_verified(client: Client, user: User) -> None:
    """What passing the code page leaves in the session: the device that verified it."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
    session.save()


def sign_in_with_password(client: Client, username: str, password: str) -> Any:
    """The sign-in form, as a person fills it in (the first step only)."""
    return client.post("/accounts/sign-in/", {"username": username, "password": password})
