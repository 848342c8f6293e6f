"""Sign-in lockouts (django-axes): the page a locked-out person sees, and the administrators'
list of locked usernames and addresses with the button that unlocks one (recorded)."""

from __future__ import annotations

from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rollcall import clock
from rollcall.accounts.models import SignInUnlock, User


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, str] | None = None,
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): a GOV.UK page, 429."""
    return render(
        request,
        "accounts/locked_out.html",
        {"page_title": "Error: Signing in is locked", "minutes": settings.AXES_COOLOFF_MINUTES},
        status=429,
    )


@dataclass(frozen=True)
class Lockout:
    """A username or an address with at least AXES_FAILURE_LIMIT failures within the cool-off."""

    kind: str  # "username" or "address"
    value: str
    failures: int
    last_attempt: object


def current_lockouts() -> list[Lockout]:
    """Every username and address locked now, most recent first (two grouped queries)."""
    since = clock.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    limit = settings.AXES_FAILURE_LIMIT
    found: list[Lockout] = []
    for kind, field in (("username", "username"), ("address", "ip_address")):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .order_by()
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
        )
        found.extend(Lockout(kind, str(r[field]), int(r["failures"]), r["last"]) for r in rows if r[field])
    return sorted(found, key=lambda lock: lock.last_attempt, reverse=True)  # type: ignore[arg-type, return-value]


@transaction.atomic
def unlock(by: User, *, username: str = "", ip_address: str = "") -> SignInUnlock:
    """Clear the failures of one username or one address, and record who did it."""
    if bool(username) == bool(ip_address):
        raise ValueError("Unlock either a username or an address.")
    matching = (
        AccessAttempt.objects.filter(username=username)
        if username
        else AccessAttempt.objects.filter(ip_address=ip_address)
    )
    cleared = matching.aggregate(n=Sum("failures_since_start"))["n"] or 0
    if username:
        reset(username=username)
    else:
        reset(ip=ip_address)
    return SignInUnlock.objects.create(
        unlocked_by=by,
        username=username,
        ip_address=ip_address or None,
        failures_cleared=cleared,
        at=clock.now(),
    )
