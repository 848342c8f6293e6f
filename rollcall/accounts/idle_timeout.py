"""The idle timeout: a signed-in session is saved again (pushing Django's expiry on by
SESSION_COOKIE_AGE, SESSION_IDLE_MINUTES) at most once a minute while it is used, instead of on
every request (SESSION_SAVE_EVERY_REQUEST would write the session table on every page). A session
left alone expires by Django's own check; its cookie ends with the browser."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from rollcall import clock

SEEN_AT = "rollcall_seen_at"
REFRESH_SECONDS = 60


def note_seen(request: HttpRequest) -> None:
    request.session[SEEN_AT] = int(clock.now().timestamp())


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and "_auth_user_id" in session:
            seen = session.get(SEEN_AT)
            if not isinstance(seen, int) or clock.now().timestamp() - seen >= REFRESH_SECONDS:
                note_seen(request)
        return response
